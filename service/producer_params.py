"""Parsing the producer list's own query parameters (``at``, ``open_now``, ``available``, ``category``,
``label``); each bad value raises ``InvalidParameter`` naming it, like ``service.params``."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from content.core.errors import FieldError, InvalidParameter
from content.producers.vocabulary import LABELS, OFFER_CATEGORIES

__all__ = [
    "CATEGORY_ALIASES",
    "parse_at",
    "parse_available",
    "parse_category",
    "parse_label",
    "parse_open_now",
]

# API.md's example list says "cider"; the vocabulary's value is "cider_perry". Both are accepted.
CATEGORY_ALIASES = {"cider": "cider_perry"}
_MIN_YEAR, _MAX_YEAR = 1970, 2200
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _bad(name: str, message: str) -> InvalidParameter:
    return InvalidParameter(FieldError(name, message))


def parse_at(at: str | None, now: datetime) -> datetime:
    """An RFC 3339 date-time with its offset (``2026-07-14T08:30:00Z``); ``now`` when absent."""
    if at is None:
        return now
    if not _RFC3339.fullmatch(at):
        raise _bad("at", "must be an RFC 3339 date-time with an offset, such as 2026-07-14T08:30:00Z")
    text = at.upper().replace("Z", "+00:00")
    # fromisoformat takes at most microseconds; finer digits carry no meaning for opening hours.
    text = re.sub(r"(\.[0-9]{6})[0-9]+", r"\1", text)
    try:
        instant = datetime.fromisoformat(text).astimezone(UTC)
    except (ValueError, OverflowError):
        raise _bad("at", f"{at[:40]!r} is not a valid date-time") from None
    # Opening hours and holidays are computed for real dates; far years only invite overflow.
    if not _MIN_YEAR <= instant.year <= _MAX_YEAR:
        raise _bad("at", f"the year must be from {_MIN_YEAR} to {_MAX_YEAR}")
    return instant


def parse_open_now(open_now: str | None) -> bool:
    if open_now is None or open_now == "false":
        return False
    if open_now == "true":
        return True
    raise _bad("open_now", "must be true or false")


def parse_available(available: str | None) -> bool:
    if available is None:
        return False
    if available == "today":
        return True
    raise _bad("available", "the only value is today")


def parse_category(category: str | None) -> str | None:
    if category is None:
        return None
    value = CATEGORY_ALIASES.get(category, category)
    if value not in OFFER_CATEGORIES:
        raise _bad("category", f"must be one of {', '.join(OFFER_CATEGORIES)} (or cider)")
    return value


def parse_label(label: str | None) -> str | None:
    if label is None:
        return None
    if label not in LABELS:
        raise _bad("label", f"must be one of {', '.join(LABELS)}")
    return label
