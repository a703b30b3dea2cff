"""``odyssee serve --replicate s3://…`` streams the database to a real moto server process; after
``kill -9`` of the primary, ``odyssee restore --from s3://…`` into a fresh data directory has every edit
acknowledged more than one sync interval before the kill. Prints the recovery point and time."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from content.accounts.offices import NewOffice, create_office
from content.accounts.tokens import issue_token
from content.accounts.user_changes import NewUser, create_user
from content.core.clock import utc_now
from content.core.db import Database
from content.core.settings import Settings
from tools.cli import main as cli_main
from tools.replication import SYNC_INTERVAL_S

POIS = "/api/v1/editor/pois"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _admin_token(settings: Settings) -> str:
    async with Database(settings.db_path) as db:
        now = utc_now()
        async with db.write() as conn:
            await create_office(
                conn, NewOffice(id="ot-perche", name="Office du Perche"), actor_id=None, now=now
            )
        user = await create_user(
            db, NewUser(email="admin@perche.example", password="x" * 16, role="admin"), actor_id=None, now=now
        )
        async with db.write() as conn:
            return (await issue_token(conn, user.id, now=now, ttl_s=3600)).token


def _poi(n: int) -> dict[str, object]:
    return {
        "category": "church_abbey",
        "name": {"fr": f"Lieu {n}"},
        "commune": "Bellême",
        "geometry": {"type": "Point", "coordinates": [0.5634, 48.3752]},
    }


@pytest.mark.timeout(600)
def test_kill_9_of_the_primary_loses_nothing_older_than_one_sync_interval(
    s3_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = s3_settings
    token = asyncio.run(_admin_token(settings))
    assert cli_main(["packs", "keys", "rotate", "--data-dir", str(settings.data_dir)]) == 0
    url = f"s3://{settings.s3_bucket}/replica"
    port = _free_port()
    env = {
        **os.environ,
        "ODYSSEE_STORAGE": "s3",
        "ODYSSEE_S3_ENDPOINT_URL": str(settings.s3_endpoint_url),
        "ODYSSEE_S3_BUCKET": settings.s3_bucket,
        "ODYSSEE_S3_PREFIX": settings.s3_prefix,
    }
    command = [
        sys.executable, "-m", "tools.cli", "serve", "--data-dir", str(settings.data_dir),
        "--port", str(port), "--replicate", url, "--workers", "1",
    ]  # fmt: skip
    primary = subprocess.Popen(command, env=env, start_new_session=True)
    acknowledged: list[tuple[float, str]] = []
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the primary did not start"
            time.sleep(0.1)
        time.sleep(2 * SYNC_INTERVAL_S)  # Litestream's first snapshot
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, timeout=10) as http:
            for n in range(60):
                answer = http.post(POIS, json=_poi(n), headers=headers)
                assert answer.status_code == 201, answer.text
                acknowledged.append((time.monotonic(), answer.json()["id"]))
                time.sleep(0.05)
    finally:
        killed_at = time.monotonic()
        os.killpg(primary.pid, signal.SIGKILL)  # the server and Litestream beside it
        primary.wait()

    fresh = tmp_path / "fresh"
    for name in ("ODYSSEE_STORAGE", "ODYSSEE_S3_ENDPOINT_URL", "ODYSSEE_S3_BUCKET", "ODYSSEE_S3_PREFIX"):
        monkeypatch.setenv(name, env[name])
    started = time.monotonic()
    assert cli_main(["restore", "--from", url, "--data-dir", str(fresh)]) == 0
    recovery_s = time.monotonic() - started

    async def restored_ids() -> set[str]:
        async with Database(fresh / "odyssee.sqlite3") as db, db.read() as conn:
            rows = await conn.execute_fetchall("SELECT id FROM pois")
        return {row[0] for row in rows}

    present = asyncio.run(restored_ids())
    lost = [(at, poi_id) for at, poi_id in acknowledged if poi_id not in present]
    for at, poi_id in lost:
        assert killed_at - at <= SYNC_INTERVAL_S + 0.5, f"{poi_id} acknowledged {killed_at - at:.2f} s before"
    point = max((killed_at - at for at, _ in lost), default=0.0)
    assert any((fresh / "keys").iterdir())
    with capsys.disabled():
        print(
            f"\nreplication: {len(acknowledged)} edits acknowledged, {len(lost)} lost at kill -9;"
            f" recovery point {point:.2f} s (sync interval {SYNC_INTERVAL_S:g} s); restore {recovery_s:.2f} s"
        )
