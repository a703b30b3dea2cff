"""The back-office session: a cookie holding the same opaque token the API issues, so logout, a
password change and a disabled account end it exactly as they end a bearer token; and CSRF tokens.

Signed in, a form's CSRF token is an HMAC of the session token (nothing to store, and it changes with
the session); before sign-in, the login form uses a random double-submit cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie

from content.accounts.principal import Principal
from content.accounts.tokens import authenticate
from content.core.clock import Clock
from content.core.db import Database

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "LANG_COOKIE",
    "SESSION_COOKIE",
    "SESSION_PATH",
    "accepted_csrf_tokens",
    "cached_principal",
    "clear_session",
    "csrf_matches",
    "csrf_token",
    "is_https",
    "pre_session_cookie",
    "session_cookie",
    "session_principal",
    "session_token",
]

SESSION_COOKIE = "odyssee_session"
CSRF_COOKIE = "odyssee_csrf"
LANG_COOKIE = "odyssee_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_PATH = "/backoffice"
_STATE_KEY = "odyssee.backoffice.principal"

AnyRequest = Request[Any, Any, Any]


def is_https(request: AnyRequest) -> bool:
    # Behind a trusted reverse proxy, uvicorn's proxy headers set the scheme the browser used.
    return request.url.scheme == "https"


def session_token(request: AnyRequest) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


async def session_principal(request: AnyRequest) -> Principal | None:
    """Who is signed in, or None (no cookie, or an unknown, expired or revoked token, or a disabled
    account); looked up once per request."""
    state = request.scope.setdefault("state", {})
    if _STATE_KEY in state:
        cached: Principal | None = state[_STATE_KEY]
        return cached
    token = session_token(request)
    principal = None
    if token:
        db: Database = request.app.state.db
        clock: Clock = request.app.state.clock
        async with db.read() as conn:
            principal = await authenticate(conn, token, now=clock())
    state[_STATE_KEY] = principal
    return principal


def cached_principal(request: AnyRequest) -> Principal | None:
    """The account :func:`session_principal` found earlier in this request, if any (for sync code)."""
    found = request.scope.get("state", {}).get(_STATE_KEY)
    return found if isinstance(found, Principal) else None


def _hmac(token: str) -> str:
    return hmac.new(token.encode(), b"odyssee-backoffice-csrf", hashlib.sha256).hexdigest()


def csrf_token(request: AnyRequest) -> str:
    """The token to put in this page's forms."""
    token = session_token(request)
    if token:
        return _hmac(token)
    pre = request.cookies.get(CSRF_COOKIE)
    if not pre:
        pre = secrets.token_urlsafe(32)
        request.scope.setdefault("state", {})["odyssee.backoffice.new_csrf"] = pre
    return pre


def pre_session_cookie(request: AnyRequest) -> Cookie | None:
    """The double-submit cookie to set if :func:`csrf_token` had to make one for this response."""
    value = request.scope.get("state", {}).get("odyssee.backoffice.new_csrf")
    if value is None:
        return None
    return Cookie(
        key=CSRF_COOKIE,
        value=value,
        path=SESSION_PATH,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
    )


def accepted_csrf_tokens(request: AnyRequest) -> list[str]:
    accepted = []
    token = session_token(request)
    if token:
        accepted.append(_hmac(token))
    pre = request.cookies.get(CSRF_COOKIE)
    if pre:
        accepted.append(pre)
    return accepted


def csrf_matches(request: AnyRequest, sent: str | None) -> bool:
    if not sent:
        return False
    return any(hmac.compare_digest(sent.encode(), ok.encode()) for ok in accepted_csrf_tokens(request))


def session_cookie(request: AnyRequest, token: str, max_age_s: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        path=SESSION_PATH,
        max_age=max_age_s,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )


def clear_session(response: Response[Any]) -> None:
    response.delete_cookie(SESSION_COOKIE, path=SESSION_PATH)
