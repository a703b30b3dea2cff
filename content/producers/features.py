"""Public producer read models (GeoJSON, ``API.md`` names) and their rendering in one language.

Models holding localized text are frozen dataclasses, like the POI ones: the OpenAPI schema builder
refuses a union of ``str`` and ``dict`` inside a Struct, and msgspec encodes dataclasses alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import msgspec

from content.core.clock import rfc3339
from content.core.model import MediaRef
from content.places.geojson import Point, point_of
from content.producers.model import Contact
from content.producers.rows import OfferRecord, ProducerRecord
from content.text.localize import Localizer
from content.text.views import Text, images_of, round_m, unset

__all__ = [
    "OfferView",
    "PickupPointView",
    "PriceView",
    "ProducerCollection",
    "ProducerFeature",
    "ProducerProperties",
    "producer_media_ids",
    "render_producer",
]


class PriceView(msgspec.Struct, frozen=True):
    """Always the three fields, currency included (the editor body may leave it to its default)."""

    amount_cents: int
    currency: str
    unit: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferView:
    id: str
    product: Text
    category: str
    price: PriceView | None
    availability: str
    season_months: list[int]
    valid_until: str
    images: list[MediaRef]


@dataclass(frozen=True, slots=True, kw_only=True)
class PickupPointView:
    id: str
    name: Text
    geometry: Point
    opening_hours: str | None
    address: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProducerProperties:
    """A public producer. ``opening_hours`` is the raw OSM string; ``open_now`` is computed for the
    asked instant. ``distance_m`` comes with ``near``; ``lang`` names the language of a fallback."""

    id: str
    name: str
    description: Text
    labels: list[str]
    opening_hours: str | None
    open_now: bool
    address: str | None
    commune: str | None
    pickup_points: list[PickupPointView]
    contact: Contact
    images: list[MediaRef]
    offers: list[OfferView]
    updated_at: str
    distance_m: float | msgspec.UnsetType = field(default_factory=unset)
    lang: str | msgspec.UnsetType = field(default_factory=unset)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProducerFeature:
    type: Literal["Feature"]
    id: str
    geometry: Point
    properties: ProducerProperties


@dataclass(frozen=True, slots=True, kw_only=True)
class ProducerCollection:
    """A page of producers; ``next`` is the cursor of the following page, or null on the last one."""

    type: Literal["FeatureCollection"]
    features: list[ProducerFeature]
    next: str | None


def producer_media_ids(producers: Iterable[ProducerRecord], offers: Iterable[OfferRecord]) -> set[str]:
    """Every media id the producers and offers point at, to resolve them in one query."""
    ids: set[str] = set()
    for producer in producers:
        ids.update(producer.images)
    for offer in offers:
        ids.update(offer.images)
    return ids


def render_producer(
    record: ProducerRecord,
    offers: Sequence[OfferRecord],
    media: Mapping[str, MediaRef],
    localizer: Localizer,
    *,
    open_now: bool,
    distance_m: float | None = None,
) -> ProducerFeature:
    language = localizer.feature()
    offer_views = [
        OfferView(
            id=offer.id,
            product=language.text(offer.product),
            category=offer.category,
            price=None
            if offer.price is None
            else PriceView(offer.price.amount_cents, offer.price.currency, offer.price.unit),
            availability=offer.availability,
            season_months=list(offer.season_months),
            valid_until=_instant(offer.valid_until),
            images=images_of(offer.images, media),
        )
        for offer in offers
    ]
    pickup_points = [
        PickupPointView(
            id=point.id,
            name=language.text(point.name),
            geometry=point_of(point.geometry.lon, point.geometry.lat),
            opening_hours=point.opening_hours,
            address=point.address,
        )
        for point in record.pickup_points
    ]
    properties = ProducerProperties(
        id=record.id,
        name=record.name,
        description=language.text(record.description),
        labels=list(record.labels),
        opening_hours=record.opening_hours,
        open_now=open_now,
        address=record.address,
        commune=record.commune,
        pickup_points=pickup_points,
        contact=record.contact,
        images=images_of(record.images, media),
        offers=offer_views,
        updated_at=record.updated_at,
        distance_m=msgspec.UNSET if distance_m is None else round_m(distance_m),
        lang=msgspec.UNSET if language.fallback is None else language.fallback,
    )
    geometry = point_of(record.geometry.lon, record.geometry.lat)
    return ProducerFeature(type="Feature", id=record.id, geometry=geometry, properties=properties)


def _instant(moment: datetime) -> str:
    return rfc3339(moment)
