"""What the producer editor endpoints read beyond the store: the create body, pages, and the
producer's history with its offers' changes interleaved."""

from __future__ import annotations

from typing import Annotated

import aiosqlite
import msgspec
from msgspec import Meta

from content.accounts.permissions import require_list, require_read
from content.accounts.principal import Principal
from content.core.errors import NotFound
from content.core.model import Status
from content.core.paging import EVERY_STATUS, check_limit, next_cursor, over_fetch, read_position
from content.editing.history import HistoryEntry, HistoryPage, entry_from_row
from content.producers.model import SLUG_PATTERN, ProducerInput
from content.producers.queries import get_offer, get_producer, list_producers, offers_of
from content.producers.rows import OfferRecord, ProducerRecord

__all__ = [
    "NewProducer",
    "OfferList",
    "ProducerPage",
    "editor_offer",
    "editor_offers",
    "editor_producer",
    "editor_producers",
    "producer_history",
]

_HISTORY = """
SELECT h.id, h.entity_type, h.entity_id, h.revision, h.action, h.user_id, u.email AS user_email, h.at,
       h.before, h.after
FROM history h LEFT JOIN users u ON u.id = h.user_id
WHERE ((h.entity_type = 'producer' AND h.entity_id = :id)
       OR (h.entity_type = 'offer' AND h.entity_id IN (SELECT id FROM offers WHERE producer_id = :id)))
  AND (:before IS NULL OR h.id < :before)
ORDER BY h.id DESC LIMIT :limit
"""


class NewProducer(ProducerInput, frozen=True, kw_only=True):
    """``POST /api/v1/editor/producers``: a profile, plus an optional id (a slug kept for good;
    made from the name when absent) and the owning office."""

    id: Annotated[str, Meta(pattern=SLUG_PATTERN)] | None = None
    office_id: Annotated[str, Meta(pattern=SLUG_PATTERN)] | None = None

    def profile(self) -> ProducerInput:
        return ProducerInput(**{name: getattr(self, name) for name in ProducerInput.__struct_fields__})


class ProducerPage(msgspec.Struct, frozen=True):
    items: list[ProducerRecord]
    next: str | None


class OfferList(msgspec.Struct, frozen=True):
    """A producer's offers, expired ones included (the editor renews them), withdrawn ones on request."""

    items: list[OfferRecord]


async def editor_producers(
    conn: aiosqlite.Connection,
    principal: Principal,
    *,
    status: Status | None,
    limit: int,
    cursor: str | None,
) -> ProducerPage:
    """Producers ``principal`` may read (a producer account sees its own), drafts included, by id."""
    require_list(principal, "producer")
    check_limit(limit)
    scope = f"editor-producers:{status}"
    after = await read_position(conn, scope, cursor, str)
    own = principal.producer_id if principal.role == "producer" else None
    if principal.role == "producer" and own is None:
        return ProducerPage(items=[], next=None)
    rows = await list_producers(
        conn,
        statuses=EVERY_STATUS if status is None else (status,),
        producer_id=own,
        after=after,
        limit=limit,
    )
    items, next_token = await next_cursor(conn, scope, rows, limit, _producer_id)
    return ProducerPage(items=items, next=next_token)


def _producer_id(record: ProducerRecord) -> str:
    return record.id


async def editor_producer(
    conn: aiosqlite.Connection, principal: Principal, producer_id: str
) -> ProducerRecord:
    """The producer, any status, if ``principal`` may read it: ``NotFound`` or ``Forbidden``."""
    record = await get_producer(conn, producer_id, statuses=EVERY_STATUS)
    if record is None:
        raise NotFound(f"no producer {producer_id!r}")
    require_read(principal, "producer", record.office_id, record.id)
    return record


async def editor_offers(
    conn: aiosqlite.Connection, principal: Principal, producer_id: str, *, include_withdrawn: bool
) -> OfferList:
    record = await editor_producer(conn, principal, producer_id)
    offers = await offers_of(conn, [record.id], include_withdrawn=include_withdrawn)
    return OfferList(items=offers[record.id])


async def editor_offer(
    conn: aiosqlite.Connection, principal: Principal, producer_id: str, offer_id: str
) -> OfferRecord:
    """One offer of the producer (withdrawn included), if ``principal`` may read the producer."""
    record = await editor_producer(conn, principal, producer_id)
    offer = await get_offer(conn, record.id, offer_id)
    if offer is None:
        raise NotFound(f"producer {producer_id!r} has no offer {offer_id!r}")
    return offer


async def producer_history(
    conn: aiosqlite.Connection, producer_id: str, limit: int = 50, cursor: str | None = None
) -> HistoryPage:
    """The producer's changes and its offers' (``entity_type`` says which), newest first."""
    scope = f"history:producer:{producer_id}"
    before = await read_position(conn, scope, cursor, int)
    params = {"id": producer_id, "before": before, "limit": over_fetch(limit)}
    rows = list(await conn.execute_fetchall(_HISTORY, params))
    items, next_token = await next_cursor(
        conn, scope, [entry_from_row(row) for row in rows], limit, _entry_id
    )
    return HistoryPage(items=items, next=next_token)


def _entry_id(entry: HistoryEntry) -> int:
    return entry.id
