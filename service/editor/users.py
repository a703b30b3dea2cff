"""``GET, POST /api/v1/editor/users`` and ``GET, PATCH /api/v1/editor/users/{id}``: accounts, for admins.

Password hashes never leave the store; a user's history is at ``…/users/{id}/history``.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody

from content import editing
from content.accounts.user_changes import NewUser, UserChanges
from content.accounts.users import User, list_users
from content.core.paging import Page
from content.editing.accounts import edit_user, new_user
from content.editing.aggregates import USERS
from content.editing.history import HistoryEntry
from service.auth.guards import BEARER_SECURITY, admin_only
from service.deps import DatabaseDep, EditorDep
from service.editor.http import EDITOR_CACHE, ETAG_HEADER, answer, if_match
from service.params import Cursor, Limit, parse_page
from service.problems import problem_responses

__all__ = ["UsersController"]


class UsersController(Controller):
    path = "/api/v1/editor/users"
    guards = (admin_only,)
    security = BEARER_SECURITY
    tags = ("editor",)

    @get(cache_control=EDITOR_CACHE, responses=problem_responses(400, 401, 403), summary="List accounts")
    async def list(self, db: DatabaseDep, limit: Limit = None, cursor: Cursor = None) -> Page[User]:
        async with db.read() as conn:
            return await list_users(conn, parse_page(limit, cursor))

    @post(
        status_code=201,
        response_headers=ETAG_HEADER,
        responses=problem_responses(401, 403, 409, 413, 422),
        summary="Create an account",
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[NewUser],
        editor: EditorDep,
    ) -> Response[User]:
        """``staff`` needs ``office_id``, ``producer`` needs ``producer_id``. 409 if the email is taken."""
        user = await new_user(editor, data)
        return answer(request, USERS, user, location=f"{self.path}/{user.id}")

    @get(
        "/{user_id:str}",
        response_headers=ETAG_HEADER,
        responses={
            **problem_responses(401, 403, 404),
            304: ResponseSpec(None, description="Not modified: If-None-Match names the current ETag"),
        },
        summary="Read an account",
    )
    async def read(
        self, request: Request[Any, Any, Any], editor: EditorDep, user_id: FromPath[str]
    ) -> Response[User]:
        return answer(request, USERS, await editing.read(editor, USERS, user_id))

    @patch(
        "/{user_id:str}",
        response_headers=ETAG_HEADER,
        responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 428),
        summary="Change an account",
    )
    async def change(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[UserChanges],
        editor: EditorDep,
        user_id: FromPath[str],
    ) -> Response[User]:
        """Needs ``If-Match`` with the account's ETag (428 without, 412 if stale)."""
        user = await edit_user(editor, user_id, data, if_match=if_match(request))
        return answer(request, USERS, user)

    @get(
        "/{user_id:str}/history",
        cache_control=EDITOR_CACHE,
        responses=problem_responses(400, 401, 403, 404),
        summary="An account's history",
    )
    async def read_history(
        self, editor: EditorDep, user_id: FromPath[str], limit: Limit = None, cursor: Cursor = None
    ) -> Page[HistoryEntry]:
        return await editing.read_history(editor, USERS, user_id, parse_page(limit, cursor))
