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
from content.core.paging import EVERY_STATUS, FIRST_PAGE, Page, PageRequest, cursor_scope, keyset_page
from content.editing.history import HistoryEntry, entry_from_row
from content.producers.model import SLUG_PATTERN, ProducerInput
from content.producers.queries import get_offer, get_producer, list_producers, offers_of
from content.producers.rows import OfferRecord, ProducerRecord

__all__ = [
    "NewProducer",
    "OfferList",
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


class OfferList(msgspec.Struct, frozen=True):
    """A producer's offers, expired ones included (the editor renews them), withdrawn ones on request."""

    items: list[OfferRecord]


async def editor_producers(
    conn: aiosqlite.Connection,
    principal: Principal,
    *,
    status: Status | None,
    page: PageRequest,
) -> Page[ProducerRecord]:
    """Producers ``principal`` may read (a producer account sees its own), drafts included, by id."""
    require_list(principal, "producer")
    own = principal.producer_id if principal.role == "producer" else None
    statuses = EVERY_STATUS if status is None else (status,)

    async def fetch(after: str | None, count: int) -> list[ProducerRecord]:
        if principal.role == "producer" and own is None:
            return []
        return await list_producers(conn, statuses=statuses, producer_id=own, after=after, count=count)

    return await keyset_page(conn, page, cursor_scope(f"editor-producers:{status}"), str, fetch, _producer_id)


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
    conn: aiosqlite.Connection, producer_id: str, page: PageRequest = FIRST_PAGE
) -> Page[HistoryEntry]:
    """The producer's changes and its offers' (``entity_type`` says which), newest first."""

    async def fetch(before: int | None, count: int) -> list[HistoryEntry]:
        params = {"id": producer_id, "before": before, "limit": count}
        return [entry_from_row(row) for row in await conn.execute_fetchall(_HISTORY, params)]

    return await keyset_page(conn, page, f"history:producer:{producer_id}", int, fetch, _entry_id)


def _entry_id(entry: HistoryEntry) -> int:
    return entry.id
