"""The route write functions: create with stops, update, stop replacement, status; real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from content.core.db import Database
from content.core.errors import Conflict, InvalidInput, PreconditionFailed
from content.core.inputs import convert_input, decode_input
from content.core.paging import EVERY_STATUS
from content.places.geo import line_length_m
from content.pois.model import PoiInput
from content.pois.store import create_poi
from content.routes.model import RouteInput, RoutePatch, StopInput
from content.routes.queries import get_route, get_stops
from content.routes.store import create_route, replace_stops, set_route_status, update_route

AT = "2025-06-01T08:00:00Z"
LATER = "2025-06-03T10:00:00Z"
LINE = [[0.70, 48.40], [0.71, 48.41], [0.72, 48.40]]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "store.sqlite3") as database:
        async with database.write() as conn:
            await conn.execute(
                "INSERT INTO offices (id, name, created_at) VALUES ('perche', 'Perche', ?)", (AT,)
            )
            poi = {
                "category": "manor",
                "name": {"fr": "Manoir"},
                "geometry": {"type": "Point", "coordinates": [0.71, 48.41]},
            }
            await create_poi(
                conn, convert_input(poi, PoiInput), office_id="perche", user_id="u", updated_at=AT
            )
        yield database


def stop(n: int, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": {"fr": f"Halte {n}", "en": f"Stop {n}"},
        "story": {"fr": f"Histoire {n}", "en": f"Story {n}"},
        "geometry": {"type": "Point", "coordinates": [0.70 + n * 0.005, 48.405]},
    }
    data.update(overrides)
    return data


def route(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": {"fr": "Chemin des Manoirs", "en": "Manor trail"},
        "summary": {"fr": "Boucle à vélo."},
        "theme": "heritage",
        "mode": "bike",
        "difficulty": "medium",
        "duration_min": 150,
        "geometry": {"type": "LineString", "coordinates": LINE},
        "stops": [stop(1, poi_id="manoir"), stop(2), stop(3, id="halte-trois")],
    }
    data.update(overrides)
    return data


async def count(db: Database, table: str) -> int:
    assert table in {"routes", "stops"}
    async with db.read() as conn:
        rows = list(await conn.execute_fetchall(f"SELECT count(*) FROM {table}"))
    return int(rows[0][0])


async def test_create_route_with_stops(db: Database) -> None:
    async with db.write() as conn:
        record = await create_route(
            conn, convert_input(route(), RouteInput), office_id="perche", user_id="ana", updated_at=AT
        )
        stops = await get_stops(conn, record.id)
    assert record.id == "chemin-des-manoirs"
    assert record.length_m == pytest.approx(line_length_m(LINE))
    assert record.bbox == (0.70, 48.40, 0.72, 48.41)
    assert record.languages == ["en", "fr"]
    assert record.stop_count == 3
    assert (record.status, record.revision, record.updated_by) == ("draft", 1, "ana")
    assert [s.position for s in stops] == [1, 2, 3]
    assert stops[0].poi_id == "manoir"
    assert stops[2].id == "halte-trois"
    assert len(stops[1].id) == 32
    assert stops[1].trigger_radius_m == 30


async def test_languages_need_every_stop(db: Database) -> None:
    data = route(stops=[stop(1), stop(2, title={"fr": "Halte 2"}, story={"fr": "Histoire"})])
    async with db.write() as conn:
        record = await create_route(
            conn, convert_input(data, RouteInput), office_id=None, user_id=None, updated_at=AT
        )
    assert record.languages == ["fr"]


async def create_from_json(db: Database, document: bytes) -> None:
    """As the editing API will: decode the body, then create."""
    route_input = decode_input(document, RouteInput)
    async with db.write() as conn:
        await create_route(conn, route_input, office_id="perche", user_id="u", updated_at=AT)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"stops": [stop(1), stop(2), stop(3, trigger_radius_m=1000)]}, "stops[2].trigger_radius_m"),
        ({"stops": [stop(1), stop(2, title={"xx": "?"})]}, "stops[1].title.xx"),
        ({"stops": [stop(1, poi_id="nowhere")]}, "stops[0].poi_id"),
        ({"stops": [stop(1, id="same"), stop(2, id="same")]}, "stops[1].id"),
        (
            {"stops": [stop(1, geometry={"type": "Point", "coordinates": [0.7, -91]})]},
            "stops[0].geometry.coordinates",
        ),
        ({"geometry": {"type": "LineString", "coordinates": [[0.7, 48.4]]}}, "geometry.coordinates"),
        (
            {"geometry": {"type": "LineString", "coordinates": [[0.7, 48.4], [0.7, 48.4]]}},
            "geometry.coordinates",
        ),
        (
            {"geometry": {"type": "LineString", "coordinates": [[0.7, 48.4], [190, 48.4]]}},
            "geometry.coordinates[1]",
        ),
        ({"geometry": {"type": "Point", "coordinates": [0.7, 48.4]}}, "geometry.type"),
        ({"theme": "horror"}, "theme"),
        ({"mode": "rocket"}, "mode"),
        ({"duration_min": 0}, "duration_min"),
        ({"cover": "no-such-image"}, "cover"),
        ({"title": {}}, "title"),
        ({"length_m": 12}, "length_m"),
    ],
)
async def test_invalid_route_names_the_field_and_writes_nothing(
    db: Database, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await create_from_json(db, msgspec.json.encode(route(**overrides)))
    assert [error.field for error in caught.value.errors] == [field]
    assert await count(db, "routes") == 0
    assert await count(db, "stops") == 0


async def test_taken_route_id_is_a_conflict(db: Database) -> None:
    async with db.write() as conn:
        await create_route(
            conn, convert_input(route(id="boucle"), RouteInput), office_id=None, user_id=None, updated_at=AT
        )
    with pytest.raises(Conflict):
        async with db.write() as conn:
            await create_route(
                conn,
                convert_input(route(id="boucle", stops=[]), RouteInput),
                office_id=None,
                user_id=None,
                updated_at=AT,
            )
    assert await count(db, "routes") == 1


async def test_update_route_recomputes_length_and_reports_changes(db: Database) -> None:
    async with db.write() as conn:
        created = await create_route(
            conn, convert_input(route(), RouteInput), office_id="perche", user_id="ana", updated_at=AT
        )
        longer = [*LINE, [0.75, 48.43]]
        patch = convert_input(
            {"geometry": {"type": "LineString", "coordinates": longer}, "duration_min": 180}, RoutePatch
        )
        result = await update_route(
            conn, created.id, patch, user_id="bob", updated_at=LATER, expected_revision=1
        )
    assert set(result.change.after) == {"geometry", "duration_min"}
    assert result.change.before["duration_min"] == 150
    assert result.record.length_m == pytest.approx(line_length_m(longer))
    assert result.record.bbox == (0.70, 48.40, 0.75, 48.43)
    assert result.record.revision == 2
    with pytest.raises(PreconditionFailed):
        async with db.write() as conn:
            await update_route(
                conn,
                created.id,
                RoutePatch(duration_min=5),
                user_id="c",
                updated_at=LATER,
                expected_revision=1,
            )


async def test_patch_refuses_unknown_fields_and_takes_stops_as_read_only(db: Database) -> None:
    # Issue 9.7: a route read with GET (stops included) may be sent back; the editing workflow
    # accepts read-only fields only when unchanged (tests/service/editor/test_merge_patch.py).
    assert decode_input(b'{"stops": []}', RoutePatch).stops == []
    with pytest.raises(InvalidInput) as caught:
        decode_input(b'{"nope": []}', RoutePatch)
    assert caught.value.errors[0].field == "nope"


async def test_replace_stops_renumbers_and_records_before_after(db: Database) -> None:
    async with db.write() as conn:
        created = await create_route(
            conn, convert_input(route(), RouteInput), office_id="perche", user_id="ana", updated_at=AT
        )
        old = await get_stops(conn, created.id)
        new_order = [
            old[2].to_input(),
            convert_input(stop(9, title={"fr": "Neuve"}, story={}), StopInput),
            old[0].to_input(),
        ]
        result = await replace_stops(
            conn, created.id, new_order, user_id="bob", updated_at=LATER, expected_revision=1
        )
        stops = await get_stops(conn, created.id)
    assert [s.id for s in stops][0::2] == ["halte-trois", old[0].id]
    assert [s.position for s in stops] == [1, 2, 3]
    assert result.record.stop_count == 3
    assert result.record.revision == 2
    assert result.record.languages == ["fr"]  # the new stop has only a French title
    assert [s["id"] for s in result.change.before["stops"]] == [s.id for s in old]
    assert [s["id"] for s in result.change.after["stops"]] == [s.id for s in stops]
    assert old[1].id not in {s.id for s in stops}


async def test_replace_stops_is_all_or_nothing(db: Database) -> None:
    async with db.write() as conn:
        created = await create_route(
            conn, convert_input(route(), RouteInput), office_id="perche", user_id="ana", updated_at=AT
        )
        other = await create_route(
            conn,
            convert_input(route(id="autre", stops=[stop(1, id="a-moi")]), RouteInput),
            office_id=None,
            user_id=None,
            updated_at=AT,
        )
        before = await get_stops(conn, created.id)
    bad = [convert_input(stop(1), StopInput), convert_input(stop(2, poi_id="ghost"), StopInput)]
    with pytest.raises(InvalidInput) as caught:
        async with db.write() as conn:
            await replace_stops(conn, created.id, bad, user_id="bob", updated_at=LATER)
    assert [e.field for e in caught.value.errors] == ["stops[1].poi_id"]
    stolen = [convert_input(stop(1, id="a-moi"), StopInput)]
    with pytest.raises(InvalidInput) as theft:
        async with db.write() as conn:
            await replace_stops(conn, created.id, stolen, user_id="bob", updated_at=LATER)
    assert theft.value.errors[0].field == "stops[0].id"
    async with db.read() as conn:
        assert await get_stops(conn, created.id) == before
        assert [s.id for s in await get_stops(conn, other.id)] == ["a-moi"]
        unchanged = await get_route(conn, created.id, statuses=EVERY_STATUS)
    assert unchanged is not None
    assert unchanged.revision == 1


async def test_same_stops_again_change_nothing(db: Database) -> None:
    async with db.write() as conn:
        created = await create_route(
            conn, convert_input(route(), RouteInput), office_id="perche", user_id="ana", updated_at=AT
        )
        same = [s.to_input() for s in await get_stops(conn, created.id)]
        result = await replace_stops(conn, created.id, same, user_id="bob", updated_at=LATER)
    assert not result.change.changed
    assert result.record.revision == 1


async def test_route_status(db: Database) -> None:
    async with db.write() as conn:
        created = await create_route(
            conn, convert_input(route(), RouteInput), office_id="perche", user_id="ana", updated_at=AT
        )
        published = await set_route_status(conn, created.id, "published", user_id="bob", updated_at=LATER)
    assert published.change.after == {"status": "published"}
    async with db.read() as conn:
        assert await get_route(conn, created.id) is not None
