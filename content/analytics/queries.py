"""The SQL that reads counters back: per-period totals, and per-facet sums over the whole range.

A range is read in up to three parts (a block of month rows, and at most two runs of day rows; see
``periods.plan_reading``) whose sums are added here. Month rows are read along the primary key, so the
grouping streams without sorting; day runs use the (span, facet, day) index.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import aiosqlite

from content.analytics.periods import PERIOD_SQL, Granularity, ReadPlan

__all__ = [
    "FacetSum",
    "ObjectKey",
    "SeriesPoint",
    "month_stamps",
    "read_facets",
    "read_facets_by_object",
    "read_series",
    "read_series_by_object",
    "stop_positions",
    "visible_objects",
]

SeriesPoint = tuple[str, str, str, int]  # period, type, object_id, count
FacetSum = tuple[str, str, str, str, int, int]  # facet, type, object_id, key, count, value_sum
ObjectKey = tuple[str, str, str]  # kind, type, object_id: all that the scope conditions look at

_MONTHS = "analytics_facets NOT INDEXED WHERE span = 'month' AND day BETWEEN :first AND :last"
_DAYS = (
    "analytics_facets INDEXED BY analytics_facets_by_day WHERE span = 'day' AND day BETWEEN :first AND :last"
)
_FACET_NAMES = ("total", "stop", "detail", "stop_finished", "lang", "platform", "app_version")


_SOURCES = {"month": _MONTHS, "day": _DAYS}


def _parts(plan: ReadPlan) -> Iterator[tuple[str, str, str]]:
    """``(source with its span and day condition, first day, last day)`` for each part of the plan."""
    if plan.months:
        yield _MONTHS, plan.months[0], plan.months[-1]
    for first, last in plan.day_runs:
        yield _DAYS, first, last


def _facet_list(facets: tuple[str, ...], params: dict[str, Any]) -> str:
    names = []
    for n, facet in enumerate(facets):
        if facet not in _FACET_NAMES:
            raise ValueError(f"unknown facet {facet!r}")
        params[f"facet{n}"] = facet
        names.append(f":facet{n}")
    return ", ".join(names)


async def read_series(
    conn: aiosqlite.Connection,
    plan: ReadPlan,
    granularity: Granularity,
    scope: str,
    scope_params: dict[str, Any],
) -> list[SeriesPoint]:
    sums: dict[tuple[str, str, str], int] = defaultdict(int)
    for source, first, last in _parts(plan):
        params = {**scope_params, "first": first, "last": last}
        # Every formatted part is a fixed fragment of this package (sources, periods, scope).
        sql = (
            f"SELECT {PERIOD_SQL[granularity]} AS period, type, object_id, sum(count) FROM {source}"  # noqa: S608
            f" AND facet = 'total' AND {scope} GROUP BY type, object_id, period"
        )
        for period, type_, object_id, count in await conn.execute_fetchall(sql, params):
            sums[str(period), str(type_), str(object_id)] += int(count)
    return [(*key, count) for key, count in sums.items()]


async def read_facets(
    conn: aiosqlite.Connection,
    plan: ReadPlan,
    facets: tuple[str, ...],
    scope: str,
    scope_params: dict[str, Any],
) -> list[FacetSum]:
    """Sums over the range per (facet, type, object, key)."""
    sums: dict[tuple[str, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for source, first, last in _parts(plan):
        params = {**scope_params, "first": first, "last": last}
        names = _facet_list(facets, params)
        sql = (
            f"SELECT facet, type, object_id, key, sum(count), sum(value_sum) FROM {source}"  # noqa: S608
            f" AND facet IN ({names}) AND {scope} GROUP BY facet, type, object_id, key"
        )
        for facet, type_, object_id, key, count, value_sum in await conn.execute_fetchall(sql, params):
            slot = sums[str(facet), str(type_), str(object_id), str(key)]
            slot[0] += int(count)
            slot[1] += int(value_sum)
    return [(*key, count, value_sum) for key, (count, value_sum) in sums.items()]


async def stop_positions(conn: aiosqlite.Connection, route_ids: list[str]) -> list[tuple[str, str, int]]:
    """``(route_id, stop_id, position)`` of every stop of these routes, in order."""
    cursor = await conn.execute(
        "SELECT route_id, id, position FROM stops WHERE route_id IN (SELECT value FROM json_each(?))"
        " ORDER BY route_id, position",
        (json.dumps(route_ids),),
    )
    cursor.row_factory = None  # plain tuples: (TEXT, TEXT, INTEGER) columns
    rows: list[tuple[str, str, int]] = await cursor.fetchall()  # type: ignore[assignment]
    return rows


# The cache's reads (content/analytics/cache.py): the same sums for one block of rows of one span, for
# every object (no scope), grouped by object with its kind so that any scope can be applied afterwards.


async def read_series_by_object(
    conn: aiosqlite.Connection, span: str, first: str, last: str, granularity: Granularity
) -> list[tuple[str, str, str, str, int]]:
    """``(kind, period, type, object_id, count)`` of the ``span`` rows from ``first`` to ``last``."""
    sql = (
        f"SELECT kind, {PERIOD_SQL[granularity]} AS period, type, object_id, sum(count)"  # noqa: S608
        f" FROM {_SOURCES[span]} AND facet = 'total' GROUP BY type, object_id, period, kind"
    )
    cursor = await conn.execute(sql, {"first": first, "last": last})
    cursor.row_factory = None  # plain tuples
    rows: list[tuple[str, str, str, str, int]] = await cursor.fetchall()  # type: ignore[assignment]
    return rows


async def read_facets_by_object(
    conn: aiosqlite.Connection, span: str, first: str, last: str, facets: tuple[str, ...]
) -> list[tuple[str, str, str, str, str, int, int]]:
    """``(kind, facet, type, object_id, key, count, value_sum)`` of the ``span`` rows from ``first`` to
    ``last``."""
    params: dict[str, Any] = {"first": first, "last": last}
    names = _facet_list(facets, params)
    sql = (
        "SELECT kind, facet, type, object_id, key, sum(count), sum(value_sum)"  # noqa: S608
        f" FROM {_SOURCES[span]} AND facet IN ({names}) GROUP BY facet, type, object_id, key, kind"
    )
    cursor = await conn.execute(sql, params)
    cursor.row_factory = None
    rows: list[tuple[str, str, str, str, str, int, int]] = await cursor.fetchall()  # type: ignore[assignment]
    return rows


async def visible_objects(
    conn: aiosqlite.Connection, objects: list[ObjectKey], scope: str, scope_params: dict[str, Any]
) -> set[ObjectKey]:
    """Those of ``objects`` that the scope condition keeps: the very condition the plain reads put on
    each counter row, which looks at nothing but a row's kind, type and object_id."""
    sql = (
        "SELECT kind, type, object_id FROM (SELECT value ->> 0 AS kind, value ->> 1 AS type,"  # noqa: S608
        f" value ->> 2 AS object_id FROM json_each(:objects)) WHERE {scope}"
    )
    cursor = await conn.execute(sql, {**scope_params, "objects": json.dumps(objects)})
    cursor.row_factory = None
    return {(row[0], row[1], row[2]) for row in await cursor.fetchall()}


async def month_stamps(conn: aiosqlite.Connection, first: str, last: str) -> dict[str, int]:
    """``{YYYY-MM: stamp}`` of the months from ``first`` to ``last`` (YYYY-MM) that ever had counters;
    a month's stamp changes whenever one of its counter rows does (migration 0035)."""
    cursor = await conn.execute(
        "SELECT month, stamp FROM analytics_changes WHERE month BETWEEN ? AND ?", (first, last)
    )
    cursor.row_factory = None
    return {row[0]: row[1] for row in await cursor.fetchall()}
