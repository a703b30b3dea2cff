"""``GET /api/v1/removed``: what left the public lists (unpublished or archived POIs, routes and producers),
so that a phone syncing with ``updated_since`` knows what to drop; never a draft that was never public."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.clock import rfc3339
from content.core.db import Database
from tests.service.accounts_fixtures import *  # noqa: F403 (the signed-in fixtures)
from tests.service.accounts_fixtures import ManualClock, count_rows
from tests.service.editor.content_helpers import POIS, ROUTES, new_poi, new_route
from tests.service.producers.network import EDITOR as PRODUCERS
from tests.service.producers.network import producer_body

Auth = dict[str, dict[str, str]]
Client = AsyncTestClient[Litestar]
REMOVED = "/api/v1/removed"


async def _create(
    client: Client, admin: dict[str, str], base: str, body: dict[str, Any], publish: bool
) -> str:
    created = await client.post(base, json=body, headers=admin)
    assert created.status_code == 201, created.text
    if not publish:
        return str(created.headers["etag"])
    published = await client.post(
        f"{base}/{body['id']}/publish", headers={**admin, "If-Match": created.headers["etag"]}
    )
    assert published.status_code == 200, published.text
    return str(published.headers["etag"])


async def _status(client: Client, admin: dict[str, str], url: str, action: str) -> None:
    etag = (await client.get(url, headers=admin)).headers["etag"]
    headers = {**admin, "If-Match": etag}
    answer = await (
        client.delete(url, headers=headers)
        if action == "archive"
        else client.post(f"{url}/{action}", headers=headers)
    )
    assert answer.status_code in (200, 204), answer.text


async def removed(client: Client, **params: Any) -> list[tuple[str, str]]:
    answer = await client.get(REMOVED, params=params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["next"] is None
    return [(item["kind"], item["id"]) for item in body["items"]]


async def test_what_left_the_public_lists_is_listed_once_changed_after_the_instant(
    client: Client, auth: Auth, clock: ManualClock
) -> None:
    admin = auth["admin"]
    await _create(client, admin, POIS, new_poi(id="lavoir"), publish=True)
    await _create(client, admin, POIS, new_poi(id="eglise"), publish=True)
    await _create(client, admin, POIS, new_poi(id="secret-draft"), publish=False)
    await _create(client, admin, ROUTES, new_route(id="foret"), publish=True)
    await _create(client, admin, PRODUCERS, producer_body(id="ferme", name="Ferme"), publish=True)
    assert await removed(client) == []
    clock.advance(60)
    before = rfc3339(clock())
    clock.advance(60)
    await _status(client, admin, f"{POIS}/lavoir", "unpublish")
    clock.advance(1)
    await _status(client, admin, f"{ROUTES}/foret", "archive")
    clock.advance(1)
    await _status(client, admin, f"{PRODUCERS}/ferme", "unpublish")
    await _status(client, admin, f"{POIS}/secret-draft", "archive")  # never public: never listed

    everything = [("poi", "lavoir"), ("route", "foret"), ("producer", "ferme")]
    assert await removed(client) == everything
    assert await removed(client, updated_since=before) == everything
    assert await removed(client, updated_since=rfc3339(clock())) == []
    assert await removed(client, kind="route") == [("route", "foret")]
    first = (await client.get(REMOVED, params={"limit": 1})).json()
    assert first["items"][0]["removed_at"] > before
    public = (await client.get("/api/v1/pois", params={"updated_since": before})).json()["features"]
    assert public == []  # the public list shows what is public; what left it is here

    # Published again: back in the public list, out of this one.
    clock.advance(1)
    await _status(client, admin, f"{POIS}/lavoir", "publish")
    assert await removed(client, updated_since=before) == [("route", "foret"), ("producer", "ferme")]
    public = (await client.get("/api/v1/pois", params={"updated_since": before})).json()["features"]
    assert [feature["id"] for feature in public] == ["lavoir"]


async def test_bad_parameters_are_400_naming_them(client: Client, db: Database) -> None:
    history = await count_rows(db, "history")
    for params, field in (
        ({"kind": "offer"}, "kind"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"limit": "0"}, "limit"),
        ({"cursor": "forged"}, "cursor"),
    ):
        answer = await client.get(REMOVED, params=params)
        assert answer.status_code == 400, (params, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"][0]["field"] == field
    assert await count_rows(db, "history") == history
