"""Usage figures as read back: series per period, the per-stop funnel, splits and ratings, every figure
under 5 shown as ``<5`` unless the reader is an admin (small-number suppression)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import date
from typing import Any

import msgspec

from content.accounts.principal import Principal
from content.analytics.cache import FigureCache
from content.analytics.periods import Granularity, ReadPlan, period_labels, plan_reading
from content.analytics.queries import FacetSum, SeriesPoint, read_facets, read_series, stop_positions
from content.analytics.retention import retention_horizon
from content.analytics.scope import Filters, scope_sql
from content.core.db import Database

__all__ = ["SUPPRESSED", "SUPPRESS_BELOW", "Figure", "Report", "ReportQuery", "read_report"]

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"
Figure = int | str
"""A count, or ``"<5"`` when it is between 1 and 4 and the reader is not an admin."""


class ReportQuery(msgspec.Struct, frozen=True):
    start: date
    end: date
    granularity: Granularity = "month"
    filters: Filters = Filters()


class Series(msgspec.Struct, frozen=True):
    metric: str
    object_id: str
    values: list[Figure]
    total: Figure


class Total(msgspec.Struct, frozen=True):
    metric: str
    value: Figure


class StopFigures(msgspec.Struct, frozen=True):
    route_id: str
    stop_id: str
    position: int
    reached: Figure
    narration_played: Figure
    narration_finished: Figure


class Split(msgspec.Struct, frozen=True):
    metric: str
    dimension: str  # trigger, completion, lang, platform, stars, version, delta
    key: str
    value: Figure


class Rating(msgspec.Struct, frozen=True):
    route_id: str
    count: Figure
    mean: float | None


class Report(msgspec.Struct, frozen=True, rename={"start": "from", "end": "to"}):
    start: str
    end: str
    granularity: Granularity
    suppressed_below: int
    periods: list[str]
    totals: list[Total]
    overall: list[Series]  # per metric, every visible object together (object_id "")
    series: list[Series]
    stops: list[StopFigures]
    splits: list[Split]
    ratings: list[Rating]


async def _positions(db: Database, routes: list[str]) -> list[tuple[str, str, int]]:
    async with db.read() as conn:
        return await stop_positions(conn, routes)


def _shown(value: int, exact: bool) -> Figure:
    return value if exact or value == 0 or value >= SUPPRESS_BELOW else SUPPRESSED


_STOP_FACETS = ("stop", "stop_finished")
_OTHER_FACETS = ("detail", "lang", "platform", "app_version")
_DETAIL_DIMENSION = {
    "stop_reached": "trigger",
    "narration_played": "completion",
    "rating": "stars",
    "pack_installed": "version",
    "pack_updated": "version",
    "pack_delta_served": "delta",
}


async def read_report(
    db: Database,
    query: ReportQuery,
    principal: Principal | None,
    *,
    today: date,
    retention_months: int,
    cache: FigureCache | None = None,
) -> Report:
    """The figures ``principal`` may see (None: the operator, exact like an admin).

    The queries run at once on separate readers (SQLite releases the GIL): each sees its own snapshot,
    so a flush landing between them can make the funnel and the series differ by its few counts.
    With ``cache``, the sums of months already read and unchanged since come from memory (the same
    figures: see ``content.analytics.cache``)."""
    exact = principal is None or principal.role == "admin"
    plan = plan_reading(
        query.start, query.end, query.granularity, retention_horizon(today, retention_months), today
    )
    scope, params = scope_sql(principal, query.filters)
    if cache is not None:
        points, (stop_sums, other_sums) = await cache.rows(
            db, plan, query.granularity, (_STOP_FACETS, _OTHER_FACETS), scope, params, today=today
        )
    else:
        points, stop_sums, other_sums = await _plain_rows(db, plan, query.granularity, scope, params)
    return await _assemble(db, query, exact, points, [*stop_sums, *other_sums])


async def _plain_rows(
    db: Database, plan: ReadPlan, granularity: Granularity, scope: str, params: dict[str, Any]
) -> tuple[list[SeriesPoint], list[FacetSum], list[FacetSum]]:
    """The rows straight from the counters: series points, then the sums of both sets of facets."""

    async def series_rows() -> list[SeriesPoint]:
        async with db.read() as conn:
            return await read_series(conn, plan, granularity, scope, params)

    async def facet_rows(facets: tuple[str, ...]) -> list[FacetSum]:
        async with db.read() as conn:
            return await read_facets(conn, plan, facets, scope, params)

    return await asyncio.gather(series_rows(), facet_rows(_STOP_FACETS), facet_rows(_OTHER_FACETS))


async def _assemble(
    db: Database, query: ReportQuery, exact: bool, points: list[SeriesPoint], sums: list[FacetSum]
) -> Report:
    """The report from rows of sums; rows for the same figure may come in several pieces (added up)."""
    labels = period_labels(query.start, query.end, query.granularity)
    labels = sorted(set(labels) | {period for period, _, _, _ in points})
    index = {label: n for n, label in enumerate(labels)}
    per_object: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(labels))
    per_metric: dict[str, list[int]] = defaultdict(lambda: [0] * len(labels))
    for period, type_, object_id, count in points:
        per_object[type_, object_id][index[period]] += count
        per_metric[type_][index[period]] += count
    series = [
        Series(metric, object_id, [_shown(v, exact) for v in values], _shown(sum(values), exact))
        for (metric, object_id), values in sorted(per_object.items())
    ]

    per_stop: dict[tuple[str, str, str], int] = defaultdict(int)  # (metric, route, stop)
    by_dimension: dict[tuple[str, str, str], int] = defaultdict(int)
    stars: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for facet, type_, object_id, key, count, value_sum in sums:
        if facet == "stop":
            per_stop[type_, object_id, key] += count
        elif facet == "stop_finished":
            per_stop["narration_finished", object_id, key] += count
        elif facet == "detail":
            by_dimension[type_, _DETAIL_DIMENSION.get(type_, "detail"), key] += count
            if type_ == "rating":
                stars[object_id][0] += count
                stars[object_id][1] += value_sum
        else:
            by_dimension[type_, facet, key] += count
    routes = sorted({route for _, route, _ in per_stop})
    stops = [
        StopFigures(
            route_id,
            stop_id,
            position,
            _shown(per_stop["stop_reached", route_id, stop_id], exact),
            _shown(per_stop["narration_played", route_id, stop_id], exact),
            _shown(per_stop["narration_finished", route_id, stop_id], exact),
        )
        for route_id, stop_id, position in await _positions(db, routes)
    ]
    ratings = [
        Rating(
            route_id,
            _shown(count, exact),
            round(total / count, 2) if exact or count >= SUPPRESS_BELOW else None,
        )
        for route_id, (count, total) in sorted(stars.items())
    ]
    return Report(
        start=query.start.isoformat(),
        end=query.end.isoformat(),
        granularity=query.granularity,
        suppressed_below=0 if exact else SUPPRESS_BELOW,
        periods=labels,
        totals=[Total(metric, _shown(sum(values), exact)) for metric, values in sorted(per_metric.items())],
        overall=[
            Series(metric, "", [_shown(v, exact) for v in values], _shown(sum(values), exact))
            for metric, values in sorted(per_metric.items())
        ],
        series=series,
        stops=stops,
        splits=[
            Split(metric, dimension, key, _shown(value, exact))
            for (metric, dimension, key), value in sorted(by_dimension.items())
        ],
        ratings=ratings,
    )
