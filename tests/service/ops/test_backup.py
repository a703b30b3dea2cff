"""``odyssee backup`` during a burst of edits, ``odyssee restore`` into a new data directory: the
restored service has every edit acknowledged before the backup began and serves the same bytes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.settings import Settings
from service.app import create_app
from tests.service.ops.served import serving
from tests.service.packs_fixtures import prepare_packs
from tools.cli import main as cli_main

Auth = dict[str, dict[str, str]]
POIS = "/api/v1/editor/pois"
TOKEN = "backup-test-metrics"


async def _editor(client: httpx.AsyncClient, headers: dict[str, str], poi_id: str, n: int) -> int:
    current = await client.get(f"{POIS}/{poi_id}", headers=headers)
    answer = await client.patch(
        f"{POIS}/{poi_id}",
        json={"description": {"fr": f"Édition numéro {n} de {poi_id}."}},
        headers={**headers, "If-Match": current.headers["etag"]},
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["revision"])


def _without_packs(value: Any) -> Any:
    """A route answer without its ``pack`` (a pack the burst marked stale is rebuilt after a restore)."""
    if isinstance(value, dict):
        return {k: _without_packs(v) for k, v in value.items() if k != "pack"}
    if isinstance(value, list):
        return [_without_packs(v) for v in value]
    return value


async def _routes_and_media(client: httpx.AsyncClient) -> dict[str, Any]:
    served = await _public_bytes(client, with_pois=False)
    kept: dict[str, Any] = {k: v for k, v in served.items() if k.startswith("media ")}
    kept |= {k: _without_packs(json.loads(v)) for k, v in served.items() if k.startswith("route")}
    return kept


async def _settled(client: httpx.AsyncClient) -> None:
    """Wait until the primary has rebuilt every pack the burst marked stale."""
    for _ in range(600):
        metrics = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        if "odyssee_packs_stale 0.0" in metrics.text:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("packs stayed stale")


async def _public_bytes(client: httpx.AsyncClient, with_pois: bool) -> dict[str, bytes]:
    """Lists, details, media and packs, as served."""
    served: dict[str, bytes] = {}
    routes = await client.get("/api/v1/routes?lang=*")
    served["routes"] = routes.content
    media_ids: set[str] = set()
    for item in routes.json()["items"]:
        detail = await client.get(f"/api/v1/routes/{item['id']}?lang=*")
        served[f"route {item['id']}"] = detail.content
        for feature in detail.json()["features"]:
            props = feature["properties"]
            media_ids |= {image["id"] for image in props.get("images") or []}
            media_ids |= {a["id"] for a in (props.get("audio") or {}).values() if isinstance(a, dict)}
    assert media_ids
    for media_id in sorted(media_ids):
        for variant in ("thumb", "screen", "speech"):
            answer = await client.get(f"/api/v1/media/{media_id}/{variant}")
            if answer.status_code == 200:
                served[f"media {media_id} {variant}"] = answer.content
    catalogue = await client.get("/api/v1/packs")
    served["packs"] = catalogue.content
    assert catalogue.json()["items"]
    for pack in catalogue.json()["items"]:
        served[f"pack {pack['id']}"] = (await client.get(f"/api/v1/packs/{pack['id']}/download")).content
    if with_pois:
        served["pois"] = (await client.get("/api/v1/pois?lang=*&limit=500")).content
    return served


@contextlib.asynccontextmanager
async def _served(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    with serving(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            yield http


@pytest.mark.timeout(900)
async def test_backup_during_a_burst_of_edits_restores_every_acknowledged_edit(
    settings: Settings, auth: Auth, tmp_path: Path, fixtures_dir: Path, client: AsyncTestClient[Litestar]
) -> None:
    await prepare_packs(client.app, fixtures_dir)  # type: ignore[arg-type]
    # This app's rebuilder would otherwise wake once, later, and rebuild what the burst marked stale.
    await client.app.state.rebuilder.wait_idle()
    await client.app.state.rebuilder.stop()
    admin = auth["admin"]
    # The primary: a real server on the same data directory (no pack rebuild during the test).
    primary = msgspec.structs.replace(settings, pack_rebuild_delay_s=0.2, metrics_token=TOKEN)
    async with _served(primary) as http:
        poi_ids = [item["id"] for item in (await http.get(f"{POIS}?limit=8", headers=admin)).json()["items"]]
        assert len(poi_ids) >= 4
        acknowledged: list[tuple[float, str, int]] = []
        stop = asyncio.Event()

        async def burst(poi_id: str) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                revision = await _editor(http, admin, poi_id, n)
                acknowledged.append((time.monotonic(), poi_id, revision))

        editors = [asyncio.create_task(burst(poi_id)) for poi_id in poi_ids]
        while len(acknowledged) < 16:
            failed = [task for task in editors if task.done()]
            if failed:
                await failed[0]  # an edit that failed raises here
            await asyncio.sleep(0.05)
        dest = tmp_path / "backup"
        began = time.monotonic()
        status = await asyncio.to_thread(
            cli_main, ["backup", str(dest), "--data-dir", str(settings.data_dir)]
        )
        assert status == 0
        ended = time.monotonic()
        await asyncio.sleep(0.3)
        stop.set()
        await asyncio.gather(*editors)
        # The burst spans the backup. (Whether an edit is also acknowledged inside the backup's window depends
        # on how fast the machine copies: on a quiet one the backup can finish between two edits.)
        assert any(at < began for at, _, _ in acknowledged), "edits before the backup"
        assert any(at > ended for at, _, _ in acknowledged), "edits went on after the backup"

        before: dict[str, int] = {}
        for at, poi_id, revision in acknowledged:
            if at < began:
                before[poi_id] = max(before.get(poi_id, 0), revision)

        restored = tmp_path / "restored"
        assert cli_main(["restore", str(dest), "--data-dir", str(restored)]) == 0
        async with _served(msgspec.structs.replace(primary, data_dir=restored)) as copy:
            for poi_id, revision in before.items():
                answer = await copy.get(f"{POIS}/{poi_id}", headers=admin)
                assert answer.json()["revision"] >= revision, poi_id
            # Routes and media were not edited by the burst: the same (packs it marked stale are rebuilt).
            assert await _routes_and_media(copy) == await _routes_and_media(http)

        # Once the edits stop and the packs are rebuilt, a second backup into the same place restores
        # to a service serving exactly the same bytes, POIs and packs included.
        await _settled(http)
        status = await asyncio.to_thread(
            cli_main, ["backup", str(dest), "--data-dir", str(settings.data_dir)]
        )
        assert status == 0
        again = tmp_path / "restored-again"
        assert cli_main(["restore", str(dest), "--data-dir", str(again)]) == 0
        async with _served(msgspec.structs.replace(primary, data_dir=again)) as copy:
            assert await _public_bytes(copy, with_pois=True) == await _public_bytes(http, with_pois=True)


def test_a_repeated_backup_copies_only_new_blobs(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str], fixtures_dir: Path
) -> None:
    async def fill() -> None:
        async with AsyncTestClient(app=create_app(settings)) as client:
            await prepare_packs(client.app, fixtures_dir)  # type: ignore[arg-type]

    asyncio.run(fill())
    dest = tmp_path / "b"
    assert cli_main(["backup", str(dest), "--data-dir", str(settings.data_dir)]) == 0
    first = capsys.readouterr().out
    assert " 0 already there" in first
    assert cli_main(["backup", str(dest), "--data-dir", str(settings.data_dir)]) == 0
    assert " 0 blobs copied (0 bytes)" in capsys.readouterr().out


def test_restore_refuses_a_damaged_backup_and_writes_nothing(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str], fixtures_dir: Path
) -> None:
    async def fill() -> None:
        async with AsyncTestClient(app=create_app(settings)) as client:
            await prepare_packs(client.app, fixtures_dir)  # type: ignore[arg-type]

    asyncio.run(fill())
    dest = tmp_path / "b"
    assert cli_main(["backup", str(dest), "--data-dir", str(settings.data_dir)]) == 0
    # One blob loses a byte.
    blob = next(path for path in (dest / "blobs").rglob("*") if path.is_file() and path.stat().st_size > 100)
    blob.write_bytes(blob.read_bytes()[:-1])
    target = tmp_path / "new"
    assert cli_main(["restore", str(dest), "--data-dir", str(target)]) == 1
    assert f"blob {blob.name} is damaged" in capsys.readouterr().err
    assert not target.exists()
    # A missing blob and a corrupt database are refused too.
    blob.unlink()
    assert cli_main(["restore", str(dest), "--data-dir", str(target)]) == 1
    assert f"blob {blob.name} is missing" in capsys.readouterr().err
    shutil.copyfile(dest / "odyssee.sqlite3", tmp_path / "db")
    with (dest / "odyssee.sqlite3").open("r+b") as db:
        db.seek(4096 * 3)
        db.write(b"\xff" * 4096)
    assert cli_main(["restore", str(dest), "--data-dir", str(target)]) == 1
    assert not target.exists()
    # Restoring into a directory that holds something is refused.
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    shutil.copyfile(tmp_path / "db", dest / "odyssee.sqlite3")
    assert cli_main(["restore", str(dest), "--data-dir", str(tmp_path / "busy")]) == 2
    assert sqlite3.connect(tmp_path / "db").execute("PRAGMA integrity_check").fetchone()[0] == "ok"
