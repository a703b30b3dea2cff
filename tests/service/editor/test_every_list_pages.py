"""Every list in the OpenAPI document pages through the same code (issue 9.2).

The lists are found in the document (every GET with a ``limit`` parameter), so a new list cannot
escape: each is walked to its end with ``limit=1`` and with the maximum (every item seen once, in the
same order both ways), and each refuses the same bad ``limit`` and ``cursor`` values with a 400
problem naming the parameter.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.core.paging import MAX_LIMIT
from content.editing import etag_for
from tests.content.importers.helpers import feature, geojson_objects, import_objects
from tests.service.accounts_fixtures import Accounts
from tests.service.editor.content_helpers import POIS, ROUTES, new_poi, new_route
from tests.service.producers.network import EDITOR as PRODUCERS
from tests.service.producers.network import producer_body

Auth = dict[str, dict[str, str]]
Client = AsyncTestClient[Litestar]
ITEMS = 3


def list_paths(app: Litestar) -> list[str]:
    """Every GET operation of the document that takes ``limit``."""
    document = app.openapi_schema.to_schema()
    found = []
    for path, item in document["paths"].items():
        operation = item.get("get")
        if operation and any(p["name"] == "limit" for p in operation.get("parameters", [])):
            assert any(p["name"] == "cursor" for p in operation["parameters"]), path
            found.append(path)
    return sorted(found)


async def seed(client: Client, auth: Auth, db: Database, accounts: Accounts) -> None:
    admin = auth["admin"]
    user = f"/api/v1/editor/users/{accounts.staff.id}"
    etag = (await client.get(user, headers=admin)).headers["etag"]
    for disabled in (True, False):
        changed = await client.patch(user, json={"disabled": disabled}, headers={**admin, "If-Match": etag})
        assert changed.status_code == 200, changed.text
        etag = changed.headers["etag"]
    office = await client.post(
        "/api/v1/editor/offices", json={"id": "ot-paging", "name": "Pages"}, headers=admin
    )
    assert office.status_code == 201, office.text
    for index in range(ITEMS):
        created = await client.post(POIS, json=new_poi(id=f"poi-{index}"), headers=admin)
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
        published = await client.post(
            f"{ROUTES}/route-{index}/publish", headers={**admin, "If-Match": route.headers["etag"]}
        )
        assert published.status_code == 200, published.text
        producer = await client.post(
            PRODUCERS, json=producer_body(id=f"ferme-{index}", name=f"Ferme {index}"), headers=admin
        )
        assert producer.status_code == 201, producer.text
        published = await client.post(
            f"{PRODUCERS}/ferme-{index}/publish", headers={**admin, "If-Match": producer.headers["etag"]}
        )
        assert published.status_code == 200, published.text
    # What left the public lists: two POIs unpublished (two stay public, with the imported ones below).
    for index in (1, 2):
        current = await client.get(f"{POIS}/poi-{index}", headers=admin)
        unpublished = await client.post(
            f"{POIS}/poi-{index}/unpublish", headers={**admin, "If-Match": current.headers["etag"]}
        )
        assert unpublished.status_code == 200, unpublished.text
    # Import conflicts: imported POIs edited here, then changed at their source.
    numbers = range(1, ITEMS + 1)
    await import_objects(db, geojson_objects([feature(n) for n in numbers]), office_id="ot-perche")
    for n in numbers:
        patched = await client.patch(
            f"{POIS}/lavoir-n{n}",
            json={"description": {"fr": "Réécrit ici."}},
            headers={**admin, "If-Match": etag_for("poi", f"lavoir-n{n}", 1)},
        )
        assert patched.status_code == 200, patched.text
    moved = [feature(n, description="Texte de la source.", updated="2026-02-01T00:00:00Z") for n in numbers]
    await import_objects(db, geojson_objects(moved), office_id="ot-perche")


def fill(path: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"a new list with a path parameter: give it an id in this test ({path})"
    return path


def items_of(body: dict[str, Any]) -> list[Any]:
    assert set(body) <= {"type", "items", "features", "next"}, body.keys()
    items = body["items"] if "items" in body else body["features"]
    assert isinstance(items, list)
    return items


async def walk(client: Client, url: str, headers: dict[str, str], limit: int) -> list[bytes]:
    seen: list[bytes] = []
    cursor = None
    for _ in range(1000):
        params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = await client.get(url, params=params, headers=headers)
        assert response.status_code == 200, (url, response.text)
        body = response.json()
        items = items_of(body)
        assert 0 < len(items) <= limit or (not items and not seen), (url, limit, len(items))
        seen += [msgspec.json.encode(item, order="deterministic") for item in items]
        cursor = body.get("next")
        if not cursor:
            return seen
    raise AssertionError(f"{url} never ended")


async def refused(
    client: Client, url: str, headers: dict[str, str], params: dict[str, Any]
) -> tuple[str, str]:
    """The field and message of the 400 problem ``params`` get."""
    response = await client.get(url, params=params, headers=headers)
    assert response.status_code == 400, (url, params, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), url
    error = response.json()["errors"][0]
    return error["field"], error["message"]


async def test_every_list_walks_to_its_end_with_one_and_with_the_maximum(
    app: Litestar, client: Client, auth: Auth, accounts: Accounts, db: Database
) -> None:
    await seed(client, auth, db, accounts)
    ids = {"poi_id": "poi-0", "route_id": "route-0", "producer_id": "ferme-0", "user_id": accounts.staff.id}
    paths = list_paths(app)
    assert len(paths) >= 13, paths
    admin = auth["admin"]
    for path in paths:
        url = fill(path, ids)
        one = await walk(client, url, admin, 1)
        most = await walk(client, url, admin, MAX_LIMIT)
        assert one, url
        assert one == most, url
        assert len(one) == len(set(one)), url
        assert len(one) >= 2, url


async def test_every_list_refuses_the_same_bad_limit_and_cursor(
    app: Litestar, client: Client, auth: Auth, accounts: Accounts, db: Database
) -> None:
    await seed(client, auth, db, accounts)
    ids = {"poi_id": "poi-0", "route_id": "route-0", "producer_id": "ferme-0", "user_id": accounts.staff.id}
    admin = auth["admin"]
    urls = [fill(path, ids) for path in list_paths(app)]
    firsts = {}
    for url in urls:
        body = (await client.get(url, params={"limit": 1}, headers=admin)).json()
        assert body["next"], url
        firsts[url] = body["next"]
    problems: dict[str, set[tuple[str, str]]] = {}
    for index, url in enumerate(urls):
        for bad in (0, -1, MAX_LIMIT + 1, 10**6, "2.5", "x"):
            problem = await refused(client, url, admin, {"limit": bad})
            assert problem[0] == "limit", (url, bad, problem)
            problems.setdefault(f"limit={bad}", set()).add(problem)
        for bad in ("nope", "bm90IGEgY3Vyc29y", "a" * 2000):
            problem = await refused(client, url, admin, {"cursor": bad})
            assert problem[0] == "cursor", (url, bad, problem)
            problems.setdefault(f"cursor={bad[:10]}", set()).add(problem)
        # A cursor from another list is not one of this list's.
        other = urls[(index + 1) % len(urls)]
        problem = await refused(client, url, admin, {"cursor": firsts[other]})
        assert problem[0] == "cursor", (url, other, problem)
        problems.setdefault("cursor=foreign", set()).add(problem)
    # The same mistake gets the same problem from every list.
    for mistake, seen in problems.items():
        assert len(seen) == 1, (mistake, seen)
