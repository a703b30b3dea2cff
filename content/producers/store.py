"""Writing producers and offers. Writer connection only, inside the caller's transaction.

Each function checks, in order: the resource exists, the actor may touch it
(``content.accounts.permissions``), the ``If-Match`` ETag is current, the body obeys every rule, and
the media it names exist; only then does it write, bump the revision and append the history entry in
the same transaction, so a refused request changes nothing. ``actor=None`` is the command line (no
permission check); ``require_match=False`` is for loaders that are not answering a client.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import aiosqlite
import msgspec

from content import history
from content.accounts.permissions import require_create, require_edit
from content.accounts.principal import Principal
from content.clock import rfc3339
from content.editing import check_if_match
from content.errors import Conflict, Gone, InvalidInput, NotFound
from content.ids import slugify, unique_slug
from content.model import STATUSES, Status
from content.paging import EVERY_STATUS
from content.producers.model import OfferInput, OfferPatch, ProducerInput, ProducerPatch
from content.producers.queries import get_offer, get_producer
from content.producers.records import OfferRecord, ProducerRecord, offer_params, producer_params
from content.producers.validation import (
    apply_offer_patch,
    apply_producer_patch,
    validate_offer,
    validate_offer_patch,
    validate_producer,
    validate_producer_patch,
)
from content.references import MediaUse, check_media, check_office

__all__ = [
    "create_offer",
    "create_producer",
    "editable_producer",
    "set_producer_status",
    "update_offer",
    "update_producer",
    "withdraw_offer",
]

_INSERT_PRODUCER = """
INSERT INTO producers (id, office_id, status, name, description, lat, lon, address, commune, contact, labels,
                       opening_hours, pickup_points, images, created_at, updated_at, updated_by)
VALUES (:id, :office_id, :status, :name, :description, :lat, :lon, :address, :commune, :contact, :labels,
        :opening_hours, :pickup_points, :images, :now, :now, :user_id)
"""
_UPDATE_PRODUCER = """
UPDATE producers SET name = :name, description = :description, lat = :lat, lon = :lon, address = :address,
    commune = :commune, contact = :contact, labels = :labels, opening_hours = :opening_hours,
    pickup_points = :pickup_points, images = :images,
    revision = revision + 1, updated_at = :now, updated_by = :user_id
WHERE id = :id
"""
_PRODUCER_STATUS = """
UPDATE producers SET status = :status, revision = revision + 1, updated_at = :now, updated_by = :user_id
WHERE id = :id
"""
_INSERT_OFFER = """
INSERT INTO offers (id, producer_id, status, product, category, price_amount_cents, price_currency,
                    price_unit, availability, season_months, valid_until, images, created_at, updated_at,
                    updated_by)
VALUES (:id, :producer_id, 'active', :product, :category, :price_amount_cents, :price_currency, :price_unit,
        :availability, :season_months, :valid_until, :images, :now, :now, :user_id)
"""
_UPDATE_OFFER = """
UPDATE offers SET product = :product, category = :category, price_amount_cents = :price_amount_cents,
    price_currency = :price_currency, price_unit = :price_unit, availability = :availability,
    season_months = :season_months, valid_until = :valid_until, images = :images,
    revision = revision + 1, updated_at = :now, updated_by = :user_id
