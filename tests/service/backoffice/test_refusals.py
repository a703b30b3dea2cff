"""Refusals over HTTP: bad uploads and bad values get a page naming the problem, and nothing changes;
other offices' content and admin pages are refused by the server whatever the form says."""

from __future__ import annotations

import re
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from tests.service.accounts_fixtures import *  # noqa: F403
from tests.service.accounts_fixtures import Account, Accounts
from tests.service.editor.content_helpers import POIS, new_poi, table_state


async def _sign_in(client: AsyncTestClient[Litestar], account: Account) -> str:
    page = await client.get("/backoffice/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    answer = await client.post(
        "/backoffice/login",
        data={"csrf_token": token[1], "email": account.email, "password": account.password},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    home = await client.get("/backoffice/pois")
    signed = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert signed is not None
    return signed[1]


async def test_a_bad_upload_gets_a_page_and_stores_nothing(
    client: AsyncTestClient[Litestar],
    auth: dict[str, dict[str, str]],
    accounts: Accounts,
    db: Database,
    fixtures_dir: Path,
) -> None:
    created = await client.post(POIS, json=new_poi(id="eglise"), headers=auth["staff"])
    etag = created.headers["etag"]
    token = await _sign_in(client, accounts.staff)
    before = await table_state(db, "media"), await table_state(db, "pois")
    answer = await client.post(
        f"/backoffice/pois/eglise/media?csrf_token={token}",
        files={"file": ("bomb.png", (fixtures_dir / "bad" / "bomb.png").read_bytes())},
        data={"etag": etag},
    )
    assert answer.status_code in (413, 415, 422)
    assert answer.headers["content-type"].startswith("text/html")
    assert "Un problème est survenu" in answer.text
    assert (await table_state(db, "media"), await table_state(db, "pois")) == before


async def test_an_upload_without_the_csrf_token_is_refused(
    client: AsyncTestClient[Litestar],
    auth: dict[str, dict[str, str]],
    accounts: Accounts,
    db: Database,
    fixtures_dir: Path,
) -> None:
    await client.post(POIS, json=new_poi(id="eglise"), headers=auth["staff"])
    await _sign_in(client, accounts.staff)
    before = await table_state(db, "media")
    answer = await client.post(
        "/backoffice/pois/eglise/media",
        files={"file": ("photo.jpg", (fixtures_dir / "images" / "phone-photo.jpg").read_bytes())},
    )
    assert answer.status_code == 403
    assert await table_state(db, "media") == before


async def test_an_unknown_availability_is_refused_with_a_page(
    client: AsyncTestClient[Litestar], accounts: Accounts
) -> None:
    token = await _sign_in(client, accounts.producer)
    answer = await client.post(
        "/backoffice/producers/ferme-des-bois/offers/nope/availability",
        data={"csrf_token": token, "availability": "plenty"},
    )
    assert answer.status_code in (404, 422)
    assert answer.headers["content-type"].startswith("text/html")


async def test_staff_cannot_use_admin_forms(
    client: AsyncTestClient[Litestar], accounts: Accounts, db: Database
) -> None:
    token = await _sign_in(client, accounts.staff)
    before = await table_state(db, "history")
    answer = await client.post(
        "/backoffice/admin/users", data={"csrf_token": token, "email": "x@y.example", "role": "admin"}
    )
    assert answer.status_code == 403
    assert await table_state(db, "history") == before
