"""``updated_since=RFC3339`` on the public lists: only what changed after that instant, paged like the
rest, and a bad value named as the parameter."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.pois.model import PoiPatch
from content.pois.store import update_poi
from tests.territory import load_demo

Client = AsyncTestClient[Litestar]
BEFORE_LOAD = "2025-06-01T07:59:59Z"  # the demo is loaded at 2025-06-01T08:00:00Z


@pytest.fixture
async def demo(client: Client, db: Database) -> Client:
    await load_demo(db)
    return client


async def poi_ids(client: Client, **params: Any) -> list[str]:
    response = await client.get("/api/v1/pois", params=params)
    assert response.status_code == 200, response.text
    return [feature["id"] for feature in response.json()["features"]]


async def test_pois_changed_after_the_instant(demo: Client, db: Database) -> None:
    everything = await poi_ids(demo, limit=500)
    assert await poi_ids(demo, limit=500, updated_since=BEFORE_LOAD) == everything
    assert await poi_ids(demo, updated_since="2025-06-01T08:00:00Z") == []  # strictly after
    assert await poi_ids(demo, updated_since="2025-06-01T10:00:00+02:00") == []  # the same instant
    async with db.write() as conn:
        await update_poi(
            conn, everything[1], PoiPatch(commune="Bellême"), user_id=None, updated_at="2026-05-01T10:00:00Z"
        )
    assert await poi_ids(demo, updated_since="2026-05-01T09:59:59.5Z") == [everything[1]]
    assert await poi_ids(demo, updated_since="2026-05-01T10:00:00Z") == []
    near = await poi_ids(demo, near="48.52,0.55", radius_m="100000", updated_since="2026-01-01T00:00:00Z")
    assert near == [everything[1]]


async def test_pages_keep_the_filter(demo: Client) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, "updated_since": BEFORE_LOAD}
        if cursor:
            params["cursor"] = cursor
        page = (await demo.get("/api/v1/pois", params=params)).json()
        seen += [feature["id"] for feature in page["features"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == await poi_ids(demo, limit=500)
    first = (await demo.get("/api/v1/pois", params={"limit": 2, "updated_since": BEFORE_LOAD})).json()
    other = await demo.get(
        "/api/v1/pois", params={"limit": 2, "cursor": first["next"], "updated_since": "2020-01-01T00:00:00Z"}
    )
    assert (other.status_code, other.json()["errors"][0]["field"]) == (400, "cursor")


async def test_routes_changed_after_the_instant(demo: Client) -> None:
    listed = (await demo.get("/api/v1/routes", params={"updated_since": BEFORE_LOAD})).json()["items"]
    assert len(listed) == 2
    later = await demo.get("/api/v1/routes", params={"updated_since": "2025-06-01T08:00:00Z"})
    assert later.json()["items"] == []


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-05-01", "2026-05-01T08:00:00", "2026-13-01T08:00:00Z", "", "1714550400"]
)
@pytest.mark.parametrize("path", ["/api/v1/pois", "/api/v1/routes", "/api/v1/producers"])
async def test_bad_values_name_the_parameter(client: Client, path: str, value: str) -> None:
    response = await client.get(path, params={"updated_since": value})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "updated_since"
