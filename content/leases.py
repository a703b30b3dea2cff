"""Leases: at most one live holder of a named job among the processes sharing the database.

A holder renews its lease well before it expires; when the holder dies (even ``kill -9``), nobody renews it
and the next process to ask after ``expires_at`` takes it. Times are Unix seconds from the callers' clock
(processes on one machine share it). Take and renew are the same call, inside the caller's write
transaction (``BEGIN IMMEDIATE`` serialises the processes).
"""

from __future__ import annotations

import aiosqlite

__all__ = ["lease_holder", "release_lease", "take_lease"]


async def take_lease(conn: aiosqlite.Connection, name: str, holder: str, *, now: float, ttl_s: float) -> bool:
    """Take or renew ``name`` for ``holder`` until ``now + ttl_s``; False while another holder's is live."""
    cursor = await conn.execute(
        "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
        " WHERE leases.holder = excluded.holder OR leases.expires_at <= ?",
        (name, holder, now + ttl_s, now),
    )
    taken = cursor.rowcount == 1
    await cursor.close()
    return taken


async def release_lease(conn: aiosqlite.Connection, name: str, holder: str) -> None:
    """Give ``name`` up at once (an orderly shutdown), if ``holder`` still has it."""
    await conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))


async def lease_holder(conn: aiosqlite.Connection, name: str, *, now: float) -> str | None:
    """Who holds ``name`` now, or None if nobody does (never taken, released or expired)."""
    rows = list(
        await conn.execute_fetchall(
            "SELECT holder FROM leases WHERE name = ? AND expires_at > ?", (name, now)
        )
    )
    return str(rows[0][0]) if rows else None
