"""Tourist offices: the owners of POIs, routes and producers, and the home of staff accounts."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from typing import Annotated

import aiosqlite
import msgspec

from content.core.clock import rfc3339
from content.core.errors import Conflict, FieldError, InvalidInput, NotFound
from content.core.paging import FIRST_PAGE, Page, PageRequest, keyset_page
from content.editing import history
from content.editing.etags import etag_for

__all__ = [
    "MAX_OFFICE_NAME_LENGTH",
    "NewOffice",
    "Office",
    "create_office",
    "get_office",
    "list_offices",
    "office_etag",
    "office_exists",
]

MAX_OFFICE_NAME_LENGTH = 200
_OFFICE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class NewOffice(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``id`` is a slug (lowercase letters, digits, inner hyphens, at most 64), chosen once and kept."""

    id: Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["ot-perche"])]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_OFFICE_NAME_LENGTH)]


class Office(msgspec.Struct, frozen=True):
    id: str
    name: str
    revision: int
    created_at: str


def office_etag(office: Office) -> str:
    return etag_for("office", office.id, office.revision)


def _validate(new: NewOffice) -> NewOffice:
    problems = []
    if not _OFFICE_ID.match(new.id):
        problems.append(
            FieldError("id", "must be a slug: lowercase letters, digits and inner hyphens, at most 64")
        )
    name = new.name.strip()
    if not name:
        problems.append(FieldError("name", "must not be empty"))
    elif len(name) > MAX_OFFICE_NAME_LENGTH:
        problems.append(FieldError("name", f"must be at most {MAX_OFFICE_NAME_LENGTH} characters"))
    elif _CONTROL.search(name):
        problems.append(FieldError("name", "must not contain control characters"))
    if problems:
        raise InvalidInput(problems)
    return NewOffice(id=new.id, name=name)


def _office(row: sqlite3.Row) -> Office:
    return Office(id=row["id"], name=row["name"], revision=row["revision"], created_at=row["created_at"])


async def office_exists(conn: aiosqlite.Connection, office_id: str) -> bool:
    cursor = await conn.execute("SELECT 1 FROM offices WHERE id = ?", (office_id,))
    row = await cursor.fetchone()
    await cursor.close()
    return row is not None


async def get_office(conn: aiosqlite.Connection, office_id: str) -> Office:
    cursor = await conn.execute(
        "SELECT id, name, revision, created_at FROM offices WHERE id = ?", (office_id,)
    )
    row = await cursor.fetchone()
    await cursor.close()
    if row is None:
        raise NotFound(f"no office {office_id!r}")
    return _office(row)


async def insert_office(conn: aiosqlite.Connection, new: NewOffice, *, now: datetime) -> Office:
    """Insert an office (inside a write transaction). ``Conflict`` if the id is taken."""
    new = _validate(new)
    if await office_exists(conn, new.id):
        raise Conflict(f"office {new.id!r} already exists")
    stamp = rfc3339(now)
    await conn.execute(
        "INSERT INTO offices (id, name, created_at, revision) VALUES (?, ?, ?, 1)", (new.id, new.name, stamp)
    )
    return Office(id=new.id, name=new.name, revision=1, created_at=stamp)


async def create_office(
    conn: aiosqlite.Connection, new: NewOffice, *, actor_id: str | None, now: datetime
) -> Office:
    """Create an office inside the caller's transaction (command line, fixtures), with its history
    entry. The API and back-office go through ``content.editing`` (``content.editing.aggregates.OFFICES``)."""
    office = await insert_office(conn, new, now=now)
    await history.record(
        conn, entity_type="office", entity_id=office.id, revision=1, action="create", user_id=actor_id,
        before={}, after=office_fields(office), at=now,
    )  # fmt: skip
    return office


def office_fields(office: Office) -> dict[str, str]:
    """A new office's fields, as its ``create`` history entry shows them."""
    return {"id": office.id, "name": office.name}


async def list_offices(conn: aiosqlite.Connection, page: PageRequest = FIRST_PAGE) -> Page[Office]:
    """Every office, by id."""

    async def fetch(after: str | None, count: int) -> list[Office]:
        rows = await conn.execute_fetchall(
            "SELECT id, name, revision, created_at FROM offices"
            " WHERE (? IS NULL OR id > ?) ORDER BY id LIMIT ?",
            (after, after, count),
        )
        return [_office(row) for row in rows]

    return await keyset_page(conn, page, "offices", str, fetch, _office_id)


def _office_id(office: Office) -> str:
    return office.id
