"""``/api/v1/editor/pois``: the editor's POIs (drafts and archived included), their changes and history.
Every handler translates HTTP into one call of the editing workflow (:mod:`content.editing`)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, delete, get, patch, post
from litestar.openapi.spec import Example
from litestar.params import JSONBody, PathParameter

from content import editing
from content.core.paging import Page
from content.editing.aggregates import POIS, poi_page
from content.editing.history import HistoryEntry
from content.editing.merge_patch import MERGE_PATCH_DOC
from content.pois.model import PoiInput, PoiPatch, PoiRecord
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

__all__ = ["PoiEditorController"]

_ID = "/{poi_id:str}"
PoiId = Annotated[
    str, PathParameter(description="the POI id", examples=[Example(value="eglise-saint-sauveur")])
]
_WRITE: dict[str, Any] = {"response_headers": ETAG_HEADER, "responses": WRITE_RESPONSES}
_STATUS: dict[str, Any] = {"status_code": 200, **_WRITE}


class PoiEditorController(Controller):
    path = "/api/v1/editor/pois"
    guards = (editors_only,)
    security = BEARER_SECURITY
    tags = ("editor",)

    @get(cache_control=EDITOR_CACHE, responses=problem_responses(400, 401, 403), summary="List POIs")
    async def list_all(
        self,
        editor: EditorDep,
        status: StatusFilter = None,
        office_id: OfficeFilter = None,
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[PoiRecord]:
        """Every POI, drafts and archived included, by id; filter by ``status`` and ``office_id``."""
        return await editor_list(editor, "editor-pois", poi_page, status, office_id, limit, cursor)

    @post(
        status_code=201,
        response_headers=ETAG_HEADER,
        responses=problem_responses(401, 403, 409, 413, 422),
        summary="Create a POI (draft)",
    )
    async def create(
        self, request: AnyRequest, data: JSONBody[PoiInput], editor: EditorDep, office_id: OfficeFilter = None
    ) -> Response[PoiRecord]:
        """A new draft owned by your office (admins may name ``office_id``). 409 if ``id`` is taken."""
        record = await editing.create(editor, POIS, data, office_id=office_id)
        return answer(request, POIS, record, location=f"{self.path}/{record.id}")

    @get(_ID, response_headers=ETAG_HEADER, responses=READ_RESPONSES, summary="Read a POI")
    async def read(self, request: AnyRequest, editor: EditorDep, poi_id: PoiId) -> Response[PoiRecord]:
        return answer(request, POIS, await editing.read(editor, POIS, poi_id))

    @patch(
        _ID,
        **_WRITE,
        summary="Change a POI",
        description=f"Needs `If-Match` (428 without, 412 if stale). {MERGE_PATCH_DOC}",
    )
    async def change(
        self, request: AnyRequest, data: JSONBody[PoiPatch], editor: EditorDep, poi_id: PoiId
    ) -> Response[PoiRecord]:
        record = await editing.update(editor, POIS, poi_id, data, if_match=if_match(request))
        return answer(request, POIS, record)

    @delete(_ID, **_STATUS, summary="Archive a POI")
    async def archive(self, request: AnyRequest, editor: EditorDep, poi_id: PoiId) -> Response[PoiRecord]:
        """Archives (never deletes): the POI leaves the public API and keeps its history."""
        return await status_change(request, editor, POIS, poi_id, "archived")

    @post(f"{_ID}/publish", **_STATUS, summary="Publish a POI")
    async def publish(self, request: AnyRequest, editor: EditorDep, poi_id: PoiId) -> Response[PoiRecord]:
        return await status_change(request, editor, POIS, poi_id, "published")

    @post(f"{_ID}/unpublish", **_STATUS, summary="Unpublish a POI (back to draft)")
    async def unpublish(self, request: AnyRequest, editor: EditorDep, poi_id: PoiId) -> Response[PoiRecord]:
        return await status_change(request, editor, POIS, poi_id, "draft")

    @get(
        f"{_ID}/history",
        cache_control=EDITOR_CACHE,
        responses=problem_responses(400, 401, 403, 404),
        summary="A POI's history",
    )
    async def read_history(
        self, editor: EditorDep, poi_id: PoiId, limit: Limit = None, cursor: Cursor = None
    ) -> Page[HistoryEntry]:
        """Who changed what and when, with the changed fields before and after; newest first."""
        return await editing.read_history(editor, POIS, poi_id, parse_page(limit, cursor))
