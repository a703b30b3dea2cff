"""``/api/v1/editor/routes``: the editor's routes and stops (drafts and archived too), changes, history.
Every handler translates HTTP into one call of the editing workflow (:mod:`content.editing`)."""

from __future__ import annotations

from typing import Annotated, Any, cast

from litestar import Controller, Response, delete, get, patch, post, put
from litestar.openapi.spec import Example
from litestar.params import JSONBody, PathParameter

from content import editing
from content.core.paging import Page
from content.editing.aggregates import (
    ROUTES,
    EditorRoute,
    edit_stop,
    route_page,
    set_stops,
)
from content.editing.history import HistoryEntry
from content.editing.merge_patch import MERGE_PATCH_DOC
from content.routes.model import RouteInput, RoutePatch, RouteSummaryRecord, StopInput, StopPatch
from service.auth.guards import BEARER_SECURITY, editors_only
from service.deps import EditorDep
from service.editor.content_http import (
    READ_RESPONSES,
    WRITE_RESPONSES,
    OfficeFilter,
    StatusFilter,
    editor_list,
)
from service.editor.http import EDITOR_CACHE, ETAG_HEADER, AnyRequest, answer, if_match, status_change
from service.params import Cursor, Limit, parse_page
from service.problems import problem_responses

__all__ = ["RouteEditorController"]

_ID = "/{route_id:str}"
RouteId = Annotated[
    str, PathParameter(description="the route id", examples=[Example(value="legendes-de-la-foret")])
]
_WRITE: dict[str, Any] = {"response_headers": ETAG_HEADER, "responses": WRITE_RESPONSES}
_STATUS: dict[str, Any] = {"status_code": 200, **_WRITE}


class RouteEditorController(Controller):
    path = "/api/v1/editor/routes"
    guards = (editors_only,)
    security = BEARER_SECURITY
    tags = ("editor",)

    @get(cache_control=EDITOR_CACHE, responses=problem_responses(400, 401, 403), summary="List routes")
    async def list_all(
        self,
        editor: EditorDep,
        status: StatusFilter = None,
        office_id: OfficeFilter = None,
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[RouteSummaryRecord]:
        """Route summaries, drafts and archived included, by id; filter by ``status`` and ``office_id``."""
        return await editor_list(editor, "editor-routes", route_page, status, office_id, limit, cursor)

    @post(
        status_code=201,
        response_headers=ETAG_HEADER,
        responses=problem_responses(401, 403, 409, 413, 422),
        summary="Create a route (draft)",
    )
    async def create(
        self,
        request: AnyRequest,
        data: JSONBody[RouteInput],
        editor: EditorDep,
        office_id: OfficeFilter = None,
    ) -> Response[EditorRoute]:
        """A new draft owned by your office (admins may name ``office_id``). 409 if ``id`` is taken."""
        route = await editing.create(editor, ROUTES, data, office_id=office_id)
        return answer(request, ROUTES, _editor_route(route), location=f"{self.path}/{route.id}")

    @get(_ID, response_headers=ETAG_HEADER, responses=READ_RESPONSES, summary="Read a route")
    async def read(self, request: AnyRequest, editor: EditorDep, route_id: RouteId) -> Response[EditorRoute]:
        route = await editing.read(editor, ROUTES, route_id)
        return answer(request, ROUTES, _editor_route(route))

    @patch(
        _ID,
        **_WRITE,
        summary="Change a route",
        description=f"Needs `If-Match` (428 without, 412 if stale). {MERGE_PATCH_DOC}",
    )
    async def change(
        self, request: AnyRequest, data: JSONBody[RoutePatch], editor: EditorDep, route_id: RouteId
    ) -> Response[EditorRoute]:
        route = await editing.update(editor, ROUTES, route_id, data, if_match=if_match(request))
        return answer(request, ROUTES, _editor_route(route))

    @put(f"{_ID}/stops", **_WRITE, summary="Replace the stops")
    async def replace_stops(
        self, request: AnyRequest, data: JSONBody[list[StopInput]], editor: EditorDep, route_id: RouteId
    ) -> Response[EditorRoute]:
        """The body is the whole ordered stop list; it replaces the old one in one transaction. Stops
        sent with their ``id`` keep it; a ``position`` sent back as read must be the stop's place in
        the list. Needs ``If-Match``."""
        route = await set_stops(editor, route_id, data, if_match=if_match(request))
        return answer(request, ROUTES, route)

    @patch(
        f"{_ID}/stops/{{stop_id:str}}",
        **_WRITE,
        summary="Change one stop",
        description=(
            "Changes one stop of the route; the route's ETag goes in `If-Match` (428 without, 412 if"
            f" stale), and the answer is the whole route with its new ETag. {MERGE_PATCH_DOC}"
        ),
    )
    async def change_stop(
        self,
        request: AnyRequest,
        data: JSONBody[StopPatch],
        editor: EditorDep,
        route_id: RouteId,
        stop_id: Annotated[str, PathParameter(description="the stop id")],
    ) -> Response[EditorRoute]:
        route = await edit_stop(editor, route_id, stop_id, data, if_match=if_match(request))
        return answer(request, ROUTES, route)

    @delete(_ID, **_STATUS, summary="Archive a route")
    async def archive(
        self, request: AnyRequest, editor: EditorDep, route_id: RouteId
    ) -> Response[EditorRoute]:
        """Archives (never deletes): the route leaves the public API and keeps its history."""
        return await _status(request, editor, route_id, "archived")

    @post(f"{_ID}/publish", **_STATUS, summary="Publish a route")
    async def publish(
        self, request: AnyRequest, editor: EditorDep, route_id: RouteId
    ) -> Response[EditorRoute]:
        return await _status(request, editor, route_id, "published")

    @post(f"{_ID}/unpublish", **_STATUS, summary="Unpublish a route (back to draft)")
    async def unpublish(
        self, request: AnyRequest, editor: EditorDep, route_id: RouteId
    ) -> Response[EditorRoute]:
        return await _status(request, editor, route_id, "draft")

    @get(
        f"{_ID}/history",
        cache_control=EDITOR_CACHE,
        responses=problem_responses(400, 401, 403, 404),
        summary="A route's history",
    )
    async def read_history(
        self, editor: EditorDep, route_id: RouteId, limit: Limit = None, cursor: Cursor = None
    ) -> Page[HistoryEntry]:
        """Who changed what and when, with the changed fields before and after; newest first."""
        return await editing.read_history(editor, ROUTES, route_id, parse_page(limit, cursor))


async def _status(
    request: AnyRequest, editor: EditorDep, route_id: str, status: str
) -> Response[EditorRoute]:
    # ROUTES presents every route with its stops: the response body is an EditorRoute.
    return cast("Response[EditorRoute]", await status_change(request, editor, ROUTES, route_id, status))


def _editor_route(route: object) -> EditorRoute:
    assert isinstance(route, EditorRoute)  # ROUTES presents every route with its stops
    return route
