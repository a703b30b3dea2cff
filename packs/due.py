"""SQL for the rebuild bookkeeping (pack tables only): packs due for a rebuild and the history watermark.

A mark is a row in ``pack_due``; marking a pack again bumps its ``mark`` and ``last_marked``. A build
clears the row only if its ``mark`` is still the one seen when the build began, so a mark that arrives
during a build is never lost. Marking also sets the catalogue's ``stale`` flag of packs that exist.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from packs.pack_id import PackId

__all__ = [
    "Due",
    "clear_due",
    "due_packs",
    "ensure_due",
    "history_watermark",
    "mark_due",
    "set_history_watermark",
]


@dataclass(frozen=True, slots=True)
class Due:
    """The packs due, each with the mark seen, and when the oldest and newest marks were made."""

    marks: dict[PackId, int]
    first_marked: float
    last_marked: float


def _json(pack_ids: Iterable[PackId]) -> str:
    return json.dumps([str(pack_id) for pack_id in sorted(set(pack_ids))])


async def mark_due(conn: aiosqlite.Connection, pack_ids: Iterable[PackId], *, now: float) -> None:
    ids = _json(pack_ids)
    await conn.execute(
        "INSERT INTO pack_due (pack_id, first_marked, last_marked, mark)"
        " SELECT value, ?, ?, 1 FROM json_each(?) WHERE true"
        " ON CONFLICT (pack_id) DO UPDATE SET last_marked = excluded.last_marked, mark = pack_due.mark + 1",
        (now, now, ids),
    )
    await conn.execute("UPDATE packs SET stale = 1 WHERE id IN (SELECT value FROM json_each(?))", (ids,))


async def ensure_due(conn: aiosqlite.Connection, pack_ids: Iterable[PackId], *, now: float) -> None:
    """Make the packs due as of ``now`` unless they already are (their earlier marks keep their times)."""
    await conn.execute(
        "INSERT INTO pack_due (pack_id, first_marked, last_marked, mark)"
        " SELECT value, ?, ?, 1 FROM json_each(?) WHERE true ON CONFLICT (pack_id) DO NOTHING",
        (now, now, _json(pack_ids)),
    )


async def due_packs(conn: aiosqlite.Connection) -> Due | None:
    rows = list(await conn.execute_fetchall("SELECT pack_id, first_marked, last_marked, mark FROM pack_due"))
    if not rows:
        return None
    return Due(
        marks={PackId.parse(row["pack_id"]): row["mark"] for row in rows},
        first_marked=min(row["first_marked"] for row in rows),
        last_marked=max(row["last_marked"] for row in rows),
    )


async def oldest_mark(conn: aiosqlite.Connection) -> float | None:
    """When the oldest mark still due was made (``time.time()``), or ``None``. Marks made at 0.0 (packs
    found stale when a rebuilder took the lease, their change time unknown) are left out."""
    rows = list(await conn.execute_fetchall("SELECT min(first_marked) FROM pack_due WHERE first_marked > 0"))
    return None if not rows or rows[0][0] is None else float(rows[0][0])


async def clear_due(conn: aiosqlite.Connection, pack_id: PackId, mark: int, *, since: float) -> bool:
    """Forget the marks of ``pack_id`` up to ``mark`` (it was rebuilt); False if it was marked again since,
    in which case it stays due (and stale), counted from ``since`` (when its build began)."""
    cursor = await conn.execute(
        "UPDATE pack_due SET first_marked = max(first_marked, ?) WHERE pack_id = ? AND mark > ?",
        (since, str(pack_id), mark),
    )
    marked_again = cursor.rowcount > 0
    await cursor.close()
    if marked_again:
        await conn.execute("UPDATE packs SET stale = 1 WHERE id = ?", (str(pack_id),))
        return False
    await conn.execute("DELETE FROM pack_due WHERE pack_id = ?", (str(pack_id),))
    return True


async def history_watermark(conn: aiosqlite.Connection) -> int:
    """The last history row whose packs have been marked due."""
    rows = list(await conn.execute_fetchall("SELECT history_id FROM pack_rebuild_state WHERE id = 1"))
    return int(rows[0][0]) if rows else 0


async def set_history_watermark(conn: aiosqlite.Connection, history_id: int) -> None:
    await conn.execute(
        "INSERT INTO pack_rebuild_state (id, history_id) VALUES (1, ?)"
        " ON CONFLICT (id) DO UPDATE SET history_id = max(history_id, excluded.history_id)",
        (history_id,),
    )
