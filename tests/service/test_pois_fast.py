"""The lean "near me" path answers byte for byte as Litestar's handler does, headers included, and
leaves every other request to Litestar."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.core.inputs import convert_input
from content.pois.model import PoiInput
from content.pois.store import insert_pois
from service.pois_fast import NearMeFastPath
from service.public import near_index
from tests.territory import LOADED_AT, load_demo

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def crowded(client: Client, db: Database, app: Litestar) -> Client:
    await load_demo(db)
    many = [
        convert_input(
            {
                "category": "heritage",
                "name": {"fr": f"Lavoir {n}", **({"en": f"Wash-house {n}"} if n % 2 else {})},
                "geometry": {
                    "type": "Point",
                    "coordinates": [0.54 + (n % 12) * 0.002, 48.51 + (n // 12) * 0.002],
                },
            },
            PoiInput,
        )
        for n in range(60)
    ]
    async with db.write() as conn:
        await insert_pois(conn, many, office_id="perche", user_id="u", updated_at=LOADED_AT)
    for _ in range(200):  # the first query loads the cursor secret and starts the index's rebuild
        await client.get("/api/v1/pois", params={"near": "48.52,0.55"})
        if near_index(app.state).current() is not None:
            return client
        await asyncio.sleep(0.02)
    raise AssertionError("the near-me index was never built")


def _fast(app: Litestar) -> NearMeFastPath:
    fast = app.state.near_fast
    assert isinstance(fast, NearMeFastPath)
    return fast


def _comparable(response: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [(k, v) for k, v in response.headers.multi_items() if k != "x-request-id"]
    return response.status_code, headers, response.content


FAST = 7  # the first requests below take the lean path, the others Litestar's
REQUESTS: list[tuple[dict[str, str], dict[str, str]]] = [
    ({"near": "48.52,0.55"}, {}),
    ({"near": "48.52,0.55", "radius_m": "3000", "limit": "7"}, {}),
    ({"near": "48.52,0.55", "radius_m": "3000", "limit": "7", "lang": "en"}, {}),
    ({"near": "48.52,0.55", "lang": "*"}, {}),
    ({"near": "48.52,0.55"}, {"Accept-Language": "en-GB, de;q=0.5"}),
    ({"near": "48.52,0.55", "radius_m": "5000", "limit": "50"}, {"Accept-Encoding": "gzip"}),
    ({"near": "48.3,0.3", "radius_m": "10"}, {}),  # nothing there
    ({"near": "48.52,0.55", "radius_m": "0"}, {}),  # 400: Litestar's problem either way
    ({"near": "48.52,0.55", "limit": "0"}, {}),
    ({"near": "48.52,0.55", "lang": "xx-nope"}, {}),
    ({"near": "48.52,0.55", "cursor": "forged"}, {}),
    ({"near": "48.52,0.55", "category": "heritage"}, {}),  # not the fast path's
    ({"near": "48.52,0.55"}, {"Origin": "https://example.org"}),
]


@pytest.mark.parametrize(("number", "params", "headers"), [(n, *r) for n, r in enumerate(REQUESTS)])
async def test_both_paths_answer_alike(
    crowded: Client, app: Litestar, number: int, params: dict[str, str], headers: dict[str, str]
) -> None:
    answered = _fast(app).answered
    fast = await crowded.get("/api/v1/pois", params=params, headers=headers)
    assert _fast(app).answered == answered + (number < FAST)
    _fast(app).enabled = False
    slow = await crowded.get("/api/v1/pois", params=params, headers=headers)
    _fast(app).enabled = True
    assert _comparable(fast) == _comparable(slow)


async def test_pages_cursors_and_etags_alike(crowded: Client, app: Litestar) -> None:
    pages: dict[bool, list[tuple[int, list[tuple[str, str]], bytes]]] = {}
    for enabled in (True, False):
        _fast(app).enabled = enabled
        pages[enabled] = []
        params = {"near": "48.52,0.55", "radius_m": "3000", "limit": "9"}
        while True:
            response = await crowded.get("/api/v1/pois", params=params)
            pages[enabled].append(_comparable(response))
            again = await crowded.get(
                "/api/v1/pois", params=params, headers={"If-None-Match": response.headers["etag"]}
            )
            assert again.status_code == 304
            cursor = response.json()["next"]
            if cursor is None:
                break
            params["cursor"] = cursor
    _fast(app).enabled = True
    assert len(pages[True]) == 7
    assert _fast(app).answered >= 14  # every page and its 304
    assert pages[True] == pages[False]
