"""Pruning pack history: a version replaced longer ago than the history goes, with its deltas and the
blobs only it used; the current pack, its entries and the media stay, and a phone still on the dropped
version gets 410 and takes the full pack."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.clock import utc_now
from content.core.settings import Settings
from content.routes.store import set_route_status
from packs.manifest import decode_manifest
from packs.pack_id import PackId
from packs.retention import prune_packs
from packs.store import get_version
from service.app import create_app
from tests.service.packs_fixtures import ROUTE, ROUTE_PACK, edit_story, parts, prepare_packs

PACKS = "/api/v1/packs"


@pytest.fixture
async def updated(
    settings: Settings, fixtures_dir: Path
) -> AsyncIterator[tuple[Litestar, AsyncTestClient[Litestar]]]:
    """The route pack at version 2, with the delta from version 1 built once."""
    app = create_app(msgspec.structs.replace(settings, pack_rebuild_delay_s=0.05))
    async with AsyncTestClient(app=app) as client:
        await prepare_packs(app, fixtures_dir)
        await edit_story(app, "Une phrase nouvelle pour la porte Saint-Sauveur.")
        await parts(app)[5].wait_idle()
        assert (await client.get(f"{PACKS}/{ROUTE_PACK}/delta", params={"from": 1})).status_code == 200
        yield app, client


async def test_prune_keeps_recent_history(updated: tuple[Litestar, AsyncTestClient[Litestar]]) -> None:
    app, client = updated
    db, blobs, settings, *_ = parts(app)
    report = await prune_packs(db, blobs, history_days=settings.pack_history_days, now=utc_now())
    assert (report.versions, report.deltas, report.blobs) == (0, 0, 0)
    assert (await client.get(f"{PACKS}/{ROUTE_PACK}/delta", params={"from": 1})).status_code == 200


async def test_prune_drops_old_versions_their_deltas_and_unused_blobs(
    updated: tuple[Litestar, AsyncTestClient[Litestar]],
) -> None:
    app, client = updated
    db, blobs, settings, *_ = parts(app)
    async with db.read() as conn:
        old = await get_version(conn, PackId.parse(ROUTE_PACK), 1)
        new = await get_version(conn, PackId.parse(ROUTE_PACK), 2)
        [delta_sha] = [row[0] for row in await conn.execute_fetchall("SELECT sha256 FROM pack_deltas")]
    assert old is not None
    assert new is not None
    old_entries = {entry.path: entry.sha256 for entry in decode_manifest(old.manifest).entries}
    new_entries = {entry.path: entry.sha256 for entry in decode_manifest(new.manifest).entries}
    only_old = {old.sha256, delta_sha} | (set(old_entries.values()) - set(new_entries.values()))
    assert old_entries["content/routes.geojson"] in only_old  # the sentence that changed

    later = utc_now() + timedelta(days=settings.pack_history_days + 1)
    report = await prune_packs(db, blobs, history_days=settings.pack_history_days, now=later)

    pack_versions = {
        (row[0], row[1]) for row in await _rows(app, "SELECT pack_id, version FROM pack_versions")
    }
    assert (ROUTE_PACK, 1) not in pack_versions
    assert (ROUTE_PACK, 2) in pack_versions
    assert await _rows(app, "SELECT * FROM pack_deltas") == []
    assert report.deltas == 1
    assert report.versions == 1
    assert report.blobs == len(only_old)
    for sha256 in only_old:
        assert not await blobs.exists(sha256)
    for sha256 in {new.sha256, *new_entries.values()}:
        assert await blobs.exists(sha256)  # media shared with version 1 included
    gone = await client.get(f"{PACKS}/{ROUTE_PACK}/delta", params={"from": 1})
    assert gone.status_code == 410
    download = await client.get(f"{PACKS}/{ROUTE_PACK}/download")
    assert download.status_code == 200
    assert download.headers["etag"] == f'"{new.sha256}"'


async def _rows(app: Litestar, sql: str) -> list[tuple[object, ...]]:
    async with parts(app)[0].read() as conn:
        return [tuple(row) for row in await conn.execute_fetchall(sql)]


async def test_prune_keeps_the_last_version_of_a_pack_out_of_the_catalogue(
    updated: tuple[Litestar, AsyncTestClient[Litestar]],
) -> None:
    app, client = updated
    db, blobs, settings, events, _, rebuilder = parts(app)
    async with events.write(db) as change:
        await set_route_status(change.conn, ROUTE, "draft", user_id=None, updated_at="2025-06-04T08:00:00Z")
        change.touch(routes={ROUTE})
    await rebuilder.wait_idle()
    assert (await client.get(f"{PACKS}/{ROUTE_PACK}")).status_code == 404
    later = utc_now() + timedelta(days=settings.pack_history_days + 1)
    await prune_packs(db, blobs, history_days=settings.pack_history_days, now=later)
    kept = await _rows(app, f"SELECT version FROM pack_versions WHERE pack_id = '{ROUTE_PACK}'")
    assert kept == [(2,)]  # so that a republished route continues at version 2 or 3, never back at 1
