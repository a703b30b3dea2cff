"""The producer editor: profiles, publishing and history (offers: ``service.editor.offers``).

Who may do what is decided by ``content.accounts.permissions`` inside the store functions; every
write needs ``If-Match`` (428 without, 412 stale), runs in one transaction with its history entry and
announces ``ContentChanged(producers=…)`` once committed. ``POST /api/v1/editor/producers`` is an
addition to API.md, which lists no way to create a producer.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter

from content.accounts.permissions import require_edit
from content.history import HistoryPage
from content.model import Status
from content.producers.editor import (
    NewProducer,
    ProducerPage,
    editor_producer,
    editor_producers,
    producer_history,
)
from content.producers.model import ProducerPatch
from content.producers.records import ProducerRecord
from content.producers.store import create_producer, set_producer_status, update_producer
from service.auth.guards import BEARER_SECURITY, signed_in
from service.deps import ClockDep, DatabaseDep, EventsDep, PrincipalDep
from service.editor.http import EDITOR_CACHE, ETAG_HEADER, if_match, with_etag
from service.problems import problem_responses

__all__ = ["READ_RESPONSES", "WRITE_RESPONSES", "ProducerEditorController"]

Limit = Annotated[int, QueryParameter(ge=1, le=500)]
Cursor = Annotated[str | None, QueryParameter(max_length=1024)]
AnyRequest = Request[Any, Any, Any]
READ_RESPONSES = {
    **problem_responses(401, 403, 404),
    304: ResponseSpec(None, description="Not modified: If-None-Match names the current ETag"),
}
WRITE_RESPONSES = problem_responses(401, 403, 404, 410, 412, 413, 422, 428)


class ProducerEditorController(Controller):
    path = "/api/v1/editor/producers"
    guards = (signed_in,)
    security = BEARER_SECURITY
    tags = ("editor",)

    @get(cache_control=EDITOR_CACHE, responses=problem_responses(400, 401, 403), summary="List producers")
    async def list(
        self,
        db: DatabaseDep,
        principal: PrincipalDep,
        status: Annotated[Status | None, QueryParameter()] = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> ProducerPage:
        """Drafts included; a producer account sees only its own producer."""
        async with db.read() as conn:
            return await editor_producers(conn, principal, status=status, limit=limit, cursor=cursor)

    @post(
        status_code=201,
        response_headers=ETAG_HEADER,
        responses=problem_responses(401, 403, 409, 413, 422),
        summary="Create a producer",
    )
    async def create(
        self,
        request: AnyRequest,
        data: JSONBody[NewProducer],
        db: DatabaseDep,
        principal: PrincipalDep,
        clock: ClockDep,
        events: EventsDep,
    ) -> Response[ProducerRecord]:
        """A new producer, as a draft. Not in API.md's table: added so producers can be created."""
        async with events.write(db) as change:
            record = await create_producer(
                change.conn,
                data.profile(),
                actor=principal,
                now=clock(),
                office_id=data.office_id,
                producer_id=data.id,
            )
            change.touch(producers={record.id})
        location = f"{self.path}/{record.id}"
        return with_etag(request, record, record.etag, status_code=201, location=location)

    @get("/{producer_id:str}", response_headers=ETAG_HEADER, responses=READ_RESPONSES, summary="A producer")
    async def read(
        self, request: AnyRequest, db: DatabaseDep, principal: PrincipalDep, producer_id: FromPath[str]
    ) -> Response[ProducerRecord]:
        async with db.read() as conn:
            record = await editor_producer(conn, principal, producer_id)
        return with_etag(request, record, record.etag)

    @patch(
        "/{producer_id:str}",
        response_headers=ETAG_HEADER,
        responses=WRITE_RESPONSES,
        summary="Edit a producer",
    )
    async def change(
        self,
        request: AnyRequest,
        data: JSONBody[ProducerPatch],
        db: DatabaseDep,
        principal: PrincipalDep,
        clock: ClockDep,
        events: EventsDep,
        producer_id: FromPath[str],
    ) -> Response[ProducerRecord]:
        """Partial update; needs ``If-Match``."""
        async with events.write(db) as pending:
            record = await update_producer(
                pending.conn, producer_id, data, if_match=if_match(request), actor=principal, now=clock()
            )
            pending.touch(producers={record.id})
        return with_etag(request, record, record.etag)

    async def _status(
        self,
        request: AnyRequest,
        status: Status,
        producer_id: str,
        db: DatabaseDep,
        principal: PrincipalDep,
        clock: ClockDep,
        events: EventsDep,
    ) -> Response[ProducerRecord]:
        async with events.write(db) as pending:
            record = await set_producer_status(
                pending.conn, producer_id, status, if_match=if_match(request), actor=principal, now=clock()
            )
            pending.touch(producers={record.id})
        return with_etag(request, record, record.etag)

    @post(
        "/{producer_id:str}/publish",
        status_code=200,
        response_headers=ETAG_HEADER,
        responses=WRITE_RESPONSES,
        summary="Publish a producer",
    )
    async def publish(
        self,
        request: AnyRequest,
        db: DatabaseDep,
        principal: PrincipalDep,
        clock: ClockDep,
        events: EventsDep,
        producer_id: FromPath[str],
    ) -> Response[ProducerRecord]:
        """Needs ``If-Match``."""
        return await self._status(request, "published", producer_id, db, principal, clock, events)

    @post(
        "/{producer_id:str}/unpublish",
        status_code=200,
        response_headers=ETAG_HEADER,
        responses=WRITE_RESPONSES,
        summary="Unpublish a producer",
    )
    async def unpublish(
        self,
        request: AnyRequest,
        db: DatabaseDep,
        principal: PrincipalDep,
        clock: ClockDep,
        events: EventsDep,
        producer_id: FromPath[str],
    ) -> Response[ProducerRecord]:
        """Back to draft; needs ``If-Match``."""
        return await self._status(request, "draft", producer_id, db, principal, clock, events)

    @get(
        "/{producer_id:str}/history",
        cache_control=EDITOR_CACHE,
        responses=problem_responses(400, 401, 403, 404),
        summary="A producer's history, its offers' included",
    )
    async def read_history(
        self,
        db: DatabaseDep,
        principal: PrincipalDep,
        producer_id: FromPath[str],
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> HistoryPage:
        async with db.read() as conn:
            record = await editor_producer(conn, principal, producer_id)
            require_edit(principal, "producer", record.office_id, record.id)
            return await producer_history(conn, producer_id, limit, cursor)
