"""Login throttling, kept in SQLite so that restarting the service does not reset it.

Three keys, so that an attacker cannot lock the real owner out of an account (issue 14, bug 5):

- the pair (account, address): 5 failed attempts within 15 minutes → that pair is locked for 15
  minutes. Guessing from one address stops there, and the owner elsewhere is not affected;
- the address: 20 failed attempts within 15 minutes → locked for 15 minutes (spraying many accounts
  from one address; higher, because a whole office may sign in from behind one address);
- the account, across addresses: after 5 failures within the window, each further attempt must wait
  an exponentially growing delay after the account's previous failure (1 s, 2 s, 4 s … at most
  60 s), else it gets 429 with ``Retry-After``. Nothing is locked: a guesser with many addresses is
  slowed to one guess a minute, and a pair that has signed in successfully before (a "known" pair,
  for 90 days) is never slowed, so an attack cannot keep the owner out.

The account key is the normalised email, whether or not such an account exists, so a 429 reveals
nothing. An attempt is written *before* its password is checked and removed again if it succeeds, so
a burst of parallel guesses cannot overtake the counters while argon2 is busy. Once a pair or address
is over its limit the next attempt sets the lock and is refused; while locked, attempts are refused
without checking the password (a right password gets 429 too, so a lock is not an oracle). A success
clears its pair's failures and marks the pair known; the account's failures from other addresses
keep counting until they leave the window.
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

LockScope = Literal["address", "pair"]


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures_per_pair: int = 5
    max_failures_per_address: int = 20
    window_s: int = 15 * 60
    lockout_s: int = 15 * 60
    # The account-wide slow-down: free failures, then 1 s doubling up to the maximum.
    account_free_failures: int = 5
    account_max_delay_s: int = 60
    known_pair_days: int = 90

    def limit(self, scope: LockScope) -> int:
        return self.max_failures_per_pair if scope == "pair" else self.max_failures_per_address

    def account_delay_s(self, failures: int) -> float:
        """How long after the account's last failure the next attempt must wait (0: no wait)."""
        excess = failures - self.account_free_failures
        if excess < 0:
            return 0.0
        return float(min(2 ** min(excess, 30), self.account_max_delay_s))


DEFAULT_POLICY = ThrottlePolicy()


@dataclass(frozen=True)
class Admitted:
    """The attempt may check its password. Pass it to :func:`forget_success` if it succeeds."""

    pair_key: str
    address_attempt_id: int
    account_attempt_id: int


@dataclass(frozen=True)
class Refused:
    retry_after_s: int
    scope: Literal["address", "pair", "account"] = "pair"


def _key(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


async def _one(conn: aiosqlite.Connection, sql: str, params: tuple[object, ...]) -> aiosqlite.Row | None:
    cursor = await conn.execute(sql, params)
    row = await cursor.fetchone()
    await cursor.close()
    return row


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
    await conn.execute(
        "DELETE FROM login_known_pairs WHERE at <= ?",
        (rfc3339(now - timedelta(days=policy.known_pair_days)),),
    )
    account = _key(email)
    locks: dict[LockScope, str] = {"address": _key(address), "pair": _key(f"{email}\x00{address}")}
    refusals: list[Refused] = []
    for scope, key in locks.items():
        row = await _one(conn, "SELECT until FROM login_locks WHERE scope = ? AND key_hash = ?", (scope, key))
        if row is not None:
            refusals.append(Refused(_seconds_until(parse_rfc3339(row["until"]), now), scope))
            continue
        count_row = await _one(
            conn, "SELECT count(*) FROM login_attempts WHERE scope = ? AND key_hash = ?", (scope, key)
        )
        if count_row is not None and count_row[0] >= policy.limit(scope):
            until = now + timedelta(seconds=policy.lockout_s)
            await conn.execute(
                "INSERT INTO login_locks (scope, key_hash, until) VALUES (?, ?, ?)",
                (scope, key, rfc3339(until)),
            )
            await conn.execute("DELETE FROM login_attempts WHERE scope = ? AND key_hash = ?", (scope, key))
            refusals.append(Refused(_seconds_until(until, now), scope))
    if refusals:
        return max(refusals, key=lambda refusal: refusal.retry_after_s)
    known = await _one(conn, "SELECT 1 FROM login_known_pairs WHERE key_hash = ?", (locks["pair"],))
    if known is None:
        row = await _one(
            conn,
            "SELECT count(*) AS failures, max(at) AS last FROM login_attempts"
            " WHERE scope = 'account' AND key_hash = ?",
            (account,),
        )
        delay = policy.account_delay_s(row["failures"] if row else 0)
        if delay and row is not None and row["last"] is not None:
            ready = parse_rfc3339(row["last"]) + timedelta(seconds=delay)
            if ready > now:
                return Refused(_seconds_until(ready, now), "account")
    ids: dict[str, int] = {}
    for name, key in (("account", account), ("pair", locks["pair"]), ("address", locks["address"])):
        cursor = await conn.execute(
            "INSERT INTO login_attempts (scope, key_hash, at) VALUES (?, ?, ?)", (name, key, stamp)
        )
        assert cursor.lastrowid is not None
        ids[name] = cursor.lastrowid
    return Admitted(
        pair_key=locks["pair"], address_attempt_id=ids["address"], account_attempt_id=ids["account"]
    )


async def forget_success(conn: aiosqlite.Connection, admitted: Admitted, *, now: datetime) -> None:
    """The attempt succeeded: its pair starts afresh and is known from now on, and this attempt stops
    counting for the address and the account."""
    await conn.execute(
        "DELETE FROM login_attempts WHERE scope = 'pair' AND key_hash = ?", (admitted.pair_key,)
    )
    await conn.execute(
        "DELETE FROM login_attempts WHERE id IN (?, ?)",
        (admitted.address_attempt_id, admitted.account_attempt_id),
    )
    await conn.execute(
        "INSERT INTO login_known_pairs (key_hash, at) VALUES (?, ?)"
        " ON CONFLICT (key_hash) DO UPDATE SET at = excluded.at",
        (admitted.pair_key, rfc3339(now)),
    )


def _seconds_until(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))
