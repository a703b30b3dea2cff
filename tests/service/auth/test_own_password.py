"""``POST /api/v1/me/password``: every role changes its own password with the current one; bad input is a
422 naming the field with nothing changed; guesses of the current password share the sign-in throttle."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from tests.service.accounts_fixtures import Account, Accounts, ManualClock

LOGIN = "/api/v1/auth/login"
CHANGE = "/api/v1/me/password"
NEW = "a new password of mine"


async def sign_in(client: AsyncTestClient[Litestar], account: Account, password: str | None = None) -> str:
    answer = await client.post(LOGIN, json={"email": account.email, "password": password or account.password})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def account_state(db: Database, account: Account) -> tuple[Any, ...]:
    async with db.read() as conn:
        rows = list(
            await conn.execute_fetchall(
                "SELECT password_hash, revision, updated_at, updated_by FROM users WHERE id = ?",
                (account.id,),
            )
        )
        history = list(
            await conn.execute_fetchall(
                "SELECT count(*) FROM history WHERE entity_type = 'user' AND entity_id = ?", (account.id,)
            )
        )
    return (tuple(rows[0]), history[0][0])


@pytest.mark.parametrize("role", ["admin", "staff", "producer"])
async def test_every_role_changes_its_own_password_and_every_session_ends(
    client: AsyncTestClient[Litestar], accounts: Accounts, db: Database, role: str
) -> None:
    account: Account = getattr(accounts, role)
    first, second = await sign_in(client, account), await sign_in(client, account)
    before = await account_state(db, account)
    answer = await client.post(
        CHANGE, json={"current_password": account.password, "new_password": NEW}, headers=bearer(first)
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert (body["user"]["id"], body["user"]["role"]) == (account.id, role)
    # The token that asked and every other one are revoked; the fresh one works.
    for old in (first, second):
        assert (await client.get("/api/v1/me", headers=bearer(old))).status_code == 401
    assert (await client.get("/api/v1/me", headers=bearer(body["token"]))).status_code == 200
    # Only the new password signs in now.
    assert (
        await client.post(LOGIN, json={"email": account.email, "password": account.password})
    ).status_code == 401
    await sign_in(client, account, NEW)
    # One revision and one history row, by the account itself, the password redacted.
    (hash_before, revision_before, _, _), history_before = before
    (hash_after, revision_after, _, updated_by), history_after = await account_state(db, account)
    assert hash_after != hash_before
    assert (revision_after, updated_by) == (revision_before + 1, account.id)
    assert history_after == history_before + 1
    async with db.read() as conn:
        (row,) = await conn.execute_fetchall(
            "SELECT action, user_id, after FROM history WHERE entity_type = 'user' AND entity_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (account.id,),
        )
    assert (row["action"], row["user_id"]) == ("password", account.id)
    assert NEW not in row["after"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "not the password", "new_password": NEW}, "current_password"),
        ({"current_password": "", "new_password": NEW}, "current_password"),
        ({"current_password": "{current}", "new_password": "short"}, "new_password"),
        ({"current_password": "{current}", "new_password": "{current}"}, "new_password"),
        ({"current_password": "{current}", "new_password": "x" * 1025}, "new_password"),
        ({"current_password": "{current}"}, "new_password"),
        ({"current_password": "{current}", "new_password": NEW, "role": "admin"}, "role"),
    ],
)
async def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(
    client: AsyncTestClient[Litestar], accounts: Accounts, db: Database, body: dict[str, str], field: str
) -> None:
    account = accounts.staff
    token = await sign_in(client, account)
    sent = {name: value.replace("{current}", account.password) for name, value in body.items()}
    before = await account_state(db, account)
    answer = await client.post(CHANGE, json=sent, headers=bearer(token))
    assert answer.status_code in (400, 422), answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert field in [error["field"] for error in answer.json()["errors"]]
    assert await account_state(db, account) == before
    assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 200
    await sign_in(client, account)


async def test_it_needs_a_valid_token(client: AsyncTestClient[Litestar], accounts: Accounts) -> None:
    body = {"current_password": accounts.staff.password, "new_password": NEW}
    assert (await client.post(CHANGE, json=body)).status_code == 401
    assert (await client.post(CHANGE, json=body, headers=bearer("forged"))).status_code == 401


async def test_guessing_the_current_password_is_throttled_like_signing_in(
    client: AsyncTestClient[Litestar], accounts: Accounts, db: Database, clock: ManualClock
) -> None:
    """A stolen token must not turn into a faster way to guess the password than the sign-in form."""
    account = accounts.producer
    token = await sign_in(client, account)
    statuses = []
    for attempt in range(12):
        answer = await client.post(
            CHANGE,
            json={"current_password": f"guess number {attempt}", "new_password": NEW},
            headers=bearer(token),
        )
        statuses.append(answer.status_code)
        if answer.status_code == 429:
            assert int(answer.headers["retry-after"]) > 0
            break
    assert (statuses[0], statuses[-1]) == (422, 429), statuses
    # Refused while throttled, even with the right password; nothing changed.
    before = await account_state(db, account)
    right = {"current_password": account.password, "new_password": NEW}
    assert (await client.post(CHANGE, json=right, headers=bearer(token))).status_code == 429
    assert await account_state(db, account) == before
