"""``near``/``radius_m``/``bbox`` are read once, the same way, by every list that takes them: a bad
value is a 400 problem naming it, and ``near`` alone means a 10 km radius."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from tests.territory import load_demo

Client = AsyncTestClient[Litestar]

NEAR_LISTS = ["/api/v1/pois", "/api/v1/routes", "/api/v1/producers", "/api/v1/packs"]
BOX_LISTS = ["/api/v1/pois", "/api/v1/producers"]

BAD_NEAR = [
    ({"near": "91,0"}, "near"),
    ({"near": "48.5"}, "near"),
    ({"near": "48.5,0.5,1"}, "near"),
    ({"near": "48.5,inf"}, "near"),
    ({"near": "91,0", "radius_m": "x"}, "near"),
    ({"near": "48.5,0.5", "radius_m": "0"}, "radius_m"),
    ({"near": "48.5,0.5", "radius_m": "100000.5"}, "radius_m"),
    ({"near": "48.5,0.5", "radius_m": "1_000"}, "radius_m"),
    ({"radius_m": "500"}, "radius_m"),
]
BAD_BOX = [
    ({"bbox": "1,48,0,49"}, "bbox"),
    ({"bbox": "0,48,1,90.5"}, "bbox"),
    ({"bbox": "0,48,1"}, "bbox"),
    ({"bbox": "0,48,1,nan"}, "bbox"),
    ({"bbox": "0,48,1,49", "near": "48.5,0.5"}, "bbox"),
]


async def assert_bad(client: Client, path: str, params: dict[str, str], field: str) -> None:
    response = await client.get(path, params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == "/problems/invalid-parameter"
    assert [error["field"] for error in body["errors"]] == [field]


@pytest.mark.parametrize("path", NEAR_LISTS)
async def test_bad_near_or_radius(client: Client, path: str) -> None:
    for params, field in BAD_NEAR:
        await assert_bad(client, path, params, field)


@pytest.mark.parametrize("path", BOX_LISTS)
async def test_bad_bbox(client: Client, path: str) -> None:
    for params, field in BAD_BOX:
        await assert_bad(client, path, params, field)


@pytest.fixture
async def demo(client: Client, db: Database) -> Client:
    await load_demo(db)
    return client


async def ids(client: Client, path: str, params: dict[str, str]) -> list[str]:
    response = await client.get(path, params={**params, "limit": "500"})
    assert response.status_code == 200, response.text
    body = response.json()
    items = body["features"] if "features" in body else body["items"]
    return [item["id"] for item in items]


@pytest.mark.parametrize("path", ["/api/v1/pois", "/api/v1/routes"])
async def test_near_alone_means_ten_kilometres(demo: Client, path: str) -> None:
    alone = await ids(demo, path, {"near": "48.45,0.6"})
    assert alone
    assert alone == await ids(demo, path, {"near": "48.45,0.6", "radius_m": "10000"})
    assert set(alone) <= set(await ids(demo, path, {"near": "48.45,0.6", "radius_m": "100000"}))
    assert set(alone) >= set(await ids(demo, path, {"near": "48.45,0.6", "radius_m": "2000"}))
