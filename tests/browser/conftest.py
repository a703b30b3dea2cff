"""Browser tests: the real app served by uvicorn on 127.0.0.1 (a free port) over a real SQLite data
directory, driven by Playwright with Debian's Chromium (``executable_path``; Playwright's own browser
download is never used). Helpers: ``signed_in`` (a page signed in through the form), ``check_axe``
(axe-core, vendored for the tests, no serious or critical violation) and ``shoot`` (screenshots at
1280 and 390 px into ``tests/browser/screenshots/``, for people to look at).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from content.core.settings import Settings, load_settings
from service.app import create_app
from tests.browser.seed import Account, Seeded, seed

CHROMIUM = Path(os.environ.get("ODYSSEE_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).parent / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe-core-4.11.1" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

playwright_sync = pytest.importorskip("playwright.sync_api")
# Retrying assertions wait as long as actions do: two shared cores are slow under load.
playwright_sync.expect.set_options(timeout=15_000)
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@dataclass(frozen=True)
class Site:
    url: str
    settings: Settings
    seeded: Seeded

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)


def _in_thread(function: Callable[..., Any], *args: Any) -> Any:
    """Run a coroutine function in its own thread and loop (pytest-asyncio may run one here)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, function(*args)).result()


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test runner owns the signals
        pass


@pytest.fixture(scope="session")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seeded]:
    data_dir = tmp_path_factory.mktemp("backoffice-template")
    return data_dir, _in_thread(seed, load_settings(env={}, data_dir=data_dir))


@pytest.fixture(scope="module")
def site(site_template: tuple[Path, Seeded], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A fresh copy of the seeded data, served for one test module."""
    data_dir = tmp_path_factory.mktemp("backoffice") / "data"
    shutil.copytree(site_template[0], data_dir)
    settings = load_settings(env={}, data_dir=data_dir, pack_rebuild_delay_s=0.2)
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = _Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Site(url=f"http://127.0.0.1:{port}", settings=settings, seeded=site_template[1])
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Per module, not per session: Playwright's sync API runs an event loop in this thread while it is
    # started, which the asyncio tests that follow must not find still running.
    with playwright_sync.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Any, site: Site) -> Iterator[Callable[..., Any]]:
    """Pages in fresh browser contexts (separate cookies): ``new_page()`` or ``new_page(width=390)``."""
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 800, lang: str = "fr-FR") -> Any:
        context = browser.new_context(
            base_url=site.url,
            viewport={"width": width, "height": height},
            locale=lang,
            extra_http_headers={"Accept-Language": lang},
        )
        context.set_default_timeout(15_000)
        # axe-core arrives as an init script (through DevTools, not the page), so the pages keep their CSP.
        context.add_init_script(path=str(AXE))
        contexts.append(context)
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        _PROBLEMS[id(page)] = problems
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Any, account: Account, *, next_path: str = "") -> None:
    page.goto("/backoffice/login" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Adresse e-mail").fill(account.email)
    page.get_by_label("Mot de passe").fill(account.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


@pytest.fixture
def signed_in(new_page: Callable[..., Any]) -> Callable[..., Any]:
    def make(account: Account, **page_options: Any) -> Any:
        page = new_page(**page_options)
        sign_in(page, account)
        return page

    return make


_PROBLEMS: dict[int, list[str]] = {}


def check_axe(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; fail on any serious or critical violation,
    and on any script error or Content-Security-Policy refusal seen so far on this page."""
    assert not _PROBLEMS.get(id(page)), _PROBLEMS[id(page)]
    assert page.evaluate("typeof window.axe !== 'undefined'"), "axe-core is added to every page of new_page()"
    tags = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']"
    result = page.evaluate(f"() => axe.run(document, {{runOnly: {{type: 'tag', values: {tags}}}}})")
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "axe: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}" for v in serious
    )
    return list(result["violations"])


def shoot(page: Any, name: str) -> None:
    """Screenshots of the current page at 1280 px and 390 px wide (full page), for people to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 800})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)
