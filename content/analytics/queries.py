"""The SQL that reads counters back: per-period series, per-stop and per-detail sums, dimension splits."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from content.analytics.periods import PERIOD_SQL, Granularity, ReadPlan

__all__ = [
    "DetailSum",
    "SeriesPoint",
    "SplitSum",
    "read_details",
    "read_series",
    "read_splits",
    "stop_positions",
]

SeriesPoint = tuple[str, str, str, int]  # period, type, object_id, count
DetailSum = tuple[str, str, str, str, int, int]  # type, object_id, stop_id, detail, count, value_sum
SplitSum = tuple[str, str, str, int]  # type, lang, platform, count

_ROWS = """
FROM analytics_counters
WHERE ((span = 'month' AND day IN (SELECT value FROM json_each(:months)))
    OR (span = 'day' AND day BETWEEN :day_from AND :day_to
        AND substr(day, 1, 8) || '01' NOT IN (SELECT value FROM json_each(:months))))
  AND {scope}
"""
_DETAIL_TYPES = (
    "'stop_reached', 'narration_played', 'rating', 'pack_installed', 'pack_updated', 'pack_delta_served'"
)


def _params(plan: ReadPlan, scope_params: dict[str, Any]) -> dict[str, Any]:
    return {
        "months": json.dumps(plan.months),
        "day_from": plan.day_from,
        "day_to": plan.day_to,
        **scope_params,
    }


async def read_series(
    conn: aiosqlite.Connection,
    plan: ReadPlan,
    granularity: Granularity,
    scope: str,
    scope_params: dict[str, Any],
) -> list[SeriesPoint]:
    sql = (
        f"SELECT {PERIOD_SQL[granularity]} AS period, type, object_id, sum(count)"
        + _ROWS.format(scope=scope)
        + " GROUP BY period, type, object_id"
    )
    rows = await conn.execute_fetchall(sql, _params(plan, scope_params))
    return [(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


async def read_details(
    conn: aiosqlite.Connection, plan: ReadPlan, scope: str, scope_params: dict[str, Any]
) -> list[DetailSum]:
    sql = (
        "SELECT type, object_id, stop_id, detail, sum(count), sum(value_sum)"
        + _ROWS.format(scope=scope)
        + f" AND type IN ({_DETAIL_TYPES}) GROUP BY type, object_id, stop_id, detail"
    )
    rows = await conn.execute_fetchall(sql, _params(plan, scope_params))
    return [(str(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]), int(r[5])) for r in rows]


async def read_splits(
    conn: aiosqlite.Connection, plan: ReadPlan, scope: str, scope_params: dict[str, Any]
) -> list[SplitSum]:
    sql = (
        "SELECT type, lang, platform, sum(count)"
        + _ROWS.format(scope=scope)
        + " GROUP BY type, lang, platform"
    )
    rows = await conn.execute_fetchall(sql, _params(plan, scope_params))
    return [(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


async def stop_positions(conn: aiosqlite.Connection, route_ids: list[str]) -> list[tuple[str, str, int]]:
    """``(route_id, stop_id, position)`` of every stop of these routes, in order."""
    rows = await conn.execute_fetchall(
        "SELECT route_id, id, position FROM stops WHERE route_id IN (SELECT value FROM json_each(?))"
        " ORDER BY route_id, position",
        (json.dumps(route_ids),),
    )
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]
