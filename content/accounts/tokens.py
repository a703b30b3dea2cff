"""Opaque bearer tokens. The client holds the token; the store keeps only its SHA-256, so a copy of
the database does not let anyone sign in. Tokens expire, can be revoked, and stop working as soon as
their account is disabled.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from content.accounts.principal import Principal
from content.core.clock import rfc3339

__all__ = [
    "IssuedToken",
    "authenticate",
    "issue_token",
    "prune_tokens",
    "revoke_token",
    "revoke_user_tokens",
    "token_digest",
]

# token_urlsafe(32) gives 43 characters; anything outside this shape is refused without a lookup.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


async def issue_token(conn: aiosqlite.Connection, user_id: str, *, now: datetime, ttl_s: int) -> IssuedToken:
    """A new token for ``user_id``, valid for ``ttl_s`` seconds (call inside a write transaction)."""
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(seconds=ttl_s)
    await conn.execute(
        "INSERT INTO auth_tokens (token_sha256, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (token_digest(token), user_id, rfc3339(now), rfc3339(expires_at)),
    )
    return IssuedToken(token=token, expires_at=expires_at.replace(microsecond=0))


async def authenticate(conn: aiosqlite.Connection, token: str, *, now: datetime) -> Principal | None:
    """The account a live token belongs to; ``None`` for an unknown, expired or revoked token or a
    disabled account. Role and office are read fresh, so changes apply to tokens already issued."""
    if not _TOKEN_SHAPE.match(token):
        return None
    cursor = await conn.execute(
        "SELECT u.id, u.email, u.role, u.office_id, u.producer_id FROM auth_tokens t"
        " JOIN users u ON u.id = t.user_id"
        " WHERE t.token_sha256 = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND u.disabled = 0",
        (token_digest(token), rfc3339(now)),
    )
    row = await cursor.fetchone()
    await cursor.close()
    if row is None:
        return None
    return Principal(
        id=row["id"],
        email=row["email"],
        role=row["role"],
        office_id=row["office_id"],
        producer_id=row["producer_id"],
    )


async def revoke_token(conn: aiosqlite.Connection, token: str, *, now: datetime) -> bool:
    """Revoke one token (logout). Whether it was live."""
    if not _TOKEN_SHAPE.match(token):
        return False
    cursor = await conn.execute(
        "UPDATE auth_tokens SET revoked_at = ? WHERE token_sha256 = ? AND revoked_at IS NULL",
        (rfc3339(now), token_digest(token)),
    )
    return cursor.rowcount > 0


async def revoke_user_tokens(conn: aiosqlite.Connection, user_id: str, *, now: datetime) -> int:
    """Revoke every token of an account (password changed, account disabled). How many."""
    cursor = await conn.execute(
        "UPDATE auth_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
        (rfc3339(now), user_id),
    )
    return cursor.rowcount


async def prune_tokens(conn: aiosqlite.Connection, *, now: datetime) -> None:
    """Forget tokens that can no longer be used; they are useless and only grow the table."""
    cutoff = rfc3339(now)
    await conn.execute(
        "DELETE FROM auth_tokens WHERE expires_at <= ? OR (revoked_at IS NOT NULL AND revoked_at <= ?)",
        (cutoff, cutoff),
    )
