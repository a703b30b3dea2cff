"""The import engine over GeoJSON feeds: creates, re-runs that write nothing, updates by source date,
local edits kept and reported, unpublish-missing within the provider, skips with reasons, dry runs and
one transaction per batch."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from content.core.db import Database
from content.editing import history
from content.importers import apply as apply_module
from content.importers import reader_for
from content.pois.model import PoiPatch
from content.pois.store import update_poi
from tests.content.importers.helpers import feature, geojson_objects, import_objects, snapshot, state

LATER = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


async def test_first_import_creates_tracked_published_pois_with_history(store: Database) -> None:
    report = await import_objects(store, geojson_objects(feature(n) for n in range(3)))
    assert (report.read, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    rows = snapshot(store.path, "SELECT id, status, revision, name, description FROM pois ORDER BY id")
    assert [row[:3] for row in rows] == [(f"lavoir-n{n}", "published", 1) for n in range(3)]
    assert rows[0][3] == '{"en":"Wash house 0","fr":"Lavoir n°0"}'
    assert rows[0][4] == '{"fr":"Un lavoir restauré."}'  # HTML gone
    sources = snapshot(
        store.path, "SELECT poi_id, provider, external_id, source_updated_at FROM import_sources"
    )
    assert sorted(sources) == [(f"lavoir-n{n}", "geojson", f"L{n}", "2026-01-01T00:00:00Z") for n in range(3)]
    actions = snapshot(store.path, "SELECT entity_id, action, revision, user_id FROM history ORDER BY id")
    assert actions == [(f"lavoir-n{n}", "import", 1, None) for n in range(3)]


async def test_rerunning_the_same_feed_writes_nothing(store: Database) -> None:
    features = [feature(n) for n in range(5)]
    await import_objects(store, geojson_objects(features))
    before = state(store.path)
    report = await import_objects(store, geojson_objects(features), now=LATER)
    assert (report.created, report.updated, report.unchanged, report.unpublished) == (0, 0, 5, 0)
    assert state(store.path) == before


async def test_an_object_is_updated_only_when_its_source_date_moved(store: Database) -> None:
    await import_objects(store, geojson_objects([feature(1)]))
    same_date = feature(1, name="Lavoir renommé")
    report = await import_objects(store, geojson_objects([same_date]), now=LATER)
    assert (report.updated, report.unchanged) == (0, 1)
    moved = feature(1, name="Lavoir renommé", updated="2026-02-01T00:00:00+01:00")
    report = await import_objects(store, geojson_objects([moved]), now=LATER)
    assert (report.updated, report.unchanged) == (1, 0)
    row = snapshot(store.path, "SELECT revision, name, updated_at FROM pois WHERE id = 'lavoir-n1'")[0]
    assert row == (2, '{"en":"Wash house 1","fr":"Lavoir renommé"}', "2026-06-01T09:00:00Z")
    last = snapshot(store.path, "SELECT action, before, after FROM history ORDER BY id DESC LIMIT 1")[0]
    assert last[0] == "update"  # through the editing workflow, like any other change
    assert "Lavoir n°1" in last[1]
    assert "Lavoir renommé" in last[2]
    assert snapshot(store.path, "SELECT source_updated_at FROM import_sources") == [("2026-01-31T23:00:00Z",)]


async def test_sources_without_dates_change_when_their_content_does(store: Database) -> None:
    plain = feature(1)
    del plain["properties"]["updated_at"]
    await import_objects(store, geojson_objects([plain]))
    before = state(store.path)
    assert (await import_objects(store, geojson_objects([plain]))).unchanged == 1
    assert state(store.path) == before
    plain["properties"]["commune"] = "Rémalard"
    assert (await import_objects(store, geojson_objects([plain]))).updated == 1


async def _edit(store: Database, poi_id: str, **fields: Any) -> None:
    async with store.write() as conn:
        await update_poi(
            conn, poi_id, PoiPatch(**fields), user_id="someone", updated_at="2026-05-10T00:00:00Z"
        )


async def test_local_edits_win_and_conflicts_are_reported_with_both_values(store: Database) -> None:
    await import_objects(store, geojson_objects([feature(1)]))
    await _edit(store, "lavoir-n1", description={"fr": "Texte écrit par l'office."}, commune="Bellême")
    changed = feature(
        1, name="Lavoir du bourg", description="Nouveau texte de la source.", updated="2026-03-01T00:00:00Z"
    )
    report = await import_objects(store, geojson_objects([changed]), now=LATER)
    assert report.updated == 1
    assert [(c.poi_id, c.field, c.local, c.source) for c in report.conflicts] == [
        (
            "lavoir-n1",
            "description",
            {"fr": "Texte écrit par l'office."},
            {"fr": "Nouveau texte de la source."},
        )
    ]
    row = snapshot(store.path, "SELECT name, description, commune FROM pois WHERE id = 'lavoir-n1'")[0]
    # The untouched name follows the source; the edited description and commune stay.
    assert row == (
        '{"en":"Wash house 1","fr":"Lavoir du bourg"}',
        '{"fr":"Texte écrit par l\'office."}',
        "Bellême",
    )
    stored = snapshot(store.path, "SELECT conflicts FROM import_sources WHERE poi_id = 'lavoir-n1'")[0][0]
    assert '"local":{"fr":"Texte écrit par l\'office."}' in stored
    assert '"source":{"fr":"Nouveau texte de la source."}' in stored
    # The source moving again without touching the description adds no conflict, keeps the edit.
    again = feature(
        1,
        name="Lavoir du bourg",
        description="Nouveau texte de la source.",
        updated="2026-04-01T00:00:00Z",
        address="Rue du lavoir",
    )
    report = await import_objects(store, geojson_objects([again]), now=LATER)
    assert report.conflicts == []
    row = snapshot(store.path, "SELECT description, address FROM pois WHERE id = 'lavoir-n1'")[0]
    assert row == ('{"fr":"Texte écrit par l\'office."}', "Rue du lavoir")


async def test_missing_objects_of_a_full_feed_are_unpublished_within_the_provider(store: Database) -> None:
    await import_objects(store, geojson_objects(feature(n) for n in range(3)))
    await import_objects(store, geojson_objects([feature(7)]), provider="other")
    report = await import_objects(store, geojson_objects(feature(n) for n in range(2)), now=LATER)
    assert report.unpublished == 1
    statuses = dict(snapshot(store.path, "SELECT id, status FROM pois"))
    assert statuses == {
        "lavoir-n0": "published",
        "lavoir-n1": "published",
        "lavoir-n2": "draft",
        "lavoir-n7": "published",
    }
    assert snapshot(store.path, "SELECT count(*) FROM pois") == [(4,)]  # never deleted
    last = snapshot(store.path, "SELECT entity_id, action FROM history ORDER BY id DESC LIMIT 1")
    assert last == [("lavoir-n2", "unpublish")]
    # Back in the feed: published again, even though its source date did not move.
    report = await import_objects(store, geojson_objects(feature(n) for n in range(3)), now=LATER)
    assert (report.republished, report.unchanged) == (1, 3)
    assert dict(snapshot(store.path, "SELECT id, status FROM pois"))["lavoir-n2"] == "published"


async def test_partial_and_empty_feeds_unpublish_nothing(store: Database) -> None:
    await import_objects(store, geojson_objects(feature(n) for n in range(3)))
    before = state(store.path)
    report = await import_objects(store, geojson_objects([feature(0)]), full_feed=False)
    assert report.unpublished == 0
    report = await import_objects(store, [])
    assert report.unpublished == 0
    assert report.notes == ["the feed held no objects: nothing was unpublished"]
    assert state(store.path) == before


async def test_a_person_unpublishing_or_archiving_is_not_undone(store: Database) -> None:
    await import_objects(store, geojson_objects([feature(1)]))
    async with store.write() as conn:
        from content.pois.store import set_poi_status

        await set_poi_status(
            conn, "lavoir-n1", "archived", user_id="someone", updated_at="2026-05-10T00:00:00Z"
        )
    moved = feature(1, name="Lavoir du bourg", updated="2026-03-01T00:00:00Z")
    await import_objects(store, geojson_objects([moved]), now=LATER)
    assert snapshot(store.path, "SELECT status, name FROM pois") == [
        ("archived", '{"en":"Wash house 1","fr":"Lavoir du bourg"}')
    ]


async def test_unusable_objects_are_skipped_with_a_reason(store: Database) -> None:
    no_geometry = feature(1)
    no_geometry["geometry"] = None
    null_island = feature(2)
    null_island["geometry"]["coordinates"] = [0, 0]
    strings = feature(3)
    strings["geometry"]["coordinates"] = ["0,7531", "48.53"]
    nameless = feature(4, name="  ")
    del nameless["properties"]["name:en"]
    unmapped = feature(5, category="sauna")
    outside = feature(6)
    outside["geometry"]["coordinates"] = [2.35, 48.85]
    duplicate = feature(3)
    features = [no_geometry, null_island, strings, nameless, unmapped, outside, duplicate, feature(8)]
    report = await import_objects(
        store, geojson_objects(features), bbox=(0.5, 48.2, 1.2, 48.8), provider="geojson"
    )
    assert report.created == 2  # the string coordinates are read
    assert report.skipped == {
        "duplicate identifier": 1,
        "no name": 1,
        "no usable coordinates": 2,
        "outside the area": 1,
        "unmapped category": 1,
    }
    assert report.unmapped_kinds == {"sauna": 1}
    assert snapshot(store.path, "SELECT lon FROM pois WHERE id = 'lavoir-n3'") == [(0.7531,)]


async def test_dry_run_reports_the_same_and_writes_nothing(store: Database) -> None:
    await import_objects(store, geojson_objects(feature(n) for n in range(3)))
    await _edit(store, "lavoir-n0", description={"fr": "Local."})
    before = state(store.path)
    feed = [feature(0, description="Source.", updated="2026-03-01T00:00:00Z"), feature(1), feature(9)]
    dry = await import_objects(store, geojson_objects(feed), dry_run=True, now=LATER)
    assert state(store.path) == before
    real = await import_objects(store, geojson_objects(feed), now=LATER)
    assert (dry.created, dry.updated, dry.unchanged, dry.unpublished, len(dry.conflicts)) == (1, 0, 2, 1, 1)
    assert (real.created, real.updated, real.unchanged, real.unpublished, len(real.conflicts)) == (
        1,
        0,
        2,
        1,
        1,
    )


async def test_a_failing_batch_leaves_the_store_as_it_was_before_that_batch(
    store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0
    record_many = history.record_many

    async def failing(*args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:  # the second batch's history, after its POIs and before its source rows
            raise RuntimeError("killed")
        await record_many(*args, **kwargs)

    monkeypatch.setattr(apply_module.history, "record_many", failing)
    with pytest.raises(RuntimeError):
        await import_objects(store, geojson_objects(feature(n) for n in range(5)), batch_size=2)
    assert snapshot(store.path, "SELECT id FROM pois ORDER BY id") == [("lavoir-n0",), ("lavoir-n1",)]
    assert snapshot(store.path, "SELECT count(*) FROM import_sources") == [(2,)]
    assert snapshot(store.path, "SELECT count(*) FROM history") == [(2,)]
    monkeypatch.setattr(apply_module.history, "record_many", record_many)
    report = await import_objects(store, geojson_objects(feature(n) for n in range(5)), batch_size=2)
    assert (report.created, report.unchanged) == (3, 2)


async def test_skipped_objects_are_remembered_until_they_or_the_mapping_change(store: Database) -> None:
    sauna = feature(1, category="sauna")
    nowhere = feature(2)
    nowhere["geometry"] = None
    features = [sauna, nowhere, feature(3)]
    first = await import_objects(store, geojson_objects(features))
    assert first.skipped == {"no usable coordinates": 1, "unmapped category": 1}
    assert snapshot(store.path, "SELECT external_id, reason, kind FROM import_skips ORDER BY 1") == [
        ("L1", "unmapped category", "sauna"),
        ("L2", "no usable coordinates", "heritage"),
    ]
    before = state(store.path)
    again = await import_objects(store, geojson_objects(features), now=LATER)
    assert (again.skipped, again.unmapped_kinds, again.unchanged) == (first.skipped, {"sauna": 1}, 1)
    assert state(store.path) == before
    # Another mapping decides again; so does a source that moved.
    table = {**reader_for("geojson").categories, "sauna": "nature"}
    mapped = await import_objects(store, geojson_objects(features), table=table, now=LATER)
    assert (mapped.created, mapped.skipped) == (1, {"no usable coordinates": 1})
    located = feature(2, updated="2026-03-01T00:00:00Z")
    report = await import_objects(
        store, geojson_objects([sauna, located, feature(3)]), table=table, now=LATER
    )
    assert (report.created, report.skipped, report.unchanged) == (1, {}, 2)
    assert snapshot(store.path, "SELECT external_id FROM import_skips") == []


async def test_a_language_the_source_dropped_is_removed(store: Database) -> None:
    await import_objects(store, geojson_objects([feature(1)]))
    english_gone = feature(1, updated="2026-03-01T00:00:00Z")
    del english_gone["properties"]["name:en"]
    report = await import_objects(store, geojson_objects([english_gone]), now=LATER)
    assert report.updated == 1
    assert snapshot(store.path, "SELECT name FROM pois") == [('{"fr":"Lavoir n°1"}',)]
