"""What the POI and route editor controllers share: query parameters, documented responses, cursors."""

from __future__ import annotations

from typing import Annotated

from litestar.datastructures import State
from litestar.params import QueryParameter

from content.core.cursor import SortKey
from content.core.db import Database
from content.core.model import Status
from content.core.paging import EVERY_STATUS, MAX_LIMIT
from service.cursors import cursor_codec, cursor_scope, read_cursor
from service.editor.http import READ_RESPONSES
from service.problems import problem_responses

__all__ = [
    "READ_RESPONSES",
    "WRITE_RESPONSES",
    "Cursor",
    "Limit",
    "OfficeFilter",
    "StatusFilter",
    "next_cursor",
    "page_position",
    "statuses_of",
]

Limit = Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"1 to {MAX_LIMIT}, default 50")]
Cursor = Annotated[str | None, QueryParameter(max_length=1024, description="the previous page's next")]
StatusFilter = Annotated[Status | None, QueryParameter(description="only this status (default: all)")]
OfficeFilter = Annotated[
    str | None,
    QueryParameter(min_length=1, max_length=64, description="only content owned by this office"),
]

WRITE_RESPONSES = problem_responses(400, 401, 403, 404, 409, 412, 413, 422, 428)


def statuses_of(status: Status | None) -> tuple[Status, ...]:
    return EVERY_STATUS if status is None else (status,)


async def page_position(
    state: State, db: Database, endpoint: str, cursor: str | None, *filters: object
) -> tuple[str, SortKey | None]:
    """The cursor scope of this list and filters, and the position ``cursor`` points at."""
    codec = await cursor_codec(state, db)
    scope = cursor_scope(endpoint, *filters)
    return scope, read_cursor(codec, cursor, scope)


async def next_cursor(state: State, db: Database, scope: str, key: SortKey | None) -> str | None:
    if key is None:
        return None
    return (await cursor_codec(state, db)).encode(scope, key)
