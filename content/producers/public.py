"""The public producer reads: filter, sort and page published producers with their live offers.

A producer network counts its members in tens or hundreds, and ``open_now`` and ``available=today``
need Python (the opening-hours parser, the season in Paris time), so one query takes the candidates by
place (R*Tree) and their offers, and the rest is filtered here before keyset paging.

Offers past ``valid_until`` (against the real clock, ``now``) are never shown; ``at`` is the instant
the client asks about for ``open_now`` and ``available=today`` (default: now).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import aiosqlite
import msgspec

from content.core.clock import utc_now
from content.core.cursor import SortKey
from content.core.errors import NotFound
from content.core.hours import is_open
from content.core.paging import DEFAULT_LIMIT, keyset
from content.media import load_media_refs
from content.places.geo import BBox, bbox_around, bbox_of, haversine_m, point_to_line_m
from content.places.place import Box, Near
from content.producers.availability import offer_available_today
from content.producers.features import (
    ProducerCollection,
    ProducerFeature,
    producer_media_ids,
    render_producer,
)
from content.producers.queries import get_producer, offers_of, producers_in_bbox
from content.producers.rows import OfferRecord, ProducerRecord
from content.text.localize import LanguageChoice, Localizer

__all__ = [
    "ProducerQuery",
    "list_published_producers_in_bbox",
    "list_published_producers_near_line",
    "open_at",
    "public_producer",
    "public_producers",
]


class ProducerQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters of the public list; ``after`` is the previous page's key."""

    now: datetime
    at: datetime
    bbox: Box | None = None
    near: Near | None = None
    open_now: bool = False
    available_today: bool = False
    category: str | None = None
    label: str | None = None
    updated_since: str | None = None  # RFC 3339 as stored: producers or offers updated after it
    limit: int = DEFAULT_LIMIT
    after: SortKey | None = None


def open_at(record: ProducerRecord, at: datetime) -> bool:
    """Whether the farm shop is open at ``at``; no stated hours means not promised open."""
    if record.opening_hours is None:
        return False
    return is_open(record.opening_hours, at, lat=record.geometry.lat, lon=record.geometry.lon)


def _offer_matches(offer: OfferRecord, query: ProducerQuery) -> bool:
    if query.category is not None and offer.category != query.category:
        return False
    return not query.available_today or offer_available_today(offer, query.at)


def _updated_since(record: ProducerRecord, offers: Sequence[OfferRecord], since: str) -> bool:
    """The producer or one of its current offers changed after ``since`` (an offer is part of it)."""
    return record.updated_at > since or any(offer.updated_at > since for offer in offers)


async def public_producers(
    conn: aiosqlite.Connection,
    query: ProducerQuery,
    localizer: Localizer,
    cursor_of: Callable[[SortKey], str],
) -> ProducerCollection:
    """A page of published producers as a FeatureCollection, sorted by distance with ``near``, else id."""
    box = None if query.bbox is None else query.bbox.bounds
    if query.near is not None:
        box = query.near.box
    candidates = await producers_in_bbox(conn, box)
    if query.label is not None:
        candidates = [p for p in candidates if query.label in p.labels]
    keyed: list[tuple[SortKey, ProducerRecord]] = []
    for record in candidates:
        sort_value = 0.0
        if query.near is not None:
            sort_value = haversine_m(query.near.lat, query.near.lon, record.geometry.lat, record.geometry.lon)
            if sort_value > query.near.radius_m:
                continue
        keyed.append(((sort_value, record.id), record))
    offers = await offers_of(conn, (record.id for _, record in keyed), valid_after=query.now)
    opens: dict[str, bool] = {}
    kept: list[tuple[SortKey, ProducerRecord]] = []
    for key, record in keyed:
        opens[record.id] = open_at(record, query.at)
        if query.open_now and not opens[record.id]:
            continue
        wants_offer = query.category is not None or query.available_today
        if wants_offer and not any(_offer_matches(offer, query) for offer in offers[record.id]):
            continue
        if query.updated_since is not None and not _updated_since(
            record, offers[record.id], query.updated_since
        ):
            continue
        if query.after is not None and key <= query.after:
            continue
        kept.append((key, record))
    kept.sort(key=lambda item: item[0])
    found = keyset(kept, query.limit, lambda item: item[0])
    page = found.items
    page_offers = [offer for _, record in page for offer in offers[record.id]]
    media = await load_media_refs(conn, producer_media_ids((r for _, r in page), page_offers))
    features = [
        render_producer(
            record,
            offers[record.id],
            media,
            localizer,
            open_now=opens[record.id],
            distance_m=key[0] if query.near is not None else None,
        )
        for key, record in page
    ]
    next_cursor = cursor_of(found.next_key) if found.next_key is not None else None
    return ProducerCollection(type="FeatureCollection", features=features, next=next_cursor)


async def public_producer(
    conn: aiosqlite.Connection, producer_id: str, localizer: Localizer, *, now: datetime, at: datetime
) -> ProducerFeature:
    """One published producer as a Feature; ``NotFound`` for drafts, archived and unknown ids alike."""
    record = await get_producer(conn, producer_id)
    if record is None:
        raise NotFound(f"no published producer {producer_id!r}")
    offers = (await offers_of(conn, [record.id], valid_after=now))[record.id]
    media = await load_media_refs(conn, producer_media_ids([record], offers))
    return render_producer(record, offers, media, localizer, open_now=open_at(record, at))


async def _every_language(
    conn: aiosqlite.Connection, records: Sequence[ProducerRecord], now: datetime, default_lang: str
) -> list[ProducerFeature]:
    localizer = Localizer(LanguageChoice.all_languages(), default_lang)
    offers = await offers_of(conn, (record.id for record in records), valid_after=now)
    all_offers = [offer for record in records for offer in offers[record.id]]
    media = await load_media_refs(conn, producer_media_ids(records, all_offers))
    return [
        render_producer(record, offers[record.id], media, localizer, open_now=open_at(record, now))
        for record in records
    ]


async def list_published_producers_in_bbox(
    conn: aiosqlite.Connection, bbox: BBox, *, now: datetime | None = None, default_lang: str = "fr"
) -> list[ProducerFeature]:
    """Published producers in ``bbox`` (minLon, minLat, maxLon, maxLat), id order, for packs: every
    multilingual field as a ``{lang: text}`` map, only offers still valid at ``now`` (default: the
    system clock). ``open_now`` is as of ``now``; an offline app should evaluate ``opening_hours``."""
    moment = now or utc_now()
    return await _every_language(conn, await producers_in_bbox(conn, bbox), moment, default_lang)


async def list_published_producers_near_line(
    conn: aiosqlite.Connection,
    coordinates: Sequence[Sequence[float]],
    buffer_m: float,
    *,
    now: datetime | None = None,
    default_lang: str = "fr",
) -> list[ProducerFeature]:
    """Published producers within ``buffer_m`` of a LineString (``[lon, lat]`` pairs), id order, in
    the same shape as :func:`list_published_producers_in_bbox`."""
    if not coordinates:
        return []
    min_lon, min_lat, max_lon, max_lat = bbox_of(coordinates)
    low = bbox_around(min_lat, min_lon, buffer_m)
    high = bbox_around(max_lat, max_lon, buffer_m)
    box = (min(low[0], high[0]), low[1], max(low[2], high[2]), high[3])
    records = [
        record
        for record in await producers_in_bbox(conn, box)
        if point_to_line_m(record.geometry.lat, record.geometry.lon, coordinates) <= buffer_m
    ]
    return await _every_language(conn, records, now or utc_now(), default_lang)
