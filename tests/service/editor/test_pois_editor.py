"""``/api/v1/editor/pois`` through HTTP: create, read, list, partial update, status, history, scope."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.editing import etag_for
from tests.service.accounts_fixtures import Accounts
from tests.service.editor.content_helpers import POIS, new_poi, table_state

Auth = dict[str, dict[str, str]]
NASTY = "'; DROP TABLE pois; -- ../../etc/passwd"


async def create(client: AsyncTestClient[Litestar], headers: dict[str, str], **fields: Any) -> Any:
    response = await client.post(POIS, json=new_poi(**fields), headers=headers)
    assert response.status_code == 201, response.text
    return response


async def test_create_answers_the_editor_representation_and_etag(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts
) -> None:
    response = await create(client, auth["staff"])
    poi = response.json()
    assert poi["id"] == "eglise-saint-sauveur"
    assert poi["status"] == "draft"
    assert poi["revision"] == 1
    assert poi["office_id"] == "ot-perche"
    assert poi["updated_by"] == accounts.staff.id
    assert poi["name"] == {"en": "Saint-Sauveur church", "fr": "Église Saint-Sauveur"}
    assert poi["geometry"] == {"type": "Point", "coordinates": [0.5634, 48.3752]}
    assert response.headers["etag"] == etag_for("poi", poi["id"], 1)
    assert response.headers["location"] == f"{POIS}/{poi['id']}"
    read = await client.get(f"{POIS}/{poi['id']}", headers=auth["other_staff"])
    assert read.status_code == 200
    assert read.json() == poi
    assert (await client.get(f"/api/v1/pois/{poi['id']}")).status_code == 404


async def test_list_shows_drafts_filters_and_paginates(client: AsyncTestClient[Litestar], auth: Auth) -> None:
    for index in range(5):
        await create(client, auth["staff"], id=f"poi-{index}")
    await create(client, auth["other_staff"], id="loir-1")
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, "office_id": "ot-perche", "status": "draft"}
        if cursor:
            params["cursor"] = cursor
        response = await client.get(POIS, params=params, headers=auth["staff"])
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == [f"poi-{index}" for index in range(5)]
    published = await client.get(POIS, params={"status": "published"}, headers=auth["admin"])
    assert published.json() == {"items": [], "next": None}


async def test_limits_and_bad_filters_are_4xx(client: AsyncTestClient[Litestar], auth: Auth) -> None:
    for params in ({"limit": 10**6}, {"limit": 0}, {"status": "deleted"}, {"cursor": "nope"}):
        response = await client.get(POIS, params=params, headers=auth["staff"])
        assert response.status_code == 400, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"] == next(iter(params))
    created = await create(client, auth["staff"])
    for path in ("/api/v1/editor/routes", f"{POIS}/{created.json()['id']}/history"):
        response = await client.get(path, params={"limit": 10**6}, headers=auth["staff"])
        assert response.status_code == 400, path
        assert response.json()["errors"][0]["field"] == "limit"


async def test_patch_needs_if_match_and_records_history(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts, db: Database
) -> None:
    created = await create(client, auth["staff"])
    url = f"{POIS}/{created.json()['id']}"
    before = await table_state(db, "pois")
    missing = await client.patch(url, json={"commune": "Mortagne"}, headers=auth["staff"])
    assert missing.status_code == 428
    stale = await client.patch(
        url, json={"commune": "Mortagne"}, headers={**auth["staff"], "If-Match": etag_for("poi", "x", 1)}
    )
    assert stale.status_code == 412
    assert await table_state(db, "pois") == before
    changed = await client.patch(
        url, json={"commune": "Mortagne"}, headers={**auth["staff"], "If-Match": created.headers["etag"]}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["commune"] == "Mortagne"
    assert changed.json()["name"] == created.json()["name"]
    assert changed.json()["revision"] == 2
    assert changed.headers["etag"] == etag_for("poi", changed.json()["id"], 2)
    published = await client.post(
        f"{url}/publish", headers={**auth["staff"], "If-Match": changed.headers["etag"]}
    )
    assert published.status_code == 200
    history = (await client.get(f"{url}/history", headers=auth["staff"])).json()
    assert [entry["action"] for entry in history["items"]] == ["publish", "update", "create"]
    assert [entry["revision"] for entry in history["items"]] == [3, 2, 1]
    assert history["items"][1]["before"] == {"commune": "Bellême"}
    assert history["items"][1]["after"] == {"commune": "Mortagne"}
    assert history["items"][0]["user_id"] == accounts.staff.id
    assert (await client.get(f"/api/v1/pois/{changed.json()['id']}")).status_code == 200
    first_page = await client.get(f"{url}/history", params={"limit": 1}, headers=auth["staff"])
    assert [entry["action"] for entry in first_page.json()["items"]] == ["publish"]
    assert first_page.json()["next"]
    for method in ("patch", "put", "delete"):
        response = await client.request(method.upper(), f"{url}/history", headers=auth["admin"])
        assert response.status_code == 405


async def test_unknown_and_invalid_fields_are_422_naming_them(
    client: AsyncTestClient[Litestar], auth: Auth, db: Database
) -> None:
    response = await client.post(POIS, json=new_poi(colour="red"), headers=auth["staff"])
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == ["colour"]
    bad_point = new_poi(geometry={"type": "Point", "coordinates": [0.5, 95.0]})
    response = await client.post(POIS, json=bad_point, headers=auth["staff"])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "geometry.coordinates"
    response = await client.post(POIS, json=new_poi(images=["no-such-media"]), headers=auth["staff"])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "images[0]"
    created = await create(client, auth["staff"])
    url = f"{POIS}/{created.json()['id']}"
    before = await table_state(db, "pois")
    response = await client.patch(
        url, json={"nmae": {"fr": "x"}}, headers={**auth["staff"], "If-Match": created.headers["etag"]}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "nmae"
    assert await table_state(db, "pois") == before


async def test_metacharacters_are_stored_literally(client: AsyncTestClient[Litestar], auth: Auth) -> None:
    body = new_poi(
        name={"fr": NASTY, "en": "../" * 5},
        description={"fr": NASTY},
        address=NASTY,
        commune="../..",
        opening_hours=NASTY,
        accessibility={"wheelchair": "limited", "notes": {"fr": NASTY}},
    )
    created = await client.post(POIS, json=body, headers=auth["staff"])
    assert created.status_code == 201, created.text
    poi_id = created.json()["id"]
    read = (await client.get(f"{POIS}/{poi_id}", headers=auth["staff"])).json()
    for name in ("name", "description", "address", "commune", "opening_hours", "accessibility"):
        assert read[name] == body[name], name
    listed = await client.get(POIS, headers=auth["staff"])
    assert [item["id"] for item in listed.json()["items"]] == [poi_id]
    patched = await client.patch(
        f"{POIS}/{poi_id}",
        json={"address": "../../../"},
        headers={**auth["staff"], "If-Match": created.headers["etag"]},
    )
    assert patched.json()["address"] == "../../../"


async def test_staff_of_another_office_cannot_change_anything(
    client: AsyncTestClient[Litestar], auth: Auth, db: Database
) -> None:
    created = await create(client, auth["other_staff"], id="loir-poi")
    url = f"{POIS}/loir-poi"
    etag = {"If-Match": created.headers["etag"]}
    before = [await table_state(db, table) for table in ("pois", "history")]
    headers = {**auth["staff"], **etag}
    attempts = [
        client.patch(url, json={"commune": "Ailleurs"}, headers=headers),
        client.delete(url, headers=headers),
        client.post(f"{url}/publish", headers=headers),
        client.post(f"{url}/unpublish", headers=headers),
        client.get(f"{url}/history", headers=headers),
    ]
    for attempt in attempts:
        response = await attempt
        assert response.status_code in (403, 404), response.text
    assert [await table_state(db, table) for table in ("pois", "history")] == before
    forbidden = await client.post(
        POIS, params={"office_id": "ot-loir"}, json=new_poi(), headers=auth["staff"]
    )
    assert forbidden.status_code == 403


async def test_delete_archives(client: AsyncTestClient[Litestar], auth: Auth) -> None:
    created = await create(client, auth["staff"])
    url = f"{POIS}/{created.json()['id']}"
    published = await client.post(
        f"{url}/publish", headers={**auth["staff"], "If-Match": created.headers["etag"]}
    )
    archived = await client.delete(url, headers={**auth["staff"], "If-Match": published.headers["etag"]})
    assert archived.status_code == 200
    assert archived.json()["status"] == "archived"
    assert (await client.get(f"/api/v1/pois/{created.json()['id']}")).status_code == 404
    assert (await client.get(url, headers=auth["staff"])).json()["status"] == "archived"


async def test_producers_and_anonymous_are_refused(
    client: AsyncTestClient[Litestar], auth: Auth, db: Database
) -> None:
    created = await create(client, auth["staff"], id="perche-poi")
    before = await table_state(db, "pois")
    url = f"{POIS}/perche-poi"
    headers = {**auth["producer"], "If-Match": created.headers["etag"]}
    calls = [
        ("GET", POIS, None),
        ("POST", POIS, new_poi()),
        ("GET", url, None),
        ("PATCH", url, {"commune": "x"}),
        ("DELETE", url, None),
        ("POST", f"{url}/publish", None),
        ("POST", f"{url}/unpublish", None),
        ("GET", f"{url}/history", None),
    ]
    for method, path, body in calls:
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code == 403, (method, path, response.text)
        anonymous = await client.request(method, path, json=body)
        assert anonymous.status_code == 401, (method, path)
    assert await table_state(db, "pois") == before
