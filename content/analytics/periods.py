"""Reading periods: which counters (day or month rows) answer a range, and the labels of its periods.

Month rows answer every whole month of the range when the granularity is a month (a month that has
begun but not ended counts as whole when the range reaches today: no day after today has figures), and
every month before the retention horizon whatever the granularity (the day rows are gone there: such a
month shows under its first day). Day rows answer the rest: at most two runs of days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

import msgspec

__all__ = ["Granularity", "ReadPlan", "month_starts", "period_labels", "plan_reading"]

Granularity = Literal["day", "week", "month"]

# The period label of a counter row, per granularity (``day`` holds YYYY-MM-DD).
PERIOD_SQL: dict[Granularity, str] = {
    "day": "day",
    "week": "CASE WHEN span = 'month' THEN day"
    " ELSE date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days') END",
    "month": "substr(day, 1, 7)",
}


class ReadPlan(msgspec.Struct, frozen=True):
    months: list[str]  # month rows to read, by their first day
    day_runs: list[tuple[str, str]]  # day rows to read: inclusive (first, last) days, at most two


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_starts(start: date, end: date) -> list[date]:
    """The first day of every month that the range touches."""
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = _next_month(current)
    return months


def plan_reading(start: date, end: date, granularity: Granularity, horizon: date, today: date) -> ReadPlan:
    months: list[str] = []
    runs: list[tuple[date, date]] = []
    for first in month_starts(start, end):
        last = _next_month(first) - timedelta(days=1)
        whole = start <= first and (last <= end or end >= today)
        if first < horizon or (granularity == "month" and whole):
            months.append(first.isoformat())
            continue
        run_from, run_to = max(first, start), min(last, end)
        if runs and runs[-1][1] + timedelta(days=1) == run_from:
            runs[-1] = (runs[-1][0], run_to)
        else:
            runs.append((run_from, run_to))
    if len(runs) > 2:  # cannot happen: covered months are a prefix, a middle block, or none
        raise AssertionError(runs)
    return ReadPlan(months=months, day_runs=[(a.isoformat(), b.isoformat()) for a, b in runs])


def period_labels(start: date, end: date, granularity: Granularity) -> list[str]:
    """Every period label of the range, so that series have a value (maybe 0) for each."""
    if granularity == "month":
        return [first.isoformat()[:7] for first in month_starts(start, end)]
    step = 7 if granularity == "week" else 1
    current = start - timedelta(days=start.weekday()) if granularity == "week" else start
    labels = []
    while current <= end:
        labels.append(current.isoformat())
        current += timedelta(days=step)
    return labels
