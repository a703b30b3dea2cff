"""``GET /api/v1/removed``: what left the public lists, for phones that sync with ``updated_since``."""

from __future__ import annotations

from typing import Annotated, cast

from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import QueryParameter

from content.core.paging import Page
from content.removals import REMOVAL_KINDS, Removal, RemovalKind, RemovalQuery, removals
from service.params import CursorQuery, LimitQuery, parse_choice, parse_page, parse_updated_since
from service.problems import problem_responses
from service.public import LIST_CACHE, UpdatedSince, store_of

__all__ = ["RemovalController"]


class RemovalController(Controller):
    path = "/api/v1/removed"

    @get("/", cache_control=LIST_CACHE, tags=["public"], responses=problem_responses(400))
    async def list_removed(
        self,
        state: State,
        kind: Annotated[str | None, QueryParameter(description=", ".join(REMOVAL_KINDS))] = None,
        updated_since: UpdatedSince = None,
        limit: LimitQuery = None,
        cursor: CursorQuery = None,
    ) -> Page[Removal]:
        """POIs, routes and producers that were public and are not any more (unpublished or archived),
        oldest change first (``{items, next}``). With `updated_since`, only those that changed after it:
        a phone that syncs `GET /api/v1/pois|routes|producers?updated_since=T` drops the ids this lists
        for the same `T`. A draft that was never published is never listed."""
        db, _ = store_of(state)
        chosen = cast("RemovalKind | None", parse_choice(kind, "kind", REMOVAL_KINDS))
        page = parse_page(limit, cursor)
        query = RemovalQuery(since=parse_updated_since(updated_since), kind=chosen)
        async with db.read() as conn:
            return await removals(conn, query, page)
