"""The in-memory "near me" index answers page for page, bit for bit, what SQLite answers."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.core.db import Database
from content.core.inputs import convert_input
from content.places.place import Box, Near
from content.pois.model import PoiInput, PoiPatch
from content.pois.near_index import NearIndex, NearSnapshot
from content.pois.queries import PoiQuery, list_poi_entries
from content.pois.store import insert_pois, set_poi_status, update_poi

AT = "2025-06-01T08:00:00Z"
AREA = (0.40, 48.40, 0.70, 48.60)  # min_lon, min_lat, max_lon, max_lat


def _poi(name: str, lon: float, lat: float) -> PoiInput:
    data = {
        "category": "heritage",
        "name": {"fr": name},
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
    }
    return convert_input(data, PoiInput)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,500 POIs, dense and sparse parts, some sharing one spot (equal distances), some drafts."""
    import asyncio

    path = tmp_path_factory.mktemp("near") / "store.sqlite3"
    rng = random.Random(15)
    min_lon, min_lat, max_lon, max_lat = AREA
    pois = [
        _poi(f"Lieu {n}", rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)) for n in range(1200)
    ]
    pois += [_poi(f"Dense {n}", rng.gauss(0.55, 0.01), rng.gauss(48.5, 0.01)) for n in range(260)]
    pois += [_poi(f"Calvaire {n}", 0.55, 48.52) for n in range(40)]

    async def load() -> None:
        async with Database(path) as db, db.write() as conn:
            await insert_pois(conn, pois, office_id=None, user_id=None, updated_at=AT)
            await insert_pois(
                conn,
                [_poi(f"Brouillon {n}", 0.55 + n * 1e-4, 48.52) for n in range(20)],
                office_id=None,
                user_id=None,
                updated_at=AT,
                status="draft",
            )

    asyncio.run(load())
    return path


@pytest.fixture
async def db(store_path: Path) -> AsyncIterator[Database]:
    async with Database(store_path) as database:
        yield database


@pytest.fixture(scope="module")
def snapshot(store_path: Path) -> NearSnapshot:
    return NearIndex(store_path).build_now()


async def _same_pages(db: Database, snapshot: NearSnapshot, query: PoiQuery) -> int:
    """Walk every page of ``query`` both ways; they must be equal. Returns the number of POIs."""
    seen = 0
    for _ in range(2000):
        async with db.read() as conn:
            expected = await list_poi_entries(conn, query, every_record=False)
        got = snapshot.page(query)
        assert got is not None
        assert [(e.id, e.revision, e.updated_at, e.tie) for e in got.items] == [
            (e.id, e.revision, e.updated_at, e.tie) for e in expected.items
        ]
        assert got.next_key == expected.next_key  # exactly: cursors carry the sort value
        assert got.distances_m == expected.distances_m  # exactly, not approximately
        seen += len(got.items)
        if got.next_key is None:
            return seen
        query = PoiQuery(near=query.near, limit=query.limit, after=got.next_key)
    raise AssertionError("too many pages")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lat=st.floats(48.35, 48.65),
    lon=st.floats(0.35, 0.75),
    radius_m=st.sampled_from([1.0, 50.0, 800.0, 2500.0, 5000.0, 12000.0]),
    limit=st.sampled_from([4, 7, 50, 500]),
)
async def test_pages_are_those_of_sqlite(
    db: Database, snapshot: NearSnapshot, lat: float, lon: float, radius_m: float, limit: int
) -> None:
    await _same_pages(db, snapshot, PoiQuery(near=Near(lat, lon, radius_m), limit=limit))


async def test_ties_page_by_row_number(db: Database, snapshot: NearSnapshot) -> None:
    # 40 POIs at the very spot, more around: equal sort values across page boundaries.
    assert await _same_pages(db, snapshot, PoiQuery(near=Near(48.52, 0.55, 300), limit=7)) >= 40
    assert await _same_pages(db, snapshot, PoiQuery(near=Near(48.52, 0.55, 100_000), limit=500)) == 1500


