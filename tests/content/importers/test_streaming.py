"""Large feeds read as a stream: the same entries as reading them whole, in every format; duplicates,
unpublishing and a feed that breaks part-way through, over several batches and pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from content.core.db import Database
from content.importers import ImportOptions, NotAFeed, open_feed, reader_for, run_import
from content.importers import engine as engine_module
from content.importers.model import Entry
from content.importers.prepare import Skip
from tests.content.importers.helpers import NOW, collection, feature, snapshot, state

FEEDS = Path(__file__).resolve().parents[2] / "data" / "importers"


async def _entries(format_name: str, path: Path, *, stream_from_bytes: int) -> list[Entry | Skip]:
    async with open_feed(reader_for(format_name), str(path), stream_from_bytes=stream_from_bytes) as feed:
        return list(feed)


def _seen(entries: list[Entry | Skip]) -> list[Any]:
    """What the engine reads of each entry, built in full."""
    return [
        (e.reason, e.detail) if isinstance(e, Skip) else (e.external_id, e.where, e.updated_at, e.build())
        for e in entries
    ]


@pytest.mark.parametrize(
    ("format_name", "name"),
    [
        ("tourinsoft", "tourinsoft-v3.json"),
        ("tourinsoft", "tourinsoft-v2.json"),
        ("apidae", "apidae.json"),
        ("osm", "overpass.json"),
    ],
)
async def test_a_streamed_feed_gives_the_same_entries_as_a_whole_one(format_name: str, name: str) -> None:
    path = FEEDS / name
    whole = await _entries(format_name, path, stream_from_bytes=1 << 40)
    streamed = await _entries(format_name, path, stream_from_bytes=0)
    assert whole
    assert _seen(streamed) == _seen(whole)
    assert [e.digest() for e in streamed if isinstance(e, Entry)] == [
        e.digest() for e in whole if isinstance(e, Entry)
    ]


async def test_geojson_and_datatourisme_arrays_stream_too(tmp_path: Path) -> None:
    path = tmp_path / "feed.geojson"
    path.write_bytes(collection(feature(n) for n in range(4)))
    whole = await _entries("geojson", path, stream_from_bytes=1 << 40)
    assert _seen(await _entries("geojson", path, stream_from_bytes=0)) == _seen(whole)
    assert len(whole) == 4
    single = tmp_path / "single.geojson"  # one Feature: no array to stream, read whole as before
    single.write_text(json.dumps(feature(9)))
    assert [
        e.external_id for e in await _entries("geojson", single, stream_from_bytes=0) if isinstance(e, Entry)
    ] == ["L9"]
    not_a_feed = tmp_path / "other.json"
    not_a_feed.write_text('{"type": "FeatureCollection", "items": []}')
    with pytest.raises(NotAFeed, match="features"):
        await _entries("geojson", not_a_feed, stream_from_bytes=0)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("<html>")
    with pytest.raises(NotAFeed, match="not JSON"):
        await _entries("geojson", garbage, stream_from_bytes=0)


async def _import_file(db: Database, path: Path, **options: Any) -> Any:
    reader = reader_for("geojson")
    settings: dict[str, Any] = {"provider": "geojson", "format": "geojson", "table": reader.categories}
    settings.update(options)
    async with open_feed(reader, str(path), stream_from_bytes=0) as feed:
        return await run_import(db, feed, ImportOptions(**settings), pictures=None, now=NOW)


async def test_a_streamed_import_over_many_batches_and_pages(
    store: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "_PAGE", 3)  # unpublish-missing reads the tracked POIs 3 at a time
    features = [feature(n) for n in range(12)]
    features.insert(5, feature(2, name="Doublon"))  # a later duplicate (another chunk): skipped
    features.insert(1, {"type": "Feature", "geometry": None, "properties": {}})  # no identifier
    path = tmp_path / "feed.geojson"
    path.write_bytes(collection(features))
    report = await _import_file(store, path, batch_size=4)
    assert (report.read, report.created) == (14, 12)
    assert report.skipped == {"duplicate identifier": 1, "no identifier": 1}
    assert snapshot(store.path, "SELECT name FROM pois WHERE id = 'lavoir-n2'") == [
        ('{"en":"Wash house 2","fr":"Lavoir n°2"}',)
    ]
    before = state(store.path)
    again = await _import_file(store, path, batch_size=4)
    assert (again.created, again.updated, again.unchanged, again.unpublished) == (0, 0, 12, 0)
    assert state(store.path) == before
    path.write_bytes(collection(feature(n) for n in range(0, 12, 2)))
    fewer = await _import_file(store, path, batch_size=4)
    assert (fewer.unchanged, fewer.unpublished) == (6, 6)
    statuses = dict(snapshot(store.path, "SELECT id, status FROM pois"))
    assert {poi_id for poi_id, status in statuses.items() if status == "draft"} == {
        f"lavoir-n{n}" for n in range(1, 12, 2)
    }


async def test_a_feed_that_breaks_part_way_keeps_what_came_before_and_unpublishes_nothing(
    store: Database, tmp_path: Path
) -> None:
    path = tmp_path / "feed.geojson"
    path.write_bytes(collection(feature(n) for n in range(6)))
    await _import_file(store, path, batch_size=2)
    broken = collection(feature(n) for n in range(4))
    path.write_bytes(broken[: broken.index(b'"id": "L3"')] + b"}}, {oops")
    with pytest.raises(NotAFeed, match="after 3 objects, which were imported; nothing was unpublished"):
        await _import_file(store, path, batch_size=2)
    statuses = {status for (status,) in snapshot(store.path, "SELECT status FROM pois")}
    assert statuses == {"published"}
    assert snapshot(store.path, "SELECT count(*) FROM pois") == [(6,)]


async def test_a_streamed_dry_run_writes_nothing_and_a_partial_feed_unpublishes_nothing(
    store: Database, tmp_path: Path
) -> None:
    path = tmp_path / "feed.geojson"
    path.write_bytes(collection(feature(n) for n in range(5)))
    empty = state(store.path)
    dry = await _import_file(store, path, batch_size=2, dry_run=True)
    assert (dry.read, dry.created) == (5, 5)
    assert state(store.path) == empty
    await _import_file(store, path, batch_size=2)
    path.write_bytes(collection(feature(n) for n in range(2)))
    before = state(store.path)
    partial = await _import_file(store, path, batch_size=2, full_feed=False)
    assert (partial.unchanged, partial.unpublished) == (2, 0)
    assert state(store.path) == before
