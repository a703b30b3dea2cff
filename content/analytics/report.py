"""Usage figures as read back: series per period, the per-stop funnel, splits and ratings, every figure
under 5 shown as ``<5`` unless the reader is an admin (small-number suppression)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import aiosqlite
import msgspec

from content.accounts.principal import Principal
from content.analytics.periods import Granularity, period_labels, plan_reading
from content.analytics.queries import read_details, read_series, read_splits, stop_positions
from content.analytics.retention import retention_horizon
from content.analytics.scope import Filters, scope_sql

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
    series: list[Series]
    stops: list[StopFigures]
    splits: list[Split]
    ratings: list[Rating]


def _shown(value: int, exact: bool) -> Figure:
    return value if exact or value == 0 or value >= SUPPRESS_BELOW else SUPPRESSED


_DETAIL_DIMENSION = {
    "stop_reached": "trigger",
    "narration_played": "completion",
    "rating": "stars",
    "pack_installed": "version",
    "pack_updated": "version",
    "pack_delta_served": "delta",
}


async def read_report(
    conn: aiosqlite.Connection,
    query: ReportQuery,
    principal: Principal | None,
    *,
    today: date,
    retention_months: int,
) -> Report:
    """The figures ``principal`` may see (None: the operator, exact like an admin)."""
    exact = principal is None or principal.role == "admin"
    plan = plan_reading(query.start, query.end, query.granularity, retention_horizon(today, retention_months))
    scope, params = scope_sql(principal, query.filters)
    points = await read_series(conn, plan, query.granularity, scope, params)
    details = await read_details(conn, plan, scope, params)
    splits = await read_splits(conn, plan, scope, params)

    labels = period_labels(query.start, query.end, query.granularity)
    labels = sorted(set(labels) | {period for period, _, _, _ in points})
    index = {label: n for n, label in enumerate(labels)}
    per_object: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(labels))
    totals: dict[str, int] = defaultdict(int)
    for period, type_, object_id, count in points:
        per_object[type_, object_id][index[period]] += count
        totals[type_] += count
    series = [
        Series(metric, object_id, [_shown(v, exact) for v in values], _shown(sum(values), exact))
        for (metric, object_id), values in sorted(per_object.items())
    ]

    reached: dict[tuple[str, str], int] = defaultdict(int)
    played: dict[tuple[str, str], int] = defaultdict(int)
    finished: dict[tuple[str, str], int] = defaultdict(int)
    by_detail: dict[tuple[str, str, str], int] = defaultdict(int)
    stars: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for type_, object_id, stop_id, detail, count, value_sum in details:
        by_detail[type_, _DETAIL_DIMENSION[type_], detail] += count
        if type_ == "stop_reached":
            reached[object_id, stop_id] += count
        elif type_ == "narration_played":
            played[object_id, stop_id] += count
            if detail == "finished":
                finished[object_id, stop_id] += count
        elif type_ == "rating":
            stars[object_id][0] += count
            stars[object_id][1] += value_sum
    routes = sorted({route for route, _ in reached} | {route for route, _ in played})
    stops = [
        StopFigures(
            route_id,
            stop_id,
            position,
            _shown(reached[route_id, stop_id], exact),
            _shown(played[route_id, stop_id], exact),
            _shown(finished[route_id, stop_id], exact),
        )
        for route_id, stop_id, position in await stop_positions(conn, routes)
    ]
    by_dimension: dict[tuple[str, str, str], int] = defaultdict(int, by_detail)
    for type_, lang, platform, count in splits:
        if lang:
            by_dimension[type_, "lang", lang] += count
        if platform:
            by_dimension[type_, "platform", platform] += count
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
        totals=[Total(metric, _shown(value, exact)) for metric, value in sorted(totals.items())],
        series=series,
        stops=stops,
        splits=[
            Split(metric, dimension, key, _shown(value, exact))
            for (metric, dimension, key), value in sorted(by_dimension.items())
        ],
        ratings=ratings,
    )
