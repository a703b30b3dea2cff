from __future__ import annotations

import json
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.core.inputs import convert_input
from content.places.geo import line_length_m, point_to_line_m
from content.routes.model import RouteInput
from content.routes.store import create_route, set_route_status
from tests.territory import LOADED_AT, demo_bytes, load_demo

Client = AsyncTestClient[Litestar]
SUMMARY_FIELDS = {
    "id",
    "title",
    "summary",
    "theme",
    "mode",
    "length_m",
    "duration_min",
    "stop_count",
    "bbox",
    "cover",
    "languages",
    "pack",
}


def demo_routes() -> list[dict[str, Any]]:
    routes: list[dict[str, Any]] = json.loads(demo_bytes())["routes"]
    return routes


@pytest.fixture
async def demo(client: Client, db: Database) -> Client:
    await load_demo(db)
    return client


def route_input(route_id: str, title: dict[str, str], lon: float, lat: float) -> RouteInput:
    line = [[lon, lat], [lon + 0.01, lat + 0.005]]
    stop = {"title": title, "geometry": {"type": "Point", "coordinates": [lon, lat]}}
    data = {
        "id": route_id,
        "title": title,
        "theme": "nature",
        "mode": "bike",
        "difficulty": "medium",
        "duration_min": 45,
        "geometry": {"type": "LineString", "coordinates": line},
        "stops": [stop],
    }
    return convert_input(data, RouteInput)


async def test_list_gives_summaries_with_the_contract_fields(demo: Client) -> None:
    response = await demo.get("/api/v1/routes")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-language"] == "fr"
    assert "public" in response.headers["cache-control"]
    body = response.json()
    assert body["next"] is None
    assert [item["id"] for item in body["items"]] == ["legendes-foret-de-belleme", "mortagne-cite-perchee"]
    legends, mortagne = body["items"]
    assert set(legends) == SUMMARY_FIELDS
    assert legends["title"] == "Légendes de la forêt de Bellême"
    assert legends["theme"] == "legends"
    assert legends["mode"] == "walk"
    assert legends["stop_count"] == 5
    assert legends["duration_min"] == 120
    assert legends["languages"] == ["en", "fr"]
    assert legends["pack"] is None
    assert legends["cover"] is None
    assert legends["bbox"] == [0.5521, 48.3752, 0.5655, 48.4043]
    assert mortagne["languages"] == ["fr"]
    line = next(r for r in demo_routes() if r["id"] == "legendes-foret-de-belleme")["geometry"]["coordinates"]
    assert legends["length_m"] == pytest.approx(line_length_m(line), abs=0.1)


async def test_lang_filter_keeps_routes_complete_in_that_language(demo: Client) -> None:
    response = await demo.get("/api/v1/routes?lang=en")
    body = response.json()
    assert [item["id"] for item in body["items"]] == ["legendes-foret-de-belleme"]
    assert body["items"][0]["title"] == "Legends of Bellême forest"
    assert response.headers["content-language"] == "en"
    british = (await demo.get("/api/v1/routes?lang=en-GB")).json()
    assert [item["id"] for item in british["items"]] == ["legendes-foret-de-belleme"]
    assert [i["id"] for i in (await demo.get("/api/v1/routes?lang=de")).json()["items"]] == []


async def test_accept_language_does_not_filter_but_falls_back(demo: Client) -> None:
    response = await demo.get("/api/v1/routes", headers={"Accept-Language": "en"})
    items = response.json()["items"]
    assert [item["title"] for item in items] == ["Legends of Bellême forest", "Mortagne, cité perchée"]
    assert "lang" not in items[0]
    assert items[1]["lang"] == "fr"
    assert response.headers["content-language"] == "en, fr"


async def test_theme_filter(demo: Client) -> None:
    body = (await demo.get("/api/v1/routes?theme=heritage")).json()
    assert [item["id"] for item in body["items"]] == ["mortagne-cite-perchee"]
    assert (await demo.get("/api/v1/routes?theme=family")).json()["items"] == []


async def test_near_keeps_routes_passing_within_the_radius(demo: Client) -> None:
    lat, lon = 48.39, 0.57  # just east of the forest path
    body = (await demo.get(f"/api/v1/routes?near={lat},{lon}&radius_m=5000")).json()
    assert [item["id"] for item in body["items"]] == ["legendes-foret-de-belleme"]
    line = next(r for r in demo_routes() if r["id"] == "legendes-foret-de-belleme")["geometry"]["coordinates"]
    assert body["items"][0]["distance_m"] == pytest.approx(point_to_line_m(lat, lon, line), abs=0.1)
    both = (await demo.get(f"/api/v1/routes?near={lat},{lon}&radius_m=60000")).json()["items"]
    assert [item["id"] for item in both] == ["legendes-foret-de-belleme", "mortagne-cite-perchee"]
    assert both[0]["distance_m"] < both[1]["distance_m"]
    assert (await demo.get("/api/v1/routes?near=43.6,1.44&radius_m=100000")).json()["items"] == []


