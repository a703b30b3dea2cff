"""Editor bodies for producers and their offers (``API.md``, editing): what a client may send.

Types and ``Meta`` constraints reject malformed JSON at decode time, naming the path; the rules that
need more than a type (parsable opening hours, unique months, a validity window) live in
``content.producers.validate``, which re-checks everything so that Structs built in code obey too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from content.core.model import Latitude, Longitude
from content.editing.merge_patch import Stamps
from content.producers.vocabulary import Availability, Currency, Label, OfferCategory, PriceUnit

__all__ = [
    "EMAIL_PATTERN",
    "MAX_AMOUNT_CENTS",
    "MEDIA_ID_PATTERN",
    "PHONE_PATTERN",
    "SLUG_PATTERN",
    "Contact",
    "ContactPatch",
    "MediaId",
    "OfferInput",
    "OfferPatch",
    "PickupPoint",
    "PointGeometry",
    "Price",
    "ProducerInput",
    "ProducerPatch",
]

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
MEDIA_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
PHONE_PATTERN = r"^\+?[0-9][0-9 ().-]{4,30}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# 100 000 € per unit: far above any farm-gate price, low enough to catch a unit mistake.
MAX_AMOUNT_CENTS = 10_000_000

Slug = Annotated[str, Meta(pattern=SLUG_PATTERN, description="lowercase letters, digits and hyphens")]
MediaId = Annotated[str, Meta(pattern=MEDIA_ID_PATTERN, description="id of an uploaded media")]
ProducerName = Annotated[str, Meta(min_length=1, max_length=120)]
PlaceText = Annotated[str, Meta(max_length=300)]
Commune = Annotated[str, Meta(max_length=100)]
OpeningHoursText = Annotated[str, Meta(max_length=255, description="OpenStreetMap opening_hours syntax")]
Description = dict[str, Annotated[str, Meta(max_length=5000)]]
ShortText = dict[str, Annotated[str, Meta(max_length=200)]]
DescriptionPatch = dict[str, Annotated[str, Meta(max_length=5000)] | None]
ShortTextPatch = dict[str, Annotated[str, Meta(max_length=200)] | None]
Images = Annotated[list[MediaId], Meta(max_length=20)]
Labels = Annotated[list[Label], Meta(max_length=11)]
Month = Annotated[int, Meta(ge=1, le=12)]
SeasonMonths = Annotated[
    list[Month], Meta(max_length=12, description="months (1-12) when the product is in season; [] = all year")
]
ValidUntil = Annotated[datetime, Meta(tz=True, description="RFC 3339 date-time, at most 120 days ahead")]


class _Body(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """Configuration shared by every editor body: unknown fields are rejected, by name."""


class PointGeometry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A GeoJSON Point, ``[lon, lat]`` in WGS 84."""

    type: Literal["Point"]
    coordinates: tuple[Longitude, Latitude]

    @property
    def lon(self) -> float:
        return self.coordinates[0]

    @property
    def lat(self) -> float:
        return self.coordinates[1]


class Contact(_Body, frozen=True):
    phone: Annotated[str, Meta(pattern=PHONE_PATTERN, max_length=32)] | None = None
    email: Annotated[str, Meta(pattern=EMAIL_PATTERN, max_length=254)] | None = None
    website: Annotated[str, Meta(pattern=r"^https?://", max_length=500)] | None = None


class PickupPoint(_Body, frozen=True):
    """Where a producer's goods can be collected besides the farm: a market stall, a drive fermier."""

    id: Slug
    name: ShortText
    geometry: PointGeometry
    opening_hours: OpeningHoursText | None = None
    address: PlaceText | None = None


class ProducerInput(_Body, frozen=True):
    """A producer profile as the editor sends it whole."""

    name: ProducerName
    geometry: PointGeometry
    description: Description = {}
    address: PlaceText | None = None
    commune: Commune | None = None
    contact: Contact = Contact()
    labels: Labels = []
    opening_hours: OpeningHoursText | None = None
    pickup_points: Annotated[list[PickupPoint], Meta(max_length=20)] = []
    images: Images = []


class ContactPatch(_Body, frozen=True):
    """``contact`` in a merge patch: absent members stay, ``null`` clears one."""

    phone: Annotated[str, Meta(pattern=PHONE_PATTERN, max_length=32)] | UnsetType | None = UNSET
    email: Annotated[str, Meta(pattern=EMAIL_PATTERN, max_length=254)] | UnsetType | None = UNSET
    website: Annotated[str, Meta(pattern=r"^https?://", max_length=500)] | UnsetType | None = UNSET


class ProducerPatch(Stamps, frozen=True, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """A JSON Merge Patch (RFC 7396) of a producer: absent fields stay as they are, ``null`` clears a
    nullable field, ``description`` and ``contact`` are merged member by member (``{"en": null}``
    removes a language); read-only fields may be echoed back unchanged."""

    name: ProducerName | UnsetType = UNSET
    geometry: PointGeometry | UnsetType = UNSET
    description: DescriptionPatch | UnsetType = UNSET
    address: PlaceText | UnsetType | None = UNSET
    commune: Commune | UnsetType | None = UNSET
    contact: ContactPatch | UnsetType = UNSET
    labels: Labels | UnsetType = UNSET
    opening_hours: OpeningHoursText | UnsetType | None = UNSET
    pickup_points: Annotated[list[PickupPoint], Meta(max_length=20)] | UnsetType = UNSET
    images: Images | UnsetType = UNSET


class Price(_Body, frozen=True):
    amount_cents: Annotated[int, Meta(ge=0, le=MAX_AMOUNT_CENTS)]
    unit: PriceUnit
    currency: Currency = "EUR"


class OfferInput(_Body, frozen=True):
    """One product on offer: "asperges, 6 €/botte, jusqu'au 30 mai"."""

    product: ShortText
    category: OfferCategory
    valid_until: ValidUntil
    price: Price | None = None
    availability: Availability = "available"
    season_months: SeasonMonths = []
    images: Images = []


class OfferPatch(Stamps, frozen=True, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """A JSON Merge Patch (RFC 7396) of an offer; ``{"availability": "sold_out"}`` is the producer's
    phone fast path. ``product`` is merged language by language (``{"en": null}`` removes English)."""

    read_only: ClassVar[tuple[str, ...]] = (*Stamps.read_only, "producer_id")

    producer_id: str | UnsetType = UNSET
    product: ShortTextPatch | UnsetType = UNSET
    category: OfferCategory | UnsetType = UNSET
    valid_until: ValidUntil | UnsetType = UNSET
    price: Price | UnsetType | None = UNSET
    availability: Availability | UnsetType = UNSET
    season_months: SeasonMonths | UnsetType = UNSET
    images: Images | UnsetType = UNSET
