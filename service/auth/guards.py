"""Bearer-token authentication and role guards for the editing API.

A handler opts in with a guard (checked before its body is even read) and/or by declaring a
``principal: Principal`` parameter; both share one token lookup per request. Every failure is 401
problem+json with ``WWW-Authenticate: Bearer``: no token, a malformed header, an unknown, expired or
revoked token, or a disabled account all look the same from outside.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from content.accounts.principal import Principal, Role
from content.accounts.tokens import authenticate
from content.core.clock import Clock
from content.core.db import Database
from content.core.errors import Forbidden, Unauthenticated

__all__ = [
    "BEARER_SECURITY",
    "admin_only",
    "bearer_token",
    "current_principal",
    "editors_only",
    "provide_principal",
    "requires_role",
    "signed_in",
]

BEARER_SECURITY: list[dict[str, list[str]]] = [{"bearer": []}]
"""``security=`` for authenticated handlers, naming the scheme declared in the OpenAPI config."""

_STATE_KEY = "odyssee.principal"


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The token of ``Authorization: Bearer <token>``; ``Unauthenticated`` if there is none."""
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("sign in and send Authorization: Bearer <token>")
    return token


async def current_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """Who sent this request; looked up once and remembered for the rest of the request."""
    cached = connection.scope.get("state", {}).get(_STATE_KEY)
    if isinstance(cached, Principal):
        return cached
    token = bearer_token(connection)
    db: Database = connection.app.state.db
    clock: Clock = connection.app.state.clock
    async with db.read() as conn:
        principal = await authenticate(conn, token, now=clock())
    if principal is None:
        raise Unauthenticated(
            "the token is not valid: unknown, expired or revoked, or the account is disabled"
        )
    connection.scope.setdefault("state", {})[_STATE_KEY] = principal
    return principal


async def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: any live account."""
    await current_principal(connection)


def requires_role(*roles: Role) -> Guard:
    """Guard: a live account with one of ``roles`` (401 without one, 403 with another role)."""
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = await current_principal(connection)
        if principal.role not in allowed:
            raise Forbidden(f"this needs the role {' or '.join(sorted(allowed))}")

    guard.__name__ = f"requires_role_{'_'.join(sorted(allowed))}"
    return guard


admin_only = requires_role("admin")
editors_only = requires_role("admin", "staff")


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The ``principal`` dependency."""
    return await current_principal(request)
