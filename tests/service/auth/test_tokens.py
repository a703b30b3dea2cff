from __future__ import annotations

import secrets

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.core.settings import Settings
from tests.service.accounts_fixtures import Accounts, ManualClock

ME = "/api/v1/me"


def assert_401(response: object) -> None:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


async def sign_in(client: AsyncTestClient[Litestar], email: str, password: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer   "},
        {"Authorization": "Basic YWRtaW46YWRtaW4="},
        {"Authorization": f"Bearer {secrets.token_urlsafe(32)}"},
        {"Authorization": "Bearer ' OR 1=1 --"},
        {"Authorization": "Bearer ../../etc/passwd"},
        {"Authorization": "Bearer " + "A" * 5000},
    ],
    ids=["none", "empty", "no-token", "blank-token", "basic", "forged", "sql", "path", "huge"],
)
async def test_requests_without_a_valid_token_get_401(
    client: AsyncTestClient[Litestar], headers: dict[str, str]
) -> None:
    assert_401(await client.get(ME, headers=headers))
    assert_401(await client.post("/api/v1/auth/logout", headers=headers))
    assert_401(await client.get("/api/v1/editor/users", headers=headers))


async def test_expired_token_gets_401(
    client: AsyncTestClient[Litestar], accounts: Accounts, clock: ManualClock, settings: Settings
) -> None:
    headers = await sign_in(client, accounts.staff.email, accounts.staff.password)
    clock.advance(settings.token_ttl_s - 5)
    assert (await client.get(ME, headers=headers)).status_code == 200
    clock.advance(5)
    assert_401(await client.get(ME, headers=headers))


async def test_logout_revokes_only_that_token(client: AsyncTestClient[Litestar], accounts: Accounts) -> None:
    first = await sign_in(client, accounts.producer.email, accounts.producer.password)
    second = await sign_in(client, accounts.producer.email, accounts.producer.password)
    response = await client.post("/api/v1/auth/logout", headers=first)
    assert response.status_code == 204
    assert_401(await client.get(ME, headers=first))
    assert_401(await client.post("/api/v1/auth/logout", headers=first))
    assert (await client.get(ME, headers=second)).status_code == 200


async def test_disabling_an_account_stops_its_tokens(
    client: AsyncTestClient[Litestar], accounts: Accounts, auth: dict[str, dict[str, str]]
) -> None:
    staff = await sign_in(client, accounts.staff.email, accounts.staff.password)
    read = await client.get(f"/api/v1/editor/users/{accounts.staff.id}", headers=auth["admin"])
    response = await client.patch(
        f"/api/v1/editor/users/{accounts.staff.id}",
        json={"disabled": True},
        headers={**auth["admin"], "If-Match": read.headers["etag"]},
    )
    assert response.status_code == 200
    assert_401(await client.get(ME, headers=staff))
    # Enabling again does not bring old tokens back: disabling revoked them.
    response = await client.patch(
        f"/api/v1/editor/users/{accounts.staff.id}",
        json={"disabled": False},
        headers={**auth["admin"], "If-Match": response.headers["etag"]},
    )
    assert response.status_code == 200
    assert_401(await client.get(ME, headers=staff))


async def test_disabled_flag_alone_is_enough_to_refuse_a_token(
    client: AsyncTestClient[Litestar], accounts: Accounts, auth: dict[str, dict[str, str]], db: Database
) -> None:
    async with db.write() as conn:
        await conn.execute("UPDATE users SET disabled = 1 WHERE id = ?", (accounts.producer.id,))
    assert_401(await client.get(ME, headers=auth["producer"]))


async def test_password_change_signs_the_account_out(
    client: AsyncTestClient[Litestar], accounts: Accounts, auth: dict[str, dict[str, str]]
) -> None:
    read = await client.get(f"/api/v1/editor/users/{accounts.producer.id}", headers=auth["admin"])
    response = await client.patch(
        f"/api/v1/editor/users/{accounts.producer.id}",
        json={"password": "a brand new passphrase"},
        headers={**auth["admin"], "If-Match": read.headers["etag"]},
    )
    assert response.status_code == 200
    assert_401(await client.get(ME, headers=auth["producer"]))
    assert (
        await client.get(ME, headers=await sign_in(client, accounts.producer.email, "a brand new passphrase"))
    ).status_code == 200


async def test_role_changes_apply_to_tokens_already_issued(
    client: AsyncTestClient[Litestar], accounts: Accounts, auth: dict[str, dict[str, str]]
) -> None:
    assert (await client.get("/api/v1/editor/users", headers=auth["staff"])).status_code == 403
    read = await client.get(f"/api/v1/editor/users/{accounts.staff.id}", headers=auth["admin"])
    response = await client.patch(
        f"/api/v1/editor/users/{accounts.staff.id}",
        json={"role": "admin"},
        headers={**auth["admin"], "If-Match": read.headers["etag"]},
    )
    assert response.status_code == 200
    assert response.json()["office_id"] is None
    me = await client.get(ME, headers=auth["staff"])
    assert me.json()["role"] == "admin"
    assert (await client.get("/api/v1/editor/users", headers=auth["staff"])).status_code == 200
