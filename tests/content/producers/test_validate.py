"""Producer and offer rules: each bad field is named, good bodies come back normalised."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import msgspec
import pytest

from content.core.errors import InvalidInput
from content.producers.model import (
    Contact,
    OfferInput,
    OfferPatch,
    PickupPoint,
    PointGeometry,
    Price,
    ProducerInput,
    ProducerPatch,
)
from content.producers.validate import (
    OFFER_MAX_VALIDITY_DAYS,
    apply_offer_patch,
    apply_producer_patch,
    validate_offer,
    validate_offer_patch,
    validate_producer,
    validate_producer_patch,
)

NOW = datetime(2026, 5, 12, 8, 0, tzinfo=UTC)
NOGENT = PointGeometry(type="Point", coordinates=(0.8224, 48.3217))


def producer(**changes: Any) -> ProducerInput:
    base = ProducerInput(
        name="  Ferme du Val d'Huisne ",
        geometry=NOGENT,
        description={"fr": "Maraîchage bio.", "EN": "Organic market garden."},
        address="Le Val, route de Margon",
        commune="Nogent-le-Rotrou",
        contact=Contact(phone="01 99 00 12 34", email="contact@val-huisne.example.fr"),
        labels=["organic", "marque_parc"],
        opening_hours="Mo-Fr 09:00-12:00,14:00-18:00; PH off",
        pickup_points=[
            PickupPoint(
                id="marche-nogent",
                name={"fr": "Marché de Nogent-le-Rotrou"},
                geometry=NOGENT,
                opening_hours="Sa 08:00-12:30",
            )
        ],
        images=["img-1"],
    )
    return msgspec.structs.replace(base, **changes)


def offer(**changes: Any) -> OfferInput:
    base = OfferInput(
        product={"fr": "Asperges vertes", "en": "Green asparagus"},
        category="vegetables",
        valid_until=NOW + timedelta(days=30),
        price=Price(amount_cents=650, unit="bunch"),
        availability="available",
        season_months=[5, 4, 6],
    )
    return msgspec.structs.replace(base, **changes)


def fields_of(exc: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {error.field: error.message for error in exc.value.errors}


# --- producers -------------------------------------------------------------------------------------------


def test_valid_producer_is_normalised() -> None:
    result = validate_producer(producer())
    assert result.name == "Ferme du Val d'Huisne"
    assert result.description == {"fr": "Maraîchage bio.", "en": "Organic market garden."}
    assert result.pickup_points[0].opening_hours == "Sa 08:00-12:30"


def test_blank_optional_texts_become_null() -> None:
    result = validate_producer(producer(address="   ", contact=Contact(website=" ")))
    assert result.address is None
    assert result.contact == Contact()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", "must not be empty"),
        ({"labels": ["organic", "bio"]}, "labels[1]", "unknown label 'bio'"),
        ({"labels": ["organic", "aop", "organic"]}, "labels[2]", "duplicate label 'organic'"),
        ({"opening_hours": "Mo-Xx 25:00"}, "opening_hours", "expected wday"),
        ({"opening_hours": " "}, "opening_hours", "must not be empty"),
        ({"description": {"français": "x"}}, "description.français", "language tag"),
        ({"contact": Contact(phone="call me")}, "contact.phone", "phone"),
        ({"contact": Contact(email="nobody@")}, "contact.email", "email"),
        ({"contact": Contact(website="ftp://example.fr")}, "contact.website", "http"),
        ({"images": ["ok", "../etc/passwd"]}, "images[1]", "media id"),
        ({"images": ["a", "a"]}, "images[1]", "duplicate image"),
        (
            {"geometry": PointGeometry(type="Point", coordinates=(0.8, 95.0))},
            "geometry.coordinates[1]",
            "latitude",
        ),
    ],
)
def test_bad_producer_field_is_named(changes: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_producer(producer(**changes))
    assert message in fields_of(caught)[field]


def test_bad_pickup_points_are_named_by_index() -> None:
    good = producer().pickup_points[0]
    points = [
        good,
        msgspec.structs.replace(good, id="drive-fermier", opening_hours="Sa 25:00-26:00", name={}),
        msgspec.structs.replace(good, id="Drive Fermier"),
        msgspec.structs.replace(good),
    ]
    with pytest.raises(InvalidInput) as caught:
        validate_producer(producer(pickup_points=points))
    fields = fields_of(caught)
    assert "character" in fields["pickup_points[1].opening_hours"]
    assert "at least one language" in fields["pickup_points[1].name"]
    assert "lowercase" in fields["pickup_points[2].id"]
    assert "duplicate pickup point id 'marche-nogent'" in fields["pickup_points[3].id"]


def test_every_error_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_producer(producer(name="", labels=["x"], opening_hours="garbage"))
    assert set(fields_of(caught)) == {"name", "labels[0]", "opening_hours"}


def test_producer_patch_checks_only_what_it_sets() -> None:
    patch = validate_producer_patch(ProducerPatch(opening_hours="Sa 09:00-12:00", address=None))
    updated = apply_producer_patch(validate_producer(producer()), patch)
    assert updated.opening_hours == "Sa 09:00-12:00"
    assert updated.address is None  # null clears
    assert updated.name == "Ferme du Val d'Huisne"  # absent stays
    with pytest.raises(InvalidInput) as caught:
        validate_producer_patch(ProducerPatch(labels=["label_rouge", "halal"]))
    assert set(fields_of(caught)) == {"labels[1]"}


def test_producer_body_decoding_names_unknown_and_bad_fields() -> None:
    body = msgspec.json.encode(producer())
    assert msgspec.json.decode(body, type=ProducerInput) == producer()
    with pytest.raises(msgspec.ValidationError, match="unknown field `status`"):
        msgspec.json.decode(body[:-1] + b',"status":"published"}', type=ProducerInput)
    with pytest.raises(msgspec.ValidationError, match=r"\$\.labels\[1\]"):
        msgspec.json.decode(body.replace(b'"marque_parc"', b'"bio"'), type=ProducerInput)


# --- offers ----------------------------------------------------------------------------------------------


def test_valid_offer_is_normalised() -> None:
    paris = timezone(timedelta(hours=2))
    result = validate_offer(offer(valid_until=datetime(2026, 6, 1, 23, 59, tzinfo=paris)), now=NOW)
    assert result.season_months == [4, 5, 6]
    assert result.valid_until == datetime(2026, 6, 1, 21, 59, tzinfo=UTC)
    assert result.valid_until.tzinfo is UTC


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"season_months": [4, 5, 13]}, "season_months[2]", "from 1 to 12"),
        ({"season_months": [0]}, "season_months[0]", "from 1 to 12"),
        ({"season_months": [4, 5, 4]}, "season_months[2]", "duplicate month 4"),
        ({"price": Price(amount_cents=-1, unit="kg")}, "price.amount_cents", "from 0"),
        ({"price": Price(amount_cents=10**9, unit="kg")}, "price.amount_cents", "10000000"),
        ({"price": Price(amount_cents=100, unit="pound")}, "price.unit", "unknown unit 'pound'"),
        ({"price": Price(amount_cents=100, unit="kg", currency="USD")}, "price.currency", "EUR"),
        ({"category": "cider"}, "category", "unknown category 'cider'"),
        ({"availability": "gone"}, "availability", "unknown availability"),
        ({"product": {}}, "product", "at least one language"),
        ({"product": {"fr": "x" * 201}}, "product.fr", "at most 200"),
        ({"valid_until": NOW - timedelta(seconds=1)}, "valid_until", "in the future"),
        ({"valid_until": NOW}, "valid_until", "in the future"),
        (
            {"valid_until": NOW + timedelta(days=OFFER_MAX_VALIDITY_DAYS, seconds=1)},
            "valid_until",
            "at most 120 days",
        ),
        ({"valid_until": datetime(2026, 6, 1, 12, 0)}, "valid_until", "offset"),
    ],
)
def test_bad_offer_field_is_named(changes: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_offer(offer(**changes), now=NOW)
    assert message in fields_of(caught)[field]


def test_validity_window_edges() -> None:
    assert validate_offer(offer(valid_until=NOW + timedelta(seconds=1)), now=NOW)
    last = NOW + timedelta(days=OFFER_MAX_VALIDITY_DAYS)
    assert validate_offer(offer(valid_until=last), now=NOW).valid_until == last


def test_price_may_be_null_and_months_empty() -> None:
    result = validate_offer(offer(price=None, season_months=[]), now=NOW)
    assert result.price is None
    assert result.season_months == []


def test_sold_out_fast_path_on_an_expired_offer() -> None:
    stored = validate_offer(offer(), now=NOW)
    later = NOW + timedelta(days=60)  # the offer's valid_until has passed
    patch = msgspec.json.decode(b'{"availability": "sold_out"}', type=OfferPatch)
    updated = apply_offer_patch(stored, validate_offer_patch(patch, now=later))
    assert updated.availability == "sold_out"
    assert updated.valid_until == stored.valid_until
    assert updated.product == stored.product


def test_offer_patch_checks_what_it_sets() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_offer_patch(OfferPatch(season_months=[12, 12], valid_until=NOW), now=NOW)
    assert set(fields_of(caught)) == {"season_months[1]", "valid_until"}
    cleared = apply_offer_patch(offer(), validate_offer_patch(OfferPatch(price=None), now=NOW))
    assert cleared.price is None


def test_offer_decoding_names_fields() -> None:
    good = b'{"product":{"fr":"Miel"},"category":"honey","valid_until":"2026-06-01T00:00:00Z"}'
    decoded = msgspec.json.decode(good, type=OfferInput)
    assert decoded.availability == "available"
    assert decoded.price is None
    cases = {
        b'{"product":{"fr":"Miel"},"category":"honey","valid_until":"2026-06-01T00:00:00"}': "$.valid_until",
        good[:-1] + b',"price":{"amount_cents":-5,"unit":"jar"}}': "$.price.amount_cents",
        good[:-1] + b',"season_months":[1,2,13]}': "$.season_months[2]",
        good[:-1] + b',"id":"x"}': "unknown field `id`",
    }
    for body, where in cases.items():
        with pytest.raises(msgspec.ValidationError) as caught:
            msgspec.json.decode(body, type=OfferInput)
        assert where in str(caught.value)


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="offset"):
        validate_offer(offer(), now=datetime(2026, 5, 12, 8, 0))
