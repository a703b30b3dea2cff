"""Writing offers: create, update (the sold-out fast path included) and withdraw, under their producer.

Same order of checks as ``content.producers.store``; an offer is always reached through its producer, so
another producer's offer id is simply not found.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from content import history
from content.accounts.permissions import require_create, require_edit
from content.accounts.principal import Principal
from content.clock import rfc3339
from content.editing import check_if_match
from content.errors import Gone, NotFound
from content.paging import EVERY_STATUS
from content.producers._writes import builtins_of, fresh_id, image_uses, user_of
from content.producers.model import OfferInput, OfferPatch
from content.producers.queries import get_offer, get_producer
from content.producers.records import OfferRecord, offer_params
from content.producers.validation import apply_offer_patch, validate_offer, validate_offer_patch
from content.references import check_media

__all__ = ["create_offer", "update_offer", "withdraw_offer"]

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
    await check_media(conn, image_uses(offer.images))
    name = offer.product.get("fr") or next(iter(offer.product.values()), "")
    new_id = await fresh_id(conn, "offers", f"{producer_id} {name}", offer_id)
    user_id = user_of(actor)
    params = {"id": new_id, "producer_id": producer_id, "now": rfc3339(now), "user_id": user_id}
    await conn.execute(_INSERT_OFFER, {**params, **offer_params(offer)})
    await history.record(
        conn, entity_type="offer", entity_id=new_id, revision=1, action="create", user_id=user_id,
        before={}, after={**builtins_of(offer), "producer_id": producer_id}, at=now,
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
    await check_media(conn, image_uses(updated.images))
    before, after = history.changed_fields(builtins_of(offer.to_input()), builtins_of(updated))
    if not after:
        return offer
    user_id = user_of(actor)
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
    user_id = user_of(actor)
    await conn.execute(_WITHDRAW_OFFER, {"id": offer_id, "now": rfc3339(now), "user_id": user_id})
    await history.record(
        conn, entity_type="offer", entity_id=offer_id, revision=offer.revision + 1, action="withdraw",
        user_id=user_id, before={"status": "active"}, after={"status": "withdrawn"}, at=now,
    )  # fmt: skip
    return await _reread_offer(conn, producer_id, offer_id)