WHERE id = :id
"""
_WITHDRAW_OFFER = """
UPDATE offers SET status = 'withdrawn', revision = revision + 1, updated_at = :now, updated_by = :user_id
WHERE id = :id
"""
_TAKEN = {
    "producers": "SELECT id FROM producers WHERE id = ? OR id LIKE ? || '-%'",
    "offers": "SELECT id FROM offers WHERE id = ? OR id LIKE ? || '-%'",
}


def _user(actor: Principal | None) -> str | None:
    return None if actor is None else actor.id


def _builtins(struct: msgspec.Struct) -> dict[str, Any]:
    # Field by field: the bodies omit defaults when encoded, and history must show every changed value.
    return {name: msgspec.to_builtins(getattr(struct, name)) for name in struct.__struct_fields__}


def _image_uses(images: Sequence[str], field: str = "images") -> list[MediaUse]:
    return [(f"{field}[{index}]", media_id, "image") for index, media_id in enumerate(images)]


async def _fresh_id(conn: aiosqlite.Connection, table: str, text: str, given: str | None) -> str:
    if given is not None:
        exact = (
            "SELECT 1 FROM producers WHERE id = ?"
            if table == "producers"
            else "SELECT 1 FROM offers WHERE id = ?"
        )
        if list(await conn.execute_fetchall(exact, (given,))):
            raise Conflict(f"id {given!r} is already taken")
        return given
    base = slugify(text) or "item"
    rows = await conn.execute_fetchall(_TAKEN[table], (base, base))
    return unique_slug(base, (row[0] for row in rows))


async def editable_producer(
    conn: aiosqlite.Connection, producer_id: str, actor: Principal | None
) -> ProducerRecord:
    """The producer (any status) if ``actor`` may edit it: ``NotFound``, or ``Forbidden``."""
    record = await get_producer(conn, producer_id, statuses=EVERY_STATUS)
    if record is None:
        raise NotFound(f"no producer {producer_id!r}")
    if actor is not None:
        require_edit(actor, "producer", record.office_id, record.id)
    return record


async def _reread(conn: aiosqlite.Connection, producer_id: str) -> ProducerRecord:
    record = await get_producer(conn, producer_id, statuses=EVERY_STATUS)
    assert record is not None
    return record


async def create_producer(
    conn: aiosqlite.Connection,
    body: ProducerInput,
    *,
    actor: Principal | None,
    now: datetime,
    office_id: str | None = None,
    producer_id: str | None = None,
    status: Status = "draft",
) -> ProducerRecord:
    """Insert a producer at revision 1 (a draft unless told). ``Conflict`` if ``producer_id`` is taken."""
    if actor is not None:
        require_create(actor, "producer")
    profile = validate_producer(body)
    await check_office(conn, office_id)
    await check_media(conn, _image_uses(profile.images))
    new_id = await _fresh_id(conn, "producers", profile.name, producer_id)
    user_id = _user(actor)
    params = {"id": new_id, "office_id": office_id, "status": status, "now": rfc3339(now), "user_id": user_id}
    await conn.execute(_INSERT_PRODUCER, {**params, **producer_params(profile)})
    after = {**_builtins(profile), "status": status, "office_id": office_id}
    await history.record(
        conn, entity_type="producer", entity_id=new_id, revision=1, action="create", user_id=user_id,
        before={}, after=after, at=now,
    )  # fmt: skip
    return await _reread(conn, new_id)


async def update_producer(
    conn: aiosqlite.Connection,
    producer_id: str,
    patch: ProducerPatch,
    *,
    if_match: str | None,
    actor: Principal | None,
    now: datetime,
    require_match: bool = True,
) -> ProducerRecord:
    """Apply a partial profile update; the revision moves only if something changed."""
    record = await editable_producer(conn, producer_id, actor)
    if require_match:
        check_if_match(if_match, record.etag)
    checked = validate_producer_patch(patch)
    profile = apply_producer_patch(record.to_input(), checked)
    await check_media(conn, _image_uses(profile.images))
    before, after = history.changed_fields(_builtins(record.to_input()), _builtins(profile))
    if not after:
        return record
    user_id = _user(actor)
    params = {"id": producer_id, "now": rfc3339(now), "user_id": user_id, **producer_params(profile)}
    await conn.execute(_UPDATE_PRODUCER, params)
    await history.record(
        conn, entity_type="producer", entity_id=producer_id, revision=record.revision + 1,
        action="update", user_id=user_id, before=before, after=after, at=now,
    )  # fmt: skip
    return await _reread(conn, producer_id)


async def set_producer_status(
    conn: aiosqlite.Connection,
    producer_id: str,
    status: Status,
    *,
    if_match: str | None,
    actor: Principal | None,
    now: datetime,
    require_match: bool = True,
) -> ProducerRecord:
    """Publish, unpublish (back to draft) or archive; nothing changes if already so."""
    if status not in STATUSES:
        raise InvalidInput.field("status", f"must be one of {', '.join(STATUSES)}")
    record = await editable_producer(conn, producer_id, actor)
    if require_match:
        check_if_match(if_match, record.etag)
    if record.status == status:
        return record
    user_id = _user(actor)
    await conn.execute(
        _PRODUCER_STATUS, {"id": producer_id, "status": status, "now": rfc3339(now), "user_id": user_id}
    )
    action = {"published": "publish", "draft": "unpublish", "archived": "archive"}[status]
    await history.record(
        conn, entity_type="producer", entity_id=producer_id, revision=record.revision + 1, action=action,
        user_id=user_id, before={"status": record.status}, after={"status": status}, at=now,
    )  # fmt: skip
    return await _reread(conn, producer_id)


async def _offer_of(
    conn: aiosqlite.Connection, producer_id: str, offer_id: str, actor: Principal | None
) -> OfferRecord:
    producer = await get_producer(conn, producer_id, statuses=EVERY_STATUS)
    if producer is None:
        raise NotFound(f"no producer {producer_id!r}")
    if actor is not None:
        require_edit(actor, "offer", producer.office_id, producer.id)
    # Looked up under its producer: another producer's offer id is simply not found here.
    offer = await get_offer(conn, producer_id, offer_id)
    if offer is None:
        raise NotFound(f"producer {producer_id!r} has no offer {offer_id!r}")
    if offer.status == "withdrawn":
        raise Gone(f"offer {offer_id!r} was withdrawn")
    return offer


async def _reread_offer(conn: aiosqlite.Connection, producer_id: str, offer_id: str) -> OfferRecord:
    offer = await get_offer(conn, producer_id, offer_id)
    assert offer is not None
    return offer


async def create_offer(
    conn: aiosqlite.Connection,
    producer_id: str,
    body: OfferInput,
    *,
    actor: Principal | None,
    now: datetime,
    offer_id: str | None = None,
) -> OfferRecord:
    """Add an offer to a producer; ``valid_until`` must fall within the next 120 days."""
    producer = await get_producer(conn, producer_id, statuses=EVERY_STATUS)
    if producer is None:
        raise NotFound(f"no producer {producer_id!r}")
    if actor is not None:
        require_create(actor, "offer", owner_office_id=producer.office_id, producer_id=producer.id)
    offer = validate_offer(body, now=now)
    await check_media(conn, _image_uses(offer.images))
    name = offer.product.get("fr") or next(iter(offer.product.values()), "")
    new_id = await _fresh_id(conn, "offers", f"{producer_id} {name}", offer_id)
    user_id = _user(actor)
    params = {"id": new_id, "producer_id": producer_id, "now": rfc3339(now), "user_id": user_id}
    await conn.execute(_INSERT_OFFER, {**params, **offer_params(offer)})
    await history.record(
        conn, entity_type="offer", entity_id=new_id, revision=1, action="create", user_id=user_id,
        before={}, after={**_builtins(offer), "producer_id": producer_id}, at=now,
    )  # fmt: skip
    return await _reread_offer(conn, producer_id, new_id)


async def update_offer(
    conn: aiosqlite.Connection,
    producer_id: str,
    offer_id: str,
    patch: OfferPatch,
    *,
    if_match: str | None,
    actor: Principal | None,
    now: datetime,
    require_match: bool = True,
) -> OfferRecord:
    """Apply a partial offer update (``{"availability": "sold_out"}`` works even on an expired offer)."""
    offer = await _offer_of(conn, producer_id, offer_id, actor)
    if require_match:
        check_if_match(if_match, offer.etag)
    checked = validate_offer_patch(patch, now=now)
    updated = apply_offer_patch(offer.to_input(), checked)
    await check_media(conn, _image_uses(updated.images))
    before, after = history.changed_fields(_builtins(offer.to_input()), _builtins(updated))
    if not after:
        return offer
    user_id = _user(actor)
    params = {"id": offer_id, "now": rfc3339(now), "user_id": user_id, **offer_params(updated)}
    await conn.execute(_UPDATE_OFFER, params)
    await history.record(
        conn, entity_type="offer", entity_id=offer_id, revision=offer.revision + 1, action="update",
        user_id=user_id, before=before, after=after, at=now,
    )  # fmt: skip
    return await _reread_offer(conn, producer_id, offer_id)


async def withdraw_offer(
    conn: aiosqlite.Connection,
    producer_id: str,
    offer_id: str,
    *,
    if_match: str | None,
    actor: Principal | None,
    now: datetime,
) -> OfferRecord:
    """Take an offer off sale for good; it stays in the store for the history."""
    offer = await _offer_of(conn, producer_id, offer_id, actor)
    check_if_match(if_match, offer.etag)
    user_id = _user(actor)
    await conn.execute(_WITHDRAW_OFFER, {"id": offer_id, "now": rfc3339(now), "user_id": user_id})
    await history.record(
        conn, entity_type="offer", entity_id=offer_id, revision=offer.revision + 1, action="withdraw",
        user_id=user_id, before={"status": "active"}, after={"status": "withdrawn"}, at=now,
    )  # fmt: skip
    return await _reread_offer(conn, producer_id, offer_id)
