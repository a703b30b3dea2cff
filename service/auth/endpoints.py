"""``POST /api/v1/auth/login``, ``POST /api/v1/auth/logout`` and ``GET /api/v1/me``."""

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
from service.auth.guards import BEARER_SECURITY, bearer_token, signed_in
from service.deps import ClockDep, DatabaseDep, PrincipalDep, SettingsDep
from service.problems import problem_responses

__all__ = ["Credentials", "SignInAnswer", "auth_handlers", "me", "sign_in", "sign_out"]


class Credentials(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_EMAIL_LENGTH)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


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


auth_handlers = [sign_in, sign_out, me]
