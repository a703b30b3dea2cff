"""The app's cursor codec, keyed by the database's own secret (read once, then kept in app state)."""

from __future__ import annotations

import msgspec
from litestar.datastructures import State

from content.core.cursor import CURSOR_SECRET, CursorCodec, SortKey, load_secret
from content.core.db import Database

__all__ = ["cursor_codec", "cursor_scope", "existing_cursor_codec", "read_cursor"]

_STATE_KEY = "cursor_codec"
_encode = msgspec.json.Encoder().encode


async def cursor_codec(state: State, db: Database) -> CursorCodec:
    codec = state.get(_STATE_KEY)
    if isinstance(codec, CursorCodec):
        return codec
    async with db.read() as conn:
        codec = CursorCodec(await load_secret(conn, CURSOR_SECRET))
    state[_STATE_KEY] = codec
    return codec


def existing_cursor_codec(state: State) -> CursorCodec | None:
    """The codec if :func:`cursor_codec` has loaded it already (for paths that must not wait)."""
    codec = state.get(_STATE_KEY)
    return codec if isinstance(codec, CursorCodec) else None


def cursor_scope(endpoint: str, *filters: object) -> str:
    """What a cursor is bound to: the list and every filter that shapes it (never ``limit``)."""
    return endpoint + ":" + _encode(filters).decode()


def read_cursor(codec: CursorCodec, cursor: str | None, scope: str) -> SortKey | None:
    """The position in ``cursor``; an empty one means the first page."""
    if not cursor:
        return None
    return codec.decode(cursor, scope)
