"""Reading parameters (HTTP query or CLI flags) turned into a report query, or a problem naming the field."""

from __future__ import annotations

from datetime import date, timedelta

from content.analytics.periods import Granularity
from content.analytics.report import ReportQuery
from content.analytics.scope import Filters
from content.core.errors import InvalidParameter
from content.core.ids import is_valid_id

__all__ = ["MAX_RANGE_DAYS", "parse_report_query"]

MAX_RANGE_DAYS = 5 * 366
_GRANULARITIES: tuple[Granularity, ...] = ("day", "week", "month")


def _day(value: str | None, name: str, default: date) -> date:
    if value is None:
        return default
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidParameter.field(name, "expected a date YYYY-MM-DD") from None


def _id(value: str | None, name: str) -> str | None:
    if value is not None and not is_valid_id(value):
        raise InvalidParameter.field(name, "not an id")
    return value


def parse_report_query(
    today: date,
    start: str | None,
    end: str | None,
    granularity: str | None,
    route_id: str | None = None,
    poi_id: str | None = None,
    producer_id: str | None = None,
) -> ReportQuery:
    """Defaults: the twelve months up to today, per month."""
    last = _day(end, "to", today)
    first_default = date(last.year - 1, last.month, 1) + timedelta(days=31)
    first = _day(start, "from", first_default.replace(day=1))
    if first > last:
        raise InvalidParameter.field("from", "must not be after to")
    if (last - first).days > MAX_RANGE_DAYS:
        raise InvalidParameter.field("from", f"the range may span at most {MAX_RANGE_DAYS} days")
    chosen = granularity or "month"
    if chosen not in _GRANULARITIES:
        raise InvalidParameter.field("granularity", "one of day, week, month")
    filters = Filters(
        route_id=_id(route_id, "route_id"),
        poi_id=_id(poi_id, "poi_id"),
        producer_id=_id(producer_id, "producer_id"),
    )
    return ReportQuery(start=first, end=last, granularity=chosen, filters=filters)
