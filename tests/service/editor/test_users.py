from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.editing import etag_for
from tests.service.accounts_fixtures import Accounts, count_rows

USERS = "/api/v1/editor/users"
Auth = dict[str, dict[str, str]]


def new_user(**fields: Any) -> dict[str, Any]:
    return {"email": "guide@perche.example", "password": "a long enough secret", "role": "staff",
            "office_id": "ot-perche", **fields}  # fmt: skip


async def users_state(db: Database) -> list[tuple[Any, ...]]:
    async with db.read() as conn:
        rows = await conn.execute_fetchall("SELECT * FROM users ORDER BY id")
    return [tuple(row) for row in rows]


async def test_admin_creates_accounts_for_each_role(client: AsyncTestClient[Litestar], auth: Auth) -> None:
    for body in (
        new_user(),
        new_user(
            email="ferme2@perche.example", role="producer", office_id=None, producer_id="ferme-des-bois"
        ),
        new_user(email="root@perche.example", role="admin", office_id=None),
    ):
        response = await client.post(USERS, json=body, headers=auth["admin"])
        assert response.status_code == 201, response.text
        user = response.json()
        assert user["email"] == body["email"]
        assert user["role"] == body["role"]
        assert user["office_id"] == body.get("office_id")
        assert user["producer_id"] == body.get("producer_id")
        assert user["revision"] == 1
        assert user["disabled"] is False
        assert response.headers["etag"] == etag_for("user", user["id"], 1)
        assert response.headers["location"] == f"{USERS}/{user['id']}"
        assert "password" not in response.text
        assert "argon2" not in response.text
        login = await client.post(
            "/api/v1/auth/login", json={"email": body["email"], "password": body["password"]}
        )
        assert login.status_code == 200


async def test_read_answers_304_to_its_etag(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts
) -> None:
    first = await client.get(f"{USERS}/{accounts.staff.id}", headers=auth["admin"])
    assert first.status_code == 200
    assert first.headers["etag"] == etag_for("user", accounts.staff.id, 1)
    again = await client.get(
        f"{USERS}/{accounts.staff.id}", headers={**auth["admin"], "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""


async def test_list_never_shows_password_hashes_and_paginates(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts
) -> None:
    response = await client.get(USERS, headers=auth["admin"])
    assert response.status_code == 200
    emails = [user["email"] for user in response.json()["items"]]
    assert emails == sorted(
        [accounts.admin.email, accounts.staff.email, accounts.other_staff.email, accounts.producer.email]
    )
    assert "argon2" not in response.text
    assert "password" not in response.text
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(USERS, params=params, headers=auth["admin"])).json()
        seen += [user["email"] for user in page["items"]]
        if not (cursor := page["next"]):
            break
    assert seen == emails


async def test_unknown_user_is_404(client: AsyncTestClient[Litestar], auth: Auth) -> None:
    response = await client.get(f"{USERS}/no-such-user", headers=auth["admin"])
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (new_user(office_id=None), "office_id"),
        (new_user(office_id="ot-nowhere"), "office_id"),
        (new_user(role="producer", office_id=None), "producer_id"),
        (new_user(role="producer", office_id=None, producer_id="ferme-inconnue"), "producer_id"),
        (new_user(role="producer", producer_id="ferme-des-bois"), "office_id"),
        (new_user(role="admin"), "office_id"),
        (new_user(producer_id="ferme-des-bois"), "producer_id"),
        (new_user(role="superuser"), "role"),
        (new_user(email="not-an-email"), "email"),
        (new_user(email="two@@perche.example"), "email"),
        (new_user(email="sp ace@perche.example"), "email"),
        (new_user(password="short"), "password"),
        (new_user(password=" " * 12), "password"),
        (new_user(password="x" * 1025), "password"),
        (new_user(is_admin=True), "is_admin"),
        ({"email": "a@perche.example", "role": "admin"}, "password"),
        (new_user(email=["a@perche.example"]), "email"),
    ],
)
async def test_invalid_account_is_422_naming_the_field_and_writes_nothing(
    client: AsyncTestClient[Litestar], auth: Auth, db: Database, body: dict[str, Any], field: str
) -> None:
    before, history = await users_state(db), await count_rows(db, "history")
    response = await client.post(USERS, json=body, headers=auth["admin"])
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await users_state(db) == before
    assert await count_rows(db, "history") == history


