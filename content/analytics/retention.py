"""The retention roll-up: day counters older than the horizon go, their month counters stay."""

from __future__ import annotations

from datetime import date

import aiosqlite

__all__ = ["retention_horizon", "roll_up"]


def retention_horizon(today: date, months: int) -> date:
    """The first day of the oldest month still kept per day: whole months are rolled up, never halves."""
    index = today.year * 12 + (today.month - 1) - months
    return date(index // 12, index % 12 + 1, 1)


async def roll_up(conn: aiosqlite.Connection, today: date, months: int) -> int:
    """Delete day counters before the horizon; returns how many went. The month rows already hold them."""
    cursor = await conn.execute(
        "DELETE FROM analytics_facets WHERE span = 'day' AND day < ?",
        (retention_horizon(today, months).isoformat(),),
    )
    return cursor.rowcount
