"""Issue 14 bug 5: guessing from other addresses cannot lock the real owner out of an account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.accounts.login import login
from content.core.db import Database
from content.core.errors import RateLimited, Unauthenticated
from tests.service.accounts_fixtures import Accounts, ManualClock

WRONG = "guess-guess-guess"


async def _try(db: Database, clock: ManualClock, email: str, password: str, address: str) -> int:
    try:
        await login(db, email=email, password=password, address=address, now=clock(), ttl_s=600)
    except Unauthenticated:
        return 401
    except RateLimited:
        return 429
    return 200


@pytest.mark.usefixtures("client")
async def test_one_address_guessing_locks_only_its_own_pair(
    db: Database, clock: ManualClock, accounts: Accounts
) -> None:
    admin = accounts.admin
    statuses = [await _try(db, clock, admin.email, WRONG, "203.0.113.9") for _ in range(40)]
    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}
    # The owner, from the address they use, right away: the attacker's 5 failures count for the
    # account, but the attacker's lock is theirs alone.
    assert await _try(db, clock, admin.email, admin.password, "198.51.100.7") in (200, 429)
    clock.advance(1)
    assert await _try(db, clock, admin.email, admin.password, "198.51.100.7") == 200
    # Still locked for the attacker, even with the right password.
    assert await _try(db, clock, admin.email, admin.password, "203.0.113.9") == 429


@pytest.mark.usefixtures("client")
async def test_many_addresses_are_slowed_down_and_a_known_owner_is_never_refused(
    db: Database, clock: ManualClock, accounts: Accounts
) -> None:
    staff = accounts.staff
    assert await _try(db, clock, staff.email, staff.password, "198.51.100.7") == 200  # known pair
    admitted = 0
    for n in range(200):  # a botnet: a new address for every guess, one guess every 2 seconds
        status = await _try(db, clock, staff.email, WRONG, f"10.0.{n // 250}.{n % 250}")
        admitted += status == 401
        assert status in (401, 429)
        # The owner keeps signing in from their usual address, every time.
        if n % 20 == 0:
            assert await _try(db, clock, staff.email, staff.password, "198.51.100.7") == 200
        clock.advance(2)
    # 400 s of guessing: 5 free guesses, then the delay doubles up to a minute.
    assert admitted <= 5 + 5 + 400 // 60 + 1
    # A new address for the owner waits at most the maximum delay.
    refused = 0
    while await _try(db, clock, staff.email, staff.password, "192.0.2.44") == 429:
        refused += 1
        clock.advance(1)
    assert refused <= 60


@pytest.mark.usefixtures("client")
async def test_the_slow_down_ends_with_the_window(
    db: Database, clock: ManualClock, accounts: Accounts
) -> None:
    producer = accounts.producer
    for n in range(12):
        await _try(db, clock, producer.email, WRONG, f"10.1.0.{n}")
        clock.advance(61)
    clock.advance(timedelta(minutes=15).total_seconds())
    assert await _try(db, clock, producer.email, producer.password, "192.0.2.1") == 200


async def test_over_http_the_address_lock_still_holds(
    client: AsyncTestClient[Litestar], accounts: Accounts
) -> None:
    for n in range(20):
        answer = await client.post(
            "/api/v1/auth/login", json={"email": f"user{n}@perche.example", "password": WRONG}
        )
        assert answer.status_code == 401
    answer = await client.post(
        "/api/v1/auth/login", json={"email": accounts.admin.email, "password": accounts.admin.password}
    )
    assert answer.status_code == 429
