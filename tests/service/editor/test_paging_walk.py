"""Every list pages the same way (issue 9.2): walked to its end with ``limit=1`` and with the maximum,
each list gives every item once, in the same order; a cursor from another list is refused (400)."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.paging import MAX_LIMIT
from tests.service.accounts_fixtures import Accounts, ManualClock
from tests.service.editor.content_helpers import POIS, ROUTES, new_poi, new_route
from tests.service.producers.network import EDITOR as PRODUCERS
from tests.service.producers.network import producer_body

Auth = dict[str, dict[str, str]]


async def walk(client: AsyncTestClient[Litestar], url: str, headers: dict[str, str], limit: int) -> list[Any]:
    seen: list[Any] = []
    cursor = None
    for _ in range(1000):
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = await client.get(url, params=params, headers=headers)
        assert response.status_code == 200, (url, response.text)
        body = response.json()
        items = body["items"] if "items" in body else body["features"]
        assert len(items) <= limit
        seen += [item.get("id", item.get("properties", {}).get("id")) for item in items]
        cursor = body.get("next")
        if not cursor:
            return seen
    raise AssertionError(f"{url} never ended")


async def test_every_list_walks_to_its_end_with_one_and_with_the_maximum(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts, clock: ManualClock
) -> None:
    admin = auth["admin"]
    for index in range(3):
        created = await client.post(
            POIS, json=new_poi(id=f"poi-{index}", name={"fr": f"Lieu {index}"}), headers=admin
        )
        assert created.status_code == 201, created.text
        etag = created.headers["etag"]
        for text in ("un", "deux"):
            changed = await client.patch(
                f"{POIS}/poi-{index}", json={"description": {"fr": text}}, headers={**admin, "If-Match": etag}
            )
            etag = changed.headers["etag"]
        published = await client.post(f"{POIS}/poi-{index}/publish", headers={**admin, "If-Match": etag})
        assert published.status_code == 200, published.text
        route = await client.post(ROUTES, json=new_route(id=f"route-{index}"), headers=admin)
        assert route.status_code == 201, route.text
        await client.post(
            f"{ROUTES}/route-{index}/publish", headers={**admin, "If-Match": route.headers["etag"]}
        )
        producer = await client.post(
            PRODUCERS, json=producer_body(id=f"ferme-{index}", name=f"Ferme {index}"), headers=admin
        )
        assert producer.status_code == 201, producer.text
        await client.post(
            f"{PRODUCERS}/ferme-{index}/publish", headers={**admin, "If-Match": producer.headers["etag"]}
        )
    lists = [
        POIS,
        ROUTES,
        PRODUCERS,
        "/api/v1/editor/offices",
        "/api/v1/editor/users",
        f"{POIS}/poi-0/history",
        f"{ROUTES}/route-0/history",
        f"{PRODUCERS}/ferme-0/history",
        f"/api/v1/editor/users/{accounts.staff.id}/history",
        "/api/v1/pois",
        "/api/v1/routes",
        "/api/v1/producers",
    ]
    for url in lists:
        one = await walk(client, url, admin, 1)
        most = await walk(client, url, admin, MAX_LIMIT)
        assert one == most, url
        assert len(one) == len(set(one)), url
        assert one, url


async def test_a_cursor_from_another_list_is_refused(client: AsyncTestClient[Litestar], auth: Auth) -> None:
    admin = auth["admin"]
    for index in range(2):
        created = await client.post(POIS, json=new_poi(id=f"poi-{index}"), headers=admin)
        assert created.status_code == 201, created.text
    users = (await client.get("/api/v1/editor/users", params={"limit": 1}, headers=admin)).json()
    pois = (await client.get(POIS, params={"limit": 1}, headers=admin)).json()
    history = (await client.get(f"{POIS}/poi-0/history", params={"limit": 1}, headers=admin)).json()
    for url, cursor in (
        ("/api/v1/editor/offices", users["next"]),
        ("/api/v1/editor/users", pois["next"]),
        (f"{POIS}/poi-1/history", history["next"]),
        ("/api/v1/editor/users", "bm90IGEgY3Vyc29y"),
    ):
        if cursor is None:
            continue
        response = await client.get(url, params={"cursor": cursor}, headers=admin)
        assert response.status_code == 400, (url, response.text)
        assert response.json()["errors"][0]["field"] == "cursor"
