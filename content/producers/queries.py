"""Reading producers and offers: by id, the editor lists, the public candidates, and expiring offers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import aiosqlite
import msgspec

from content.core.clock import rfc3339
from content.core.model import Status
from content.core.paging import EVERY_STATUS, PUBLIC
from content.places.geo import BBox
from content.producers.rows import (
    OFFER_COLUMNS,
    PRODUCER_COLUMNS,
    OfferRecord,
    ProducerRecord,
    offer_from_row,
    producer_from_row,
)

__all__ = [
    "ExpiringOffer",
    "expiring_offers",
    "get_offer",
    "get_producer",
    "list_producers",
    "offers_of",
    "producers_in_bbox",
]

_encode = msgspec.json.Encoder().encode
_GET_PRODUCER = (
    f"SELECT {PRODUCER_COLUMNS} FROM producers AS p"  # noqa: S608  # a constant column list
    " WHERE p.id = ? AND p.status IN (SELECT value FROM json_each(?))"
)
_LIST_PRODUCERS = (
    f"SELECT {PRODUCER_COLUMNS} FROM producers AS p"  # noqa: S608  # a constant column list
    " WHERE p.status IN (SELECT value FROM json_each(:statuses))"
    " AND (:office_id IS NULL OR p.office_id = :office_id)"
    " AND (:producer_id IS NULL OR p.id = :producer_id)"
    " AND (:after IS NULL OR p.id > :after) ORDER BY p.id LIMIT :limit"
)
_IN_BBOX = (
    f"SELECT {PRODUCER_COLUMNS} FROM producers_rtree AS r JOIN producers AS p ON p.rowid = r.id"  # noqa: S608
    " WHERE r.max_lon >= :min_lon AND r.min_lon <= :max_lon AND r.max_lat >= :min_lat"
    " AND r.min_lat <= :max_lat AND p.status IN (SELECT value FROM json_each(:statuses)) ORDER BY p.id"
)
_ALL = (
    f"SELECT {PRODUCER_COLUMNS} FROM producers AS p"  # noqa: S608  # a constant column list
    " WHERE p.status IN (SELECT value FROM json_each(:statuses)) ORDER BY p.id"
)
_OFFERS_OF = (
    f"SELECT {OFFER_COLUMNS} FROM offers AS o"  # noqa: S608  # a constant column list
    " WHERE o.producer_id IN (SELECT value FROM json_each(:ids))"
    " AND (:all_statuses OR o.status = 'active') AND (:after IS NULL OR o.valid_until > :after)"
    " ORDER BY o.producer_id, o.id"
)
_GET_OFFER = f"SELECT {OFFER_COLUMNS} FROM offers AS o WHERE o.producer_id = ? AND o.id = ?"  # noqa: S608
_EXPIRING = (
    f"SELECT {OFFER_COLUMNS} FROM offers AS o JOIN producers AS p ON p.id = o.producer_id"  # noqa: S608
    " WHERE o.status = 'active' AND o.valid_until > :now AND o.valid_until <= :until"
    " ORDER BY o.valid_until, o.id"
)


def _statuses(statuses: Sequence[Status]) -> str:
    return _encode(list(statuses)).decode()


async def get_producer(
    conn: aiosqlite.Connection, producer_id: str, *, statuses: Sequence[Status] = PUBLIC
) -> ProducerRecord | None:
    """The producer if it exists with one of ``statuses`` (public readers see only published ones)."""
    rows = list(await conn.execute_fetchall(_GET_PRODUCER, (producer_id, _statuses(statuses))))
    return producer_from_row(rows[0]) if rows else None


async def list_producers(
    conn: aiosqlite.Connection,
    *,
    statuses: Sequence[Status] = EVERY_STATUS,
    office_id: str | None = None,
    producer_id: str | None = None,
    after: str | None = None,
    count: int,
) -> list[ProducerRecord]:
    """``count`` producers in id order after ``after`` (``content.core.paging.keyset_page`` reads a page)."""
    params: dict[str, Any] = {
        "statuses": _statuses(statuses),
        "office_id": office_id,
        "producer_id": producer_id,
        "after": after,
        "limit": count,
    }
    return [producer_from_row(row) for row in await conn.execute_fetchall(_LIST_PRODUCERS, params)]


async def producers_in_bbox(
    conn: aiosqlite.Connection, bbox: BBox | None, *, statuses: Sequence[Status] = PUBLIC
) -> list[ProducerRecord]:
    """Producers whose farm lies in ``bbox`` (R*Tree), or all of them without one, in id order."""
    if bbox is None:
        rows = await conn.execute_fetchall(_ALL, {"statuses": _statuses(statuses)})
    else:
        min_lon, min_lat, max_lon, max_lat = bbox
        params = {
            "min_lon": min_lon,
            "min_lat": min_lat,
            "max_lon": max_lon,
            "max_lat": max_lat,
            "statuses": _statuses(statuses),
        }
        rows = await conn.execute_fetchall(_IN_BBOX, params)
    return [producer_from_row(row) for row in rows]


async def offers_of(
    conn: aiosqlite.Connection,
    producer_ids: Iterable[str],
    *,
    valid_after: datetime | None = None,
    include_withdrawn: bool = False,
) -> dict[str, list[OfferRecord]]:
    """Offers of the producers, by producer id, in offer id order; ``valid_after`` drops the offers
    whose ``valid_until`` has passed by then, ``include_withdrawn`` keeps withdrawn ones."""
    ids = sorted(set(producer_ids))
    result: dict[str, list[OfferRecord]] = {producer_id: [] for producer_id in ids}
    if not ids:
        return result
    params = {
        "ids": _encode(ids).decode(),
        "all_statuses": include_withdrawn,
        "after": None if valid_after is None else rfc3339(valid_after),
    }
    for row in await conn.execute_fetchall(_OFFERS_OF, params):
        result[row["producer_id"]].append(offer_from_row(row))
    return result


async def get_offer(conn: aiosqlite.Connection, producer_id: str, offer_id: str) -> OfferRecord | None:
    """The offer if it belongs to ``producer_id`` (withdrawn included); another producer's is None."""
    rows = list(await conn.execute_fetchall(_GET_OFFER, (producer_id, offer_id)))
    return offer_from_row(rows[0]) if rows else None


class ExpiringOffer(msgspec.Struct, frozen=True):
    offer: OfferRecord
    producer: ProducerRecord


async def expiring_offers(
    conn: aiosqlite.Connection, *, now: datetime, until: datetime
) -> list[ExpiringOffer]:
    """Active offers whose ``valid_until`` falls in (now, until], soonest first, with their producer."""
    rows = list(await conn.execute_fetchall(_EXPIRING, {"now": rfc3339(now), "until": rfc3339(until)}))
    producers: dict[str, ProducerRecord] = {}
    result = []
    for row in rows:
        offer = offer_from_row(row)
        if offer.producer_id not in producers:
            found = await get_producer(conn, offer.producer_id, statuses=EVERY_STATUS)
            assert found is not None
            producers[offer.producer_id] = found
        result.append(ExpiringOffer(offer=offer, producer=producers[offer.producer_id]))
    return result
