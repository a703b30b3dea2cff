"""The documentation pages render in a real browser with the network cut off: every file they need comes
from the app (vendored, pinned), none from a CDN.

Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright; every request to any other host than
the app's is refused and recorded, and the test fails if the page asked for one.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import playwright.sync_api as playwright_sync
import pytest
import uvicorn

from content.core.settings import load_settings
from service.app import create_app
from service.docs import ASSETS_DIR, SCALAR, SWAGGER_UI

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TITLE = "Odyssée API"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread."""
    data_dir = tmp_path_factory.mktemp("docs") / "data"
    app = create_app(load_settings(env={}, data_dir=data_dir))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def _render(base_url: str, path: str, selector: str) -> tuple[str, list[str]]:
    """Open ``path`` offline; the text of the first ``selector`` once visible, and the foreign requests."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed for this test: {CHROMIUM} (Debian package chromium)")
    foreign: list[str] = []

    def only_the_app(route: playwright_sync.Route) -> None:
        if route.request.url.startswith(base_url + "/"):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort("internetdisconnected")

    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            # Belt and braces: no name resolves, as on a machine without a network.
            args=["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        )
        try:
            context = browser.new_context(offline=False)
            context.route("**/*", only_the_app)
            page = context.new_page()
            page.goto(base_url + path, wait_until="load")
            element = page.locator(selector).first
            element.wait_for(state="visible", timeout=60_000)
            text = element.inner_text()
        finally:
            browser.close()
    return text, foreign


def test_scalar_renders_the_api_title_offline(base_url: str) -> None:
    text, foreign = _render(base_url, "/schema", f"h1:has-text('{TITLE}')")
    assert TITLE in text
    assert foreign == []


def test_swagger_ui_renders_the_api_title_offline(base_url: str) -> None:
    text, foreign = _render(base_url, "/schema/swagger", ".information-container .title")
    assert TITLE in text
    assert foreign == []


def test_the_pages_name_only_vendored_files(base_url: str) -> None:
    """No ``http(s)://`` URL in the HTML, and every asset it names is served, cached, from the app."""
    import httpx

    for path, assets in (
        ("/schema", [f"{SCALAR}/standalone.js"]),
        ("/schema/swagger", [f"{SWAGGER_UI}/swagger-ui-bundle.js", f"{SWAGGER_UI}/swagger-ui.css"]),
    ):
        page = httpx.get(base_url + path)
        assert page.status_code == 200
        assert "https://" not in page.text
        assert "http://" not in page.text
        for asset in assets:
            assert asset in page.text
            answer = httpx.get(base_url + asset)
            assert answer.status_code == 200, asset
            assert "max-age=31536000" in answer.headers["cache-control"]


def test_every_vendored_package_has_its_licence_and_pinned_version() -> None:
    folders = [folder for folder in ASSETS_DIR.iterdir() if folder.is_dir()]
    assert len(folders) == 2
    for folder in folders:
        assert (folder / "LICENSE").stat().st_size > 500
        package = json.loads((folder / "package.json").read_bytes())
        assert folder.name.endswith("-" + package["version"])