async def test_duplicate_email_is_409_whatever_its_case(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts, db: Database
) -> None:
    before = await users_state(db)
    response = await client.post(
        USERS, json=new_user(email=accounts.staff.email.upper()), headers=auth["admin"]
    )
    assert response.status_code == 409
    assert await users_state(db) == before


async def test_sql_and_path_characters_are_stored_literally(
    client: AsyncTestClient[Litestar], auth: Auth
) -> None:
    email = "robert');drop-table-users;--../../etc@perche.example"
    response = await client.post(USERS, json=new_user(email=email), headers=auth["admin"])
    assert response.status_code == 201
    fetched = await client.get(f"{USERS}/{response.json()['id']}", headers=auth["admin"])
    assert fetched.json()["email"] == email
    assert len((await client.get(USERS, headers=auth["admin"])).json()["items"]) == 5


@pytest.mark.parametrize("role", ["staff", "other_staff", "producer"])
async def test_accounts_are_for_admins_only(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts, db: Database, role: str
) -> None:
    before = await users_state(db)
    target = f"{USERS}/{accounts.staff.id}"
    etag = etag_for("user", accounts.staff.id, 1)
    for response in (
        await client.get(USERS, headers=auth[role]),
        await client.post(USERS, json=new_user(), headers=auth[role]),
        await client.get(target, headers=auth[role]),
        await client.patch(target, json={"role": "admin"}, headers={**auth[role], "If-Match": etag}),
        await client.get(f"{target}/history", headers=auth[role]),
    ):
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("application/problem+json")
    assert await users_state(db) == before


async def test_patch_needs_if_match(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts, db: Database
) -> None:
    before, history = await users_state(db), await count_rows(db, "history")
    target = f"{USERS}/{accounts.producer.id}"
    for headers, status in (({}, 428), ({"If-Match": "*"}, 428), ({"If-Match": '"r0-stale"'}, 412)):
        response = await client.patch(target, json={"disabled": True}, headers={**auth["admin"], **headers})
        assert response.status_code == status
        assert response.headers["content-type"].startswith("application/problem+json")
    assert await users_state(db) == before
    assert await count_rows(db, "history") == history


async def test_stale_etag_after_someone_elses_change_is_412(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts, db: Database
) -> None:
    target = f"{USERS}/{accounts.staff.id}"
    etag = (await client.get(target, headers=auth["admin"])).headers["etag"]
    first = await client.patch(
        target, json={"office_id": "ot-loir"}, headers={**auth["admin"], "If-Match": etag}
    )
    assert first.status_code == 200
    assert first.headers["etag"] == etag_for("user", accounts.staff.id, 2)
    after_first = await users_state(db)
    second = await client.patch(target, json={"disabled": True}, headers={**auth["admin"], "If-Match": etag})
    assert second.status_code == 412
    assert await users_state(db) == after_first
    # The weak form of the current ETag (as a compressing proxy would send it) still matches.
    third = await client.patch(
        target, json={"disabled": True}, headers={**auth["admin"], "If-Match": f"W/{first.headers['etag']}"}
    )
    assert third.status_code == 200
    assert third.json()["disabled"] is True


