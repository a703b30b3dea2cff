"""Fixtures for tests of signed-in endpoints: a store with two offices, a producer and one account
per role (made once per session through the real functions, real argon2 included, then copied into
each test's data directory), a clock the test can move, and bearer tokens.

Import the fixtures into a conftest or test module: ``from tests.service.accounts_fixtures import *``.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.accounts.offices import NewOffice, create_office
from content.accounts.principal import Role
from content.accounts.tokens import issue_token
from content.accounts.user_changes import NewUser, create_user
from content.core.clock import utc_now
from content.core.db import Database
from content.core.settings import Settings, load_settings
from service.app import create_app

__all__ = [
    "Account",
    "Accounts",
    "ManualClock",
    "accounts",
    "accounts_template",
    "app",
    "auth",
    "clock",
    "count_rows",
    "settings",
]


class ManualClock:
    """The app's clock in these tests: real time when the test starts, moved only by ``advance``."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    password: str
    role: str
    office_id: str | None = None
    producer_id: str | None = None


@dataclass(frozen=True)
class Accounts:
    admin: Account
    staff: Account
    other_staff: Account
    producer: Account


async def _build(path: Path) -> Accounts:
    now = utc_now()
    async with Database(path) as db:
        async with db.write() as conn:
            await create_office(
                conn, NewOffice(id="ot-perche", name="Office de tourisme du Perche"), actor_id=None, now=now
            )
            await create_office(conn, NewOffice(id="ot-loir", name="Office du Loir"), actor_id=None, now=now)
            await conn.execute(
                "INSERT INTO producers (id, office_id, name, lat, lon, created_at, updated_at)"
                " VALUES ('ferme-des-bois', 'ot-perche', '{\"fr\": \"Ferme des Bois\"}', 48.32, 0.82, ?, ?)",
                (now.isoformat(), now.isoformat()),
            )
        made = {}
        roster: tuple[tuple[str, str, Role, str | None, str | None], ...] = (
            ("admin", "admin@perche.example", "admin", None, None),
            ("staff", "staff@perche.example", "staff", "ot-perche", None),
            ("other_staff", "staff@loir.example", "staff", "ot-loir", None),
            ("producer", "ferme@perche.example", "producer", None, "ferme-des-bois"),
        )
        for key, email, role, office, producer in roster:
            password = secrets.token_urlsafe(12)
            new = NewUser(email=email, password=password, role=role, office_id=office, producer_id=producer)
            user = await create_user(db, new, actor_id=None, now=now)
            made[key] = Account(user.id, email, password, role, office, producer)
    return Accounts(**made)


@pytest.fixture(scope="session")
def accounts_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Accounts]:
    path = tmp_path_factory.mktemp("accounts") / "odyssee.sqlite3"
    return path, asyncio.run(_build(path))


@pytest.fixture
def accounts(accounts_template: tuple[Path, Accounts]) -> Accounts:
    return accounts_template[1]


@pytest.fixture
def settings(tmp_path: Path, accounts_template: tuple[Path, Accounts]) -> Settings:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copyfile(accounts_template[0], data_dir / "odyssee.sqlite3")
    return load_settings(env={}, data_dir=data_dir)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(utc_now())


@pytest.fixture
def app(settings: Settings, clock: ManualClock) -> Litestar:
    return create_app(settings, clock=clock)


@pytest.fixture
async def auth(
    client: AsyncTestClient[Litestar], db: Database, clock: ManualClock, accounts: Accounts
) -> dict[str, dict[str, str]]:
    """``Authorization`` headers for ``admin``, ``staff``, ``other_staff`` and ``producer``.

    Issued directly (login itself is tested through HTTP in tests/service/auth) to spare an argon2
    verification per account per test."""
    headers = {}
    async with db.write() as conn:
        for key in ("admin", "staff", "other_staff", "producer"):
            account: Account = getattr(accounts, key)
            issued = await issue_token(conn, account.id, now=clock(), ttl_s=3600)
            headers[key] = {"Authorization": f"Bearer {issued.token}"}
    return headers


async def count_rows(db: Database, table: str) -> int:
    """Row count of one of the account tables, to show that a refused request wrote nothing."""
    assert table in {"users", "offices", "history", "auth_tokens", "login_attempts"}
    async with db.read() as conn:
        cursor = await conn.execute(f"SELECT count(*) FROM {table}")
        row = await cursor.fetchone()
        await cursor.close()
    assert row is not None
    return int(row[0])
