"""Login throttling, kept in SQLite so that restarting the service does not reset it.

Two keys are throttled independently: the client address, and the account (the normalised email,
whether or not such an account exists, so a 429 reveals nothing). Default policy:

- an account: 5 failed attempts within 15 minutes → locked for 15 minutes;
- an address: 20 failed attempts within 15 minutes → locked for 15 minutes (higher, because a
  whole office may sign in from behind one address).

An attempt is written *before* its password is checked and removed again if it succeeds, so a
burst of parallel guesses cannot overtake the counter while argon2 is busy. Once a key is over its
limit the next attempt sets the lock and is refused; while locked, attempts are refused without
checking the password (a right password gets 429 too, so a lock is not an oracle). When a lock ends
its key starts afresh. A successful login clears the account's failures, not the address's.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import aiosqlite

from content.core.clock import parse_rfc3339, rfc3339

__all__ = ["DEFAULT_POLICY", "Admitted", "Refused", "ThrottlePolicy", "admit", "forget_success"]

Scope = Literal["address", "account"]


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures_per_account: int = 5
    max_failures_per_address: int = 20
    window_s: int = 15 * 60
    lockout_s: int = 15 * 60

    def limit(self, scope: Scope) -> int:
        return self.max_failures_per_account if scope == "account" else self.max_failures_per_address


DEFAULT_POLICY = ThrottlePolicy()


@dataclass(frozen=True)
class Admitted:
    """The attempt may check its password. Pass it to :func:`forget_success` if it succeeds."""

    account_key: str
    address_attempt_id: int


@dataclass(frozen=True)
class Refused:
    retry_after_s: int


def _key(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


async def admit(
    conn: aiosqlite.Connection,
    *,
    address: str,
    email: str,
    now: datetime,
    policy: ThrottlePolicy = DEFAULT_POLICY,
) -> Admitted | Refused:
    """Record an attempt, or refuse it. Run inside a write transaction and let it commit either way:
    a refusal may have just set a lock that must persist."""
    stamp = rfc3339(now)
    await conn.execute("DELETE FROM login_locks WHERE until <= ?", (stamp,))
    await conn.execute(
        "DELETE FROM login_attempts WHERE at <= ?", (rfc3339(now - timedelta(seconds=policy.window_s)),)
    )
    keys: dict[Scope, str] = {"address": _key(address), "account": _key(email)}
    waits = []
    for scope, key in keys.items():
        cursor = await conn.execute(
            "SELECT until FROM login_locks WHERE scope = ? AND key_hash = ?", (scope, key)
        )
        row = await cursor.fetchone()
        await cursor.close()
        if row is not None:
            waits.append(_seconds_until(parse_rfc3339(row["until"]), now))
            continue
        cursor = await conn.execute(
            "SELECT count(*) FROM login_attempts WHERE scope = ? AND key_hash = ?", (scope, key)
        )
        count_row = await cursor.fetchone()
        await cursor.close()
        if count_row is not None and count_row[0] >= policy.limit(scope):
            until = now + timedelta(seconds=policy.lockout_s)
            await conn.execute(
                "INSERT INTO login_locks (scope, key_hash, until) VALUES (?, ?, ?)",
                (scope, key, rfc3339(until)),
            )
            await conn.execute("DELETE FROM login_attempts WHERE scope = ? AND key_hash = ?", (scope, key))
            waits.append(_seconds_until(until, now))
    if waits:
        return Refused(retry_after_s=max(waits))
    await conn.execute(
        "INSERT INTO login_attempts (scope, key_hash, at) VALUES ('account', ?, ?)", (keys["account"], stamp)
    )
    cursor = await conn.execute(
        "INSERT INTO login_attempts (scope, key_hash, at) VALUES ('address', ?, ?)", (keys["address"], stamp)
    )
    assert cursor.lastrowid is not None
    return Admitted(account_key=keys["account"], address_attempt_id=cursor.lastrowid)


async def forget_success(conn: aiosqlite.Connection, admitted: Admitted) -> None:
    """The attempt succeeded: the account starts afresh, and this attempt stops counting for the address."""
    await conn.execute(
        "DELETE FROM login_attempts WHERE scope = 'account' AND key_hash = ?", (admitted.account_key,)
    )
    await conn.execute("DELETE FROM login_attempts WHERE id = ?", (admitted.address_attempt_id,))


def _seconds_until(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))
