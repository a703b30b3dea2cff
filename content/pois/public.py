"""The public POI reads, whole: query, resolve media in one batch, render in the asked language."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

import aiosqlite

from content.core.cursor import SortKey
from content.core.db import Database
from content.core.errors import NotFound
from content.media import load_media_refs
from content.pois.features import PoiFeature, PoiFeatureAll, poi_media_ids, render_poi
from content.pois.near_index import NearIndex
from content.pois.queries import PoiQuery, get_poi, list_poi_entries, poi_records
from content.pois.rendered import (
    FeatureCache,
    RenderedFeature,
    near_page_json,
    page_features,
    page_json,
    render,
)
from content.pois.rows import record_of, same_version
from content.text.localize import Localizer

__all__ = ["public_near_json", "public_poi", "public_pois_json"]


async def public_pois_json(
    conn: aiosqlite.Connection,
    query: PoiQuery,
    localizer: Localizer,
    cursor_of: Callable[[SortKey], str],
    cache: FeatureCache,
) -> bytes:
    """A page of published POIs as a FeatureCollection (``PoiCollection`` or ``PoiCollectionAll``),
    encoded; ``cursor_of`` turns the next key into ``next``.

    One statement when every POI on the page is already rendered in this language choice; then one
    more for the records of those that are not, and one for media refs when the page shows media."""
    choice, default = localizer.choice, localizer.default
    page = await list_poi_entries(conn, query, every_record=False)
    known = {}
    for entry in page.items:
        if not entry.has_media and (rendered := cache.get(entry, choice, default)) is not None:
            known[entry.id] = rendered
    records = {entry.id: record_of(entry) for entry in page.items if entry.has_media}
    missing = [entry for entry in page.items if entry.id not in known and not entry.has_media]
    if missing:
        fetched = {record.id: record for record in await poi_records(conn, [e.id for e in missing])}
        if all(same_version(fetched.get(entry.id), entry) for entry in missing):
            records.update(fetched)
        else:
            # Edited between the two statements: read the page again, whole, in one.
            page = await list_poi_entries(conn, query)
            known = {}
            records = {entry.id: record_of(entry) for entry in page.items}
    with_media = [record for record in records.values() if record.images or record.audio]
    media = await load_media_refs(conn, poi_media_ids(with_media)) if with_media else {}
    features = page_features(page.items, known, records, media, localizer, cache, page.distances_m)
    return page_json(features, cursor_of(page.next_key) if page.next_key is not None else None)


_TIE = attrgetter("tie")  # a row number, for the entries of the near-me index


async def public_near_json(
    db: Database,
    index: NearIndex,
    query: PoiQuery,
    localizer: Localizer,
    cursor_of: Callable[[SortKey], str],
    cache: FeatureCache,
) -> bytes | None:
    """:func:`public_pois_json` for a plain public "near me", from the process's in-memory index, byte
    for byte the same page; ``None`` when the index cannot answer (another query, or the index is not
    the database's present state): then ask :func:`public_pois_json`.

    No statement at all when every POI on the page is rendered in this language choice and shows no
    media; else one for the records of the others (and one for media refs), checked to be the versions
    the index named."""
    snapshot = index.current()
    page = None if snapshot is None else snapshot.page(query)
    if snapshot is None or page is None:
        return None
    choice, default = localizer.choice, localizer.default
    # Rendered features by row number, for this snapshot and language choice: versions are fixed
    # within a snapshot, so the row number alone names one.
    memo = snapshot.rendered(choice, default)
    # Features that show media are never kept in ``memo``: they come out None and are rendered below.
    found: list[RenderedFeature | None] = list(map(memo.get, map(_TIE, page.items)))
    features = list(filter(None, found))
    missing = []
    if len(features) < len(found):
        for position, entry in enumerate(page.items):
            if found[position] is None:
                rendered = None
                if not entry.has_media and (rendered := cache.get(entry, choice, default)) is not None:
                    memo[entry.tie] = rendered  # type: ignore[index]
                    found[position] = rendered
                else:
                    missing.append(entry)
    if missing:
        async with db.read() as conn:
            records = {record.id: record for record in await poi_records(conn, [e.id for e in missing])}
            if not all(same_version(records.get(entry.id), entry) for entry in missing):
                return None  # edited since the index's check: SQLite answers
            with_media = [record for record in records.values() if record.images or record.audio]
            media = await load_media_refs(conn, poi_media_ids(with_media)) if with_media else {}
        renderer = cache.localizer(choice, default)
        for position, entry in enumerate(page.items):
            if found[position] is None:
                rendered = render(records[entry.id], media, renderer)
                cache.put(entry, choice, default, rendered)
                if not entry.has_media:
                    memo[entry.tie] = rendered  # type: ignore[index]
                found[position] = rendered
    if len(features) < len(found):
        features = [rendered for rendered in found if rendered is not None]
    localizer.served.update(*{rendered.served for rendered in features})  # a few distinct sets
    assert page.distances_m is not None
    next_cursor = cursor_of(page.next_key) if page.next_key is not None else None
    return near_page_json(features, page.distances_m, next_cursor)


async def public_poi(
    conn: aiosqlite.Connection, poi_id: str, localizer: Localizer
) -> PoiFeature | PoiFeatureAll:
    """One published POI as a Feature; ``NotFound`` for drafts, archived and unknown ids alike."""
    record = await get_poi(conn, poi_id)
    if record is None:
        raise NotFound(f"no published POI {poi_id!r}")
    media = await load_media_refs(conn, poi_media_ids([record]))
    return render_poi(record, media, localizer)
