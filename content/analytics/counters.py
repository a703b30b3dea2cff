"""Daily counters: the only thing usage analytics ever stores.

Counts are added up in memory (:class:`CounterBuffer`) and written in one transaction now and then, so
a busy day costs a few writes a minute instead of one per request. Each counter is written twice, to its
day and to its month, which makes the month the unit that survives the retention horizon.
"""

from __future__ import annotations

import json
from typing import Literal

import aiosqlite
import msgspec

__all__ = ["CounterBuffer", "CounterKey", "Kind", "days_counted", "seed_counters", "write_counters"]

Kind = Literal["route", "poi", "producer", "pack"]


class CounterKey(msgspec.Struct, frozen=True, array_like=True):
    """One figure: a type of event, the object it concerns and its dimensions, on one day."""

    day: str
    type: str
    kind: Kind
    object_id: str
    stop_id: str = ""
    detail: str = ""
    lang: str = ""
    platform: str = ""
    app_version: str = ""


class CounterBuffer:
    """Counts not yet written. Plain dict updates: called from the event loop only."""

    def __init__(self) -> None:
        self._pending: dict[CounterKey, list[int]] = {}

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, key: CounterKey, count: int = 1, value: int = 0) -> None:
        slot = self._pending.get(key)
        if slot is None:
            self._pending[key] = [count, value]
        else:
            slot[0] += count
            slot[1] += value

    def drain(self) -> dict[CounterKey, list[int]]:
        pending, self._pending = self._pending, {}
        return pending

    def restore(self, pending: dict[CounterKey, list[int]]) -> None:
        """Put back counts whose write failed, so the next flush retries them."""
        for key, (count, value) in pending.items():
            self.add(key, count, value)


_UPSERT = """
INSERT INTO analytics_counters
    (span, day, type, kind, object_id, stop_id, detail, lang, platform, app_version, count, value_sum)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT DO UPDATE SET count = count + excluded.count, value_sum = value_sum + excluded.value_sum
"""


async def write_counters(conn: aiosqlite.Connection, pending: dict[CounterKey, list[int]]) -> None:
    """Add ``pending`` to the stored day and month counters (inside the caller's transaction)."""
    months: dict[tuple[object, ...], list[int]] = {}
    rows: list[tuple[object, ...]] = []
    for key, (count, value) in pending.items():
        dims = (
            key.type,
            key.kind,
            key.object_id,
            key.stop_id,
            key.detail,
            key.lang,
            key.platform,
            key.app_version,
        )
        rows.append(("day", key.day, *dims, count, value))
        month = months.setdefault((key.day[:7] + "-01", *dims), [0, 0])
        month[0] += count
        month[1] += value
    rows.extend(("month", *month_key, count, value) for month_key, (count, value) in months.items())
    await conn.executemany(_UPSERT, rows)


_INSERT_ABSENT = """
INSERT INTO analytics_counters
    (span, day, type, kind, object_id, stop_id, detail, lang, platform, app_version, count, value_sum)
VALUES ('day', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT DO NOTHING
"""
_RECOUNT_MONTHS = """
INSERT OR REPLACE INTO analytics_counters
    (span, day, type, kind, object_id, stop_id, detail, lang, platform, app_version, count, value_sum)
SELECT 'month', substr(day, 1, 8) || '01', type, kind, object_id, stop_id, detail, lang, platform,
       app_version, sum(count), sum(value_sum)
FROM analytics_counters
WHERE span = 'day' AND substr(day, 1, 7) IN (SELECT value FROM json_each(?))
GROUP BY substr(day, 1, 7), type, kind, object_id, stop_id, detail, lang, platform, app_version
"""


async def seed_counters(conn: aiosqlite.Connection, figures: dict[CounterKey, list[int]]) -> int:
    """Write day counters that do not exist yet (so seeding twice changes nothing), then recount the
    months they fall in from their day rows. For demo and benchmark data; returns the rows added."""
    before = conn.total_changes
    await conn.executemany(
        _INSERT_ABSENT,
        [
            (k.day, k.type, k.kind, k.object_id, k.stop_id, k.detail, k.lang, k.platform, k.app_version, c, v)
            for k, (c, v) in figures.items()
        ],
    )
    added = conn.total_changes - before
    if added:
        months = sorted({key.day[:7] for key in figures})
        await conn.execute(_RECOUNT_MONTHS, (json.dumps(months),))
    return added


async def days_counted(conn: aiosqlite.Connection, first: str, last: str) -> set[str]:
    """The days from ``first`` to ``last`` that already have day counters."""
    rows = await conn.execute_fetchall(
        "SELECT DISTINCT day FROM analytics_counters WHERE span = 'day' AND day BETWEEN ? AND ?",
        (first, last),
    )
    return {str(row[0]) for row in rows}
