"""Reading accounts: the representation the editor shows (never the password hash) and queries."""

from __future__ import annotations

import re
import sqlite3

import aiosqlite
import msgspec

from content.accounts.principal import Principal, Role
from content.core.errors import InvalidInput, NotFound
from content.core.paging import FIRST_PAGE, Page, PageRequest, keyset_page
from content.editing.etags import etag_for

__all__ = [
    "MAX_EMAIL_LENGTH",
    "User",
    "find_user_row",
    "get_user",
    "get_user_by_email",
    "list_users",
    "normalize_email",
    "user_etag",
    "user_from_row",
]

MAX_EMAIL_LENGTH = 254
# Deliberately loose: one @, something on each side, a dot in the domain, no spaces or controls.
_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f.]+$")
_COLUMNS = "id, email, role, office_id, producer_id, disabled, revision, created_at, updated_at, updated_by"


class User(msgspec.Struct, frozen=True):
    """An account as admins see it. ``updated_by`` is null for changes made on the command line."""

    id: str
    email: str
    role: Role
    office_id: str | None
    producer_id: str | None
    disabled: bool
    revision: int
    created_at: str
    updated_at: str
    updated_by: str | None

    def principal(self) -> Principal:
        return Principal(
            id=self.id,
            email=self.email,
            role=self.role,
            office_id=self.office_id,
            producer_id=self.producer_id,
        )


def normalize_email(email: str, field: str = "email") -> str:
    """Trimmed and lower-cased; ``InvalidInput`` naming ``field`` if it does not look like an email."""
    cleaned = email.strip().lower()
    if len(cleaned) > MAX_EMAIL_LENGTH:
        raise InvalidInput.field(field, f"must be at most {MAX_EMAIL_LENGTH} characters")
    if not _EMAIL.match(cleaned):
        raise InvalidInput.field(field, "is not an email address")
    return cleaned


def user_etag(user: User) -> str:
    return etag_for("user", user.id, user.revision)


def user_from_row(row: sqlite3.Row) -> User:
    return User(
        id=row["id"],
        email=row["email"],
        role=row["role"],
        office_id=row["office_id"],
        producer_id=row["producer_id"],
        disabled=bool(row["disabled"]),
        revision=row["revision"],
        created_at=row["created_at"],
        updated_at=row["updated_at"] or row["created_at"],
        updated_by=row["updated_by"],
    )


async def find_user_row(
    conn: aiosqlite.Connection, *, user_id: str | None = None, email: str | None = None
) -> sqlite3.Row | None:
    """The full row (password hash included, for sign-in) by id or by email."""
    column, value = ("id", user_id) if user_id is not None else ("email", email)
    cursor = await conn.execute(f"SELECT {_COLUMNS}, password_hash FROM users WHERE {column} = ?", (value,))  # noqa: S608
    row = await cursor.fetchone()
    await cursor.close()
    return row


async def get_user(conn: aiosqlite.Connection, user_id: str) -> User:
    row = await find_user_row(conn, user_id=user_id)
    if row is None:
        raise NotFound(f"no user {user_id!r}")
    return user_from_row(row)


async def get_user_by_email(conn: aiosqlite.Connection, email: str) -> User:
    row = await find_user_row(conn, email=normalize_email(email))
    if row is None:
        raise NotFound(f"no account with the email {email.strip()!r}")
    return user_from_row(row)


async def list_users(conn: aiosqlite.Connection, page: PageRequest = FIRST_PAGE) -> Page[User]:
    """Every account, by email."""

    async def fetch(after: str | None, count: int) -> list[User]:
        rows = await conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM users WHERE (? IS NULL OR email > ?) ORDER BY email LIMIT ?",  # noqa: S608
            (after, after, count),
        )
        return [user_from_row(row) for row in rows]

    return await keyset_page(conn, page, "users", str, fetch, _email)


def _email(user: User) -> str:
    return user.email
