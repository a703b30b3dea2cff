"""Every bad query parameter of the public lists is a 400 problem+json naming it."""

from __future__ import annotations

import base64

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from tests.territory import load_demo

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def demo(client: Client, db: Database) -> Client:
    await load_demo(db)
    return client


async def assert_bad(client: Client, path: str, params: dict[str, str], field: str) -> None:
    response = await client.get(path, params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 400
    assert body["type"] == "/problems/invalid-parameter"
    assert [error["field"] for error in body["errors"]] == [field]
    assert body["detail"]


BAD_POI_PARAMS = [
    ({"near": "91,0"}, "near"),
    ({"near": "-90.5,0"}, "near"),
    ({"near": "48,181"}, "near"),
    ({"near": "abc,0.5"}, "near"),
    ({"near": "48.5"}, "near"),
    ({"near": "48.5,0.5,3"}, "near"),
    ({"near": "nan,0"}, "near"),
    ({"near": "1e999,0"}, "near"),
    ({"near": "48.5, 0.5"}, "near"),
    ({"near": ""}, "near"),
    ({"near": "48.5,0.5", "radius_m": "0"}, "radius_m"),
    ({"near": "48.5,0.5", "radius_m": "-5"}, "radius_m"),
    ({"near": "48.5,0.5", "radius_m": "100001"}, "radius_m"),
    ({"near": "48.5,0.5", "radius_m": "ten"}, "radius_m"),
    ({"radius_m": "500"}, "radius_m"),
    ({"bbox": "1,48,0,49"}, "bbox"),
    ({"bbox": "0,49,1,48"}, "bbox"),
    ({"bbox": "0,48,1"}, "bbox"),
    ({"bbox": "0,48,1,x"}, "bbox"),
    ({"bbox": "-181,48,1,49"}, "bbox"),
    ({"bbox": "0,48,1,49", "near": "48.5,0.5"}, "bbox"),
    ({"limit": "100000"}, "limit"),
    ({"limit": "0"}, "limit"),
    ({"limit": "501"}, "limit"),
    ({"limit": "-1"}, "limit"),
    ({"limit": "2.5"}, "limit"),
    ({"limit": "٣"}, "limit"),
    ({"category": "volcano"}, "category"),
    ({"q": "!!! ??"}, "q"),
    ({"q": "   "}, "q"),
    ({"q": "x" * 201}, "q"),
    ({"lang": "xx"}, "lang"),
    ({"lang": "english"}, "lang"),
    ({"lang": "fr_FR_x"}, "lang"),
    ({"cursor": "garbage"}, "cursor"),
    ({"cursor": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "cursor"),
    ({"cursor": "é"}, "cursor"),
]


@pytest.mark.parametrize(("params", "field"), BAD_POI_PARAMS)
async def test_bad_poi_list_parameters(demo: Client, params: dict[str, str], field: str) -> None:
    await assert_bad(demo, "/api/v1/pois", params, field)


BAD_ROUTE_PARAMS = [
    ({"near": "91,0"}, "near"),
    ({"near": "48.5,x"}, "near"),
    ({"near": "48.5,0.5", "radius_m": "0"}, "radius_m"),
    ({"radius_m": "10"}, "radius_m"),
    ({"theme": "horror"}, "theme"),
    ({"lang": "zz"}, "lang"),
    ({"limit": "100000"}, "limit"),
    ({"cursor": "forged"}, "cursor"),
]


@pytest.mark.parametrize(("params", "field"), BAD_ROUTE_PARAMS)
async def test_bad_route_list_parameters(demo: Client, params: dict[str, str], field: str) -> None:
    await assert_bad(demo, "/api/v1/routes", params, field)


@pytest.mark.parametrize("path", ["/api/v1/pois/abbaye-de-la-trappe", "/api/v1/routes/mortagne-cite-perchee"])
async def test_bad_lang_on_details(demo: Client, path: str) -> None:
    await assert_bad(demo, path, {"lang": "qq"}, "lang")


async def next_cursor(client: Client, path: str, params: dict[str, str]) -> str:
    body = (await client.get(path, params={**params, "limit": "1"})).json()
    cursor = body["next"]
    assert isinstance(cursor, str)
    return cursor


async def test_tampered_cursor_is_refused(demo: Client) -> None:
    cursor = await next_cursor(demo, "/api/v1/pois", {})
    assert (await demo.get("/api/v1/pois", params={"cursor": cursor, "limit": "1"})).status_code == 200
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[2] ^= 1  # one bit of the position
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    await assert_bad(demo, "/api/v1/pois", {"cursor": forged}, "cursor")
    await assert_bad(demo, "/api/v1/pois", {"cursor": cursor[:-2]}, "cursor")


async def test_cursor_only_works_for_its_own_query(demo: Client) -> None:
    cursor = await next_cursor(demo, "/api/v1/pois", {"category": "church_abbey"})
    await assert_bad(demo, "/api/v1/pois", {"cursor": cursor, "category": "manor"}, "cursor")
    await assert_bad(demo, "/api/v1/pois", {"cursor": cursor}, "cursor")
    await assert_bad(demo, "/api/v1/routes", {"cursor": cursor}, "cursor")
    route_cursor = await next_cursor(demo, "/api/v1/routes", {})
    await assert_bad(demo, "/api/v1/pois", {"cursor": route_cursor}, "cursor")


async def test_cursor_does_not_depend_on_limit_or_language(demo: Client) -> None:
    cursor = await next_cursor(demo, "/api/v1/pois", {"q": "e"})
    response = await demo.get("/api/v1/pois", params={"q": "e", "cursor": cursor, "limit": "3", "lang": "en"})
    assert response.status_code == 200
