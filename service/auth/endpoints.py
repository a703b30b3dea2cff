"""``POST /api/v1/auth/login``, ``POST /api/v1/auth/logout``, ``GET /api/v1/me`` and
``POST /api/v1/me/password``."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import JSONBody

from content.accounts.login import login, logout
from content.accounts.passwords import MAX_PASSWORD_LENGTH
from content.accounts.principal import Principal
from content.accounts.users import MAX_EMAIL_LENGTH
from content.core.clock import rfc3339
from content.core.errors import RateLimited, Unauthenticated
from content.editing.accounts import change_own_password
from service.auth.guards import BEARER_SECURITY, bearer_token, signed_in
from service.deps import ClockDep, DatabaseDep, EditorDep, PrincipalDep, SettingsDep
from service.problems import problem_responses

__all__ = [
    "Credentials",
    "PasswordChange",
    "SignInAnswer",
    "auth_handlers",
    "change_my_password",
    "me",
    "sign_in",
    "sign_out",
]


class Credentials(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_EMAIL_LENGTH)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


class PasswordChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The account's current password, and the new one (at least 10 characters)."""

    current_password: Annotated[str, msgspec.Meta(max_length=MAX_PASSWORD_LENGTH)]
    new_password: Annotated[str, msgspec.Meta(max_length=MAX_PASSWORD_LENGTH)]


class SignInAnswer(msgspec.Struct, frozen=True):
    """``token`` goes in ``Authorization: Bearer <token>`` until ``expires_at`` (RFC 3339, UTC)."""

    token: str
    expires_at: str
    user: Principal


@post(
    "/api/v1/auth/login",
    status_code=200,
    tags=["auth"],
    cache_control=CacheControlHeader(no_store=True),
    responses=problem_responses(401, 413, 422, 429),
    summary="Sign in",
)
async def sign_in(
    data: JSONBody[Credentials],
    request: Request[Any, Any, Any],
    db: DatabaseDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> SignInAnswer:
    """Exchange email and password for a bearer token. Wrong credentials get 401; repeated failures
    from one address or for one account get 429 with ``Retry-After``."""
    # Behind a proxy named in ODYSSEE_TRUSTED_PROXIES, service.edge put the forwarded address here.
    address = request.client.host if request.client else "unknown"
    try:
        signed = await login(
            db,
            email=data.email,
            password=data.password,
            address=address,
            now=clock(),
            ttl_s=settings.token_ttl_s,
        )
    except Unauthenticated:
        request.app.state.metrics.login_failures.inc()
        raise
    except RateLimited as exc:
        request.app.state.metrics.login_throttled.labels(exc.scope).inc()
        raise
    return SignInAnswer(token=signed.token, expires_at=rfc3339(signed.expires_at), user=signed.user)


@post(
    "/api/v1/auth/logout",
    status_code=204,
    tags=["auth"],
    guards=[signed_in],
    security=BEARER_SECURITY,
    responses=problem_responses(401),
    summary="Sign out",
)
async def sign_out(request: Request[Any, Any, Any], db: DatabaseDep, clock: ClockDep) -> None:
    """Revoke the token this request was sent with."""
    await logout(db, bearer_token(request), now=clock())


@get(
    "/api/v1/me",
    tags=["auth"],
    guards=[signed_in],
    security=BEARER_SECURITY,
    cache_control=CacheControlHeader(private=True, no_cache=True),
    responses=problem_responses(401),
    summary="The current user",
)
async def me(principal: PrincipalDep) -> Principal:
    return principal


@post(
    "/api/v1/me/password",
    status_code=200,
    tags=["auth"],
    guards=[signed_in],
    security=BEARER_SECURITY,
    cache_control=CacheControlHeader(no_store=True),
    responses=problem_responses(401, 409, 413, 422, 429),
    summary="Change my password",
)
async def change_my_password(
    data: JSONBody[PasswordChange],
    request: Request[Any, Any, Any],
    editor: EditorDep,
    settings: SettingsDep,
) -> SignInAnswer:
    """Any signed-in account (admin, staff or producer) changes its own password. A wrong
    `current_password` gets 422 naming it and counts as a failed sign-in (429 with `Retry-After` after
    repeated failures); a `new_password` shorter than 10 characters, or equal to the current one, gets
    422 naming it. On success every token of the account is revoked, this one included, and the answer
    carries a fresh token, as a sign-in does."""
    address = request.client.host if request.client else "unknown"
    try:
        signed = await change_own_password(
            editor,
            current_password=data.current_password,
            new_password=data.new_password,
            address=address,
            ttl_s=settings.token_ttl_s,
        )
    except RateLimited as exc:
        request.app.state.metrics.login_throttled.labels(exc.scope).inc()
        raise
    return SignInAnswer(token=signed.token, expires_at=rfc3339(signed.expires_at), user=signed.user)


auth_handlers = [sign_in, sign_out, me, change_my_password]
