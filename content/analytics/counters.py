"""Daily counters: the only thing usage analytics ever stores.

Counts are added up in memory (:class:`CounterBuffer`) and written in one transaction now and then, so
a busy day costs a few writes a minute instead of one per request. What is written is one row per facet
(each dimension counted alone, see migration 0017), to its day and to its month: the month is the unit
that survives the retention horizon.
"""

from __future__ import annotations

import json
from typing import Literal

import aiosqlite
import msgspec

__all__ = ["CounterBuffer", "CounterKey", "Kind", "days_counted", "facets", "seed_counters", "write_counters"]

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


def facets(key: CounterKey) -> list[tuple[str, str]]:
    """The ``(facet, key)`` rows one counted event adds to (see migration 0017): each dimension alone."""
    rows = [("total", "")]
    if key.stop_id:
        rows.append(("stop", key.stop_id))
    if key.detail:
        rows.append(("detail", key.detail))
    if key.type == "narration_played" and key.detail == "finished":
        rows.append(("stop_finished", key.stop_id))
    if key.lang:
        rows.append(("lang", key.lang))
    if key.platform:
        rows.append(("platform", key.platform))
    if key.app_version:
        rows.append(("app_version", key.app_version))
    return rows


FacetRow = tuple[str, str, str, str, str, str, str]  # span, facet, type, object_id, key, day, kind


def _facet_sums(pending: dict[CounterKey, list[int]], *, months: bool) -> dict[FacetRow, list[int]]:
    sums: dict[FacetRow, list[int]] = {}
    for key, (count, value) in pending.items():
        spans = [("day", key.day)]
        if months:
            spans.append(("month", key.day[:8] + "01"))
        for facet, facet_key in facets(key):
            for span, day in spans:
                slot = sums.setdefault(
                    (span, facet, key.type, key.object_id, facet_key, day, key.kind), [0, 0]
                )
                slot[0] += count
                slot[1] += value
    return sums


_UPSERT = """
INSERT INTO analytics_facets (span, facet, type, object_id, key, day, kind, count, value_sum)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT DO UPDATE SET count = count + excluded.count, value_sum = value_sum + excluded.value_sum
"""


async def write_counters(conn: aiosqlite.Connection, pending: dict[CounterKey, list[int]]) -> None:
    """Add ``pending`` to the stored day and month counters (inside the caller's transaction)."""
    sums = _facet_sums(pending, months=True)
    await conn.executemany(_UPSERT, [(*row, count, value) for row, (count, value) in sums.items()])


_INSERT_ABSENT = """
INSERT INTO analytics_facets (span, facet, type, object_id, key, day, kind, count, value_sum)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT DO NOTHING
"""
_RECOUNT_MONTHS = """
INSERT OR REPLACE INTO analytics_facets (span, facet, type, object_id, key, day, kind, count, value_sum)
SELECT 'month', facet, type, object_id, key, substr(day, 1, 8) || '01', kind, sum(count), sum(value_sum)
FROM analytics_facets
WHERE span = 'day' AND substr(day, 1, 7) IN (SELECT value FROM json_each(?))
GROUP BY facet, type, object_id, key, substr(day, 1, 7)
"""


async def seed_counters(conn: aiosqlite.Connection, figures: dict[CounterKey, list[int]]) -> int:
    """Write day counters that do not exist yet (so seeding twice changes nothing), then recount the
    months they fall in from their day rows. For demo and benchmark data; returns the rows added."""
    sums = _facet_sums(figures, months=False)
    cursor = await conn.executemany(
        _INSERT_ABSENT, [(*row, count, value) for row, (count, value) in sums.items()]
    )
    added = cursor.rowcount  # rows of this statement only, not the month stamps its triggers write
    await cursor.close()
    if added:
        months = sorted({key.day[:7] for key in figures})
        await conn.execute(_RECOUNT_MONTHS, (json.dumps(months),))
    return added


async def days_counted(conn: aiosqlite.Connection, first: str, last: str) -> set[str]:
    """The days from ``first`` to ``last`` that already have day counters."""
    rows = await conn.execute_fetchall(
        "SELECT DISTINCT day FROM analytics_facets"
        " WHERE span = 'day' AND facet = 'total' AND day BETWEEN ? AND ?",
        (first, last),
    )
    return {str(row[0]) for row in rows}
