"""The public POI reads, whole: query, resolve media in one batch, render in the asked language."""

from __future__ import annotations

from collections.abc import Callable

import aiosqlite

from content.core.cursor import SortKey
from content.core.errors import NotFound
from content.media import load_media_refs
from content.pois.features import PoiFeature, PoiFeatureAll, poi_media_ids, render_poi
from content.pois.queries import PoiQuery, get_poi, list_poi_entries, poi_records
from content.pois.rendered import FeatureCache, page_features, page_json
from content.pois.rows import record_of, same_version
from content.text.localize import Localizer

__all__ = ["public_poi", "public_pois_json"]


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


async def public_poi(
    conn: aiosqlite.Connection, poi_id: str, localizer: Localizer
) -> PoiFeature | PoiFeatureAll:
    """One published POI as a Feature; ``NotFound`` for drafts, archived and unknown ids alike."""
    record = await get_poi(conn, poi_id)
    if record is None:
        raise NotFound(f"no published POI {poi_id!r}")
    media = await load_media_refs(conn, poi_media_ids([record]))
    return render_poi(record, media, localizer)