async def test_other_queries_are_left_to_sqlite(snapshot: NearSnapshot) -> None:
    near = Near(48.5, 0.55)
    assert snapshot.page(PoiQuery()) is None
    assert snapshot.page(PoiQuery(near=near, category="heritage")) is None
    assert snapshot.page(PoiQuery(near=near, q="lieu")) is None
    assert snapshot.page(PoiQuery(near=near, statuses=("draft", "published"))) is None
    assert snapshot.page(PoiQuery(near=near, bbox=Box(0.5, 48.4, 0.6, 48.6))) is None
    assert snapshot.page(PoiQuery(near=near, updated_since=AT)) is None


async def test_an_edit_by_another_connection_outdates_the_index(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    async with Database(path) as db:
        async with db.write() as conn:
            await insert_pois(conn, [_poi("Croix", 0.3, 48.3)], office_id=None, user_id=None, updated_at=AT)
        index = NearIndex(path)
        try:
            built = index.build_now()
            assert index.current() is built
            assert index.current() is built  # nothing changed: the same snapshot, no rebuild
            async with db.write() as conn:
                moved = convert_input({"geometry": {"type": "Point", "coordinates": [0.4, 48.3]}}, PoiPatch)
                await update_poi(conn, "croix", moved, user_id="u", updated_at=AT)
            assert index.current() is None  # the move is committed: this index is never used again
            rebuilt = index.build_now()
            assert index.current() is rebuilt
            page = rebuilt.page(PoiQuery(near=Near(48.3, 0.4, 10)))
            assert page is not None
            assert [e.id for e in page.items] == ["croix"]
            async with db.write() as conn:
                await set_poi_status(conn, "croix", "draft", user_id="u", updated_at=AT)
            assert index.current() is None
            page = index.build_now().page(PoiQuery(near=Near(48.3, 0.4, 10)))
            assert page is not None
            assert page.items == []
        finally:
            index.close()


# Where longitudes bunch up or wrap: by the poles, along the antimeridian, south of the equator.
EDGES = [(89.95, 10.0), (-89.97, -150.0), (0.3, 179.98), (-0.2, -179.97), (-45.0, 3.0), (70.0, 25.0)]


@pytest.fixture(scope="module")
def edges_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """POIs around each place of EDGES, from a few metres to about 150 km away (and all around the
    north pole)."""
    import asyncio

    path = tmp_path_factory.mktemp("edges") / "store.sqlite3"
    rng = random.Random(16)
    pois = []
    for lat, lon in EDGES:
        for n in range(150):
            spread = rng.choice([0.001, 0.05, 1.0])
            p_lat = max(-90.0, min(90.0, rng.gauss(lat, spread)))
            p_lon = (rng.gauss(lon, spread * 3) + 180) % 360 - 180
            if lat > 89 and n % 2:
                p_lon = rng.uniform(-180, 180)  # all around the pole
            pois.append(_poi(f"Bord {lat} {n}", p_lon, p_lat))

    async def load() -> None:
        async with Database(path) as db, db.write() as conn:
            await insert_pois(conn, pois, office_id=None, user_id=None, updated_at=AT)

    asyncio.run(load())
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    place=st.sampled_from(EDGES),
    d_lat=st.floats(-0.5, 0.5),
    d_lon=st.floats(-1.5, 1.5),
    radius_m=st.sampled_from([30.0, 2500.0, 40000.0, 100000.0]),
    limit=st.sampled_from([7, 50]),
)
async def test_pages_are_those_of_sqlite_by_the_poles_and_the_antimeridian(
    edges_path: Path, place: tuple[float, float], d_lat: float, d_lon: float, radius_m: float, limit: int
) -> None:
    lat = max(-90.0, min(90.0, place[0] + d_lat))
    lon = (place[1] + d_lon + 180) % 360 - 180
    snapshot = NearIndex(edges_path).build_now()
    async with Database(edges_path) as db:
        await _same_pages(db, snapshot, PoiQuery(near=Near(lat, lon, radius_m), limit=limit))
