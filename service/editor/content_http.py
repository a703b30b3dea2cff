"""What the POI and route editor controllers share: filters and documented responses (paging is
``service.params``: ``Limit``, ``Cursor``, ``parse_page``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from litestar.params import QueryParameter

from content import editing
from content.core.model import Status
from content.core.paging import EVERY_STATUS, Keyset, Page, cursor_scope
from content.editing import EditSession
from service.editor.http import READ_RESPONSES
from service.params import parse_page
from service.problems import problem_responses

__all__ = [
    "READ_RESPONSES",
    "WRITE_RESPONSES",
    "OfficeFilter",
    "StatusFilter",
    "editor_list",
    "statuses_of",
]

StatusFilter = Annotated[Status | None, QueryParameter(description="only this status (default: all)")]
OfficeFilter = Annotated[
    str | None,
    QueryParameter(min_length=1, max_length=64, description="only content owned by this office"),
]

T = TypeVar("T")
WRITE_RESPONSES = problem_responses(400, 401, 403, 404, 409, 412, 413, 422, 428)


def statuses_of(status: Status | None) -> tuple[Status, ...]:
    return EVERY_STATUS if status is None else (status,)


async def editor_list(
    editor: EditSession,
    endpoint: str,
    lister: Callable[..., Awaitable[Keyset[T]]],
    status: Status | None,
    office_id: str | None,
    limit: str | None,
    cursor: str | None,
) -> Page[T]:
    """A page of an editor content list filtered by ``status`` and ``office_id``; ``lister`` reads it
    (``content.editing.aggregates.poi_page``, ``route_page``)."""
    return await editing.list_page(
        editor,
        parse_page(limit, cursor),
        cursor_scope(endpoint, status, office_id),
        lambda count, after: lister(
            editor, statuses=statuses_of(status), office_id=office_id, limit=count, after=after
        ),
    )
