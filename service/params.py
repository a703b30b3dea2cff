"""Parsing the public lists' query parameters; each bad value raises ``InvalidParameter`` naming it.

Handlers take every parameter as an optional string and parse it here, so that all the rules and all
the messages live in one place and every mistake becomes a 400 problem naming the parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from litestar.openapi.spec import OpenAPIType
from litestar.params import QueryParameter

from content.core.clock import rfc3339
from content.core.errors import FieldError, InvalidParameter
from content.core.paging import DEFAULT_LIMIT, MAX_CURSOR_CHARS, MAX_LIMIT, PageRequest
from content.places.place import Box, Near, parse_number, parse_place
from content.text.i18n import parse_accept_language
from content.text.languages import check_language
from content.text.localize import LanguageChoice
from content.text.text_search import MAX_QUERY_CHARS

__all__ = [
    "MAX_SQL_INT",
    "Box",
    "Cursor",
    "CursorQuery",
    "Limit",
    "LimitQuery",
    "Near",
    "parse_bbox",
    "parse_choice",
    "parse_language",
    "parse_limit",
    "parse_near",
    "parse_number",
    "parse_page",
    "parse_place",
    "parse_q",
    "parse_updated_since",
]

# SQLite integers are signed 64-bit: a larger value raises OverflowError when bound, so every integer
# parameter declares this (or a smaller) maximum; tests/service/ops/test_hardening.py checks them all.
MAX_SQL_INT = 2**63 - 1


def _bad(name: str, message: str) -> InvalidParameter:
    return InvalidParameter(FieldError(name, message))


def parse_near(near: str | None, radius_m: str | None) -> Near | None:
    """``near=lat,lon`` with ``radius_m`` in (0, 100000], 10 km without it (see :class:`Near`)."""
    return Near.parse(near, radius_m)


def parse_bbox(bbox: str | None) -> Box | None:
    """``bbox=minLon,minLat,maxLon,maxLat`` (RFC 7946 order), each minimum at most its maximum."""
    return Box.parse(bbox)


# Paging: every list takes ``limit`` and ``cursor`` as strings and turns them into a PageRequest here, with
# the same bounds and the same problems (400 naming ``limit`` or ``cursor``). The editor lists document
# ``limit`` as an integer from 1 to 500 and ``cursor`` as at most 1024 characters, as they always have:
# that is documentation only, PageRequest alone checks them.
_LIMIT_HELP = f"1 to {MAX_LIMIT}, default {DEFAULT_LIMIT}"
_CURSOR_HELP = "the previous page's next"
LimitQuery = Annotated[str | None, QueryParameter(description=_LIMIT_HELP)]
CursorQuery = Annotated[str | None, QueryParameter(description=_CURSOR_HELP)]
Limit = Annotated[
    str | None,
    QueryParameter(
        description=_LIMIT_HELP,
        schema_extra={
            "type": OpenAPIType.INTEGER,
            "one_of": None,
            "minimum": 1.0,
            "maximum": float(MAX_LIMIT),
            "default": DEFAULT_LIMIT,
        },
    ),
]
Cursor = Annotated[
    str | None,
    QueryParameter(description=_CURSOR_HELP, schema_extra={"max_length": MAX_CURSOR_CHARS}),
]


def parse_limit(limit: str | None) -> int:
    """``limit``: a whole number from 1 to ``MAX_LIMIT``, ``DEFAULT_LIMIT`` when absent."""
    if limit is None:
        return DEFAULT_LIMIT
    if not limit.isascii() or not limit.isdigit() or len(limit) > 6:
        raise _bad("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    return PageRequest(limit=int(limit)).limit


def parse_page(limit: str | None, cursor: str | None) -> PageRequest:
    """The page a list request asks for; a bad ``limit`` or ``cursor`` is a 400 naming it (a cursor is
    checked against its list when the list is read: ``content.core.paging.open_paging``)."""
    return PageRequest(limit=parse_limit(limit), cursor=cursor or None)


def parse_choice(value: str | None, name: str, allowed: Sequence[str]) -> str | None:
    """A value from a closed list (``category``, ``theme``)."""
    if value is None:
        return None
    if value not in allowed:
        raise _bad(name, f"must be one of {', '.join(allowed)}")
    return value


def parse_q(q: str | None) -> str | None:
    if q is None:
        return None
    if len(q) > MAX_QUERY_CHARS:
        raise _bad("q", f"at most {MAX_QUERY_CHARS} characters")
    if not q.strip():
        raise _bad("q", "must not be empty")
    return q


def parse_language(lang: str | None, accept_language: str | None) -> tuple[LanguageChoice, str | None]:
    """What to serve, and the language asked for explicitly (``lang``, not ``*``) if any.

    ``lang`` must be ``*`` or a known language tag; ``Accept-Language`` is advisory, so its unknown
    or malformed parts are skipped rather than refused.
    """
    if lang is not None:
        if lang == "*":
            return LanguageChoice.all_languages(), None
        try:
            tag = check_language(lang)
        except ValueError as exc:
            raise _bad("lang", f"{exc}; use a language tag such as fr, en, de, or *") from None
        return LanguageChoice(preferred=(tag,)), tag
    preferred = []
    for tag in parse_accept_language(accept_language):
        try:
            known = check_language(tag)
        except ValueError:
            continue
        if known not in preferred:
            preferred.append(known)
    return LanguageChoice(preferred=tuple(preferred[:8])), None


def parse_updated_since(value: str | None) -> str | None:
    """``updated_since``: an RFC 3339 date-time with its offset, as the stored form (UTC, seconds; a
    fraction is dropped, so the boundary second is included rather than missed)."""
    if value is None:
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or "T" not in text.upper():
        raise _bad("updated_since", "must be an RFC 3339 date-time with an offset, e.g. 2026-05-01T08:00:00Z")
    return rfc3339(moment)
