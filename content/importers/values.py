"""Small readers for values as feeds write them: numbers as strings, dates in several shapes."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Literal

from content.core.clock import rfc3339

__all__ = ["as_float", "as_rfc3339", "first_text", "id_text", "wheelchair"]

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def as_float(value: object) -> float | None:
    """A number from a number or a string (``"48,12"`` too); None for anything else or not finite."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
        if not value:
            return None
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def as_rfc3339(value: object) -> str | None:
    """A source date as RFC 3339 UTC (second precision): ISO 8601 with or without an offset (naive
    means UTC), a date alone, or OData's ``/Date(ms)/``; None when unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    match = _MS_DATE.match(text)
    if match:
        return rfc3339(datetime.fromtimestamp(int(match.group(1)) / 1000, UTC))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return rfc3339(moment)


def id_text(value: object) -> str:
    """An identifier given as a string or an integer ("" for anything else)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return str(value).strip()


def first_text(*values: object) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def wheelchair(value: object) -> Literal["yes", "limited", "no"] | None:
    """OSM's ``wheelchair`` values (and booleans) as ours: yes, limited or no."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    if value in {"yes", "designated", "oui", "true"}:
        return "yes"
    if value in {"limited", "partial", "partiel"}:
        return "limited"
    if value in {"no", "non", "false"}:
        return "no"
    return None
