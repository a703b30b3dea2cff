"""``/api/v1/editor/routes`` through HTTP: the editor's story, concurrent edits, stops, scope, events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.core.events import ContentChanged, EventHub
from content.editing import etag_for
from tests.service.accounts_fixtures import Accounts
from tests.service.editor.content_helpers import (
    POIS,
    ROUTES,
    new_poi,
    new_route,
    new_stop,
    table_state,
    upload,
)

Auth = dict[str, dict[str, str]]
NASTY = "'; DROP TABLE pois; --"


@pytest.fixture
def events(app: Litestar) -> list[ContentChanged]:
    hub = app.state.events
    assert isinstance(hub, EventHub)
    seen: list[ContentChanged] = []
    hub.subscribe(seen.append)
    return seen


async def create(client: AsyncTestClient[Litestar], headers: dict[str, str], **fields: Any) -> Any:
    response = await client.post(ROUTES, json=new_route(**fields), headers=headers)
    assert response.status_code == 201, response.text
    return response


async def test_staff_drafts_narrates_and_publishes_a_route(
    client: AsyncTestClient[Litestar],
    auth: Auth,
    accounts: Accounts,
    fixtures_dir: Path,
    events: list[ContentChanged],
) -> None:
    login = await client.post(
        "/api/v1/auth/login", json={"email": accounts.staff.email, "password": accounts.staff.password}
    )
    assert login.status_code == 200
    staff = {"Authorization": f"Bearer {login.json()['token']}"}
    narration = await upload(client, staff, fixtures_dir / "audio" / "narration-fr.mp3", credit="OT Perche")
    assert narration.status_code == 201, narration.text
    photo = await upload(
        client, staff, fixtures_dir / "images" / "coffee.png", alt="Une tasse", licence="CC0"
    )
    assert photo.status_code == 201, photo.text
    assert narration.json()["kind"] == "audio"
    assert photo.json()["kind"] == "image"
    stops = [
        new_stop("La porte", 0.5634, 48.3752, audio={"fr": narration.json()["id"]}),
        new_stop("La fontaine", 0.5655, 48.3838, images=[photo.json()["id"]], trigger_radius_m=40),
    ]
    created = await create(client, staff, stops=stops, cover=photo.json()["id"])
    route = created.json()
    assert route["status"] == "draft"
    assert route["office_id"] == "ot-perche"
    assert route["updated_by"] == accounts.staff.id
    assert [stop["title"] for stop in route["stops"]] == [{"fr": "La porte"}, {"fr": "La fontaine"}]
    assert route["stops"][0]["audio"] == {"fr": narration.json()["id"]}
    assert events == []
    public_url = f"/api/v1/routes/{route['id']}"
    assert (await client.get(public_url)).status_code == 404
    assert route["id"] not in (await client.get("/api/v1/routes")).text

    published = await client.post(
        f"{ROUTES}/{route['id']}/publish", headers={**staff, "If-Match": created.headers["etag"]}
    )
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    assert published.headers["etag"] == etag_for("route", route["id"], 2)
    assert events == [ContentChanged(routes=frozenset({route["id"]}))]
    public = await client.get(public_url, params={"lang": "fr"})
    assert public.status_code == 200
    assert "La fontaine" in public.text
    assert narration.json()["id"] in public.text
    listed = await client.get("/api/v1/routes")
    assert [item["id"] for item in listed.json()["items"]] == [route["id"]]


async def second_staff_of_the_same_office(client: AsyncTestClient[Litestar], auth: Auth) -> dict[str, str]:
    account = {"email": "guide2@perche.example", "password": "another long secret", "role": "staff",
               "office_id": "ot-perche"}  # fmt: skip
    created = await client.post("/api/v1/editor/users", json=account, headers=auth["admin"])
    assert created.status_code == 201, created.text
    login = await client.post(
        "/api/v1/auth/login", json={"email": account["email"], "password": account["password"]}
    )
    return {"Authorization": f"Bearer {login.json()['token']}"}


async def test_second_stale_save_gets_412_and_overwrites_nothing(
    client: AsyncTestClient[Litestar], auth: Auth, db: Database
) -> None:
    colleague = await second_staff_of_the_same_office(client, auth)
    created = await create(client, auth["staff"])
    url = f"{ROUTES}/{created.json()['id']}"
    first_read = await client.get(url, headers=auth["staff"])
    second_read = await client.get(url, headers=colleague)
    assert first_read.headers["etag"] == second_read.headers["etag"]
    first = await client.patch(
        url,
        json={"duration_min": 120},
        headers={**auth["staff"], "If-Match": first_read.headers["etag"]},
    )
    assert first.status_code == 200
    before = [await table_state(db, table) for table in ("routes", "stops", "history")]
    second = await client.patch(
        url,
        json={"duration_min": 45, "title": {"fr": "Autre"}},
        headers={**colleague, "If-Match": second_read.headers["etag"]},
    )
    assert second.status_code == 412
    assert second.headers["content-type"].startswith("application/problem+json")
    stale_stops = await client.put(
        f"{url}/stops", json=[], headers={**colleague, "If-Match": second_read.headers["etag"]}
    )
    assert stale_stops.status_code == 412
    for method, path, body in (("PATCH", url, {"duration_min": 5}), ("PUT", f"{url}/stops", []),
                               ("DELETE", url, None), ("POST", f"{url}/publish", None)):  # fmt: skip
        missing = await client.request(method, path, json=body, headers=auth["staff"])
        assert missing.status_code == 428, (method, path)
    assert [await table_state(db, table) for table in ("routes", "stops", "history")] == before
    now = (await client.get(url, headers=auth["staff"])).json()
    assert now["duration_min"] == 120
    assert now["title"] == created.json()["title"]


async def test_replacing_stops_is_all_or_nothing(
    client: AsyncTestClient[Litestar], auth: Auth, db: Database
) -> None:
    created = await create(client, auth["staff"])
    url = f"{ROUTES}/{created.json()['id']}"
    kept = created.json()["stops"][1]
    before = [await table_state(db, table) for table in ("routes", "stops", "history")]
    bad = [new_stop("Nouvelle", 0.56, 48.38), new_stop("Perdue", 0.56, 148.0)]
    refused = await client.put(
        f"{url}/stops", json=bad, headers={**auth["staff"], "If-Match": created.headers["etag"]}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "stops[1].geometry.coordinates"
    unknown = [{**new_stop("Nouvelle", 0.56, 48.38), "colour": "red"}]
    refused = await client.put(
        f"{url}/stops", json=unknown, headers={**auth["staff"], "If-Match": created.headers["etag"]}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"].endswith("colour")
    assert [await table_state(db, table) for table in ("routes", "stops", "history")] == before

    new_stops = [
        {"id": kept["id"], "title": kept["title"], "geometry": kept["geometry"]},
        new_stop(NASTY, 0.5640, 48.3790, story={"fr": "../../etc/passwd"}),
    ]
    replaced = await client.put(
        f"{url}/stops", json=new_stops, headers={**auth["staff"], "If-Match": created.headers["etag"]}
    )
    assert replaced.status_code == 200, replaced.text
    stops = replaced.json()["stops"]
    assert stops[0]["id"] == kept["id"]
    assert [stop["position"] for stop in stops] == [1, 2]
    assert stops[1]["title"] == {"fr": NASTY}
    assert stops[1]["story"] == {"fr": "../../etc/passwd"}
    history = (await client.get(f"{url}/history", headers=auth["staff"])).json()["items"]
    assert [entry["action"] for entry in history] == ["replace_stops", "create"]
    assert [stop["id"] for stop in history[0]["before"]["stops"]] == [
        s["id"] for s in created.json()["stops"]
    ]
    assert history[0]["after"]["stops"][1]["title"] == {"fr": NASTY}


async def test_route_strings_are_stored_literally(client: AsyncTestClient[Litestar], auth: Auth) -> None:
    texts = {"title": {"fr": NASTY}, "summary": {"fr": "../"}, "description": {"en": NASTY + " ../.."}}
    created = await create(client, auth["staff"], **texts)
    read = (await client.get(f"{ROUTES}/{created.json()['id']}", headers=auth["staff"])).json()
    for name, value in texts.items():
        assert read[name] == value


async def test_wrong_media_kind_is_422_naming_the_field(
    client: AsyncTestClient[Litestar], auth: Auth, fixtures_dir: Path, db: Database
) -> None:
    audio = (await upload(client, auth["staff"], fixtures_dir / "audio" / "short-fr.wav")).json()
    before = await table_state(db, "routes")
    response = await client.post(ROUTES, json=new_route(cover=audio["id"]), headers=auth["staff"])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cover"
    stops = [new_stop("A", 0.56, 48.37, images=[audio["id"]]), new_stop("B", 0.57, 48.38)]
    response = await client.post(ROUTES, json=new_route(stops=stops), headers=auth["staff"])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "stops[0].images[0]"
    assert await table_state(db, "routes") == before


async def test_other_office_and_producers_are_refused(
    client: AsyncTestClient[Litestar], auth: Auth, db: Database
) -> None:
    created = await create(client, auth["other_staff"], id="loir-route")
    url = f"{ROUTES}/loir-route"
    before = [await table_state(db, table) for table in ("routes", "stops", "history")]
    for who, allowed in (("staff", (403, 404)), ("producer", (403,))):
        headers = {**auth[who], "If-Match": created.headers["etag"]}
        calls = [
            ("PATCH", url, {"duration_min": 5}),
            ("PUT", f"{url}/stops", []),
            ("DELETE", url, None),
            ("POST", f"{url}/publish", None),
            ("POST", f"{url}/unpublish", None),
            ("GET", f"{url}/history", None),
        ]
        if who == "producer":
            calls += [("GET", ROUTES, None), ("POST", ROUTES, new_route()), ("GET", url, None)]
        for method, path, body in calls:
            response = await client.request(method, path, json=body, headers=headers)
            assert response.status_code in allowed, (who, method, path, response.text)
    assert [await table_state(db, table) for table in ("routes", "stops", "history")] == before


async def test_events_name_the_routes_a_poi_change_reaches(
    client: AsyncTestClient[Litestar], auth: Auth, events: list[ContentChanged]
) -> None:
    poi = await client.post(POIS, json=new_poi(id="la-porte"), headers=auth["staff"])
    linked = await create(client, auth["staff"], id="linked", stops=[
        new_stop("La porte", 0.5634, 48.3752, poi_id="la-porte"), new_stop("B", 0.6, 48.5)])  # fmt: skip
    far_line = {"type": "LineString", "coordinates": [[1.5, 47.0], [1.6, 47.1]]}
    await create(client, auth["staff"], id="far", geometry=far_line, stops=[])
    near_line = {"type": "LineString", "coordinates": [[0.5640, 48.3752], [0.5700, 48.3760]]}
    await create(client, auth["staff"], id="nearby", geometry=near_line, stops=[])
    assert events == []
    draft_edit = await client.patch(
        f"{POIS}/la-porte", json={"commune": "X"}, headers={**auth["staff"], "If-Match": poi.headers["etag"]}
    )
    assert events == []
    published = await client.post(
        f"{POIS}/la-porte/publish", headers={**auth["staff"], "If-Match": draft_edit.headers["etag"]}
    )
    assert events == [ContentChanged(pois=frozenset({"la-porte"}), routes=frozenset({"linked", "nearby"}))]
    events.clear()
    refused = await client.patch(
        f"{POIS}/la-porte", json={"commune": "Y", "images": ["missing"]},
        headers={**auth["staff"], "If-Match": published.headers["etag"]},
    )  # fmt: skip
    assert refused.status_code == 422
    stale = await client.post(
        f"{ROUTES}/linked/publish", headers={**auth["staff"], "If-Match": poi.headers["etag"]}
    )
    assert stale.status_code == 412
    assert events == []
    await client.post(
        f"{ROUTES}/linked/publish", headers={**auth["staff"], "If-Match": linked.headers["etag"]}
    )
    assert events == [ContentChanged(routes=frozenset({"linked"}))]


async def test_editing_published_routes_emits_one_event_per_change(
    client: AsyncTestClient[Litestar], auth: Auth, events: list[ContentChanged]
) -> None:
    created = await create(client, auth["staff"], id="loop")
    url = f"{ROUTES}/loop"
    published = await client.post(
        f"{url}/publish", headers={**auth["staff"], "If-Match": created.headers["etag"]}
    )
    edited = await client.patch(
        url, json={"duration_min": 30}, headers={**auth["staff"], "If-Match": published.headers["etag"]}
    )
    unchanged = await client.patch(
        url, json={"duration_min": 30}, headers={**auth["staff"], "If-Match": edited.headers["etag"]}
    )
    assert unchanged.json()["revision"] == edited.json()["revision"]
    stops = await client.put(
        f"{url}/stops", json=[new_stop("Seule", 0.56, 48.38)],
        headers={**auth["staff"], "If-Match": unchanged.headers["etag"]},
    )  # fmt: skip
    archived = await client.delete(url, headers={**auth["staff"], "If-Match": stops.headers["etag"]})
    assert archived.json()["status"] == "archived"
    assert events == [ContentChanged(routes=frozenset({"loop"}))] * 4
    events.clear()
    draft = await create(client, auth["staff"], id="draft-only")
    await client.patch(
        f"{ROUTES}/draft-only",
        json={"duration_min": 30},
        headers={**auth["staff"], "If-Match": draft.headers["etag"]},
    )
    assert events == []