async def test_changes_are_recorded_in_history(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts
) -> None:
    target = f"{USERS}/{accounts.staff.id}"
    etag = (await client.get(target, headers=auth["admin"])).headers["etag"]
    changed = await client.patch(
        target,
        json={"role": "producer", "producer_id": "ferme-des-bois", "password": "another long secret"},
        headers={**auth["admin"], "If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["office_id"] is None
    assert changed.json()["updated_by"] == accounts.admin.id
    response = await client.get(f"{target}/history", headers=auth["admin"])
    assert response.status_code == 200
    entries = response.json()["items"]
    assert [(e["action"], e["revision"]) for e in entries] == [("update", 2), ("create", 1)]
    latest = entries[0]
    assert latest["user_id"] == accounts.admin.id
    assert latest["user_email"] == accounts.admin.email
    assert latest["before"] == {
        "role": "staff", "office_id": "ot-perche", "producer_id": None, "password": "[redacted]"
    }  # fmt: skip
    assert latest["after"] == {
        "role": "producer", "office_id": None, "producer_id": "ferme-des-bois", "password": "[redacted]"
    }  # fmt: skip
    assert "argon2" not in response.text
    first_page = await client.get(f"{target}/history", params={"limit": 1}, headers=auth["admin"])
    assert [e["action"] for e in first_page.json()["items"]] == ["update"]
    second_page = await client.get(
        f"{target}/history", params={"limit": 1, "cursor": first_page.json()["next"]}, headers=auth["admin"]
    )
    assert [e["action"] for e in second_page.json()["items"]] == ["create"]
    assert second_page.json()["next"] is None


async def test_empty_patch_changes_nothing(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts
) -> None:
    target = f"{USERS}/{accounts.producer.id}"
    etag = (await client.get(target, headers=auth["admin"])).headers["etag"]
    response = await client.patch(
        target, json={"role": "producer"}, headers={**auth["admin"], "If-Match": etag}
    )
    assert response.status_code == 200
    assert response.headers["etag"] == etag
    assert len((await client.get(f"{target}/history", headers=auth["admin"])).json()["items"]) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "producer"}, "producer_id"),
        ({"office_id": None}, "office_id"),
        ({"office_id": "ot-nowhere"}, "office_id"),
        ({"producer_id": "ferme-des-bois"}, "producer_id"),
        ({"email": "nope"}, "email"),
        ({"password": "short"}, "password"),
        ({"disabled": "yes"}, "disabled"),
        ({"revision": 9}, "revision"),
    ],
)
async def test_invalid_patch_is_422_naming_the_field_and_writes_nothing(
    client: AsyncTestClient[Litestar],
    auth: Auth,
    accounts: Accounts,
    db: Database,
    body: dict[str, Any],
    field: str,
) -> None:
    target = f"{USERS}/{accounts.staff.id}"
    etag = (await client.get(target, headers=auth["admin"])).headers["etag"]
    before, history = await users_state(db), await count_rows(db, "history")
    response = await client.patch(target, json=body, headers={**auth["admin"], "If-Match": etag})
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await users_state(db) == before
    assert await count_rows(db, "history") == history


async def test_the_last_active_admin_cannot_be_disabled_or_demoted(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts, db: Database
) -> None:
    target = f"{USERS}/{accounts.admin.id}"
    etag = (await client.get(target, headers=auth["admin"])).headers["etag"]
    before = await users_state(db)
    for body in ({"disabled": True}, {"role": "staff", "office_id": "ot-perche"}):
        response = await client.patch(target, json=body, headers={**auth["admin"], "If-Match": etag})
        assert response.status_code == 409
    assert await users_state(db) == before


async def test_changing_email_to_one_taken_is_409(
    client: AsyncTestClient[Litestar], auth: Auth, accounts: Accounts, db: Database
) -> None:
    target = f"{USERS}/{accounts.staff.id}"
    etag = (await client.get(target, headers=auth["admin"])).headers["etag"]
    before = await users_state(db)
    response = await client.patch(
        target, json={"email": accounts.producer.email}, headers={**auth["admin"], "If-Match": etag}
    )
    assert response.status_code == 409
    assert await users_state(db) == before


async def test_patch_of_unknown_user_is_404(client: AsyncTestClient[Litestar], auth: Auth) -> None:
    response = await client.patch(
        f"{USERS}/nobody", json={"disabled": True}, headers={**auth["admin"], "If-Match": '"r1-x"'}
    )
    assert response.status_code == 404
