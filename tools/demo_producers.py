"""Read ``tools/demo/producers.json`` into validated producer and offer bodies, ready to be stored.

The file gives each offer a ``valid_for_days`` (1 to 120) instead of a ``valid_until``: it is a demo-only
field, turned here into ``valid_until = now + valid_for_days`` so that a demo loaded any day has
current offers. Everything else has the editor-body shape of ``API.md`` and passes the same rules.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import msgspec
from msgspec import Meta

from content.core.errors import FieldError, InvalidInput
from content.core.model import Status
from content.producers.model import Images, OfferInput, Price, ProducerInput, SeasonMonths, ShortText, Slug
from content.producers.validate import OFFER_MAX_VALIDITY_DAYS, validate_offer, validate_producer
from content.producers.vocabulary import Availability, OfferCategory

__all__ = [
    "DEMO_PRODUCERS_PATH",
    "DemoOffer",
    "DemoProducer",
    "SeedOffer",
    "SeedProducer",
    "read_demo_producers",
]

DEMO_PRODUCERS_PATH = Path(__file__).resolve().parent / "demo" / "producers.json"


class DemoOffer(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    id: Slug
    product: ShortText
    category: OfferCategory
    valid_for_days: Annotated[int, Meta(ge=1, le=OFFER_MAX_VALIDITY_DAYS)]
    price: Price | None = None
    availability: Availability = "available"
    season_months: SeasonMonths = []
    images: Images = []

    def to_input(self, now: datetime) -> OfferInput:
        return OfferInput(
            product=self.product,
            category=self.category,
            valid_until=now + timedelta(days=self.valid_for_days),
            price=self.price,
            availability=self.availability,
            season_months=self.season_months,
            images=self.images,
        )


class DemoProducer(ProducerInput, frozen=True, kw_only=True):
    """A producer body plus what an editor never sends: its id, office, status and offers."""

    id: Slug
    office_id: Slug
    status: Status = "published"
    offers: list[DemoOffer] = msgspec.field(default_factory=list)

    def to_input(self) -> ProducerInput:
        return ProducerInput(**{name: getattr(self, name) for name in ProducerInput.__struct_fields__})


class _DemoFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    producers: list[DemoProducer]
    comment: str = msgspec.field(default="", name="_comment")


class SeedOffer(msgspec.Struct, frozen=True):
    id: str
    offer: OfferInput


class SeedProducer(msgspec.Struct, frozen=True):
    """One validated demo producer: what the demo loader writes."""

    id: str
    office_id: str
    status: Status
    profile: ProducerInput
    offers: list[SeedOffer]


def read_demo_producers(now: datetime, path: Path = DEMO_PRODUCERS_PATH) -> list[SeedProducer]:
    """Decode and validate the demo producers; ``valid_until`` is computed from ``now``.

    Raises:
        InvalidInput: naming ``producers[i]....`` for any field that breaks a rule, or a duplicate id.
    """
    try:
        demo = msgspec.json.decode(path.read_bytes(), type=_DemoFile)
    except msgspec.ValidationError as exc:
        raise InvalidInput.field(str(path.name), str(exc)) from None
    errors: list[FieldError] = []
    seeds: list[SeedProducer] = []
    producer_ids: set[str] = set()
    offer_ids: set[str] = set()
    for index, producer in enumerate(demo.producers):
        where = f"producers[{index}]"
        if producer.id in producer_ids:
            errors.append(FieldError(f"{where}.id", f"duplicate producer id {producer.id!r}"))
        producer_ids.add(producer.id)
        profile: ProducerInput | None = None
        try:
            profile = validate_producer(producer.to_input())
        except InvalidInput as exc:
            errors.extend(_prefixed(exc, where))
        offers = []
        for number, demo_offer in enumerate(producer.offers):
            at = f"{where}.offers[{number}]"
            if demo_offer.id in offer_ids:
                errors.append(FieldError(f"{at}.id", f"duplicate offer id {demo_offer.id!r}"))
            offer_ids.add(demo_offer.id)
            try:
                offer = validate_offer(demo_offer.to_input(now), now=now)
            except InvalidInput as exc:
                errors.extend(_prefixed(exc, at))
                continue
            offers.append(SeedOffer(id=demo_offer.id, offer=offer))
        if profile is not None:
            seeds.append(SeedProducer(producer.id, producer.office_id, producer.status, profile, offers))
    if errors:
        raise InvalidInput(errors)
    return seeds


def _prefixed(exc: InvalidInput, prefix: str) -> list[FieldError]:
    return [FieldError(f"{prefix}.{error.field}", error.message) for error in exc.errors]
