"""Opening periods as sources publish them, turned into OSM ``opening_hours`` only when exact.

Each reader turns its own shape into :class:`Period` values; a period it cannot read exactly (a
remark such as "sauf jours de pluie", "first Sunday of the month") is marked inexact. The periods
become one OSM rule each, checked by opening-hours-py; if any period is inexact or the result does not
parse, no ``opening_hours`` is produced and the text describing the periods is kept instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from content.core.errors import InvalidInput
from content.core.hours import validate_opening_hours

__all__ = ["DAY_CODES", "Period", "checked_opening_hours", "describe", "to_opening_hours"]

DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAY_NAMES_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass
class Period:
    """One opening period. ``days``: weekday numbers (0 = Monday), or None for every day; ``times``:
    ``("10:00", "18:00")`` pairs, empty for open all day; ``yearly``: the dates repeat every year."""

    start: date | None = None
    end: date | None = None
    yearly: bool = False
    days: set[int] | None = None
    times: list[tuple[str, str]] = field(default_factory=list)
    public_holidays: bool = False
    exact: bool = True
    remark: str = ""


def _date(day: date, with_year: bool) -> str:
    text = f"{_MONTHS[day.month - 1]} {day.day:02d}"
    return f"{day.year} {text}" if with_year else text


def _dates(period: Period) -> str:
    if period.start is None and period.end is None:
        return ""
    start = period.start or period.end
    end = period.end or period.start
    assert start is not None
    assert end is not None
    with_year = not period.yearly
    if start == end:
        return _date(start, with_year)
    return f"{_date(start, with_year)}-{_date(end, with_year)}"


def _days(days: set[int] | None, public_holidays: bool) -> str:
    if days is None or len(days) == 7:
        return ""  # every day, public holidays included
    ranges: list[str] = []
    ordered = sorted(days)
    run = [ordered[0]] if ordered else []
    for day in ordered[1:]:
        if day == run[-1] + 1:
            run.append(day)
        else:
            ranges.append(_run(run))
            run = [day]
    if run:
        ranges.append(_run(run))
    if public_holidays:
        ranges.append("PH")
    return ",".join(ranges)


def _run(run: list[int]) -> str:
    if len(run) == 1:
        return DAY_CODES[run[0]]
    return f"{DAY_CODES[run[0]]}-{DAY_CODES[run[-1]]}"


def _rule(period: Period) -> str:
    times = ",".join(f"{opens}-{closes}" for opens, closes in period.times) or "open"
    selectors = " ".join(
        part for part in (_dates(period), _days(period.days, period.public_holidays)) if part
    )
    return f"{selectors} {times}".strip()


def to_opening_hours(periods: Sequence[Period]) -> str | None:
    """The OSM ``opening_hours`` for ``periods`` when every one is exact and the result parses."""
    if not periods or not all(p.exact for p in periods):
        return None
    if any(p.days is not None and not p.days and not p.public_holidays for p in periods):
        return None
    return checked_opening_hours("; ".join(_rule(period) for period in periods))


@lru_cache(maxsize=4096)
def checked_opening_hours(value: str) -> str | None:
    """``value`` cleaned if opening-hours-py reads it, else None (feeds repeat the same few values)."""
    try:
        return validate_opening_hours(value, "opening_hours")
    except InvalidInput:
        return None


def describe(periods: Sequence[Period]) -> str:
    """The periods in French words, for when OSM syntax cannot hold them."""
    parts = []
    for period in periods:
        words = []
        if period.start and period.end:
            words.append(f"du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y}")
        if period.days is not None and len(period.days) < 7:
            words.append(", ".join(_DAY_NAMES_FR[d] for d in sorted(period.days)))
        if period.times:
            words.append(" et ".join(f"{o}-{c}" for o, c in period.times))
        if period.remark:
            words.append(period.remark)
        if words:
            parts.append(" ".join(words))
    return " ; ".join(parts)
