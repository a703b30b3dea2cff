"""The public POI reads, whole: query, resolve media in one batch, render in the asked language."""

from __future__ import annotations

from collections.abc import Callable

import aiosqlite

from content.cursor import SortKey
from content.errors import NotFound
from content.localize import Localizer
from content.media import load_media_refs
from content.pois.features import (
    PoiCollection,
    PoiCollectionAll,
    PoiFeature,
    PoiFeatureAll,
    poi_media_ids,
    render_poi,
    render_pois,
)
from content.pois.queries import PoiQuery, get_poi, list_pois

__all__ = ["public_poi", "public_pois"]


async def public_pois(
    conn: aiosqlite.Connection,
    query: PoiQuery,
    localizer: Localizer,
    cursor_of: Callable[[SortKey], str],
) -> PoiCollection | PoiCollectionAll:
    """A page of published POIs as a FeatureCollection; ``cursor_of`` turns the next key into ``next``."""
    page = await list_pois(conn, query)
    media = await load_media_refs(conn, poi_media_ids(page.items))
    next_cursor = cursor_of(page.next_key) if page.next_key is not None else None
    return render_pois(page.items, media, localizer, next_cursor=next_cursor, distances_m=page.distances_m)


async def public_poi(
    conn: aiosqlite.Connection, poi_id: str, localizer: Localizer
) -> PoiFeature | PoiFeatureAll:
    """One published POI as a Feature; ``NotFound`` for drafts, archived and unknown ids alike."""
    record = await get_poi(conn, poi_id)
    if record is None:
        raise NotFound(f"no published POI {poi_id!r}")
    media = await load_media_refs(conn, poi_media_ids([record]))
    return render_poi(record, media, localizer)
