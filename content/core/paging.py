"""What every list shares: status sets, the ``limit`` bounds, and one signed keyset cursor.

Every list endpoint pages the same way: ``limit`` from 1 to :data:`MAX_LIMIT` (checked by
:func:`check_limit`, or by the service's ``Limit`` annotation built from the same numbers), one row more
than ``limit`` is read (:func:`over_fetch`) to know whether a next page exists, and the position of the
last item served goes into an HMAC-signed cursor (``content.core.cursor``) bound to the list and its
filters (the *scope*). A cursor from another list, another filter, an older format or a forged one
is refused as a bad ``cursor`` (400). Lists ordered by a key alone use :func:`read_position` and
:func:`next_cursor`; lists ordered by distance or rank keep the whole ``SortKey`` (``Page.next_key``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import aiosqlite

from content.core.cursor import SortKey, codec_for
from content.core.errors import FieldError, InvalidParameter
from content.core.model import Status

__all__ = [
    "DEFAULT_LIMIT",
    "EVERY_STATUS",
    "MAX_LIMIT",
    "PUBLIC",
    "Page",
    "check_limit",
    "next_cursor",
    "over_fetch",
    "read_position",
]

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
PUBLIC: tuple[Status, ...] = ("published",)
EVERY_STATUS: tuple[Status, ...] = ("draft", "published", "archived")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; ``next_key`` is None on the last page. ``distances_m`` is set for ``near``."""

    items: list[T]
    next_key: SortKey | None
    distances_m: list[float] | None = None


def check_limit(limit: int) -> int:
    """``limit`` if it is from 1 to :data:`MAX_LIMIT`, else ``InvalidParameter`` naming ``limit``."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter.field("limit", f"must be from 1 to {MAX_LIMIT}")
    return limit


def over_fetch(limit: int) -> int:
    """How many rows to read for a page of ``limit``: one more says whether a next page exists."""
    return check_limit(limit) + 1


KeyType = TypeVar("KeyType", int, str)


async def read_position(
    conn: aiosqlite.Connection, scope: str, cursor: str | None, key_type: type[KeyType]
) -> KeyType | None:
    """The key of the last item of the previous page, from a cursor of the list ``scope``."""
    if not cursor:
        return None
    _, key = (await codec_for(conn)).decode(cursor, scope)
    if not isinstance(key, key_type):
        raise InvalidParameter(FieldError("cursor", "not a cursor from this list; start again without it"))
    return key


async def next_cursor(
    conn: aiosqlite.Connection, scope: str, rows: list[T], limit: int, key: Callable[[T], int | str]
) -> tuple[list[T], str | None]:
    """The page's items (``rows`` read with :func:`over_fetch`) and the cursor of the next page."""
    items = rows[:limit]
    if len(rows) <= limit:
        return items, None
    return items, (await codec_for(conn)).encode(scope, (0.0, key(items[-1])))
