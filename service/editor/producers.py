"""The producer editor: profiles, publishing and history (offers: ``service.editor.offers``).

Every handler translates HTTP into one call of the editing workflow (:mod:`content.editing`), which
checks permissions, ``If-Match`` (428 without, 412 stale), writes with its history entry in one
transaction and announces ``ContentChanged(producers=…)`` once committed. ``POST
/api/v1/editor/producers`` is an addition to API.md, which lists no way to create a producer.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from content import editing
from content.core.model import Status
from content.core.paging import Page
from content.editing.aggregates import PRODUCERS, producer_history_page
from content.editing.history import HistoryEntry
from content.editing.merge_patch import MERGE_PATCH_DOC
from content.editing.producers import NewProducer, editor_producers
from content.producers.model import ProducerPatch
from content.producers.rows import ProducerRecord
from service.auth.guards import BEARER_SECURITY, signed_in
from service.deps import DatabaseDep, EditorDep
from service.editor.http import (
    EDITOR_CACHE,
    ETAG_HEADER,
    READ_RESPONSES,
    AnyRequest,
    answer,
    if_match,
    status_change,
)
from service.params import Cursor, Limit, parse_page
from service.problems import problem_responses

__all__ = ["READ_RESPONSES", "WRITE_RESPONSES", "ProducerEditorController"]

WRITE_RESPONSES = problem_responses(401, 403, 404, 410, 412, 413, 422, 428)
_WRITE: dict[str, Any] = {"response_headers": ETAG_HEADER, "responses": WRITE_RESPONSES}
_STATUS: dict[str, Any] = {"status_code": 200, **_WRITE}
_ID = "/{producer_id:str}"


class ProducerEditorController(Controller):
    path = "/api/v1/editor/producers"
    guards = (signed_in,)
    security = BEARER_SECURITY
    tags = ("editor",)

    @get(cache_control=EDITOR_CACHE, responses=problem_responses(400, 401, 403), summary="List producers")
    async def list(
        self,
        db: DatabaseDep,
        editor: EditorDep,
        status: Annotated[Status | None, QueryParameter()] = None,
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[ProducerRecord]:
        """Drafts included; a producer account sees only its own producer."""
        assert editor.principal is not None
        async with db.read() as conn:
            return await editor_producers(
                conn, editor.principal, status=status, page=parse_page(limit, cursor)
            )

    @post(
        status_code=201,
        response_headers=ETAG_HEADER,
        responses=problem_responses(401, 403, 409, 413, 422),
        summary="Create a producer",
    )
    async def create(
        self, request: AnyRequest, data: JSONBody[NewProducer], editor: EditorDep
    ) -> Response[ProducerRecord]:
        """A new producer, as a draft. Not in API.md's table: added so producers can be created."""
        record = await editing.create(editor, PRODUCERS, data, office_id=data.office_id)
        return answer(request, PRODUCERS, record, location=f"{self.path}/{record.id}")

    @get(_ID, response_headers=ETAG_HEADER, responses=READ_RESPONSES, summary="A producer")
    async def read(
        self, request: AnyRequest, editor: EditorDep, producer_id: FromPath[str]
    ) -> Response[ProducerRecord]:
        return answer(request, PRODUCERS, await editing.read(editor, PRODUCERS, producer_id))

    @patch(
        _ID,
        **_WRITE,
        summary="Edit a producer",
        description=f"Needs `If-Match` (428 without, 412 if stale). {MERGE_PATCH_DOC}",
    )
    async def change(
        self,
        request: AnyRequest,
        data: JSONBody[ProducerPatch],
        editor: EditorDep,
        producer_id: FromPath[str],
    ) -> Response[ProducerRecord]:
        record = await editing.update(editor, PRODUCERS, producer_id, data, if_match=if_match(request))
        return answer(request, PRODUCERS, record)

    @post(f"{_ID}/publish", **_STATUS, summary="Publish a producer")
    async def publish(
        self, request: AnyRequest, editor: EditorDep, producer_id: FromPath[str]
    ) -> Response[ProducerRecord]:
        """Needs ``If-Match``."""
        return await status_change(request, editor, PRODUCERS, producer_id, "published")

    @post(f"{_ID}/unpublish", **_STATUS, summary="Unpublish a producer")
    async def unpublish(
        self, request: AnyRequest, editor: EditorDep, producer_id: FromPath[str]
    ) -> Response[ProducerRecord]:
        """Back to draft; needs ``If-Match``."""
        return await status_change(request, editor, PRODUCERS, producer_id, "draft")

    @get(
        f"{_ID}/history",
        cache_control=EDITOR_CACHE,
        responses=problem_responses(400, 401, 403, 404),
        summary="A producer's history, its offers' included",
    )
    async def read_history(
        self, editor: EditorDep, producer_id: FromPath[str], limit: Limit = None, cursor: Cursor = None
    ) -> Page[HistoryEntry]:
        return await producer_history_page(editor, producer_id, parse_page(limit, cursor))
