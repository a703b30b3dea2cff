"""Several server processes on one database: one pack rebuild per debounce window whichever process took
the edits, the rebuild lease handed over when its holder is killed with SIGKILL, and ``/metrics`` summing
every worker's figures whichever worker answers the scrape."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest

from tests.service.accounts_fixtures import Accounts
from tests.service.editor.content_helpers import ROUTES, new_route

ROOT = Path(__file__).resolve().parents[3]
_HOLDER = re.compile(r":(\d+):[0-9a-f]+$")


@pytest.fixture
def data_dir(tmp_path: Path, accounts_template: tuple[Path, Accounts]) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(accounts_template[0], data / "odyssee.sqlite3")
    return data


@contextmanager
def server(
    data_dir: Path, log: Path, *, workers: int, delay_s: float, env: dict[str, str] | None = None
) -> Iterator[str]:
    """``odyssee serve`` on a free port; yields its base URL, stops it on exit."""
    env = {
        **os.environ,
        "ODYSSEE_DATA_DIR": str(data_dir),
        "ODYSSEE_PACK_REBUILD_DELAY_S": str(delay_s),
        "ODYSSEE_LOG_LEVEL": "info",
        **(env or {}),
    }
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tools.cli", "serve", "--port", str(port), "--workers", str(workers)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        url = f"http://127.0.0.1:{port}"
        while True:
            assert process.poll() is None, log.read_text()
            with suppress(httpx.HTTPError):
                if httpx.get(f"{url}/api/v1/health", timeout=5).status_code == 200:
                    break
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield url
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def staff_headers(url: str, accounts: Accounts) -> dict[str, str]:
    login = httpx.post(
        f"{url}/api/v1/auth/login",
        json={"email": accounts.staff.email, "password": accounts.staff.password},
        timeout=30,
    )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['token']}"}


def publish_route(url: str, staff: dict[str, str]) -> str:
    created = httpx.post(f"{url}{ROUTES}", json=new_route(), headers=staff, timeout=30)
    assert created.status_code == 201, created.text
    route_id = str(created.json()["id"])
    published = httpx.post(
        f"{url}{ROUTES}/{route_id}/publish",
        headers={**staff, "If-Match": created.headers["etag"]},
        timeout=30,
    )
    assert published.status_code == 200, published.text
    return route_id


def edit(url: str, staff: dict[str, str], route_id: str, text: str) -> None:
    current = httpx.get(f"{url}{ROUTES}/{route_id}", headers=staff, timeout=30)
    edited = httpx.patch(
        f"{url}{ROUTES}/{route_id}",
        json={"summary": {"fr": text}},
        headers={**staff, "If-Match": current.headers["etag"]},
        timeout=30,
    )
    assert edited.status_code == 200, edited.text


def version(url: str, route_id: str) -> int | None:
    answer = httpx.get(f"{url}/api/v1/packs/route:{route_id}", timeout=30)
    return int(answer.json()["version"]) if answer.status_code == 200 else None


def wait_for_version(url: str, route_id: str, wanted: int, within_s: float) -> float:
    """Seconds until the catalogue lists ``wanted`` (fails after ``within_s``)."""
    started = time.monotonic()
    while version(url, route_id) != wanted:
        assert time.monotonic() - started < within_s, f"version {version(url, route_id)}, wanted {wanted}"
        time.sleep(0.1)
    return time.monotonic() - started


def holder_pid(data_dir: Path) -> int | None:
    with sqlite3.connect(data_dir / "odyssee.sqlite3") as conn:
        rows = conn.execute(
            "SELECT holder FROM leases WHERE name = 'pack-rebuilder' AND expires_at > ?", (time.time(),)
        ).fetchall()
    if not rows:
        return None
    found = _HOLDER.search(rows[0][0])
    return int(found.group(1)) if found else None


def test_edits_through_two_processes_make_one_rebuild_per_debounce_window(
    data_dir: Path, tmp_path: Path, accounts: Accounts
) -> None:
    delay = 1.5
    with (
        server(data_dir, tmp_path / "a.log", workers=1, delay_s=delay) as first,
        server(data_dir, tmp_path / "b.log", workers=1, delay_s=delay) as second,
    ):
        staff = staff_headers(first, accounts)
        route_id = publish_route(first, staff)
        wait_for_version(second, route_id, 1, within_s=60)
        for index in range(10):  # a burst, alternating between the two processes
            edit(first if index % 2 else second, staff, route_id, f"Version {index}.")
        wait_for_version(first, route_id, 2, within_s=60)
        time.sleep(3 * delay)  # long enough for a second round, had the burst made two
        assert version(first, route_id) == version(second, route_id) == 2
        # A second burst, through the other process first: one more version.
        for index in range(10, 16):
            edit(second if index % 2 else first, staff, route_id, f"Version {index}.")
        wait_for_version(second, route_id, 3, within_s=60)
        time.sleep(3 * delay)
        assert version(first, route_id) == 3


def test_killing_the_lease_holder_hands_the_rebuilds_over(
    data_dir: Path, tmp_path: Path, accounts: Accounts
) -> None:
    with server(data_dir, tmp_path / "serve.log", workers=2, delay_s=0.2) as url:
        staff = staff_headers(url, accounts)
        route_id = publish_route(url, staff)
        wait_for_version(url, route_id, 1, within_s=60)
        holder = holder_pid(data_dir)
        assert holder is not None
        os.kill(holder, signal.SIGKILL)
        killed = time.monotonic()
        while (successor := holder_pid(data_dir)) in (None, holder):
            assert time.monotonic() - killed < 20, "nobody took the lease over"
            time.sleep(0.1)
        handed_over_s = time.monotonic() - killed
        assert successor != holder
        assert handed_over_s < 10
        # The new holder rebuilds: an edit made now reaches the catalogue.
        edit(url, staff, route_id, "Après la relève.")
        wait_for_version(url, route_id, 2, within_s=60)


def _sample(text: str, name: str) -> float:
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + " ")]
    assert len(values) == 1, text
    return values[0]


def test_metrics_sum_every_worker_whichever_answers(
    data_dir: Path, tmp_path: Path, accounts: Accounts
) -> None:
    with server(data_dir, tmp_path / "first.log", workers=1, delay_s=0.2) as url:
        staff = staff_headers(url, accounts)
        route_id = publish_route(url, staff)
        wait_for_version(url, route_id, 1, within_s=60)
    token = {"Authorization": "Bearer scrape-me"}
    env = {"ODYSSEE_METRICS_TOKEN": "scrape-me"}
    with server(data_dir, tmp_path / "serve.log", workers=2, delay_s=60, env=env) as url:
        for _ in range(30):  # a new connection each: the two workers share them
            assert httpx.get(f"{url}/api/v1/pois/nowhere", timeout=30).status_code == 404
        missing = 'odyssee_http_requests_total{method="GET",route="/api/v1/pois/{poi_id}",status="404"}'
        for _ in range(6):  # scrapes on new connections too, answered by either worker
            scrape = httpx.get(f"{url}/metrics", headers=token, timeout=30)
            assert scrape.status_code == 200
            assert _sample(scrape.text, missing) == 30.0
            assert _sample(scrape.text, "odyssee_packs_stale") == 0.0
            assert _sample(scrape.text, "odyssee_pack_rebuild_lag_seconds") == 0.0

        # An edit waits out the long debounce: every worker reports the stale pack and a growing lag.
        edit(url, staff_headers(url, accounts), route_id, "Une phrase de plus.")
        started = time.monotonic()
        while True:
            text = httpx.get(f"{url}/metrics", headers=token, timeout=30).text
            if _sample(text, "odyssee_packs_stale") == 1.0:
                break
            assert time.monotonic() - started < 30, text
            time.sleep(0.2)
        time.sleep(1.0)
        for _ in range(6):
            text = httpx.get(f"{url}/metrics", headers=token, timeout=30).text
            assert _sample(text, "odyssee_packs_stale") == 1.0
            assert 1.0 <= _sample(text, "odyssee_pack_rebuild_lag_seconds") < 60
        assert version(url, route_id) == 1
