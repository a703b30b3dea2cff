"""Signing in and out: throttle, check the password, issue a token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from content.accounts import throttle
from content.accounts.passwords import MAX_PASSWORD_LENGTH, verify_password
from content.accounts.principal import Principal
from content.accounts.tokens import issue_token, prune_tokens, revoke_token
from content.accounts.users import find_user_row, user_from_row
from content.core.db import Database
from content.core.errors import RateLimited, Unauthenticated

__all__ = ["SignedIn", "admit_attempt", "login", "logout"]

_WRONG = "wrong email or password"


@dataclass(frozen=True)
class SignedIn:
    token: str
    expires_at: datetime
    user: Principal


async def login(
    db: Database,
    *,
    email: str,
    password: str,
    address: str,
    now: datetime,
    ttl_s: int,
    policy: throttle.ThrottlePolicy = throttle.DEFAULT_POLICY,
) -> SignedIn:
    """A fresh token for the account, or ``Unauthenticated`` (the same answer for an unknown email,
    a wrong password and a disabled account) or ``RateLimited`` after repeated failures."""
    email = email.strip().lower()
    gate = await admit_attempt(db, address=address, email=email, now=now, policy=policy)

    async with db.read() as conn:
        row = await find_user_row(conn, email=email)
    usable = row is not None and not row["disabled"] and len(password) <= MAX_PASSWORD_LENGTH
    # Verify even when there is no usable account, so the answer takes as long either way.
    check = await verify_password(row["password_hash"] if usable and row else None, password)
    if not (usable and check.ok and row):
        raise Unauthenticated(_WRONG)

    async with db.write() as conn:
        await throttle.forget_success(conn, gate, now=now)
        if check.new_hash is not None:
            await conn.execute(
                "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?",
                (check.new_hash, row["id"], row["password_hash"]),
            )
        await prune_tokens(conn, now=now)
        issued = await issue_token(conn, row["id"], now=now, ttl_s=ttl_s)
    return SignedIn(token=issued.token, expires_at=issued.expires_at, user=user_from_row(row).principal())


async def admit_attempt(
    db: Database,
    *,
    address: str,
    email: str,
    now: datetime,
    policy: throttle.ThrottlePolicy = throttle.DEFAULT_POLICY,
) -> throttle.Admitted:
    """A password attempt for ``email`` from ``address`` recorded by the sign-in throttle, or
    ``RateLimited`` while it refuses them (committed either way: a refusal may have set a lock)."""
    async with db.write() as conn:
        gate = await throttle.admit(conn, address=address, email=email, now=now, policy=policy)
    if isinstance(gate, throttle.Refused):
        raise RateLimited("too many failed sign-in attempts; try again later", gate.retry_after_s, gate.scope)
    return gate


async def logout(db: Database, token: str, *, now: datetime) -> None:
    async with db.write() as conn:
        await revoke_token(conn, token, now=now)
