from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from content.accounts.demo import demo_producer_id, ensure_demo_accounts
from content.accounts.login import login
from content.accounts.offices import NewOffice, create_office
from content.accounts.users import list_users
from content.core.clock import utc_now
from content.core.db import Database
from content.core.errors import Unauthenticated


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "odyssee.sqlite3") as db:
        async with db.write() as conn:
            await create_office(conn, NewOffice(id="ot-perche", name="Perche"), actor_id=None, now=utc_now())
            await conn.execute(
                "INSERT INTO producers (id, office_id, name, lat, lon, created_at, updated_at)"
                " VALUES ('ferme', 'ot-perche', 'Ferme', 48.3, 0.8, '2026-01-01', '2026-01-01')"
            )
        yield db


async def sign_in(db: Database, email: str, password: str) -> str:
    signed = await login(db, email=email, password=password, address="127.0.0.1", now=utc_now(), ttl_s=60)
    return signed.user.role


async def test_one_account_per_role_with_working_random_passwords(store: Database) -> None:
    accounts = await ensure_demo_accounts(store, office_id="ot-perche", producer_id="ferme")
    assert [(a.email, a.role) for a in accounts] == [
        ("admin@demo.odyssee.example", "admin"),
        ("staff@demo.odyssee.example", "staff"),
        ("producer@demo.odyssee.example", "producer"),
    ]
    assert len({a.password for a in accounts}) == 3
    assert all(len(a.password) >= 16 for a in accounts)
    for account in accounts:
        assert await sign_in(store, account.email, account.password) == account.role


async def test_running_again_replaces_the_passwords(store: Database) -> None:
    first = await ensure_demo_accounts(store, office_id="ot-perche", producer_id="ferme")
    second = await ensure_demo_accounts(store, office_id="ot-perche", producer_id="ferme")
    assert [a.password for a in first] != [a.password for a in second]
    with pytest.raises(Unauthenticated):
        await sign_in(store, first[1].email, first[1].password)
    assert await sign_in(store, second[1].email, second[1].password) == "staff"
    async with store.read() as conn:
        assert len((await list_users(conn)).items) == 3


async def test_keeping_passwords_changes_nothing(store: Database) -> None:
    first = await ensure_demo_accounts(store, office_id="ot-perche", producer_id="ferme")
    async with store.read() as conn:
        before = [(u.email, u.revision) for u in (await list_users(conn)).items]
    kept = await ensure_demo_accounts(
        store, office_id="ot-perche", producer_id="ferme", reset_passwords=False
    )
    assert [a.password for a in kept] == [None, None, None]
    async with store.read() as conn:
        assert [(u.email, u.revision) for u in (await list_users(conn)).items] == before
    for account in first:
        assert account.password is not None
        assert await sign_in(store, account.email, account.password) == account.role


async def test_roles_without_an_office_or_producer_are_left_out(store: Database) -> None:
    accounts = await ensure_demo_accounts(store, office_id=None, producer_id=None, reset_passwords=False)
    assert [(a.role, a.password is not None) for a in accounts] == [("admin", True)]
    accounts = await ensure_demo_accounts(store, office_id="ot-perche", producer_id=None)
    assert [a.role for a in accounts] == ["admin", "staff"]


async def test_the_demo_producer_is_one_of_the_office(store: Database) -> None:
    assert await demo_producer_id(store, "ot-perche") == "ferme"
    async with store.write() as conn:
        await create_office(conn, NewOffice(id="ot-belleme", name="Bellême"), actor_id=None, now=utc_now())
        await conn.execute(
            "INSERT INTO producers (id, office_id, status, name, lat, lon, created_at, updated_at)"
            " VALUES ('cidrerie', 'ot-belleme', 'published', 'Cidrerie', 48.3, 0.5, '2026-01', '2026-01')"
        )
    assert await demo_producer_id(store, "ot-belleme") == "cidrerie"
    assert await demo_producer_id(store, "ot-perche") == "ferme"
    async with store.write() as conn:
        await conn.execute("DELETE FROM producers")
    assert await demo_producer_id(store, "ot-perche") is None
