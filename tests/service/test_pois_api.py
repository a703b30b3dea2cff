from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.core.inputs import convert_input
from content.places.geo import haversine_m
from content.pois.model import PoiInput, PoiPatch
from content.pois.store import create_poi, insert_pois, set_poi_status, update_poi
from tests.territory import LOADED_AT, load_demo

Client = AsyncTestClient[Litestar]
DEMO_POIS = {
    "abbaye-de-la-trappe",
    "eglise-notre-dame-mortagne",
    "fontaine-de-la-herse",
    "manoir-de-courboyer",
}


@pytest.fixture
async def demo(client: Client, db: Database) -> Client:
    await load_demo(db)
    return client


def ids(body: dict[str, Any]) -> list[str]:
    return [feature["id"] for feature in body["features"]]


def poi(name: str, lon: float, lat: float, **extra: Any) -> PoiInput:
    data = {
        "category": "heritage",
        "name": {"fr": name},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }
    return convert_input({**data, **extra}, PoiInput)


async def test_list_is_a_geojson_feature_collection(demo: Client) -> None:
    response = await demo.get("/api/v1/pois")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    assert response.headers["cache-control"] in {"max-age=60, public", "public, max-age=60"}
    assert response.headers["content-language"] == "fr"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["next"] is None
    assert set(ids(body)) == DEMO_POIS
    church = next(f for f in body["features"] if f["id"] == "eglise-notre-dame-mortagne")
    assert church["geometry"] == {"type": "Point", "coordinates": [0.5476, 48.5208]}
    assert church["properties"] == {
        "id": "eglise-notre-dame-mortagne",
        "name": "Église Notre-Dame de Mortagne",
        "description": church["properties"]["description"],
        "category": "church_abbey",
        "address": "Place Notre-Dame",
        "commune": "Mortagne-au-Perche",
        "opening_hours": "Mo-Su 09:00-18:00",
        "contact": {"website": "https://www.ot-mortagne-au-perche.fr"},
        "accessibility": {"wheelchair": "limited", "notes": "Une marche à l'entrée principale."},
        "images": [],
        "audio": None,
        "updated_at": LOADED_AT,
    }
    assert church["properties"]["description"].startswith("Église de style gothique")


async def test_detail_is_one_feature(demo: Client) -> None:
    response = await demo.get("/api/v1/pois/abbaye-de-la-trappe")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "Feature"
    assert body["id"] == "abbaye-de-la-trappe"
    assert body["properties"]["name"] == "Abbaye de la Trappe"
    assert "lang" not in body["properties"]


