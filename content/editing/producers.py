"""Producers and their offers in the editing workflow (:mod:`content.editing`). An offer is addressed
as ``(producer_id, offer_id)``, belongs to its producer for permissions, and announces its producer in
``ContentChanged``; withdrawing it is its status change (``withdrawn``), final.

The producer editor's reads beyond the workflow are here too: the create body (``NewProducer``), the
editor's pages, and a producer's history with its offers' changes interleaved."""

from __future__ import annotations

from typing import Annotated

import aiosqlite
import msgspec
from msgspec import Meta

from content.accounts.permissions import require_list, require_read
from content.accounts.principal import Principal
from content.core.errors import Gone, NotFound
from content.core.events import PendingChange
from content.core.model import Status
from content.core.paging import EVERY_STATUS, FIRST_PAGE, Page, PageRequest, cursor_scope, keyset_page
from content.editing import Aggregate, Created, EditSession, Owner, read_history
from content.editing.changes import Updated
from content.editing.history import HistoryEntry, entry_from_row
from content.producers.model import SLUG_PATTERN, OfferInput, OfferPatch, ProducerInput, ProducerPatch
from content.producers.offer_store import create_offer, offer_fields, update_offer, withdraw_offer
from content.producers.queries import get_offer, get_producer, list_producers, offers_of
from content.producers.rows import OfferRecord, ProducerRecord
from content.producers.store import create_producer, producer_fields, set_producer_status, update_producer

__all__ = [
    "OFFERS",
    "PRODUCERS",
    "NewProducer",
    "OfferKey",
    "OfferList",
    "SeededOffer",
    "editor_offer",
    "editor_offers",
    "editor_producer",
    "editor_producers",
    "producer_history",
    "producer_history_page",
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


OfferKey = tuple[str, str]
"""``(producer_id, offer_id)``."""


async def _load_producer(conn: aiosqlite.Connection, producer_id: str) -> ProducerRecord | None:
    return await get_producer(conn, producer_id, statuses=EVERY_STATUS)


def _producer_owner(record: ProducerRecord) -> Owner:
    return Owner(record.office_id, record.id)


async def _insert_producer(
    conn: aiosqlite.Connection, body: NewProducer, session: EditSession, owner: Owner
) -> Created[ProducerRecord]:
    record = await create_producer(
        conn, body.profile(), now=session.now, user_id=session.user_id, office_id=owner.office_id,
        producer_id=body.id,
    )  # fmt: skip
    return Created(record, producer_fields(record))


async def _patch_producer(
    conn: aiosqlite.Connection, record: ProducerRecord, patch: ProducerPatch, session: EditSession
) -> Updated[ProducerRecord]:
    return await update_producer(conn, record, patch, now=session.now, user_id=session.user_id)


async def _producer_status(
    conn: aiosqlite.Connection, record: ProducerRecord, status: str, session: EditSession
) -> Updated[ProducerRecord]:
    return await set_producer_status(conn, record, status, now=session.now, user_id=session.user_id)


async def _touch_producer(
    pending: PendingChange, before: ProducerRecord | None, after: ProducerRecord
) -> None:
    pending.touch(producers={after.id})


PRODUCERS: Aggregate[str, ProducerRecord, NewProducer, ProducerPatch] = Aggregate(
    kind="producer",
    noun="producer",
    load=_load_producer,
    owner=_producer_owner,
    insert=_insert_producer,
    apply_patch=_patch_producer,
    apply_status=_producer_status,
    touched=_touch_producer,
)
"""Producers (created by admins): ``editing.create/read/update/set_status(session, PRODUCERS, …)``."""


async def _load_offer(conn: aiosqlite.Connection, key: OfferKey) -> OfferRecord | None:
    producer_id, offer_id = key
    if await get_producer(conn, producer_id, statuses=EVERY_STATUS) is None:
        raise NotFound(f"no producer {producer_id!r}")
    # Looked up under its producer: another producer's offer id is simply not found here.
    offer = await get_offer(conn, producer_id, offer_id)
    if offer is None:
        raise NotFound(f"producer {producer_id!r} has no offer {offer_id!r}")
    return offer


def _offer_owner(offer: OfferRecord) -> Owner:
    return Owner(offer.office_id, offer.producer_id)


def _live(offer: OfferRecord) -> None:
    if offer.status == "withdrawn":
        raise Gone(f"offer {offer.id!r} was withdrawn")


async def _offer_parent(conn: aiosqlite.Connection, producer_id: str) -> Owner:
    producer = await get_producer(conn, producer_id, statuses=EVERY_STATUS)
    if producer is None:
        raise NotFound(f"no producer {producer_id!r}")
    return Owner(producer.office_id, producer.id)


class SeededOffer(msgspec.Struct, frozen=True, kw_only=True):
    """An offer with the id it must keep (loaders that find their offers again by id)."""

    id: str
    offer: OfferInput


async def _insert_offer(
    conn: aiosqlite.Connection, body: OfferInput | SeededOffer, session: EditSession, owner: Owner
) -> Created[OfferRecord]:
    assert owner.producer_id is not None
    offer_id, offer_input = (body.id, body.offer) if isinstance(body, SeededOffer) else (None, body)
    offer = await create_offer(
        conn, owner.producer_id, offer_input, now=session.now, user_id=session.user_id, offer_id=offer_id
    )
    return Created(offer, offer_fields(offer))


async def _patch_offer(
    conn: aiosqlite.Connection, offer: OfferRecord, patch: OfferPatch, session: EditSession
) -> Updated[OfferRecord]:
    return await update_offer(conn, offer, patch, now=session.now, user_id=session.user_id)


async def _offer_status(
    conn: aiosqlite.Connection, offer: OfferRecord, status: str, session: EditSession
) -> Updated[OfferRecord]:
    if status != "withdrawn":
        raise ValueError(f"an offer's status only changes to withdrawn, not {status!r}")
    return await withdraw_offer(conn, offer, now=session.now, user_id=session.user_id)


async def _touch_offer(pending: PendingChange, before: OfferRecord | None, after: OfferRecord) -> None:
    pending.touch(producers={after.producer_id})


OFFERS: Aggregate[OfferKey, OfferRecord, OfferInput | SeededOffer, OfferPatch] = Aggregate(
    kind="offer",
    noun="offer",
    load=_load_offer,
    owner=_offer_owner,
    insert=_insert_offer,
    apply_patch=_patch_offer,
    apply_status=_offer_status,
    touched=_touch_offer,
    check_live=_live,
    parent_owner=_offer_parent,
)
"""Offers: ``editing.create(session, OFFERS, body, parent=producer_id)``, ``editing.update(session,
OFFERS, (producer_id, offer_id), patch, if_match=…)``, ``set_status(…, "withdrawn", …)`` withdraws."""


async def producer_history_page(
    session: EditSession, producer_id: str, page: PageRequest
) -> Page[HistoryEntry]:
    """The producer's changes and its offers' (``entity_type`` says which), newest first."""

    async def reader(
        conn: aiosqlite.Connection, record: ProducerRecord, page: PageRequest
    ) -> Page[HistoryEntry]:
        return await producer_history(conn, record.id, page)

    return await read_history(session, PRODUCERS, producer_id, page, reader=reader)
