"""Writing offers: create, patch (the sold-out fast path included) and withdraw, under their producer.
Writer connection only, inside the caller's transaction; permissions, ``If-Match``, history and the
change event belong to the editing workflow (``content.editing``; offers are declared in
``content.editing.producers``). An offer is always reached through its producer, so another producer's
offer id is simply not found.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from content.core.clock import rfc3339
from content.core.references import check_media
from content.editing import history
from content.editing.changes import Change, Updated, reread
from content.editing.merge_patch import patch_document, patched
from content.producers._writes import builtins_of, fresh_id, image_uses
from content.producers.model import OfferInput, OfferPatch
from content.producers.queries import get_offer
from content.producers.rows import OfferRecord, offer_params
from content.producers.validate import validate_offer

__all__ = ["create_offer", "offer_fields", "update_offer", "withdraw_offer"]

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


async def _reread_offer(conn: aiosqlite.Connection, producer_id: str, offer_id: str) -> OfferRecord:
    return await reread(get_offer(conn, producer_id, offer_id))


def offer_fields(offer: OfferRecord) -> dict[str, Any]:
    """A new offer's fields, as its ``create`` history entry shows them."""
    return {**builtins_of(offer.to_input()), "producer_id": offer.producer_id}


async def create_offer(
    conn: aiosqlite.Connection,
    producer_id: str,
    body: OfferInput,
    *,
    now: datetime,
    user_id: str | None = None,
    offer_id: str | None = None,
) -> OfferRecord:
    """Add an offer to an existing producer; ``valid_until`` must fall within the next 120 days."""
    offer = validate_offer(body, now=now)
    await check_media(conn, image_uses(offer.images))
    name = offer.product.get("fr") or next(iter(offer.product.values()), "")
    new_id = await fresh_id(conn, "offers", f"{producer_id} {name}", offer_id)
    params = {"id": new_id, "producer_id": producer_id, "now": rfc3339(now), "user_id": user_id}
    await conn.execute(_INSERT_OFFER, {**params, **offer_params(offer)})
    return await _reread_offer(conn, producer_id, new_id)


async def update_offer(
    conn: aiosqlite.Connection,
    offer: OfferRecord,
    patch: OfferPatch,
    *,
    now: datetime,
    user_id: str | None = None,
) -> Updated[OfferRecord]:
    """Apply a JSON merge patch; only the fields it sends are checked again, so
    ``{"availability": "sold_out"}`` works even on an expired offer."""
    updated = patched(offer.to_input(), patch)
    updated = validate_offer(updated, now=now, only=patch_document(patch).keys())
    await check_media(conn, image_uses(updated.images))
    before, after = history.changed_fields(builtins_of(offer.to_input()), builtins_of(updated))
    if not after:
        return Updated(offer, Change(entity_id=offer.id, revision=offer.revision, before={}, after={}))
    params = {"id": offer.id, "now": rfc3339(now), "user_id": user_id, **offer_params(updated)}
    await conn.execute(_UPDATE_OFFER, params)
    record = await _reread_offer(conn, offer.producer_id, offer.id)
    return Updated(record, Change(entity_id=offer.id, revision=record.revision, before=before, after=after))


async def withdraw_offer(
    conn: aiosqlite.Connection, offer: OfferRecord, *, now: datetime, user_id: str | None = None
) -> Updated[OfferRecord]:
    """Take an offer off sale for good; it stays in the store for the history."""
    await conn.execute(_WITHDRAW_OFFER, {"id": offer.id, "now": rfc3339(now), "user_id": user_id})
    record = await _reread_offer(conn, offer.producer_id, offer.id)
    change = Change(
        entity_id=offer.id,
        revision=record.revision,
        before={"status": "active"},
        after={"status": "withdrawn"},
    )
    return Updated(record, change)
