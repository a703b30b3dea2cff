"""``GET, POST /api/v1/editor/offices``: tourist offices, managed by admins."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody

from content import editing
from content.accounts.offices import NewOffice, Office, list_offices
from content.core.paging import Page
from content.editing.aggregates import OFFICES
from service.auth.guards import BEARER_SECURITY, admin_only
from service.deps import DatabaseDep, EditorDep
from service.editor.http import EDITOR_CACHE, ETAG_HEADER, with_etag
from service.params import Cursor, Limit, parse_page
from service.problems import problem_responses

__all__ = ["OfficesController"]


class OfficesController(Controller):
    path = "/api/v1/editor/offices"
    guards = (admin_only,)
    security = BEARER_SECURITY
    tags = ("editor",)

    @get(cache_control=EDITOR_CACHE, responses=problem_responses(400, 401, 403), summary="List offices")
    async def list(
        self,
        db: DatabaseDep,
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[Office]:
        async with db.read() as conn:
            return await list_offices(conn, parse_page(limit, cursor))

    @post(
        status_code=201,
        response_headers=ETAG_HEADER,
        responses=problem_responses(401, 403, 409, 413, 422),
        summary="Create an office",
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[NewOffice],
        editor: EditorDep,
    ) -> Response[Office]:
        """Body ``{id, name}``; the id is a slug kept for good. 409 if it is taken."""
        office = await editing.create(editor, OFFICES, data)
        return with_etag(request, office, OFFICES.etag(office), status_code=201)
