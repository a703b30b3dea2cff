"""The POI write functions the editing API builds on, against a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from content.core.db import Database
from content.core.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from content.core.inputs import convert_input, decode_input
from content.core.paging import EVERY_STATUS
from content.pois.model import PoiInput, PoiPatch
from content.pois.queries import get_poi
from content.pois.store import create_poi, insert_checked_pois, insert_pois, set_poi_status, update_poi
from content.pois.validate import check_poi
from tests.media_rows import add_audio, add_image

AT = "2025-06-01T08:00:00Z"
LATER = "2025-06-02T09:30:00Z"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "store.sqlite3") as database:
        async with database.write() as conn:
            await conn.execute(
                "INSERT INTO offices (id, name, created_at) VALUES ('perche', 'Perche', ?)", (AT,)
            )
        yield database


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": "church_abbey",
        "name": {"fr": "Église Saint-Germain", "en": "Saint-Germain church"},
        "description": {"fr": "Clocher roman."},
        "commune": "Rémalard",
        "geometry": {"type": "Point", "coordinates": [0.7778, 48.4289]},
    }
    data.update(overrides)
    return data


async def count_pois(db: Database) -> int:
    async with db.read() as conn:
        rows = list(await conn.execute_fetchall("SELECT count(*) FROM pois"))
    return int(rows[0][0])


async def test_create_generates_a_unique_slug_from_the_french_name(db: Database) -> None:
    async with db.write() as conn:
        first = await create_poi(
            conn, convert_input(body(), PoiInput), office_id="perche", user_id="ana", updated_at=AT
        )
        second = await create_poi(
            conn, convert_input(body(), PoiInput), office_id="perche", user_id="ana", updated_at=AT
        )
        nameless = await create_poi(
            conn,
            convert_input(body(name={"ja": "教会"}), PoiInput),
            office_id=None,
            user_id=None,
            updated_at=AT,
        )
    assert (first.id, second.id) == ("eglise-saint-germain", "eglise-saint-germain-2")
    assert len(nameless.id) == 32
    assert first.status == "draft"
    assert first.revision == 1
    assert (first.updated_at, first.updated_by, first.office_id) == (AT, "ana", "perche")
    assert first.geometry.coordinates == [0.7778, 48.4289]


async def test_create_keeps_a_given_id_and_refuses_a_taken_one(db: Database) -> None:
    async with db.write() as conn:
        record = await create_poi(
            conn,
            convert_input(body(id="st-germain"), PoiInput),
            office_id="perche",
            user_id="u",
            updated_at=AT,
        )
    assert record.id == "st-germain"
    with pytest.raises(Conflict):
        async with db.write() as conn:
            await create_poi(
                conn,
                convert_input(body(id="st-germain"), PoiInput),
                office_id="perche",
                user_id="u",
                updated_at=AT,
            )
    assert await count_pois(db) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": {"xx": "Nom"}}, "name.xx"),
        ({"name": {"fr": "   "}}, "name"),
        ({"name": {"fr": "n" * 201}}, "name.fr"),
        ({"description": {"fr-FRANCE": "x"}}, "description.fr-FRANCE"),
        ({"geometry": {"type": "Point", "coordinates": [48.4289, 95.0]}}, "geometry.coordinates"),
        ({"accessibility": {"wheelchair": "yes", "notes": {"qq": "?"}}}, "accessibility.notes.qq"),
        ({"audio": {"fr": "missing-audio"}}, "audio.fr"),
        ({"images": ["missing-image"]}, "images[0]"),
        ({"images": ["img-a", "img-a"]}, "images"),
        ({"audio": {"fr": "img-a"}}, "audio.fr"),
        ({"images": ["narration"]}, "images[0]"),
    ],
)
async def test_invalid_input_names_the_field_and_writes_nothing(
    db: Database, overrides: dict[str, Any], field: str
) -> None:
    async with db.write() as conn:
        await add_image(conn, "img-a")
        await add_audio(conn, "narration")
    with pytest.raises(InvalidInput) as caught:
        async with db.write() as conn:
            await create_poi(
                conn,
                convert_input(body(**overrides), PoiInput),
                office_id="perche",
                user_id="u",
                updated_at=AT,
            )
    assert [error.field for error in caught.value.errors] == [field]
    assert await count_pois(db) == 0


POINT = {"type": "Point", "coordinates": [0, 48]}


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"category": "volcano", "name": {"fr": "x"}, "geometry": POINT}, "category"),
        ({"category": "museum", "name": {"fr": "x"}, "geometry": POINT, "colour": 1}, "colour"),
        ({"category": "museum", "geometry": POINT}, "name"),
        ({"category": "museum", "name": {"fr": "x"}, "geometry": {"type": "LineString"}}, "geometry.type"),
        (
            {"category": "museum", "name": {"fr": "x"}, "geometry": {"type": "Point", "coordinates": [0]}},
            "geometry.coordinates",
        ),
        (
            {"category": "museum", "name": {"fr": "x"}, "geometry": POINT, "contact": {"email": "nope"}},
            "contact.email",
        ),
        (
            {"category": "museum", "name": {"fr": "x"}, "geometry": POINT, "contact": {"fax": "1"}},
            "contact.fax",
        ),
        (
            {
                "category": "museum",
                "name": {"fr": "x"},
                "geometry": POINT,
                "accessibility": {"wheelchair": "maybe"},
            },
            "accessibility.wheelchair",
        ),
        ({"id": "Bad Id", "category": "museum", "name": {"fr": "x"}, "geometry": POINT}, "id"),
        ({"category": "museum", "name": {"fr": 3}, "geometry": POINT}, "name"),
    ],
)
def test_decoding_errors_name_the_field(document: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        decode_input(msgspec.json.encode(document), PoiInput)
    assert caught.value.errors[0].field == field


async def test_update_is_partial_bumps_revision_and_reports_changes(db: Database) -> None:
    async with db.write() as conn:
        created = await create_poi(
            conn, convert_input(body(), PoiInput), office_id="perche", user_id="ana", updated_at=AT
        )
        patch = decode_input(
            b'{"commune": "R\xc3\xa9malard-en-Perche", "opening_hours": "Sa 10:00-12:00", "address": null}',
            PoiPatch,
        )
        result = await update_poi(
            conn, created.id, patch, user_id="bob", updated_at=LATER, expected_revision=1
        )
    assert result.change.revision == 2
    assert result.change.before == {"commune": "Rémalard", "opening_hours": None}
    assert result.change.after == {"commune": "Rémalard-en-Perche", "opening_hours": "Sa 10:00-12:00"}
    record = result.record
    assert (record.revision, record.updated_by, record.updated_at) == (2, "bob", LATER)
    assert record.name == created.name
    assert record.created_at == AT


async def test_update_that_changes_nothing_keeps_the_revision(db: Database) -> None:
    async with db.write() as conn:
        created = await create_poi(
            conn, convert_input(body(), PoiInput), office_id="perche", user_id="ana", updated_at=AT
        )
        result = await update_poi(
            conn, created.id, PoiPatch(commune="Rémalard"), user_id="bob", updated_at=LATER
        )
    assert not result.change.changed
    assert result.record.revision == 1
    assert result.record.updated_at == AT


async def test_update_checks_revision_existence_and_validity(db: Database) -> None:
    async with db.write() as conn:
        created = await create_poi(
            conn, convert_input(body(), PoiInput), office_id="perche", user_id="ana", updated_at=AT
        )
    with pytest.raises(PreconditionFailed):
        async with db.write() as conn:
            await update_poi(
                conn, created.id, PoiPatch(commune="X"), user_id="b", updated_at=LATER, expected_revision=7
            )
    with pytest.raises(NotFound):
        async with db.write() as conn:
            await update_poi(conn, "nope", PoiPatch(commune="X"), user_id="b", updated_at=LATER)
    with pytest.raises(InvalidInput) as caught:
        async with db.write() as conn:
            await update_poi(
                conn, created.id, PoiPatch(name={"fr": "Nouveau", "zz": "?"}), user_id="b", updated_at=LATER
            )
    assert caught.value.errors[0].field == "name.zz"
    async with db.read() as conn:
        unchanged = await get_poi(conn, created.id, statuses=EVERY_STATUS)
    assert unchanged == created


async def test_status_changes_and_public_visibility(db: Database) -> None:
    async with db.write() as conn:
        created = await create_poi(
            conn, convert_input(body(), PoiInput), office_id="perche", user_id="ana", updated_at=AT
        )
        published = await set_poi_status(conn, created.id, "published", user_id="bob", updated_at=LATER)
        again = await set_poi_status(conn, created.id, "published", user_id="bob", updated_at=LATER)
    assert published.change.before == {"status": "draft"}
    assert published.change.after == {"status": "published"}
    assert published.record.revision == 2
    assert not again.change.changed
    async with db.read() as conn:
        assert await get_poi(conn, created.id) is not None


async def test_bulk_insert_names_the_bad_item_and_writes_nothing(db: Database) -> None:
    good = [convert_input(body(name={"fr": f"Lavoir {n}"}), PoiInput) for n in range(5)]
    bad = convert_input(
        body(name={"fr": "Lavoir"}, geometry={"type": "Point", "coordinates": [200, 48]}), PoiInput
    )
    with pytest.raises(InvalidInput) as caught:
        async with db.write() as conn:
            await insert_pois(conn, [*good, bad], office_id="perche", user_id=None, updated_at=AT)
    assert [e.field for e in caught.value.errors] == ["[5].geometry.coordinates"]
    assert await count_pois(db) == 0
    async with db.write() as conn:
        ids = await insert_pois(conn, [*good, good[0]], office_id="perche", user_id=None, updated_at=AT)
    assert ids == ["lavoir-0", "lavoir-1", "lavoir-2", "lavoir-3", "lavoir-4", "lavoir-0-2"]
    with pytest.raises(InvalidInput) as duplicate:
        async with db.write() as conn:
            await insert_pois(
                conn,
                [convert_input(body(id="lavoir-3"), PoiInput)],
                office_id=None,
                user_id=None,
                updated_at=AT,
            )
    assert duplicate.value.errors[0].field == "[0].id"


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), max_codepoint=0x1F64F)
    | st.sampled_from('"\\\n\t/é€😀\u2028'),
    min_size=1,
    max_size=40,
)


@given(
    name=_TEXT,
    description=_TEXT,
    commune=st.none() | _TEXT,
    lon=st.floats(-180, 180),
    lat=st.floats(-90, 90),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
async def test_a_checked_batch_is_stored_as_the_row_by_row_insert_stores_it(
    db: Database, name: str, description: str, commune: str | None, lon: float, lat: float
) -> None:
    """insert_checked_pois sends the batch as one JSON array (coordinates as micro-degrees): every column
    comes back as insert_pois (executemany) writes it, and the spatial and text indexes agree."""
    poi = body(
        name={"fr": name, "en": name + " en"},
        description={"fr": description},
        commune=commune,
        geometry={"type": "Point", "coordinates": [lon, lat]},
        contact={"phone": "+33 2 33 00 00 00"},
    )
    try:
        values = check_poi(convert_input(poi, PoiInput))
    except InvalidInput:
        assume(False)
        return
    async with db.write() as conn:
        [plain] = await insert_pois(
            conn, [convert_input(poi, PoiInput)], office_id="perche", user_id=None, updated_at=AT
        )
        batch = await insert_checked_pois(
            conn, [values, values], office_id="perche", user_id=None, updated_at=AT, status="published"
        )
        rows = {
            row[0]: tuple(row[1:])
            for row in await conn.execute_fetchall(
                "SELECT p.id, p.office_id, p.status, p.revision, p.category, p.name, p.description, p.lat,"
                " p.lon, p.address, p.commune, p.opening_hours, p.contact, p.accessibility, p.images,"
                " p.audio, p.created_at, p.updated_at, p.updated_by, r.min_lon, r.max_lat, f.name,"
                " f.description, f.place FROM pois p JOIN pois_rtree r ON r.id = p.rowid"
                " JOIN pois_fts f ON f.rowid = p.rowid WHERE p.id IN (?, ?, ?)",
                (plain, *batch),
            )
        }
    assert rows[batch[0]] == rows[plain] == rows[batch[1]]
    assert isinstance(rows[plain][7], float)
