"""Stored producers and offers: the editor representations, and the mapping to and from table rows."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any, Literal

import msgspec

from content.core.clock import parse_rfc3339, rfc3339
from content.core.model import Status
from content.editing.etags import etag_for
from content.producers.model import Contact, OfferInput, PickupPoint, PointGeometry, Price, ProducerInput

__all__ = [
    "OFFER_COLUMNS",
    "PRODUCER_COLUMNS",
    "OfferRecord",
    "OfferStatus",
    "ProducerRecord",
    "offer_from_row",
    "offer_params",
    "producer_from_row",
    "producer_params",
]

OfferStatus = Literal["active", "withdrawn"]

PRODUCER_COLUMNS = (
    "p.id, p.office_id, p.status, p.revision, p.name, p.description, p.lat, p.lon, p.address, p.commune,"
    " p.contact, p.labels, p.opening_hours, p.pickup_points, p.images, p.created_at, p.updated_at,"
    " p.updated_by"
)
OFFER_COLUMNS = (
    "o.id, o.producer_id, o.status, o.revision, o.product, o.category, o.price_amount_cents,"
    " o.price_currency, o.price_unit, o.availability, o.season_months, o.valid_until, o.images,"
    " o.created_at, o.updated_at, o.updated_by,"
    " (SELECT office_id FROM producers WHERE producers.id = o.producer_id) AS office_id"
)

_encode = msgspec.json.Encoder().encode
_lang_map = msgspec.json.Decoder(dict[str, str]).decode
_str_list = msgspec.json.Decoder(list[str]).decode
_int_list = msgspec.json.Decoder(list[int]).decode
_contact = msgspec.json.Decoder(Contact).decode
_pickup_points = msgspec.json.Decoder(list[PickupPoint]).decode


def _json(value: object) -> str:
    return _encode(value).decode()


class ProducerRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A producer as the editor sees it: every field, multilingual ones as ``{lang: text}`` maps."""

    id: str
    status: Status
    revision: int
    office_id: str | None
    name: str
    description: dict[str, str]
    geometry: PointGeometry
    address: str | None
    commune: str | None
    contact: Contact
    labels: list[str]
    opening_hours: str | None
    pickup_points: list[PickupPoint]
    images: list[str]
    created_at: str
    updated_at: str
    updated_by: str | None

    @property
    def etag(self) -> str:
        return etag_for("producer", self.id, self.revision)

    def to_input(self) -> ProducerInput:
        return ProducerInput(**{name: getattr(self, name) for name in ProducerInput.__struct_fields__})


class OfferRecord(msgspec.Struct, frozen=True, kw_only=True):
    """An offer as the editor sees it; ``withdrawn`` offers are kept for the history, never shown.
    ``office_id`` is its producer's (offers have no owner of their own)."""

    id: str
    producer_id: str
    status: OfferStatus
    revision: int
    office_id: str | None
    product: dict[str, str]
    category: str
    price: Price | None
    availability: str
    season_months: list[int]
    valid_until: datetime
    images: list[str]
    created_at: str
    updated_at: str
    updated_by: str | None

    @property
    def etag(self) -> str:
        return etag_for("offer", self.id, self.revision)

    def to_input(self) -> OfferInput:
        return msgspec.convert(
            {name: msgspec.to_builtins(getattr(self, name)) for name in OfferInput.__struct_fields__},
            OfferInput,
        )


def producer_params(profile: ProducerInput) -> dict[str, Any]:
    """The stored columns of a validated profile, for INSERT and UPDATE."""
    return {
        "name": profile.name,
        "description": _json(profile.description),
        "lat": profile.geometry.lat,
        "lon": profile.geometry.lon,
        "address": profile.address,
        "commune": profile.commune,
        "contact": _json(profile.contact),
        "labels": _json(profile.labels),
        "opening_hours": profile.opening_hours,
        "pickup_points": _json(profile.pickup_points),
        "images": _json(profile.images),
    }


def offer_params(offer: OfferInput) -> dict[str, Any]:
    """The stored columns of a validated offer; ``valid_until`` as fixed-width UTC text (comparable)."""
    price = offer.price
    return {
        "product": _json(offer.product),
        "category": offer.category,
        "price_amount_cents": None if price is None else price.amount_cents,
        "price_currency": None if price is None else price.currency,
        "price_unit": None if price is None else price.unit,
        "availability": offer.availability,
        "season_months": _json(offer.season_months),
        "valid_until": rfc3339(offer.valid_until),
        "images": _json(offer.images),
    }


def producer_from_row(row: sqlite3.Row) -> ProducerRecord:
    return ProducerRecord(
        id=row["id"],
        status=row["status"],
        revision=row["revision"],
        office_id=row["office_id"],
        name=row["name"],
        description=_lang_map(row["description"]),
        geometry=PointGeometry(type="Point", coordinates=(row["lon"], row["lat"])),
        address=row["address"],
        commune=row["commune"],
        contact=_contact(row["contact"]),
        labels=_str_list(row["labels"]),
        opening_hours=row["opening_hours"],
        pickup_points=_pickup_points(row["pickup_points"]),
        images=_str_list(row["images"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
    )


def offer_from_row(row: sqlite3.Row) -> OfferRecord:
    price = None
    if row["price_amount_cents"] is not None:
        price = Price(
            amount_cents=row["price_amount_cents"], unit=row["price_unit"], currency=row["price_currency"]
        )
    return OfferRecord(
        id=row["id"],
        producer_id=row["producer_id"],
        status=row["status"],
        revision=row["revision"],
        office_id=row["office_id"],
        product=_lang_map(row["product"]),
        category=row["category"],
        price=price,
        availability=row["availability"],
        season_months=_int_list(row["season_months"]),
        valid_until=parse_rfc3339(row["valid_until"]),
        images=_str_list(row["images"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
    )
