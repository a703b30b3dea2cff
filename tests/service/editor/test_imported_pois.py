"""An imported POI's editor representation carries its source; a staff edit survives the next import."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.editing import etag_for
from tests.content.importers.helpers import feature, geojson_objects, import_objects
from tests.service.editor.content_helpers import POIS

CONFLICTS = "/api/v1/editor/imports/conflicts"

Auth = dict[str, dict[str, str]]


async def test_imported_poi_shows_its_source_and_keeps_a_staff_edit(
    client: AsyncTestClient[Litestar], auth: Auth, db: Database
) -> None:
    await import_objects(db, geojson_objects([feature(1)]), office_id="ot-perche")
    response = await client.get(f"{POIS}/lavoir-n1", headers=auth["staff"])
    assert response.status_code == 200, response.text
    poi = response.json()
    assert poi["source"] == {"provider": "geojson", "external_id": "L1", "updated_at": "2026-01-01T00:00:00Z"}
    listed = (await client.get(POIS, headers=auth["staff"])).json()["items"]
    assert [item["source"] for item in listed if item["id"] == "lavoir-n1"] == [poi["source"]]

    patched = await client.patch(
        f"{POIS}/lavoir-n1",
        json={"description": {"fr": "Réécrit par l'office."}},
        headers={**auth["staff"], "If-Match": etag_for("poi", "lavoir-n1", 1)},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["source"] == poi["source"]

    moved = feature(1, description="Texte de la source.", updated="2026-02-01T00:00:00Z")
    report = await import_objects(db, geojson_objects([moved]), office_id="ot-perche")
    assert [(c.field, c.local, c.source) for c in report.conflicts] == [
        ("description", {"fr": "Réécrit par l'office."}, {"fr": "Texte de la source."})
    ]
    after = (await client.get(f"{POIS}/lavoir-n1", headers=auth["staff"])).json()
    assert after["description"] == {"fr": "Réécrit par l'office."}
    assert after["source"]["updated_at"] == "2026-02-01T00:00:00Z"


async def test_content_made_here_has_a_null_source(client: AsyncTestClient[Litestar], auth: Auth) -> None:
    body = {
        "category": "museum",
        "name": {"fr": "Musée"},
        "geometry": {"type": "Point", "coordinates": [0.56, 48.37]},
    }
    created = await client.post(POIS, json=body, headers=auth["staff"])
    assert created.status_code == 201, created.text
    assert created.json()["source"] is None


async def _conflicted(client: AsyncTestClient[Litestar], auth: Auth, db: Database) -> None:
    await import_objects(db, geojson_objects([feature(1), feature(2)]), office_id="ot-perche")
    for poi_id in ("lavoir-n1", "lavoir-n2"):
        patched = await client.patch(
            f"{POIS}/{poi_id}",
            json={"description": {"fr": "Réécrit par l'office."}},
            headers={**auth["staff"], "If-Match": etag_for("poi", poi_id, 1)},
        )
        assert patched.status_code == 200, patched.text
    moved = [feature(n, description="Texte de la source.", updated="2026-02-01T00:00:00Z") for n in (1, 2)]
    await import_objects(db, geojson_objects(moved), office_id="ot-perche")


async def test_conflicts_are_listed_in_scope_and_resolved(
    client: AsyncTestClient[Litestar], auth: Auth, db: Database
) -> None:
    await _conflicted(client, auth, db)
    listed = await client.get(CONFLICTS, params={"limit": 1}, headers=auth["staff"])
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert [item["poi_id"] for item in page["items"]] == ["lavoir-n1"]
    first = page["items"][0]
    assert (first["provider"], first["external_id"], first["office_id"]) == ("geojson", "L1", "ot-perche")
    assert [(c["field"], c["local"], c["source"]) for c in first["conflicts"]] == [
        ("description", {"fr": "Réécrit par l'office."}, {"fr": "Texte de la source."})
    ]
    rest = await client.get(CONFLICTS, params={"cursor": page["next"]}, headers=auth["staff"])
    assert [item["poi_id"] for item in rest.json()["items"]] == ["lavoir-n2"]
    assert (await client.get(CONFLICTS, headers=auth["other_staff"])).json()["items"] == []
    assert (await client.get(CONFLICTS, headers=auth["producer"])).status_code == 403

    outsider = await client.post(
        f"{CONFLICTS}/lavoir-n1/description", json={"take": "local"}, headers=auth["other_staff"]
    )
    assert outsider.status_code == 403
    kept = await client.post(
        f"{CONFLICTS}/lavoir-n1/description", json={"take": "local"}, headers=auth["staff"]
    )
    assert kept.json() == {"poi_id": "lavoir-n1", "field": "description", "take": "local", "revision": None}
    poi = (await client.get(f"{POIS}/lavoir-n1", headers=auth["staff"])).json()
    assert poi["description"] == {"fr": "Réécrit par l'office."}

    no_etag = await client.post(
        f"{CONFLICTS}/lavoir-n2/description", json={"take": "source"}, headers=auth["staff"]
    )
    assert no_etag.status_code == 428
    taken = await client.post(
        f"{CONFLICTS}/lavoir-n2/description",
        json={"take": "source"},
        headers={**auth["staff"], "If-Match": etag_for("poi", "lavoir-n2", 2)},
    )
    assert taken.status_code == 200, taken.text
    assert taken.json()["revision"] == 3
    poi = (await client.get(f"{POIS}/lavoir-n2", headers=auth["staff"])).json()
    assert poi["description"] == {"fr": "Texte de la source."}
    assert (await client.get(CONFLICTS, headers=auth["staff"])).json()["items"] == []
    unknown = await client.post(
        f"{CONFLICTS}/lavoir-n2/description", json={"take": "local"}, headers=auth["staff"]
    )
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "field")
