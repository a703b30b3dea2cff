"""The back-office's import conflicts page over HTTP: both values shown in scope, and each choice."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.editing import etag_for
from tests.content.importers.helpers import feature, geojson_objects, import_objects
from tests.service.accounts_fixtures import *  # noqa: F403
from tests.service.accounts_fixtures import Account, Accounts

PAGE = "/backoffice/imports/conflicts"


async def _sign_in(client: AsyncTestClient[Litestar], account: Account) -> str:
    page = await client.get("/backoffice/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    answer = await client.post(
        "/backoffice/login",
        data={"csrf_token": token.group(1), "email": account.email, "password": account.password},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return token.group(1)


async def _conflicted(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], db: Database
) -> None:
    await import_objects(db, geojson_objects([feature(1), feature(2)]), office_id="ot-perche")
    for poi_id in ("lavoir-n1", "lavoir-n2"):
        patched = await client.patch(
            f"/api/v1/editor/pois/{poi_id}",
            json={"description": {"fr": "Réécrit par l'office."}},
            headers={**auth["staff"], "If-Match": etag_for("poi", poi_id, 1)},
        )
        assert patched.status_code == 200, patched.text
    moved = [feature(n, description="Texte de la source.", updated="2026-02-01T00:00:00Z") for n in (1, 2)]
    await import_objects(db, geojson_objects(moved), office_id="ot-perche")


async def test_the_page_shows_both_values_and_applies_the_choice(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], accounts: Accounts, db: Database
) -> None:
    await _conflicted(client, auth, db)
    await _sign_in(client, accounts.staff)
    page = await client.get(PAGE)
    assert page.status_code == 200, page.text
    assert "Conflits d’import" in page.text
    assert page.text.count("Garder notre version") == 2
    assert "fr: Réécrit par l&#39;office." in page.text
    assert "fr: Texte de la source." in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    form = {"csrf_token": csrf.group(1), "revision": "2"}
    kept = await client.post(
        f"{PAGE}/lavoir-n1/description", data={**form, "take": "local"}, follow_redirects=False
    )
    assert (kept.status_code, kept.headers["location"]) == (303, f"{PAGE}?done=local")
    taken = await client.post(
        f"{PAGE}/lavoir-n2/description", data={**form, "take": "source"}, follow_redirects=False
    )
    assert taken.status_code == 303, taken.text
    after = await client.get(f"{PAGE}?done=source")
    assert "La valeur de la source a été reprise." in after.text
    assert "Garder notre version" not in after.text
    read = await client.get("/api/v1/editor/pois/lavoir-n2", headers=auth["staff"])
    assert read.json()["description"] == {"fr": "Texte de la source."}
    read = await client.get("/api/v1/editor/pois/lavoir-n1", headers=auth["staff"])
    assert read.json()["description"] == {"fr": "Réécrit par l'office."}


async def test_stale_revisions_and_other_offices(
    client: AsyncTestClient[Litestar], auth: dict[str, dict[str, str]], accounts: Accounts, db: Database
) -> None:
    await _conflicted(client, auth, db)
    csrf = await _sign_in(client, accounts.other_staff)
    assert "Garder notre version" not in (await client.get(PAGE)).text
    refused = await client.post(
        f"{PAGE}/lavoir-n1/description", data={"csrf_token": csrf, "revision": "2", "take": "local"}
    )
    assert refused.status_code == 403
    await client.post("/backoffice/logout", data={"csrf_token": csrf})
    csrf = await _sign_in(client, accounts.staff)
    stale = await client.post(
        f"{PAGE}/lavoir-n1/description", data={"csrf_token": csrf, "revision": "1", "take": "source"}
    )
    assert stale.status_code == 412
    read = await client.get("/api/v1/editor/pois/lavoir-n1", headers=auth["staff"])
    assert (read.json()["revision"], read.json()["description"]) == (2, {"fr": "Réécrit par l'office."})
