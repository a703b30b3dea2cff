"""The change log: who changed what, when, with the changed fields before and after.

Written only by :func:`record`, inside the same write transaction as the change it describes, so a
change and its history commit or roll back together. There is deliberately no way to edit or delete
entries.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import aiosqlite
import msgspec

from content.core.clock import rfc3339, utc_now
from content.core.paging import FIRST_PAGE, Page, PageRequest, keyset_page

__all__ = [
    "HistoryEntry",
    "changed_fields",
    "entry_from_row",
    "list_history",
    "record",
    "record_many",
]

_NAME = re.compile(r"^[a-z][a-z_]{0,31}$")
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(dict[str, Any])


class HistoryEntry(msgspec.Struct, frozen=True):
    """One change. ``user_id`` is null for changes made from the command line."""

    id: int
    entity_type: str
    entity_id: str
    revision: int
    action: str
    user_id: str | None
    user_email: str | None
    at: str
    before: dict[str, Any]
    after: dict[str, Any]


def entry_from_row(row: sqlite3.Row) -> HistoryEntry:
    """A history row (with ``user_email`` joined from users) as served by every ``…/history`` endpoint."""
    return HistoryEntry(
        id=row["id"],
        entity_type=row["entity_type"],
        entity_id=row["entity_id"],
        revision=row["revision"],
        action=row["action"],
        user_id=row["user_id"],
        user_email=row["user_email"],
        at=row["at"],
        before=_decoder.decode(row["before"]),
        after=_decoder.decode(row["after"]),
    )


def changed_fields(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields whose values differ, as ``(before, after)``; a field absent on one side is ``None``."""
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


async def record(
    conn: aiosqlite.Connection,
    *,
    entity_type: str,
    entity_id: str,
    revision: int,
    action: str,
    user_id: str | None,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    at: datetime | None = None,
) -> None:
    """Append one entry. Call it on the write connection, inside the change's own transaction.

    ``entity_type`` is ``poi``, ``route``, ``producer``, ``offer``, ``user``, ``office``…;
    ``action`` is ``create``, ``update``, ``publish``, ``unpublish``, ``archive``, ``withdraw``,
    ``replace_stops``, ``disable``, ``enable``, ``password``… (lowercase words). ``before`` and
    ``after`` hold only the changed fields (see :func:`changed_fields`); values must be JSON-encodable.
    """
    await record_many(
        conn,
        entity_type=entity_type,
        action=action,
        user_id=user_id,
        entries=[(entity_id, revision, before, after)],
        at=at,
    )


async def record_many(
    conn: aiosqlite.Connection,
    *,
    entity_type: str,
    action: str,
    user_id: str | None,
    entries: Iterable[tuple[str, int, Mapping[str, Any], Mapping[str, Any]]],
    at: datetime | None = None,
) -> None:
    """:func:`record` for many entities at once (``(entity_id, revision, before, after)`` each), as one
    statement batch: a bulk import writes thousands of entries in one transaction."""
    for name, value in (("entity_type", entity_type), ("action", action)):
        if not _NAME.match(value):
            raise ValueError(f"history {name} must be a lowercase word, got {value!r}")
    if not conn.in_transaction:
        raise RuntimeError("history.record must run inside the change's write transaction")
    moment = rfc3339(at or utc_now())
    rows = [
        (entity_id, revision, _encoder.encode(dict(before)).decode(), _encoder.encode(dict(after)).decode())
        for entity_id, revision, before, after in entries
    ]
    if len(rows) == 1:
        await conn.execute(
            "INSERT INTO history (entity_type, entity_id, revision, action, user_id, at, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (entity_type, rows[0][0], rows[0][1], action, user_id, moment, rows[0][2], rows[0][3]),
        )
        return
    # Many entries: one JSON array read by one statement, which SQLite runs without the GIL (a bulk
    # import's writer would otherwise wait for the GIL between rows while other threads parse the feed).
    await conn.execute(
        "INSERT INTO history (entity_type, entity_id, revision, action, user_id, at, before, after)"
        " SELECT ?, value ->> 0, value ->> 1, ?, ?, ?, value ->> 2, value ->> 3 FROM json_each(?)",
        (entity_type, action, user_id, moment, _encoder.encode(rows).decode()),
    )


async def list_history(
    conn: aiosqlite.Connection,
    entity_type: str,
    entity_id: str,
    page: PageRequest = FIRST_PAGE,
) -> Page[HistoryEntry]:
    """The entity's changes, newest first, a page at a time."""

    async def fetch(before_id: int | None, count: int) -> list[HistoryEntry]:
        rows = await conn.execute_fetchall(
            "SELECT h.id, h.entity_type, h.entity_id, h.revision, h.action, h.user_id, u.email AS user_email,"
            " h.at, h.before, h.after FROM history h LEFT JOIN users u ON u.id = h.user_id"
            " WHERE h.entity_type = ? AND h.entity_id = ? AND (? IS NULL OR h.id < ?)"
            " ORDER BY h.id DESC LIMIT ?",
            (entity_type, entity_id, before_id, before_id, count),
        )
        return [entry_from_row(row) for row in rows]

    return await keyset_page(conn, page, f"history:{entity_type}:{entity_id}", int, fetch, _entry_id)


def _entry_id(entry: HistoryEntry) -> int:
    return entry.id
