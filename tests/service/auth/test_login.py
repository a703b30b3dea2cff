from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.clock import rfc3339
from content.core.db import Database
from content.core.settings import Settings
from service.app import create_app
from tests.service.accounts_fixtures import Accounts, ManualClock, count_rows

LOGIN = "/api/v1/auth/login"


async def login(
    client: AsyncTestClient[Litestar], email: str, password: str
) -> tuple[int, dict[str, str], dict[str, Any]]:
    response = await client.post(LOGIN, json={"email": email, "password": password})
    return response.status_code, dict(response.headers), response.json()


async def test_login_returns_a_token_that_signs_requests(
    client: AsyncTestClient[Litestar], accounts: Accounts, clock: ManualClock, settings: Settings
) -> None:
    staff = accounts.staff
    status, headers, body = await login(client, staff.email, staff.password)
    assert status == 200
    assert headers["cache-control"] == "no-store"
    assert body["expires_at"] == rfc3339(clock() + timedelta(seconds=settings.token_ttl_s))
    assert body["user"] == {
        "id": staff.id,
        "email": staff.email,
        "role": "staff",
        "office_id": "ot-perche",
        "producer_id": None,
    }
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json() == body["user"]
    assert "private" in me.headers["cache-control"]


async def test_email_is_matched_without_case_or_surrounding_spaces(
    client: AsyncTestClient[Litestar], accounts: Accounts
) -> None:
    status, _, _ = await login(client, f"  {accounts.admin.email.upper()} ", accounts.admin.password)
    assert status == 200


async def test_only_the_token_digest_is_stored(
    client: AsyncTestClient[Litestar], accounts: Accounts, db: Database
) -> None:
    _, _, body = await login(client, accounts.producer.email, accounts.producer.password)
    async with db.read() as conn:
        rows = list(await conn.execute_fetchall("SELECT * FROM auth_tokens"))
    assert [row["token_sha256"] for row in rows] == [hashlib.sha256(body["token"].encode()).hexdigest()]
    assert all(body["token"] not in [str(value) for value in tuple(row)] for row in rows)


async def test_wrong_password_and_unknown_email_get_the_same_401(
    client: AsyncTestClient[Litestar], accounts: Accounts, db: Database
) -> None:
    wrong = await client.post(LOGIN, json={"email": accounts.admin.email, "password": "not the password"})
    unknown = await client.post(
        LOGIN, json={"email": "nobody@perche.example", "password": "not the password"}
    )
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "token" not in response.json()
    assert wrong.json() == unknown.json()
    assert await count_rows(db, "auth_tokens") == 0


async def test_disabled_account_cannot_sign_in(
    client: AsyncTestClient[Litestar], accounts: Accounts, db: Database
) -> None:
    async with db.write() as conn:
        await conn.execute("UPDATE users SET disabled = 1 WHERE id = ?", (accounts.staff.id,))
    status, _, body = await login(client, accounts.staff.email, accounts.staff.password)
    assert status == 401
    assert body["detail"] == "wrong email or password"


async def test_login_body_with_unknown_field_is_422_naming_it(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post(LOGIN, json={"email": "a@b.example", "password": "x", "remember": True})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["remember"]


async def test_five_failures_lock_the_account_for_fifteen_minutes(
    client: AsyncTestClient[Litestar], accounts: Accounts, clock: ManualClock
) -> None:
    admin = accounts.admin
    for _ in range(5):
        status, _, _ = await login(client, admin.email, "guess-guess-guess")
        assert status == 401
    # Locked: even the right password is refused, so the lock tells nothing about it.
    status, headers, body = await login(client, admin.email, admin.password)
    assert status == 429
    assert headers["content-type"].startswith("application/problem+json")
    assert body["status"] == 429
    assert 0 < int(headers["retry-after"]) <= 15 * 60
    clock.advance(14 * 60)
    status, headers, _ = await login(client, admin.email, admin.password)
    assert status == 429
    assert int(headers["retry-after"]) <= 60
    clock.advance(61)
    status, _, _ = await login(client, admin.email, admin.password)
    assert status == 200


async def test_lock_is_per_account_and_ignores_email_case(
    client: AsyncTestClient[Litestar], accounts: Accounts
) -> None:
    for _ in range(5):
        await login(client, accounts.admin.email.upper(), "guess-guess-guess")
    assert (await login(client, accounts.admin.email, accounts.admin.password))[0] == 429
    assert (await login(client, accounts.staff.email, accounts.staff.password))[0] == 200


async def test_a_success_clears_the_accounts_failures(
    client: AsyncTestClient[Litestar], accounts: Accounts
) -> None:
    producer = accounts.producer
    for _ in range(4):
        await login(client, producer.email, "guess-guess-guess")
    assert (await login(client, producer.email, producer.password))[0] == 200
    for _ in range(4):
        assert (await login(client, producer.email, "guess-guess-guess"))[0] == 401
    assert (await login(client, producer.email, producer.password))[0] == 200


async def test_unknown_emails_are_throttled_like_real_ones(client: AsyncTestClient[Litestar]) -> None:
    statuses = [(await login(client, "ghost@perche.example", "guess-guess-guess"))[0] for _ in range(6)]
    assert statuses == [401] * 5 + [429]


async def test_one_address_is_locked_after_twenty_failures(
    client: AsyncTestClient[Litestar], accounts: Accounts, clock: ManualClock
) -> None:
    # Spraying: one guess each at many accounts, from one address.
    for n in range(20):
        assert (await login(client, f"user{n}@perche.example", "guess-guess-guess"))[0] == 401
    status, headers, _ = await login(client, accounts.admin.email, accounts.admin.password)
    assert status == 429
    assert int(headers["retry-after"]) > 0
    clock.advance(15 * 60 + 1)
    assert (await login(client, accounts.admin.email, accounts.admin.password))[0] == 200


async def test_throttling_survives_a_restart(
    client: AsyncTestClient[Litestar], accounts: Accounts, settings: Settings, clock: ManualClock
) -> None:
    for _ in range(5):
        await login(client, accounts.staff.email, "guess-guess-guess")
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as restarted:
        status, _, _ = await login(restarted, accounts.staff.email, accounts.staff.password)
    assert status == 429


async def test_login_rehashes_a_password_made_with_older_parameters(
    client: AsyncTestClient[Litestar], accounts: Accounts, db: Database
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(accounts.staff.password)
    async with db.write() as conn:
        await conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (weak, accounts.staff.id))
    assert (await login(client, accounts.staff.email, accounts.staff.password))[0] == 200
    async with db.read() as conn:
        rows = list(
            await conn.execute_fetchall("SELECT password_hash FROM users WHERE id = ?", (accounts.staff.id,))
        )
    stored = rows[0]["password_hash"]
    assert stored != weak
    assert stored.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(stored)
    assert (await login(client, accounts.staff.email, accounts.staff.password))[0] == 200
