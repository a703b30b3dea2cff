"""The demo producers are real data: they pass every editor rule and their hours parse."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from content.core.errors import InvalidInput
from content.core.hours import is_open, validate_opening_hours
from content.places.geo import haversine_m
from tools.demo_producers import DEMO_PRODUCERS_PATH, SeedProducer, read_demo_producers

NOW = datetime(2026, 5, 12, 8, 0, tzinfo=UTC)
TOWNS = {  # lat, lon
    "Nogent-le-Rotrou": (48.3217, 0.8224),
    "Bellême": (48.3756, 0.5606),
    "La Loupe": (48.4736, 1.0150),
}


@pytest.fixture(scope="module")
def seeds() -> list[SeedProducer]:
    return read_demo_producers(NOW)


def test_at_least_eight_producers_each_with_two_to_five_offers(seeds: list[SeedProducer]) -> None:
    assert len(seeds) >= 8
    for seed in seeds:
        assert 2 <= len(seed.offers) <= 5, seed.id
        assert seed.office_id == "perche-tourisme"
        assert seed.status == "published"


def test_valid_until_is_computed_from_now(seeds: list[SeedProducer]) -> None:
    raw = json.loads(DEMO_PRODUCERS_PATH.read_text(encoding="utf-8"))
    days = {o["id"]: o["valid_for_days"] for p in raw["producers"] for o in p["offers"]}
    for seed in seeds:
        for item in seed.offers:
            assert item.offer.valid_until == NOW + timedelta(days=days[item.id])
    # Loaded on another day, the same file is still valid.
    assert read_demo_producers(datetime.now(UTC))


def test_producers_are_around_nogent_belleme_and_la_loupe(seeds: list[SeedProducer]) -> None:
    for seed in seeds:
        geometry = seed.profile.geometry
        nearest_km = min(haversine_m(geometry.lat, geometry.lon, *town) for town in TOWNS.values()) / 1000
        assert nearest_km < 25, (seed.id, nearest_km)
        for point in seed.profile.pickup_points:
            assert haversine_m(geometry.lat, geometry.lon, point.geometry.lat, point.geometry.lon) < 60_000
    communes = {seed.profile.commune for seed in seeds}
    assert {"Bellême", "La Loupe"} <= communes


def test_every_opening_hours_string_parses_and_evaluates(seeds: list[SeedProducer]) -> None:
    strings = 0
    for seed in seeds:
        located = [(seed.profile.opening_hours, seed.profile.geometry)]
        located += [(p.opening_hours, p.geometry) for p in seed.profile.pickup_points]
        for hours, geometry in located:
            assert hours is not None, seed.id
            assert validate_opening_hours(hours, "opening_hours") == hours
            is_open(hours, NOW, lat=geometry.lat, lon=geometry.lon)
            strings += 1
    assert strings > len(seeds)


def test_the_mix_the_network_needs(seeds: list[SeedProducer]) -> None:
    categories = {item.offer.category for seed in seeds for item in seed.offers}
    wanted = {"cider_perry", "cheese", "honey", "vegetables", "bakery", "poultry", "eggs", "beverages"}
    assert wanted <= categories
    assert any("percheron" in seed.profile.description["fr"].lower() for seed in seeds)
    assert any(seed.profile.opening_hours == "Apr-Oct: Sa 09:00-12:30; PH off" for seed in seeds)
    units = {item.offer.price.unit for seed in seeds for item in seed.offers if item.offer.price}
    assert len(units) >= 6
    availabilities = {item.offer.availability for seed in seeds for item in seed.offers}
    assert availabilities == {"available", "limited", "sold_out", "on_request"}


def test_saturday_market_in_nogent_and_a_drive_fermier(seeds: list[SeedProducer]) -> None:
    points = {p.id: p for seed in seeds for p in seed.profile.pickup_points}
    market = points["marche-nogent-le-rotrou"]
    assert "Saint-Pol" in (market.address or "")
    assert market.opening_hours is not None
    saturday_10h = datetime(2026, 5, 16, 8, 0, tzinfo=UTC)  # 10:00 in Paris
    lat, lon = market.geometry.lat, market.geometry.lon
    assert is_open(market.opening_hours, saturday_10h, lat=lat, lon=lon)
    assert not is_open(market.opening_hours, saturday_10h + timedelta(hours=6), lat=lat, lon=lon)
    assert any("drive" in point_id for point_id in points)


def test_texts_are_bilingual(seeds: list[SeedProducer]) -> None:
    for seed in seeds:
        assert set(seed.profile.description) == {"fr", "en"}, seed.id
        for item in seed.offers:
            assert set(item.offer.product) == {"fr", "en"}, item.id
        for point in seed.profile.pickup_points:
            assert set(point.name) == {"fr", "en"}, point.id


def test_contact_data_is_fictional(seeds: list[SeedProducer]) -> None:
    for seed in seeds:
        contact = seed.profile.contact
        assert contact.phone is not None
        assert re.fullmatch(r"01 99 00 \d\d \d\d", contact.phone), contact.phone
        assert contact.email is not None
        assert contact.email.endswith(".example.fr")
        assert contact.website is not None
        assert re.fullmatch(r"https://[a-z0-9-]+\.example\.fr", contact.website)


def test_ids_are_unique(seeds: list[SeedProducer]) -> None:
    producer_ids = [seed.id for seed in seeds]
    offer_ids = [item.id for seed in seeds for item in seed.offers]
    assert len(set(producer_ids)) == len(producer_ids)
    assert len(set(offer_ids)) == len(offer_ids)


def _broken_copy(tmp_path: Path, edit: str) -> Path:
    raw = json.loads(DEMO_PRODUCERS_PATH.read_text(encoding="utf-8"))
    first = raw["producers"][0]
    if edit == "hours":
        first["pickup_points"][0]["opening_hours"] = "Sa 8h-12h"
    elif edit == "days":
        first["offers"][1]["valid_for_days"] = 365
    elif edit == "duplicate":
        raw["producers"][1]["id"] = first["id"]
    path = tmp_path / "producers.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        ("hours", "producers[0].pickup_points[0].opening_hours", "opening_hours"),
        ("duplicate", "producers[1].id", "duplicate producer id"),
        ("days", "producers.json", "$.producers[0].offers[1].valid_for_days"),
    ],
)
def test_a_broken_demo_file_names_the_field(tmp_path: Path, edit: str, field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_demo_producers(NOW, _broken_copy(tmp_path, edit))
    errors = {error.field: error.message for error in caught.value.errors}
    assert message in errors[field]
