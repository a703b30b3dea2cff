"""``/api/v1/editor/imports/conflicts``: imported POIs whose local edits collide with their source, and
closing a conflict (keep the local value, or take the source's through the usual edit, with If-Match)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import JSONBody, PathParameter, QueryParameter

from content.core.paging import Page
from content.importers.conflicts import PoiConflicts, list_conflicts, resolve_conflict
from service.auth.guards import BEARER_SECURITY, editors_only
from service.deps import ClockDep, DatabaseDep, EventsDep, PrincipalDep
from service.editor.http import EDITOR_CACHE, if_match
from service.params import Cursor, Limit, parse_page
from service.problems import problem_responses

__all__ = ["ConflictResolution", "ImportConflictsController", "Resolved"]


class ConflictResolution(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``local`` keeps the value edited here; ``source`` writes the source's (needs ``If-Match``)."""

    take: Literal["local", "source"]


class Resolved(msgspec.Struct, frozen=True):
    poi_id: str
    field: str
    take: str
    revision: int | None


class ImportConflictsController(Controller):
    path = "/api/v1/editor/imports/conflicts"
    guards = (editors_only,)
    security = BEARER_SECURITY
    tags = ("editor",)

    @get(
        cache_control=EDITOR_CACHE,
        responses=problem_responses(400, 401, 403),
        summary="List import conflicts",
    )
    async def list_open(
        self,
        db: DatabaseDep,
        principal: PrincipalDep,
        provider: Annotated[str | None, QueryParameter(max_length=100)] = None,
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[PoiConflicts]:
        """Imported POIs with fields edited here that their source changed too: both values, by POI id.
        Staff see their office's POIs."""
        return await list_conflicts(db, principal, provider=provider, page=parse_page(limit, cursor))

    @post(
        "/{poi_id:str}/{field:str}",
        status_code=200,
        responses=problem_responses(400, 401, 403, 404, 412, 422, 428),
        summary="Close an import conflict",
    )
    async def resolve(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ConflictResolution],
        db: DatabaseDep,
        events: EventsDep,
        principal: PrincipalDep,
        clock: ClockDep,
        poi_id: Annotated[str, PathParameter(max_length=200)],
        field: Annotated[str, PathParameter(max_length=40)],
    ) -> Resolved:
        record = await resolve_conflict(
            events, db, principal, poi_id, field, data.take, if_match=if_match(request), now=clock()
        )
        return Resolved(
            poi_id=poi_id, field=field, take=data.take, revision=record.revision if record else None
        )
