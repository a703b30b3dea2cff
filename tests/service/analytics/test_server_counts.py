"""What the server counts itself: full pack downloads, deltas per (pack, from, to), public detail reads."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from tests.service.analytics.helpers import counters, flush
from tests.service.packs_fixtures import ROUTE, ROUTE_PACK, edit_story, prepare_packs

DOWNLOAD = f"/api/v1/packs/{ROUTE_PACK}/download"


async def figures(app: Litestar, db: Database) -> dict[tuple[str, str, str], int]:
    """``{(type, object, detail): count}``; detail '' for the totals."""
    await flush(app)
    found = {(r["type"], r["object_id"], ""): r["count"] for r in await counters(db)}
    found.update(
        {(r["type"], r["object_id"], r["key"]): r["count"] for r in await counters(db, facet="detail")}
    )
    return found


async def test_full_downloads_count_and_resumed_or_partial_ones_do_not(
    client: AsyncTestClient[Litestar], app: Litestar, db: Database, fixtures_dir: Path
) -> None:
    await prepare_packs(app, fixtures_dir)
    assert (await client.get(DOWNLOAD)).status_code == 200
    assert (await client.get(DOWNLOAD, headers={"Range": "bytes=0-99"})).status_code == 206
    assert (await client.get(DOWNLOAD, headers={"Range": "bytes=100-"})).status_code == 206
    assert (await client.head(DOWNLOAD)).status_code == 200
    assert (await client.get(DOWNLOAD, headers={"Range": "bytes=999999999-"})).status_code == 416
    assert (await client.get("/api/v1/packs/route:no-such-route/download")).status_code == 404
    assert await figures(app, db) == {("pack_downloaded", ROUTE_PACK, ""): 2}


async def test_deltas_are_counted_per_pack_from_and_to(
    client: AsyncTestClient[Litestar], app: Litestar, db: Database, fixtures_dir: Path
) -> None:
    await prepare_packs(app, fixtures_dir)
    first = (await client.get(f"/api/v1/packs/{ROUTE_PACK}")).json()["version"]
    await edit_story(app, "Une autre histoire pour la porte.")
    await app.state.packs.build_all()
    current = (await client.get(f"/api/v1/packs/{ROUTE_PACK}")).json()["version"]
    assert current > first
    delta = f"/api/v1/packs/{ROUTE_PACK}/delta?from={first}"
    assert (await client.get(delta)).status_code == 200
    assert (await client.get(delta)).status_code == 200
    assert (await client.get(f"/api/v1/packs/{ROUTE_PACK}/delta?from={current}")).status_code == 304
    assert await figures(app, db) == {
        ("pack_delta_served", ROUTE_PACK, ""): 2,
        ("pack_delta_served", ROUTE_PACK, f"{first}-{current}"): 2,
    }


async def test_public_detail_reads_are_counted_and_lists_and_misses_are_not(
    client: AsyncTestClient[Litestar], app: Litestar, db: Database, fixtures_dir: Path
) -> None:
    await prepare_packs(app, fixtures_dir)
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO producers (id, office_id, status, name, lat, lon, created_at, updated_at)"
            " VALUES ('moulin', NULL, 'published', '{\"fr\": \"Moulin\"}', 48.3, 0.6, '2025-06', '2025-06')"
        )
    for path in (
        f"/api/v1/routes/{ROUTE}",
        f"/api/v1/routes/{ROUTE}",
        "/api/v1/pois/abbaye-de-la-trappe",
        "/api/v1/producers/moulin",
        "/api/v1/routes",
        "/api/v1/pois?bbox=0,48,1,49",
        "/api/v1/routes/no-such-route",
        "/api/v1/routes/BAD%20ID",
    ):
        assert (await client.get(path)).status_code in (200, 400, 404)
    assert await figures(app, db) == {
        ("route_read", ROUTE, ""): 2,
        ("poi_read", "abbaye-de-la-trappe", ""): 1,
        ("producer_read", "moulin", ""): 1,
    }
