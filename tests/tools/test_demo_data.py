"""Integrity of the demo territory (``tools/demo/territory.json``) as pure data, before any loader sees it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import opening_hours
import pytest

from content.core.model import DIFFICULTIES, POI_CATEGORIES, ROUTE_MODES, ROUTE_THEMES
from content.places.geo import haversine_m, point_to_line_m
from content.text.i18n import validate_tag

DEMO_DIR = Path(__file__).resolve().parents[2] / "tools" / "demo"
TERRITORY = DEMO_DIR / "territory.json"

ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# The Perche, generously: every demo coordinate must fall inside it.
MIN_LON, MAX_LON, MIN_LAT, MAX_LAT = 0.3, 1.4, 48.1, 48.7
# Fictional numbers (ARCEP keeps 01 99 00 xx xx for fiction) and reserved example domains only.
PHONE = re.compile(r"^01 99 00 \d\d \d\d$")
EMAIL = re.compile(r"^[a-z0-9.-]+@([a-z0-9-]+\.)*example\.(org|fr|com|net)$")
WEBSITE = re.compile(r"^https://([a-z0-9-]+\.)*example\.(org|fr|com|net)/")

POI_KEYS = [
    "id", "office_id", "status", "category", "name", "description", "address", "commune",
    "opening_hours", "contact", "accessibility", "images", "audio", "geometry",
]  # fmt: skip
ROUTE_KEYS = [
    "id", "office_id", "status", "title", "summary", "description", "theme", "mode", "difficulty",
    "duration_min", "cover", "geometry", "stops",
]  # fmt: skip
STOP_KEYS = ["id", "title", "story", "geometry", "trigger_radius_m", "poi_id", "images", "audio"]
FRENCH_ONLY_ROUTES = 1


@pytest.fixture(scope="module")
def territory() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(TERRITORY.read_text(encoding="utf-8"))
    return data


def _lang_maps(route: dict[str, Any]) -> Iterator[tuple[str, dict[str, str]]]:
    for name in ("title", "summary", "description"):
        yield f"{route['id']}.{name}", route[name]
    for stop in route["stops"]:
        yield f"{stop['id']}.title", stop["title"]
        yield f"{stop['id']}.story", stop["story"]


def _check_point(geometry: dict[str, Any], where: str) -> tuple[float, float]:
    assert list(geometry) == ["type", "coordinates"], where
    assert geometry["type"] == "Point", where
    lon, lat = geometry["coordinates"]
    assert MIN_LON <= lon <= MAX_LON, f"{where}: longitude {lon} outside the Perche"
    assert MIN_LAT <= lat <= MAX_LAT, f"{where}: latitude {lat} outside the Perche"
    return lon, lat


def test_file_is_utf8_pretty_printed_with_top_level_order() -> None:
    raw = TERRITORY.read_bytes()
    text = raw.decode("utf-8")
    assert text.endswith("}\n")
    assert "\n  " in text
    assert "Église" in text  # accents stored as text, not \u escapes
    assert list(json.loads(text)) == ["offices", "pois", "routes"]


def test_ids_are_slugs_and_unique(territory: dict[str, Any]) -> None:
    stop_ids = [stop["id"] for route in territory["routes"] for stop in route["stops"]]
    for kind, ids in (
        ("offices", [office["id"] for office in territory["offices"]]),
        ("pois", [poi["id"] for poi in territory["pois"]]),
        ("routes", [route["id"] for route in territory["routes"]]),
        ("stops", stop_ids),
    ):
        assert ids, kind
        bad = [value for value in ids if not ID.match(value)]
        assert not bad, f"{kind}: malformed ids {bad}"
        assert len(ids) == len(set(ids)), f"{kind}: duplicate ids"


def test_offices(territory: dict[str, Any]) -> None:
    assert {office["id"] for office in territory["offices"]} == {"perche-tourisme", "belleme-tourisme"}
    for office in territory["offices"]:
        assert list(office) == ["id", "name"]
        assert office["name"].startswith("Office de tourisme du Perche")


def test_pois_shape_and_values(territory: dict[str, Any]) -> None:
    offices = {office["id"] for office in territory["offices"]}
    pois = territory["pois"]
    assert 35 <= len(pois) <= 60
    for poi in pois:
        where = poi["id"]
        assert list(poi) == POI_KEYS, where
        assert poi["office_id"] in offices, where
        assert poi["status"] == "published", where
        assert poi["category"] in POI_CATEGORIES, where
        for field in ("name", "description"):
            assert poi[field].get("fr", "").strip(), f"{where}.{field} lacks French"
            assert all(validate_tag(tag) == tag for tag in poi[field]), where
        assert poi["address"].strip(), where
        assert poi["commune"].strip(), where
        hours = poi["opening_hours"]
        assert hours is None or opening_hours.validate(hours), f"{where}: bad opening hours {hours!r}"
        contact = poi["contact"]
        assert list(contact) == ["phone", "email", "website"], where
        assert contact["phone"] is None or PHONE.match(contact["phone"]), where
        assert contact["email"] is None or EMAIL.match(contact["email"]), where
        assert contact["website"] is None or WEBSITE.match(contact["website"]), where
        assert poi["accessibility"] == {"wheelchair": poi["accessibility"]["wheelchair"]}, where
        assert poi["accessibility"]["wheelchair"] in ("yes", "limited", "no"), where
        assert poi["images"] == [], where
        assert poi["audio"] == {}, where
        _check_point(poi["geometry"], where)


def test_pois_cover_the_catalogue(territory: dict[str, Any]) -> None:
    pois = territory["pois"]
    categories = {poi["category"] for poi in pois}
    assert len(categories) >= 15, sorted(set(POI_CATEGORIES) - categories)
    assert sum(poi["opening_hours"] is not None for poi in pois) >= 10
    accented = [poi["name"]["fr"] for poi in pois if re.search(r"[À-ÿŒœ]", poi["name"]["fr"])]
    assert len(accented) >= 5
    names = {poi["name"]["fr"] for poi in pois}
    assert {"Château Saint-Jean", "Abbaye de la Sainte-Trinité", "Église Notre-Dame"} <= names


def test_routes_shape_and_vocabulary(territory: dict[str, Any]) -> None:
    offices = {office["id"] for office in territory["offices"]}
    routes = territory["routes"]
    assert 3 <= len(routes) <= 8
    for route in routes:
        where = route["id"]
        assert list(route) == ROUTE_KEYS, where
        assert route["office_id"] in offices, where
        assert route["status"] == "published", where
        assert route["theme"] in ROUTE_THEMES, where
        assert route["mode"] in ROUTE_MODES, where
        assert route["difficulty"] in DIFFICULTIES, where
        assert isinstance(route["duration_min"], int), where
        assert 10 <= route["duration_min"] <= 600, where
        assert route["cover"] is None, where
        assert route["geometry"]["type"] == "LineString", where
        line = route["geometry"]["coordinates"]
        assert len(line) >= 2, where
        for index, (lon, lat) in enumerate(line):
            _check_point({"type": "Point", "coordinates": [lon, lat]}, f"{where}[{index}]")
        assert 5 <= len(route["stops"]) <= 12, where


def test_stops_lie_on_their_route_and_near_their_poi(territory: dict[str, Any]) -> None:
    pois = {poi["id"]: poi for poi in territory["pois"]}
    for route in territory["routes"]:
        line = route["geometry"]["coordinates"]
        for stop in route["stops"]:
            where = stop["id"]
            assert list(stop) == STOP_KEYS, where
            assert stop["images"] == [], where
            assert stop["audio"] == {}, where
            assert isinstance(stop["trigger_radius_m"], int), where
            assert 5 <= stop["trigger_radius_m"] <= 500, where
            lon, lat = _check_point(stop["geometry"], where)
            assert point_to_line_m(lat, lon, line) <= 25, f"{where} is off its route"
            if stop["poi_id"] is not None:
                assert stop["poi_id"] in pois, f"{where}: unknown poi {stop['poi_id']}"
                poi_lon, poi_lat = pois[stop["poi_id"]]["geometry"]["coordinates"]
                assert haversine_m(lat, lon, poi_lat, poi_lon) <= 300, f"{where} is far from its POI"
    linked = [stop for route in territory["routes"] for stop in route["stops"] if stop["poi_id"]]
    assert len(linked) >= 10


def test_french_everywhere_and_exactly_one_route_without_english(territory: dict[str, Any]) -> None:
    without_english = []
    for route in territory["routes"]:
        maps = list(_lang_maps(route))
        for where, texts in maps:
            assert texts.get("fr", "").strip(), f"{where} lacks French"
            assert all(validate_tag(tag) == tag and text.strip() for tag, text in texts.items()), where
        with_en = [where for where, texts in maps if "en" in texts]
        if not with_en:
            without_english.append(route["id"])
        else:
            # A route is either fully translated or not at all, so the fallback demo is unambiguous.
            assert len(with_en) == len(maps), f"{route['id']}: partial English"
    assert len(without_english) == FRENCH_ONLY_ROUTES, without_english


def test_stories_are_a_few_sentences(territory: dict[str, Any]) -> None:
    for route in territory["routes"]:
        for stop in route["stops"]:
            for lang, story in stop["story"].items():
                sentences = re.findall(r"[.!?…](?:\s|$)", story)
                assert 2 <= len(sentences) <= 5, f"{stop['id']}.{lang}: {len(sentences)} sentences"