@pytest.mark.parametrize("poi_id", ["nowhere", "Abbaye", "a" * 65, "%C3%A9glise", "..", "-x"])
async def test_unknown_poi_is_404_problem(demo: Client, poi_id: str) -> None:
    response = await demo.get(f"/api/v1/pois/{poi_id}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


async def test_drafts_and_archived_pois_are_never_public(demo: Client, db: Database) -> None:
    async with db.write() as conn:
        await create_poi(
            conn, poi("Moulin secret", 0.55, 48.52), office_id="perche", user_id="u", updated_at=LOADED_AT
        )
        await set_poi_status(conn, "abbaye-de-la-trappe", "archived", user_id="u", updated_at=LOADED_AT)
    listing = (await demo.get("/api/v1/pois?q=moulin")).json()
    assert listing["features"] == []
    assert set(ids((await demo.get("/api/v1/pois")).json())) == DEMO_POIS - {"abbaye-de-la-trappe"}
    assert (await demo.get("/api/v1/pois/moulin-secret")).status_code == 404
    assert (await demo.get("/api/v1/pois/abbaye-de-la-trappe")).status_code == 404
    near = (await demo.get("/api/v1/pois?near=48.52,0.55&radius_m=1000")).json()
    assert "moulin-secret" not in ids(near)


async def test_near_sorts_by_true_distance_and_reports_it(demo: Client) -> None:
    lat, lon = 48.5, 0.6
    response = await demo.get(f"/api/v1/pois?near={lat},{lon}&radius_m=13000")
    features = response.json()["features"]
    expected = {
        f["id"]: haversine_m(lat, lon, f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
        for f in (await demo.get("/api/v1/pois")).json()["features"]
    }
    within = sorted((d, i) for i, d in expected.items() if d <= 13000)
    assert [f["id"] for f in features] == [i for _, i in within]
    # Mortagne (4.5 km), La Herse (12.0 km), La Trappe (12.8 km); Courboyer (13.9 km) is beyond.
    assert [f["id"] for f in features] == [
        "eglise-notre-dame-mortagne",
        "fontaine-de-la-herse",
        "abbaye-de-la-trappe",
    ]
    for feature in features:
        assert feature["properties"]["distance_m"] == pytest.approx(expected[feature["id"]], abs=0.1)
    distances = [f["properties"]["distance_m"] for f in features]
    assert distances == sorted(distances)


async def test_near_without_radius_uses_ten_kilometres(demo: Client) -> None:
    features = (await demo.get("/api/v1/pois?near=48.5,0.6")).json()["features"]
    assert [f["id"] for f in features] == ["eglise-notre-dame-mortagne"]


async def test_bbox_keeps_pois_inside(demo: Client) -> None:
    body = (await demo.get("/api/v1/pois?bbox=0.5,48.35,0.6,48.55")).json()
    assert set(ids(body)) == {"eglise-notre-dame-mortagne", "fontaine-de-la-herse"}
    assert "distance_m" not in body["features"][0]["properties"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("eglise", {"eglise-notre-dame-mortagne"}),
        ("ÉGLISE", {"eglise-notre-dame-mortagne"}),
        ("abbaye", {"abbaye-de-la-trappe"}),
        ("Abbaye trappe", {"abbaye-de-la-trappe"}),
        ("egl", {"eglise-notre-dame-mortagne"}),
        ("belleme", {"fontaine-de-la-herse"}),
        ("percheron", {"manoir-de-courboyer"}),
        ('"unbalanced AND NEAR( * :', set()),
        ("fontaine OR", set()),
    ],
)
async def test_q_searches_with_accents_folded(demo: Client, q: str, expected: set[str]) -> None:
    response = await demo.get("/api/v1/pois", params={"q": q})
    assert response.status_code == 200
    assert set(ids(response.json())) == expected


async def test_q_combines_with_near_and_category(demo: Client) -> None:
    body = (
        await demo.get("/api/v1/pois", params={"q": "abbaye", "near": "48.6,0.6", "radius_m": "5000"})
    ).json()
    assert ids(body) == ["abbaye-de-la-trappe"]
    assert body["features"][0]["properties"]["distance_m"] > 0
    assert ids((await demo.get("/api/v1/pois", params={"q": "abbaye", "category": "manor"})).json()) == []


async def test_category_filter(demo: Client) -> None:
    body = (await demo.get("/api/v1/pois?category=church_abbey")).json()
    assert set(ids(body)) == {"abbaye-de-la-trappe", "eglise-notre-dame-mortagne"}
    assert ids((await demo.get("/api/v1/pois?category=parking")).json()) == []


async def walk_pages(client: Client, filters: dict[str, str], limit: int) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        params = {**filters, "limit": str(limit)}
        if cursor is not None:
            params["cursor"] = cursor
        response = await client.get("/api/v1/pois", params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(ids(body))
        assert len(pages[-1]) <= limit
        cursor = body["next"]
        if cursor is None:
            return pages


@pytest.fixture
async def crowded(demo: Client, db: Database) -> Client:
    """Demo POIs plus 60 around Mortagne, some at exactly the same spot (equal distances)."""
    many = [poi(f"Lavoir {n}", 0.54 + (n % 12) * 0.002, 48.51 + (n // 12) * 0.002) for n in range(48)]
    many += [poi(f"Calvaire {n}", 0.55, 48.52) for n in range(12)]
    async with db.write() as conn:
        await insert_pois(conn, many, office_id="perche", user_id="u", updated_at=LOADED_AT)
    return demo


@pytest.mark.parametrize(
    ("filters", "total"),
    [
        ({}, 64),
        ({"near": "48.52,0.55", "radius_m": "3000"}, 61),
        ({"q": "lavoir"}, 48),
        ({"bbox": "0.53,48.5,0.6,48.53", "category": "heritage"}, 60),
    ],
)
async def test_pages_follow_cursor_without_dupes_or_gaps(
    crowded: Client, filters: dict[str, str], total: int
) -> None:
    everything = ids((await crowded.get("/api/v1/pois", params={**filters, "limit": "500"})).json())
    assert len(everything) == total
    pages = await walk_pages(crowded, filters, limit=7)
    assert len(pages) == -(-total // 7)
    flat = [poi_id for page in pages for poi_id in page]
    assert flat == everything
    assert len(set(flat)) == len(flat)


async def test_near_pages_keep_distance_order(crowded: Client) -> None:
    distances: list[float] = []
    cursor = None
    while True:
        params = {
            "near": "48.52,0.55",
            "radius_m": "3000",
            "limit": "9",
            **({"cursor": cursor} if cursor else {}),
        }
        body = (await crowded.get("/api/v1/pois", params=params)).json()
        distances += [f["properties"]["distance_m"] for f in body["features"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert distances == sorted(distances)
    assert distances[:12] == [0.0] * 12


async def test_language_choice_and_fallback_marker(demo: Client) -> None:
    english = await demo.get("/api/v1/pois/manoir-de-courboyer?lang=en")
    properties = english.json()["properties"]
    assert properties["name"] == "Courboyer manor"
    # Its accessibility notes exist only in French: served in French and flagged.
    assert properties["accessibility"]["notes"] == "Rez-de-chaussée et jardins accessibles."
    assert properties["lang"] == "fr"
    assert english.headers["content-language"] == "en, fr"

    trappe = (await demo.get("/api/v1/pois/abbaye-de-la-trappe?lang=en")).json()["properties"]
    assert trappe["name"] == "La Trappe Abbey"
    assert "lang" not in trappe

    german = await demo.get(
        "/api/v1/pois/abbaye-de-la-trappe", headers={"Accept-Language": "de-DE, de;q=0.9"}
    )
    assert german.json()["properties"]["name"] == "Abbaye de la Trappe"
    assert german.json()["properties"]["lang"] == "fr"
    assert german.headers["content-language"] == "fr"

    preferred = await demo.get(
        "/api/v1/pois/abbaye-de-la-trappe", headers={"Accept-Language": "nl, en;q=0.5"}
    )
    assert preferred.json()["properties"]["name"] == "La Trappe Abbey"
    assert preferred.headers["content-language"] == "en"


async def test_lang_param_wins_over_accept_language(demo: Client) -> None:
    response = await demo.get("/api/v1/pois/abbaye-de-la-trappe?lang=fr", headers={"Accept-Language": "en"})
    assert response.json()["properties"]["name"] == "Abbaye de la Trappe"
    assert response.headers["content-language"] == "fr"


async def test_lang_star_returns_every_translation(demo: Client) -> None:
    response = await demo.get("/api/v1/pois/eglise-notre-dame-mortagne?lang=*")
    properties = response.json()["properties"]
    assert properties["name"] == {"en": "Notre-Dame church, Mortagne", "fr": "Église Notre-Dame de Mortagne"}
    assert set(properties["description"]) == {"en", "fr"}
    assert properties["accessibility"]["notes"]["en"] == "One step at the main entrance."
    assert properties["audio"] == {}
    assert "lang" not in properties
    assert response.headers["content-language"] == "fr, en"  # the territory default first


async def test_list_answers_304_to_its_etag(demo: Client) -> None:
    first = await demo.get("/api/v1/pois?category=church_abbey")
    again = await demo.get(
        "/api/v1/pois?category=church_abbey", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    detail = await demo.get("/api/v1/pois/fontaine-de-la-herse")
    cached = await demo.get(
        "/api/v1/pois/fontaine-de-la-herse", headers={"If-None-Match": detail.headers["etag"]}
    )
    assert cached.status_code == 304


async def test_empty_store_gives_an_empty_collection(client: Client) -> None:
    body = (await client.get("/api/v1/pois?near=48.5,0.6&radius_m=100000")).json()
    assert body == {"type": "FeatureCollection", "features": [], "next": None}


async def test_near_follows_publication_and_moves(demo: Client, db: Database) -> None:
    near = {"near": "48.3,0.3", "radius_m": "1000"}
    async with db.write() as conn:
        await create_poi(conn, poi("Croix", 0.3, 48.3), office_id="perche", user_id="u", updated_at=LOADED_AT)
    assert ids((await demo.get("/api/v1/pois", params=near)).json()) == []
    async with db.write() as conn:
        await set_poi_status(conn, "croix", "published", user_id="u", updated_at=LOADED_AT)
    assert ids((await demo.get("/api/v1/pois", params=near)).json()) == ["croix"]
    async with db.write() as conn:
        moved = convert_input({"geometry": {"type": "Point", "coordinates": [0.4, 48.3]}}, PoiPatch)
        await update_poi(conn, "croix", moved, user_id="u", updated_at=LOADED_AT)
    assert ids((await demo.get("/api/v1/pois", params=near)).json()) == []
    moved_near = (await demo.get("/api/v1/pois", params={"near": "48.3,0.4", "radius_m": "10"})).json()
    assert ids(moved_near) == ["croix"]
    assert moved_near["features"][0]["properties"]["distance_m"] == 0.0


async def test_lists_show_an_edit_at_once_in_every_language(demo: Client, db: Database) -> None:
    """Pages are assembled from features rendered once per POI version: an edit must show at once,
    even one made within the same second as the previous version."""
    async with db.write() as conn:
        await create_poi(
            conn,
            poi("Lavoir", 0.31, 48.31, description={"fr": "Ancien lavoir"}),
            office_id="perche",
            user_id="u",
            updated_at=LOADED_AT,
        )
        await set_poi_status(conn, "lavoir", "published", user_id="u", updated_at=LOADED_AT)
    near = {"near": "48.31,0.31", "radius_m": "100"}
    languages: list[dict[str, str]] = [{}, {"lang": "en"}, {"lang": "*"}]
    before = [(await demo.get("/api/v1/pois", params={**near, **lang})).json() for lang in languages]
    again = [(await demo.get("/api/v1/pois", params={**near, **lang})).json() for lang in languages]
    assert again == before
    assert before[0]["features"][0]["properties"]["name"] == "Lavoir"
    assert before[1]["features"][0]["properties"]["lang"] == "fr"
    async with db.write() as conn:
        renamed = convert_input({"name": {"fr": "Lavoir", "en": "Wash house"}}, PoiPatch)
        await update_poi(conn, "lavoir", renamed, user_id="u", updated_at=LOADED_AT)
    after = [(await demo.get("/api/v1/pois", params={**near, **lang})).json() for lang in languages]
    assert after[0]["features"][0]["properties"]["name"] == "Lavoir"
    assert after[1]["features"][0]["properties"]["name"] == "Wash house"
    assert after[1]["features"][0]["properties"]["lang"] == "fr"  # the description is still French only
    assert after[2]["features"][0]["properties"]["name"] == {"fr": "Lavoir", "en": "Wash house"}
    by_id = (await demo.get("/api/v1/pois", params={"lang": "en", "limit": "500"})).json()
    assert next(f for f in by_id["features"] if f["id"] == "lavoir")["properties"]["name"] == "Wash house"
