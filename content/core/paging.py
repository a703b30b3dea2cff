"""How every list pages: one request type, one page type, one keyset read, one signed cursor.

Every list endpoint (public and editor) pages the same way:

- the edge parses ``limit`` and ``cursor`` once into a :class:`PageRequest` (``limit`` from 1 to
  :data:`MAX_LIMIT`, default :data:`DEFAULT_LIMIT`; a bad one is ``InvalidParameter`` naming ``limit``);
- the list opens a :class:`Paging` for its *scope* (:func:`cursor_scope`: the list and every filter
  that shapes it): the cursor is checked there (``content.core.cursor``, HMAC-signed), so a cursor from
  another list, another filter, an older format or a forged one is a bad ``cursor`` (400);
- the query reads :func:`over_fetch` rows (one more than ``limit``: whether a next page exists) after
  ``Paging.after``, and :func:`keyset` keeps ``limit`` of them and the key of the last one;
- :meth:`Paging.page` signs that key into ``next`` and gives the :class:`Page` served as ``{items, next}``.

:func:`keyset_page` does all of it for a list read by one statement keyed by an id (or an email, or a
history row number); lists ordered by distance or rank build their :class:`Keyset` themselves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import aiosqlite
import msgspec

from content.core.cursor import CursorCodec, SortKey, codec_for
from content.core.errors import FieldError, InvalidParameter
from content.core.model import Status

__all__ = [
    "DEFAULT_LIMIT",
    "EVERY_STATUS",
    "FIRST_PAGE",
    "MAX_CURSOR_CHARS",
    "MAX_LIMIT",
    "PUBLIC",
    "Keyset",
    "Page",
    "PageRequest",
    "Paging",
    "check_limit",
    "cursor_scope",
    "keyset",
    "keyset_page",
    "open_paging",
    "over_fetch",
]

T = TypeVar("T")
K = TypeVar("K", int, str)
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_CURSOR_CHARS = 1024
PUBLIC: tuple[Status, ...] = ("published",)
EVERY_STATUS: tuple[Status, ...] = ("draft", "published", "archived")
_encode = msgspec.json.Encoder().encode


class Page(msgspec.Struct, Generic[T], frozen=True):
    """One page of a list as served: its items and the cursor of the next page (null on the last)."""

    items: list[T]
    next: str | None


def check_limit(limit: int) -> int:
    """``limit`` if it is from 1 to :data:`MAX_LIMIT`, else ``InvalidParameter`` naming ``limit``."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter(FieldError("limit", f"must be from 1 to {MAX_LIMIT}"))
    return limit


@dataclass(frozen=True)
class PageRequest:
    """What a client asked of a list: how many items, and after which page (``cursor``, opaque)."""

    limit: int = DEFAULT_LIMIT
    cursor: str | None = None

    def __post_init__(self) -> None:
        check_limit(self.limit)
        if self.cursor is not None and len(self.cursor) > MAX_CURSOR_CHARS:
            raise InvalidParameter(FieldError("cursor", f"at most {MAX_CURSOR_CHARS} characters"))


FIRST_PAGE = PageRequest()


@dataclass(frozen=True)
class Keyset(Generic[T]):
    """What a keyset read kept: ``limit`` items, the key of the last one when more follow, and the
    distances for ``near`` lists."""

    items: list[T]
    next_key: SortKey | None
    distances_m: list[float] | None = None


def over_fetch(limit: int) -> int:
    """How many rows to read for a page of ``limit``: one more says whether a next page exists."""
    return check_limit(limit) + 1


def keyset(rows: Sequence[T], limit: int, key: Callable[[T], SortKey]) -> Keyset[T]:
    """The first ``limit`` of ``rows`` (read with :func:`over_fetch`, in list order) and, when there
    were more, the key the next page starts after."""
    items = list(rows[:limit])
    more = len(rows) > limit and bool(items)
    return Keyset(items=items, next_key=key(items[-1]) if more else None)


def cursor_scope(endpoint: str, *filters: object) -> str:
    """What a cursor is bound to: the list and every filter that shapes it (never ``limit``)."""
    if not filters:
        return endpoint
    return endpoint + ":" + _encode(filters).decode()


@dataclass(frozen=True)
class Paging:
    """One list request being served: its ``limit``, where it starts (``after``, None on the first
    page) and how the next page's cursor is signed."""

    limit: int
    after: SortKey | None
    scope: str
    codec: CursorCodec

    def cursor_of(self, key: SortKey) -> str:
        return self.codec.encode(self.scope, key)

    def next(self, key: SortKey | None) -> str | None:
        return None if key is None else self.cursor_of(key)

    def page(self, found: Keyset[T]) -> Page[T]:
        return Page(items=found.items, next=self.next(found.next_key))

    def after_key(self, key_type: type[K]) -> K | None:
        """The tie-break of ``after`` for a list keyed by one column of ``key_type`` alone."""
        if self.after is None:
            return None
        value, key = self.after
        if value != 0.0 or not isinstance(key, key_type):
            raise InvalidParameter(
                FieldError("cursor", "not a cursor from this list; start again without it")
            )
        return key


async def open_paging(conn: aiosqlite.Connection, request: PageRequest, scope: str) -> Paging:
    """The paging of ``request`` on the list ``scope``; a cursor not issued for it is refused."""
    codec = await codec_for(conn)
    after = codec.decode(request.cursor, scope) if request.cursor else None
    return Paging(limit=request.limit, after=after, scope=scope, codec=codec)


async def keyset_page(
    conn: aiosqlite.Connection,
    request: PageRequest,
    scope: str,
    key_type: type[K],
    fetch: Callable[[K | None, int], Awaitable[Sequence[T]]],
    key: Callable[[T], K],
) -> Page[T]:
    """A page of a list read by one statement ordered by a key of ``key_type``:
    ``fetch(after, count)`` reads ``count`` items after ``after`` (None: from the start)."""
    paging = await open_paging(conn, request, scope)
    rows = await fetch(paging.after_key(key_type), over_fetch(request.limit))
    return paging.page(keyset(rows, request.limit, lambda item: (0.0, key(item))))
