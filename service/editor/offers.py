"""The offer editor, under ``/api/v1/editor/producers/{producer_id}/offers``: list, create, read, edit
(the phone fast path: ``PATCH`` with ``{"availability": "sold_out"}`` and ``If-Match``), withdraw.

Every handler translates HTTP into one call of the editing workflow (:mod:`content.editing`);
offers follow their producer for permissions and announce ``ContentChanged(producers=…)``.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from content import editing
from content.editing.aggregates import OFFERS
from content.editing.merge_patch import MERGE_PATCH_DOC
from content.editing.producers import OfferList, editor_offers
from content.producers.model import OfferInput, OfferPatch
from content.producers.rows import OfferRecord
from service.auth.guards import BEARER_SECURITY, signed_in
from service.deps import DatabaseDep, EditorDep
from service.editor.http import EDITOR_CACHE, ETAG_HEADER, AnyRequest, answer, if_match, status_change
from service.editor.producers import READ_RESPONSES, WRITE_RESPONSES
from service.problems import problem_responses

__all__ = ["OfferEditorController"]

_ID = "/{offer_id:str}"


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
        editor: EditorDep,
        producer_id: FromPath[str],
        withdrawn: Annotated[bool, QueryParameter()] = False,
    ) -> OfferList:
        """Expired offers included (to renew them); withdrawn ones with ``withdrawn=true``."""
        assert editor.principal is not None
        async with db.read() as conn:
            return await editor_offers(conn, editor.principal, producer_id, include_withdrawn=withdrawn)

    @post(
        "/",
        status_code=201,
        response_headers=ETAG_HEADER,
        responses=problem_responses(401, 403, 404, 409, 413, 422),
        summary="Add an offer",
    )
    async def create_offer(
        self, request: AnyRequest, data: JSONBody[OfferInput], editor: EditorDep, producer_id: FromPath[str]
    ) -> Response[OfferRecord]:
        """``valid_until`` within the next 120 days."""
        offer = await editing.create(editor, OFFERS, data, parent=producer_id)
        location = f"/api/v1/editor/producers/{producer_id}/offers/{offer.id}"
        return answer(request, OFFERS, offer, location=location)

    @get(_ID, response_headers=ETAG_HEADER, responses=READ_RESPONSES, summary="An offer")
    async def read_offer(
        self, request: AnyRequest, editor: EditorDep, producer_id: FromPath[str], offer_id: FromPath[str]
    ) -> Response[OfferRecord]:
        """With the ETag to send back in ``If-Match`` (not in API.md's table; added for that)."""
        return answer(request, OFFERS, await editing.read(editor, OFFERS, (producer_id, offer_id)))

    @patch(
        _ID,
        response_headers=ETAG_HEADER,
        responses=WRITE_RESPONSES,
        summary="Edit an offer",
        description=f'`{{"availability": "sold_out"}}` is the fast path. Needs `If-Match`. {MERGE_PATCH_DOC}',
    )
    async def change_offer(
        self,
        request: AnyRequest,
        data: JSONBody[OfferPatch],
        editor: EditorDep,
        producer_id: FromPath[str],
        offer_id: FromPath[str],
    ) -> Response[OfferRecord]:
        offer = await editing.update(
            editor, OFFERS, (producer_id, offer_id), data, if_match=if_match(request)
        )
        return answer(request, OFFERS, offer)

    @delete(
        _ID,
        status_code=200,
        response_headers=ETAG_HEADER,
        responses=WRITE_RESPONSES,
        summary="Withdraw an offer",
    )
    async def withdraw_offer(
        self, request: AnyRequest, editor: EditorDep, producer_id: FromPath[str], offer_id: FromPath[str]
    ) -> Response[OfferRecord]:
        """Takes the offer off sale for good (kept for the history); needs ``If-Match``."""
        return await status_change(request, editor, OFFERS, (producer_id, offer_id), "withdrawn")
