"""``/api/v1/editor/pois``: the editor's POIs (drafts and archived included), their changes and history."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import State
from litestar.openapi.spec import Example
from litestar.params import JSONBody, PathParameter

from content.editor import (
    PoiEditorPage,
    archive_poi,
    change_poi_status,
    edit_poi,
    new_poi,
    poi_etag,
    poi_for_editor,
    poi_history,
    poi_page,
)
from content.history import HistoryPage
from content.pois.model import PoiInput, PoiPatch, PoiRecord
from service.auth.guards import BEARER_SECURITY, editors_only
from service.deps import ClockDep, DatabaseDep, EventsDep, PrincipalDep
from service.editor.content_http import (
    READ_RESPONSES,
    WRITE_RESPONSES,
    Cursor,
    Limit,
    OfficeFilter,
    StatusFilter,
    next_cursor,
    page_position,
    statuses_of,
)
from service.editor.http import EDITOR_CACHE, ETAG_HEADER, if_match, with_etag
from service.problems import problem_responses

__all__ = ["PoiEditorController"]

_ID = "/{poi_id:str}"
PoiId = Annotated[
    str, PathParameter(description="the POI id", examples=[Example(value="eglise-saint-sauveur")])
]


class PoiEditorController(Controller):
    path = "/api/v1/editor/pois"
    guards = (editors_only,)
    security = BEARER_SECURITY
    tags = ("editor",)

    @get(cache_control=EDITOR_CACHE, responses=problem_responses(400, 401, 403), summary="List POIs")
    async def list_all(
        self,
        db: DatabaseDep,
        principal: PrincipalDep,
        state: State,
        status: StatusFilter = None,
        office_id: OfficeFilter = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> PoiEditorPage:
        """Every POI, drafts and archived included, by id; filter by ``status`` and ``office_id``."""
        scope, after = await page_position(state, db, "editor-pois", cursor, status, office_id)
        page = await poi_page(
            db, principal, statuses=statuses_of(status), office_id=office_id, limit=limit, after=after
        )
        return PoiEditorPage(items=page.items, next=await next_cursor(state, db, scope, page.next_key))

    @post(
        status_code=201,
        response_headers=ETAG_HEADER,
        responses=problem_responses(401, 403, 409, 413, 422),
        summary="Create a POI (draft)",
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PoiInput],
        db: DatabaseDep,
        events: EventsDep,
        principal: PrincipalDep,
        clock: ClockDep,
        office_id: OfficeFilter = None,
    ) -> Response[PoiRecord]:
        """A new draft owned by your office (admins may name ``office_id``). 409 if ``id`` is taken."""
        record = await new_poi(events, db, principal, data, office_id=office_id, now=clock())
        return with_etag(
            request, record, poi_etag(record), status_code=201, location=f"{self.path}/{record.id}"
        )

    @get(_ID, response_headers=ETAG_HEADER, responses=READ_RESPONSES, summary="Read a POI")
    async def read(
        self, request: Request[Any, Any, Any], db: DatabaseDep, principal: PrincipalDep, poi_id: PoiId
    ) -> Response[PoiRecord]:
        record = await poi_for_editor(db, principal, poi_id)
        return with_etag(request, record, poi_etag(record))

    @patch(_ID, response_headers=ETAG_HEADER, responses=WRITE_RESPONSES, summary="Change a POI")
    async def change(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PoiPatch],
        db: DatabaseDep,
        events: EventsDep,
        principal: PrincipalDep,
        clock: ClockDep,
        poi_id: PoiId,
    ) -> Response[PoiRecord]:
        """Only the fields sent change. Needs ``If-Match`` (428 without, 412 if stale)."""
        record = await edit_poi(events, db, principal, poi_id, data, if_match=if_match(request), now=clock())
        return with_etag(request, record, poi_etag(record))

    @delete(
        _ID, status_code=200, response_headers=ETAG_HEADER, responses=WRITE_RESPONSES, summary="Archive a POI"
    )
    async def archive(
        self,
        request: Request[Any, Any, Any],
        db: DatabaseDep,
        events: EventsDep,
        principal: PrincipalDep,
        clock: ClockDep,
        poi_id: PoiId,
    ) -> Response[PoiRecord]:
        """Archives (never deletes): the POI leaves the public API and keeps its history."""
        record = await archive_poi(events, db, principal, poi_id, if_match=if_match(request), now=clock())
        return with_etag(request, record, poi_etag(record))

    @post(
        f"{_ID}/publish",
        status_code=200,
        response_headers=ETAG_HEADER,
        responses=WRITE_RESPONSES,
        summary="Publish a POI",
    )
    async def publish(
        self,
        request: Request[Any, Any, Any],
        db: DatabaseDep,
        events: EventsDep,
        principal: PrincipalDep,
        clock: ClockDep,
        poi_id: PoiId,
    ) -> Response[PoiRecord]:
        record = await change_poi_status(
            events, db, principal, poi_id, "published", if_match=if_match(request), now=clock()
        )
        return with_etag(request, record, poi_etag(record))

    @post(
        f"{_ID}/unpublish",
        status_code=200,
        response_headers=ETAG_HEADER,
        responses=WRITE_RESPONSES,
        summary="Unpublish a POI (back to draft)",
    )
    async def unpublish(
        self,
        request: Request[Any, Any, Any],
        db: DatabaseDep,
        events: EventsDep,
        principal: PrincipalDep,
        clock: ClockDep,
        poi_id: PoiId,
    ) -> Response[PoiRecord]:
        record = await change_poi_status(
            events, db, principal, poi_id, "draft", if_match=if_match(request), now=clock()
        )
        return with_etag(request, record, poi_etag(record))

    @get(
        f"{_ID}/history",
        cache_control=EDITOR_CACHE,
        responses=problem_responses(400, 401, 403, 404),
        summary="A POI's history",
    )
    async def read_history(
        self,
        db: DatabaseDep,
        principal: PrincipalDep,
        poi_id: PoiId,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> HistoryPage:
        """Who changed what and when, with the changed fields before and after; newest first."""
        return await poi_history(db, principal, poi_id, limit=limit, cursor=cursor)
