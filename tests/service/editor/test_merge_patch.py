"""Every editor PATCH is a JSON Merge Patch (RFC 7396, issue 16.2), and every editor representation
read with GET can be written back (issue 9.7), through HTTP.

Language maps are merged (``{"fr": "…"}`` keeps English; ``{"en": null}`` removes English), for every
multilingual field of POIs, routes, stops, producers and offers; nested objects (``contact``,
``accessibility``) are merged member by member. Read-only fields sent back unchanged are ignored;
changed ones get a 422 naming them and nothing is written.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from tests.service.accounts_fixtures import Accounts, ManualClock
from tests.service.editor.content_helpers import POIS, ROUTES, new_poi, new_route, new_stop, table_state
from tests.service.producers.network import EDITOR as PRODUCERS
from tests.service.producers.network import offer_body, producer_body

Auth = dict[str, dict[str, str]]
Headers = dict[str, str]
TWO = {"fr": "Texte français", "en": "English text"}


async def created(client: AsyncTestClient[Litestar], url: str, body: dict[str, Any], headers: Headers) -> str:
    response = await client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return f"{url.rstrip('/')}/{response.json()['id']}"


async def patch(
    client: AsyncTestClient[Litestar], url: str, body: dict[str, Any], headers: Headers, *, etag_url: str = ""
) -> Any:
    """PATCH ``url`` with the current ETag of ``etag_url`` (default: ``url``) and expect 200."""
    current = await client.get(etag_url or url, headers=headers)
    assert current.status_code == 200, current.text
    response = await client.patch(url, json=body, headers={**headers, "If-Match": current.headers["etag"]})
    assert response.status_code == 200, response.text
    return response.json()


async def history_after(client: AsyncTestClient[Litestar], url: str, headers: Headers) -> Any:
    response = await client.get(f"{url}/history", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"][0]


@pytest.mark.parametrize("field", ["name", "description"])
async def test_poi_language_maps_are_merged(
    client: AsyncTestClient[Litestar], auth: Auth, field: str
) -> None:
    admin = auth["admin"]
    url = await created(client, POIS, new_poi(name=dict(TWO), description=dict(TWO)), admin)
    body = await patch(client, url, {field: {"fr": "Nouveau"}}, admin)
    assert body[field] == {"fr": "Nouveau", "en": "English text"}
    entry = await history_after(client, url, admin)
    assert entry["before"] == {field: TWO}
    assert entry["after"] == {field: {"fr": "Nouveau", "en": "English text"}}
    body = await patch(client, url, {field: {"en": None}}, admin)
    assert body[field] == {"fr": "Nouveau"}
    public = await client.get(f"/api/v1/pois/{body['id']}", params={"lang": "*"})
    assert public.status_code in (404, 200)  # a draft is not public; the editor view is what counts


async def test_poi_nested_objects_are_merged_member_by_member(
    client: AsyncTestClient[Litestar], auth: Auth
) -> None:
    admin = auth["admin"]
    poi = new_poi(
        contact={"phone": "+33 2 33 00 00 00", "email": "eglise@example.fr"},
        accessibility={"wheelchair": "yes", "notes": {"fr": "Rampe à l'entrée", "en": "Ramp at the door"}},
    )
    url = await created(client, POIS, poi, admin)
    body = await patch(
        client, url, {"accessibility": {"notes": {"en": None}}, "contact": {"phone": None}}, admin
    )
    assert body["accessibility"] == {"wheelchair": "yes", "notes": {"fr": "Rampe à l'entrée"}}
    assert body["contact"] == {"email": "eglise@example.fr"}
    body = await patch(client, url, {"accessibility": {"notes": {"de": "Rampe am Eingang"}}}, admin)
    assert body["accessibility"]["notes"] == {"fr": "Rampe à l'entrée", "de": "Rampe am Eingang"}
    body = await patch(client, url, {"address": "Place Saint-Sauveur"}, admin)
    body = await patch(client, url, {"address": None}, admin)
    assert body["address"] is None


async def test_a_required_language_map_cannot_be_emptied(
    client: AsyncTestClient[Litestar], auth: Auth, db: Database
) -> None:
    admin = auth["admin"]
    url = await created(client, POIS, new_poi(name={"fr": "Église"}), admin)
    etag = (await client.get(url, headers=admin)).headers["etag"]
    before = await table_state(db, "pois")
    response = await client.patch(url, json={"name": {"fr": None}}, headers={**admin, "If-Match": etag})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"].startswith("name")
    assert await table_state(db, "pois") == before


@pytest.mark.parametrize("field", ["title", "summary", "description"])
async def test_route_language_maps_are_merged(
    client: AsyncTestClient[Litestar], auth: Auth, field: str
) -> None:
    admin = auth["admin"]
    url = await created(
        client, ROUTES, new_route(title=dict(TWO), summary=dict(TWO), description=dict(TWO)), admin
    )
    body = await patch(client, url, {field: {"fr": "Nouveau"}}, admin)
    assert body[field] == {"fr": "Nouveau", "en": "English text"}
    body = await patch(client, url, {field: {"en": None}}, admin)
    assert body[field] == {"fr": "Nouveau"}
    assert (await history_after(client, url, admin))["after"][field] == {"fr": "Nouveau"}


@pytest.mark.parametrize("field", ["title", "story"])
async def test_stop_language_maps_are_merged(
    client: AsyncTestClient[Litestar], auth: Auth, field: str
) -> None:
    admin = auth["admin"]
    stops = [
        {**new_stop("La porte", 0.5634, 48.3752), "title": dict(TWO), "story": dict(TWO)},
        new_stop("La fontaine", 0.5655, 48.3838),
    ]
    url = await created(client, ROUTES, new_route(stops=stops), admin)
    stop = (await client.get(url, headers=admin)).json()["stops"][0]
    stop_url = f"{url}/stops/{stop['id']}"
    body = await patch(client, stop_url, {field: {"fr": "Nouveau"}}, admin, etag_url=url)
    assert body["stops"][0][field] == {"fr": "Nouveau", "en": "English text"}
    assert body["stops"][0]["id"] == stop["id"]
    assert body["stops"][1]["title"] == {"fr": "La fontaine"}
    body = await patch(client, stop_url, {field: {"en": None}}, admin, etag_url=url)
    assert body["stops"][0][field] == {"fr": "Nouveau"}
    entry = await history_after(client, url, admin)
    assert entry["action"] == "update_stop"
    assert entry["after"]["stops"][0][field] == {"fr": "Nouveau"}


async def test_an_unknown_stop_is_not_found(client: AsyncTestClient[Litestar], auth: Auth) -> None:
    admin = auth["admin"]
    url = await created(client, ROUTES, new_route(), admin)
    etag = (await client.get(url, headers=admin)).headers["etag"]
    response = await client.patch(
        f"{url}/stops/nope", json={"title": {"fr": "x"}}, headers={**admin, "If-Match": etag}
    )
    assert response.status_code == 404, response.text


async def test_producer_description_and_contact_are_merged(
    client: AsyncTestClient[Litestar], auth: Auth
) -> None:
    admin = auth["admin"]
    url = await created(client, PRODUCERS, producer_body(description=dict(TWO)), admin)
    body = await patch(client, url, {"description": {"fr": "Nouveau"}, "contact": {"phone": None}}, admin)
    assert body["description"] == {"fr": "Nouveau", "en": "English text"}
    assert body["contact"] == {"email": "tertre@example.fr"}
    body = await patch(client, url, {"description": {"en": None}}, admin)
    assert body["description"] == {"fr": "Nouveau"}


async def test_offer_product_is_merged(
    client: AsyncTestClient[Litestar], auth: Auth, clock: ManualClock
) -> None:
    admin = auth["admin"]
    producer = await created(client, PRODUCERS, producer_body(), admin)
    url = await created(client, f"{producer}/offers", offer_body(clock(), product=dict(TWO)), admin)
    body = await patch(client, url, {"product": {"fr": "Nouveau"}}, admin)
    assert body["product"] == {"fr": "Nouveau", "en": "English text"}
    body = await patch(client, url, {"product": {"en": None}, "availability": "sold_out"}, admin)
    assert body["product"] == {"fr": "Nouveau"}
    assert body["availability"] == "sold_out"


async def _representations(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts, clock: ManualClock
) -> list[str]:
    admin = auth["admin"]
    poi = await created(client, POIS, new_poi(contact={"email": "a@example.fr"}), admin)
    route = await created(client, ROUTES, new_route(), admin)
    producer = await created(client, PRODUCERS, producer_body(), admin)
    offer = await created(client, f"{producer}/offers", offer_body(clock()), admin)
    stop = (await client.get(route, headers=admin)).json()["stops"][1]["id"]
    return [poi, route, producer, offer, f"/api/v1/editor/users/{accounts.staff.id}", f"{route}/stops/{stop}"]


async def test_what_get_returns_patch_accepts(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts, clock: ManualClock
) -> None:
    admin = auth["admin"]
    for url in await _representations(client, auth, accounts, clock):
        if "/stops/" in url:
            route = url.split("/stops/")[0]
            read = await client.get(route, headers=admin)
            body = next(stop for stop in read.json()["stops"] if url.endswith(stop["id"]))
        else:
            read = await client.get(url, headers=admin)
            body = read.json()
        response = await client.patch(url, json=body, headers={**admin, "If-Match": read.headers["etag"]})
        assert response.status_code == 200, (url, response.text)
        assert response.headers["etag"] == read.headers["etag"], url  # nothing changed: same revision


async def test_route_stops_read_can_be_put_back(client: AsyncTestClient[Litestar], auth: Auth) -> None:
    admin = auth["admin"]
    url = await created(client, ROUTES, new_route(), admin)
    read = await client.get(url, headers=admin)
    stops = read.json()["stops"]
    assert [stop["position"] for stop in stops] == [1, 2]
    response = await client.put(
        f"{url}/stops", json=stops, headers={**admin, "If-Match": read.headers["etag"]}
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == read.headers["etag"]


async def test_route_stops_with_a_changed_position_are_refused(
    client: AsyncTestClient[Litestar], auth: Auth, db: Database
) -> None:
    admin = auth["admin"]
    url = await created(client, ROUTES, new_route(), admin)
    read = await client.get(url, headers=admin)
    stops = read.json()["stops"]
    before = await table_state(db, "stops")
    reordered = [stops[1], stops[0]]  # positions 2, 1 in places 1, 2
    response = await client.put(
        f"{url}/stops", json=reordered, headers={**admin, "If-Match": read.headers["etag"]}
    )
    assert response.status_code == 422, response.text
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"stops[0].position", "stops[1].position"}
    assert await table_state(db, "stops") == before


@pytest.mark.parametrize(
    ("index", "field", "value"),
    [
        (0, "revision", 99),
        (0, "id", "autre"),
        (1, "length_m", 1.0),
        (1, "stops", []),
        (2, "status", "published"),
        (3, "producer_id", "autre"),
        (4, "created_at", "2020-01-01T00:00:00Z"),
        (5, "position", 1),
    ],
)
async def test_changed_read_only_fields_are_refused_by_name(
    client: AsyncTestClient[Litestar],
    auth: Auth,
    accounts: Accounts,
    clock: ManualClock,
    db: Database,
    index: int,
    field: str,
    value: Any,
) -> None:
    admin = auth["admin"]
    url = (await _representations(client, auth, accounts, clock))[index]
    etag_url = url.split("/stops/")[0]
    etag = (await client.get(etag_url, headers=admin)).headers["etag"]
    before = await _everything(db)
    response = await client.patch(url, json={field: value}, headers={**admin, "If-Match": etag})
    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == [field]
    assert await _everything(db) == before


async def _everything(db: Database) -> list[Any]:
    """Every row of the editable tables and the history: equal before and after means nothing written."""
    rows: list[Any] = []
    async with db.read() as conn:
        for table in ("pois", "routes", "stops", "producers", "offers", "users", "history"):
            statement = f"SELECT * FROM {table} ORDER BY 1"  # a fixed table list
            rows += [(table, *row) for row in await conn.execute_fetchall(statement)]
    return rows