async def test_pages_of_routes(demo: Client, db: Database) -> None:
    async with db.write() as conn:
        for n in range(5):
            route = route_input(f"boucle-{n}", {"fr": f"Boucle {n}"}, 0.6 + n * 0.01, 48.45)
            await create_route(
                conn, route, office_id="perche", user_id="u", updated_at=LOADED_AT, status="published"
            )
    for params in ({}, {"near": "48.45,0.6", "radius_m": "100000"}, {"theme": "nature"}):
        seen: list[str] = []
        cursor = None
        while True:
            query = {**params, "limit": "2", **({"cursor": cursor} if cursor else {})}
            body = (await demo.get("/api/v1/routes", params=query)).json()
            seen += [item["id"] for item in body["items"]]
            cursor = body["next"]
            if cursor is None:
                break
        everything = [i["id"] for i in (await demo.get("/api/v1/routes", params=params)).json()["items"]]
        assert seen == everything
        assert len(set(seen)) == len(seen) == (5 if params.get("theme") else 7)


async def test_detail_is_line_then_stops_in_order(demo: Client) -> None:
    response = await demo.get("/api/v1/routes/legendes-foret-de-belleme?lang=en")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    assert response.headers["content-language"] == "en"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    line, *stops = body["features"]
    assert line["geometry"]["type"] == "LineString"
    assert len(line["geometry"]["coordinates"]) == 8
    assert set(line["properties"]) == SUMMARY_FIELDS | {"description", "difficulty"}
    assert line["properties"]["difficulty"] == "easy"
    assert line["properties"]["description"].startswith("Five stops")
    assert [stop["properties"]["position"] for stop in stops] == [1, 2, 3, 4, 5]
    assert [stop["id"] for stop in stops] == [
        "belleme-porte",
        "belleme-chene-ecole",
        "belleme-fontaine-herse",
        "belleme-etang-herse",
        "belleme-gros-chene",
    ]
    spring = stops[2]
    assert spring["geometry"] == {"type": "Point", "coordinates": [0.5593, 48.3951]}
    assert spring["properties"] == {
        "id": "belleme-fontaine-herse",
        "position": 3,
        "title": "La Herse spring",
        "story": spring["properties"]["story"],
        "trigger": {"radius_m": 30},
        "audio": None,
        "images": [],
        "poi_id": "fontaine-de-la-herse",
    }
    assert stops[3]["properties"]["trigger"] == {"radius_m": 50}


async def test_detail_marks_fallback_language(demo: Client) -> None:
    response = await demo.get("/api/v1/routes/mortagne-cite-perchee", headers={"Accept-Language": "en"})
    line, *stops = response.json()["features"]
    assert line["properties"]["title"] == "Mortagne, cité perchée"
    assert line["properties"]["lang"] == "fr"
    assert all(stop["properties"]["lang"] == "fr" for stop in stops)
    assert response.headers["content-language"] == "fr"


async def test_detail_with_every_language(demo: Client) -> None:
    body = (await demo.get("/api/v1/routes/legendes-foret-de-belleme?lang=*")).json()
    line, first, *_ = body["features"]
    assert line["properties"]["title"] == {
        "en": "Legends of Bellême forest",
        "fr": "Légendes de la forêt de Bellême",
    }
    assert set(first["properties"]["story"]) == {"en", "fr"}
    assert first["properties"]["audio"] == {}


async def test_route_detail_304(demo: Client) -> None:
    first = await demo.get("/api/v1/routes/legendes-foret-de-belleme")
    again = await demo.get(
        "/api/v1/routes/legendes-foret-de-belleme", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    listing = await demo.get("/api/v1/routes")
    assert (
        await demo.get("/api/v1/routes", headers={"If-None-Match": listing.headers["etag"]})
    ).status_code == 304


async def test_drafts_and_archived_routes_are_never_public(demo: Client, db: Database) -> None:
    async with db.write() as conn:
        await create_route(
            conn,
            route_input("brouillon", {"fr": "Brouillon"}, 0.56, 48.38),
            office_id="perche",
            user_id="u",
            updated_at=LOADED_AT,
        )
        await set_route_status(conn, "mortagne-cite-perchee", "archived", user_id="u", updated_at=LOADED_AT)
    items = (await demo.get("/api/v1/routes?near=48.38,0.56&radius_m=100000")).json()["items"]
    assert [item["id"] for item in items] == ["legendes-foret-de-belleme"]
    assert (await demo.get("/api/v1/routes/brouillon")).status_code == 404
    assert (await demo.get("/api/v1/routes/mortagne-cite-perchee")).status_code == 404


@pytest.mark.parametrize("route_id", ["nowhere", "UPPER", "x" * 70, "%20"])
async def test_unknown_route_is_404(demo: Client, route_id: str) -> None:
    response = await demo.get(f"/api/v1/routes/{route_id}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_openapi_documents_the_read_endpoints(client: Client) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    for path in ("/api/v1/pois", "/api/v1/pois/{poi_id}", "/api/v1/routes", "/api/v1/routes/{route_id}"):
        assert path in document["paths"], path
    pois = document["paths"]["/api/v1/pois"]["get"]
    names = {parameter["name"] for parameter in pois["parameters"]}
    assert {
        "near",
        "radius_m",
        "bbox",
        "category",
        "q",
        "lang",
        "limit",
        "cursor",
        "Accept-Language",
    } <= names
    assert "application/geo+json" in pois["responses"]["200"]["content"]
