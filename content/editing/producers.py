"""Producers and their offers in the editing workflow (:mod:`content.editing`). An offer is addressed
as ``(producer_id, offer_id)``, belongs to its producer for permissions, and announces its producer in
``ContentChanged``; withdrawing it is its status change (``withdrawn``), final."""

from __future__ import annotations

import aiosqlite
import msgspec

from content.core.errors import Gone, NotFound
from content.core.events import PendingChange
from content.core.paging import EVERY_STATUS, Page, PageRequest
from content.editing import Aggregate, Created, EditSession, Owner, read_history
from content.editing.changes import Updated
from content.editing.history import HistoryEntry
from content.producers.editor import NewProducer, producer_history
from content.producers.model import OfferInput, OfferPatch, ProducerPatch
from content.producers.offer_store import create_offer, offer_fields, update_offer, withdraw_offer
from content.producers.queries import get_offer, get_producer
from content.producers.rows import OfferRecord, ProducerRecord
from content.producers.store import create_producer, producer_fields, set_producer_status, update_producer

__all__ = ["OFFERS", "PRODUCERS", "OfferKey", "SeededOffer", "producer_history_page"]

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
