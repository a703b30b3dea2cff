"""The public read path resolves a whole page in a fixed number of statements, whatever its size."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest

from content.core.cursor import CursorCodec
from content.core.db import Database
from content.core.inputs import convert_input
from content.places.place import Near
from content.places.sql_math import ensure_math
from content.pois.features import PoiCollection
from content.pois.model import PoiInput
from content.pois.public import public_pois_json
from content.pois.queries import PoiQuery, get_poi, list_pois
from content.pois.rendered import FeatureCache
from content.pois.store import insert_pois
from content.text.localize import LanguageChoice, Localizer
from tests.media_rows import add_audio, add_image

AT = "2025-06-01T08:00:00Z"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "store.sqlite3") as database:
        async with database.write() as conn:
            for n in range(30):
                await add_image(conn, f"img-{n}")
            await add_audio(conn, "voice")
            pois = [
                convert_input(
                    {
                        "category": "heritage",
                        "name": {"fr": f"Lieu {n}"},
                        "images": [f"img-{n}", f"img-{(n + 1) % 30}"],
                        "audio": {"fr": "voice"},
                        "geometry": {"type": "Point", "coordinates": [0.5 + n * 0.001, 48.5]},
                    },
                    PoiInput,
                )
                for n in range(30)
            ]
            await insert_pois(conn, pois, office_id=None, user_id=None, updated_at=AT)
        yield database


@pytest.mark.parametrize(
    "query",
    [PoiQuery(limit=25), PoiQuery(near=Near(48.5, 0.5, 5000), limit=25), PoiQuery(q="lieu", limit=25)],
)
async def test_a_page_costs_two_statements(db: Database, query: PoiQuery) -> None:
    codec = CursorCodec(bytes(32))
    statements: list[str] = []
    async with db.read() as conn:
        await conn.set_trace_callback(statements.append)
        try:
            body = await public_pois_json(
                conn,
                query,
                Localizer(LanguageChoice(), "fr"),
                lambda k: codec.encode("s", k),
                FeatureCache(),
            )
        finally:
            await conn.set_trace_callback(None)
    collection = msgspec.json.decode(body, type=PoiCollection)
    assert len(collection.features) == 25
    assert collection.next is not None
    assert all(len(f.properties.images) == 2 for f in collection.features)
    # SQLite also traces what virtual tables run inside a statement ("-- …", "'main'.…"); not ours.
    ours = [sql for sql in statements if not sql.startswith("--") and "'main'" not in sql]
    assert len(ours) == 2, ours
    assert "FROM media" in ours[1]


async def test_list_pages_decode_the_same_records_as_single_reads(db: Database) -> None:
    async with db.read() as conn:
        page = await list_pois(conn, PoiQuery(limit=500))
        near = await list_pois(conn, PoiQuery(near=Near(48.5, 0.51, 3000), limit=500))
        for record in page.items:
            assert await get_poi(conn, record.id) == record
    assert len(page.items) == 30
    assert {r.id for r in near.items} <= {r.id for r in page.items}
    assert near.distances_m is not None
    assert near.distances_m == sorted(near.distances_m)


async def test_near_gives_the_same_page_with_math_functions_from_python(db: Database) -> None:
    query = PoiQuery(near=Near(48.5, 0.51, 3000), limit=7)
    async with db.read() as conn:
        native = await list_pois(conn, query)
        await ensure_math(conn, force=True)  # as on an SQLite built without math functions
        registered = await list_pois(conn, query)
    assert [r.id for r in registered.items] == [r.id for r in native.items]
    assert registered.distances_m == pytest.approx(native.distances_m)
    assert registered.next_key is not None
