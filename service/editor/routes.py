"""``/api/v1/editor/routes``: the editor's routes and stops (drafts and archived too), changes, history."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.openapi.spec import Example
from litestar.params import JSONBody, PathParameter

from content.editor import (
    EditorRoute,
    RouteEditorPage,
    archive_route,
    change_route_status,
    edit_route,
    new_route,
    route_etag,
    route_for_editor,
    route_history,
    route_page,
    set_stops,
)
from content.history import HistoryPage
from content.routes.model import RouteInput, RoutePatch, StopInput
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

__all__ = ["RouteEditorController"]

_ID = "/{route_id:str}"
RouteId = Annotated[
    str, PathParameter(description="the route id", examples=[Example(value="legendes-de-la-foret")])
]


class RouteEditorController(Controller):
    path = "/api/v1/editor/routes"
    guards = (editors_only,)
    security = BEARER_SECURITY
    tags = ("editor",)

    @get(cache_control=EDITOR_CACHE, responses=problem_responses(400, 401, 403), summary="List routes")
    async def list_all(
        self,
        db: DatabaseDep,
        principal: PrincipalDep,
        state: State,
        status: StatusFilter = None,
        office_id: OfficeFilter = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> RouteEditorPage:
        """Route summaries, drafts and archived included, by id; filter by ``status`` and ``office_id``."""
        scope, after = await page_position(state, db, "editor-routes", cursor, status, office_id)
        page = await route_page(
            db, principal, statuses=statuses_of(status), office_id=office_id, limit=limit, after=after
        )
        return RouteEditorPage(items=page.items, next=await next_cursor(state, db, scope, page.next_key))

    @post(
        status_code=201,
        response_headers=ETAG_HEADER,
        responses=problem_responses(401, 403, 409, 413, 422),
        summary="Create a route (draft)",
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[RouteInput],
        db: DatabaseDep,
        events: EventsDep,
        principal: PrincipalDep,
        clock: ClockDep,
        office_id: OfficeFilter = None,
    ) -> Response[EditorRoute]:
        """A new draft owned by your office (admins may name ``office_id``). 409 if ``id`` is taken."""
        record = await new_route(events, db, principal, data, office_id=office_id, now=clock())
        return with_etag(
            request, record, route_etag(record), status_code=201, location=f"{self.path}/{record.id}"
        )

    @get(_ID, response_headers=ETAG_HEADER, responses=READ_RESPONSES, summary="Read a route")
    async def read(
        self,
        request: Request[Any, Any, Any],
        db: DatabaseDep,
        principal: PrincipalDep,
        route_id: RouteId,
    ) -> Response[EditorRoute]:
        record = await route_for_editor(db, principal, route_id)
        return with_etag(request, record, route_etag(record))

    @patch(_ID, response_headers=ETAG_HEADER, responses=WRITE_RESPONSES, summary="Change a route")
    async def change(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[RoutePatch],
        db: DatabaseDep,
        events: EventsDep,
        principal: PrincipalDep,
        clock: ClockDep,
        route_id: RouteId,
    ) -> Response[EditorRoute]:
        """Only the fields sent change. Needs ``If-Match`` (428 without, 412 if stale)."""
        record = await edit_route(
            events, db, principal, route_id, data, if_match=if_match(request), now=clock()
        )
        return with_etag(request, record, route_etag(record))

    @put(f"{_ID}/stops", response_headers=ETAG_HEADER, responses=WRITE_RESPONSES, summary="Replace the stops")
    async def replace_stops(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[list[StopInput]],
        db: DatabaseDep,
        events: EventsDep,
        principal: PrincipalDep,
        clock: ClockDep,
        route_id: RouteId,
    ) -> Response[EditorRoute]:
        """The body is the whole ordered stop list; it replaces the old one in one transaction. Stops
        sent with their ``id`` keep it. Needs ``If-Match``."""
        route = await set_stops(
            events, db, principal, route_id, data, if_match=if_match(request), now=clock()
        )
        return with_etag(request, route, route_etag(route))

    @delete(
        _ID,
        status_code=200,
        response_headers=ETAG_HEADER,
        responses=WRITE_RESPONSES,
        summary="Archive a route",
    )
    async def archive(
        self,
        request: Request[Any, Any, Any],
        db: DatabaseDep,
        events: EventsDep,
        principal: PrincipalDep,
        clock: ClockDep,
        route_id: RouteId,
    ) -> Response[EditorRoute]:
        """Archives (never deletes): the route leaves the public API and keeps its history."""
        record = await archive_route(events, db, principal, route_id, if_match=if_match(request), now=clock())
        return with_etag(request, record, route_etag(record))

    @post(
        f"{_ID}/publish",
        status_code=200,
        response_headers=ETAG_HEADER,
        responses=WRITE_RESPONSES,
        summary="Publish a route",
    )
    async def publish(
        self,
        request: Request[Any, Any, Any],
        db: DatabaseDep,
        events: EventsDep,
        principal: PrincipalDep,
        clock: ClockDep,
        route_id: RouteId,
    ) -> Response[EditorRoute]:
        record = await change_route_status(
            events, db, principal, route_id, "published", if_match=if_match(request), now=clock()
        )
        return with_etag(request, record, route_etag(record))

    @post(
        f"{_ID}/unpublish",
        status_code=200,
        response_headers=ETAG_HEADER,
        responses=WRITE_RESPONSES,
        summary="Unpublish a route (back to draft)",
    )
    async def unpublish(
        self,
        request: Request[Any, Any, Any],
        db: DatabaseDep,
        events: EventsDep,
        principal: PrincipalDep,
        clock: ClockDep,
        route_id: RouteId,
    ) -> Response[EditorRoute]:
        record = await change_route_status(
            events, db, principal, route_id, "draft", if_match=if_match(request), now=clock()
        )
        return with_etag(request, record, route_etag(record))

    @get(
        f"{_ID}/history",
        cache_control=EDITOR_CACHE,
        responses=problem_responses(400, 401, 403, 404),
        summary="A route's history",
    )
    async def read_history(
        self,
        db: DatabaseDep,
        principal: PrincipalDep,
        route_id: RouteId,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> HistoryPage:
        """Who changed what and when, with the changed fields before and after; newest first."""
        return await route_history(db, principal, route_id, limit=limit, cursor=cursor)
