"""Who may reach a page, CSRF on every form, and domain errors shown as pages rather than JSON."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException

from content.accounts.principal import Principal
from content.core.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    OdysseeError,
    PayloadTooLarge,
    Unauthenticated,
    UnsupportedMedia,
)
from service.backoffice._render import gettext_for, redirect, render
from service.backoffice._session import (
    CSRF_FIELD,
    CSRF_HEADER,
    cached_principal,
    csrf_matches,
    session_principal,
)

__all__ = ["SignInRequired", "check_csrf", "exception_handlers", "provide_user"]

AnyRequest = Request[Any, Any, Any]
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


class SignInRequired(Exception):
    """No live session: the page sends the browser to the sign-in form."""


class CsrfRefused(Exception):
    pass


async def provide_user(request: AnyRequest) -> Principal:
    """The ``user`` dependency of back-office pages: the signed-in account, or a redirect to sign in."""
    principal = await session_principal(request)
    if principal is None:
        raise SignInRequired
    return principal


async def check_csrf(request: AnyRequest) -> None:
    """``before_request`` of the back-office router: every unsafe request carries the page's token,
    in the form (``csrf_token``), in ``X-CSRF-Token`` (scripts), or in the query (file uploads, whose
    body is streamed and not parsed as a form)."""
    await session_principal(request)  # looked up once here, so error pages know who is signed in
    if request.method in _SAFE:
        return
    sent = request.headers.get(CSRF_HEADER) or request.query_params.get(CSRF_FIELD)
    if not sent and request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not csrf_matches(request, sent):
        raise CsrfRefused


def _sign_in(request: AnyRequest, _: Exception) -> Response[Any]:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect(f"/backoffice/login?next={quote(target, safe='')}")


def _error_page(request: AnyRequest, status: int, message: str) -> Response[Any]:
    principal = cached_principal(request)
    return render(
        request, "error.html", {"status": status, "message": message}, principal=principal, status_code=status
    )


def _forbidden(request: AnyRequest, exc: Exception) -> Response[Any]:
    _ = gettext_for(request)
    return _error_page(request, 403, _("You may not do this."))


def _not_found(request: AnyRequest, exc: Exception) -> Response[Any]:
    _ = gettext_for(request)
    return _error_page(request, 404, _("This page does not exist."))


def _csrf(request: AnyRequest, exc: Exception) -> Response[Any]:
    _ = gettext_for(request)
    return _error_page(
        request, 403, _("The form had expired or did not come from this site. Reload the page and try again.")
    )


def _invalid(request: AnyRequest, exc: Exception) -> Response[Any]:
    """Input the domain refused (a bad upload, a value outside its list): the page says why."""
    _ = gettext_for(request)
    detail = exc.detail if isinstance(exc, OdysseeError) else str(exc)
    status = 413 if isinstance(exc, PayloadTooLarge) else 415 if isinstance(exc, UnsupportedMedia) else 422
    return _error_page(request, status, f"{_('The request could not be handled.')} ({detail})")


def _other(request: AnyRequest, exc: Exception) -> Response[Any]:
    _ = gettext_for(request)
    status = exc.status_code if isinstance(exc, HTTPException) else 400
    return _error_page(request, status, _("The request could not be handled."))


exception_handlers: dict[type[Exception] | int, Any] = {
    SignInRequired: _sign_in,
    Unauthenticated: _sign_in,
    Forbidden: _forbidden,
    CsrfRefused: _csrf,
    NotFound: _not_found,
    NotFoundException: _not_found,
    InvalidInput: _invalid,
    msgspec.ValidationError: _invalid,
    OdysseeError: _other,
    HTTPException: _other,
}
