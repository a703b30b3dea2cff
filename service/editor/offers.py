"""The offer editor, under ``/api/v1/editor/producers/{producer_id}/offers``: list, create, read, edit
(the phone fast path: ``PATCH`` with ``{"availability": "sold_out"}`` and ``If-Match``), withdraw.

Permissions follow the producer (``content.accounts.permissions``, kind ``offer``); every write needs
``If-Match``, records history in its transaction and announces ``ContentChanged(producers=…)``.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from content.producers.editor import OfferList, editor_offer, editor_offers
from content.producers.model import OfferInput, OfferPatch
from content.producers.offer_store import create_offer, update_offer, withdraw_offer
from content.producers.records import OfferRecord
from service.auth.guards import BEARER_SECURITY, signed_in
from service.deps import ClockDep, DatabaseDep, EventsDep, PrincipalDep
from service.editor.http import EDITOR_CACHE, ETAG_HEADER, if_match, with_etag
from service.editor.producers import READ_RESPONSES, WRITE_RESPONSES
from service.problems import problem_responses

__all__ = ["OfferEditorController"]

AnyRequest = Request[Any, Any, Any]


class OfferEditorController(Controller):
    path = "/api/v1/editor/producers/{producer_id:str}/offers"
    guards = (signed_in,)
    security = BEARER_SECURITY
    tags = ("editor",)

    @get(
        "/",
        cache_control=EDITOR_CACHE,
        responses=problem_responses(401, 403, 404),
        summary="A producer's offers",
    )
    async def list_offers(
        self,
        db: DatabaseDep,
        principal: PrincipalDep,
        producer_id: FromPath[str],
        withdrawn: Annotated[bool, QueryParameter()] = False,
    ) -> OfferList:
        """Expired offers included (to renew them); withdrawn ones with ``withdrawn=true``."""
        async with db.read() as conn:
            return await editor_offers(conn, principal, producer_id, include_withdrawn=withdrawn)

    @post(
        "/",
        status_code=201,
        response_headers=ETAG_HEADER,
        responses=problem_responses(401, 403, 404, 409, 413, 422),
        summary="Add an offer",
    )
    async def create_offer(
        self,
        request: AnyRequest,
        data: JSONBody[OfferInput],
        db: DatabaseDep,
        principal: PrincipalDep,
        clock: ClockDep,
        events: EventsDep,
        producer_id: FromPath[str],
    ) -> Response[OfferRecord]:
        """``valid_until`` within the next 120 days."""
        async with events.write(db) as pending:
            offer = await create_offer(pending.conn, producer_id, data, actor=principal, now=clock())
            pending.touch(producers={producer_id})
        location = f"/api/v1/editor/producers/{producer_id}/offers/{offer.id}"
        return with_etag(request, offer, offer.etag, status_code=201, location=location)

    @get(
        "/{offer_id:str}",
        response_headers=ETAG_HEADER,
        responses=READ_RESPONSES,
        summary="An offer",
    )
    async def read_offer(
        self,
        request: AnyRequest,
        db: DatabaseDep,
        principal: PrincipalDep,
        producer_id: FromPath[str],
        offer_id: FromPath[str],
    ) -> Response[OfferRecord]:
        """With the ETag to send back in ``If-Match`` (not in API.md's table; added for that)."""
        async with db.read() as conn:
            offer = await editor_offer(conn, principal, producer_id, offer_id)
        return with_etag(request, offer, offer.etag)

    @patch(
        "/{offer_id:str}",
        response_headers=ETAG_HEADER,
        responses=WRITE_RESPONSES,
        summary="Edit an offer",
    )
    async def change_offer(
        self,
        request: AnyRequest,
        data: JSONBody[OfferPatch],
        db: DatabaseDep,
        principal: PrincipalDep,
        clock: ClockDep,
        events: EventsDep,
        producer_id: FromPath[str],
        offer_id: FromPath[str],
    ) -> Response[OfferRecord]:
        """Partial update with ``If-Match``; ``{"availability": "sold_out"}`` is the fast path."""
        async with events.write(db) as pending:
            offer = await update_offer(
                pending.conn,
                producer_id,
                offer_id,
                data,
                if_match=if_match(request),
                actor=principal,
                now=clock(),
            )
            pending.touch(producers={producer_id})
        return with_etag(request, offer, offer.etag)

    @delete(
        "/{offer_id:str}",
        status_code=200,
        response_headers=ETAG_HEADER,
        responses=WRITE_RESPONSES,
        summary="Withdraw an offer",
    )
    async def withdraw_offer(
        self,
        request: AnyRequest,
        db: DatabaseDep,
        principal: PrincipalDep,
        clock: ClockDep,
        events: EventsDep,
        producer_id: FromPath[str],
        offer_id: FromPath[str],
    ) -> Response[OfferRecord]:
        """Takes the offer off sale for good (kept for the history); needs ``If-Match``."""
        async with events.write(db) as pending:
            offer = await withdraw_offer(
                pending.conn, producer_id, offer_id, if_match=if_match(request), actor=principal, now=clock()
            )
            pending.touch(producers={producer_id})
        return with_etag(request, offer, offer.etag)
