"""Signing in and out, the account page (one's own password), and the language switch."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery

from content.core.errors import Conflict, InvalidInput, RateLimited, Unauthenticated
from service.backoffice import domain
from service.backoffice._i18n import LANGS
from service.backoffice._render import gettext_for, redirect, render
from service.backoffice._session import (
    LANG_COOKIE,
    SESSION_PATH,
    clear_session,
    is_https,
    session_cookie,
    session_principal,
    session_token,
)
from service.backoffice.deps import UserDep
from service.backoffice.pages._forms import read_form, text
from service.deps import ClockDep, DatabaseDep, SettingsDep

__all__ = ["auth_pages"]

AnyRequest = Request[Any, Any, Any]


def _safe_next(value: str | None) -> str:
    # Only paths inside the back-office: never an open redirect.
    if value and (value == "/backoffice" or value.startswith("/backoffice/")) and "//" not in value:
        return value
    return "/backoffice/"


@get("/login", include_in_schema=False)
async def login_form(request: AnyRequest, next: FromQuery[str | None] = None) -> Response[Any]:
    if await session_principal(request) is not None:
        return redirect(_safe_next(next))
    return render(request, "login.html", {"next": _safe_next(next), "email": ""})


@post("/login", include_in_schema=False, status_code=200)
async def login_submit(
    request: AnyRequest, db: DatabaseDep, settings: SettingsDep, clock: ClockDep
) -> Response[Any]:
    form = await read_form(request)
    email, password, target = text(form, "email"), (form.get("password") or [""])[0], text(form, "next")
    _ = gettext_for(request)
    address = request.client.host if request.client else "unknown"
    try:
        if not email or not password:
            raise Unauthenticated("empty")
        signed = await domain.sign_in(
            db, email=email, password=password, address=address, now=clock(), ttl_s=settings.token_ttl_s
        )
    except Unauthenticated:
        context = {
            "next": _safe_next(target),
            "email": email,
            "error": _("Wrong e-mail address or password."),
        }
        return render(request, "login.html", context, status_code=401)
    except RateLimited as exc:
        minutes = max(1, (exc.retry_after_s + 59) // 60)
        error = _("Too many failed attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes}
        response = render(
            request,
            "login.html",
            {"next": _safe_next(target), "email": email, "error": error},
            status_code=429,
        )
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    response = redirect(_safe_next(target))
    response.set_cookie(session_cookie(request, signed.token, settings.token_ttl_s))
    return response


async def _sign_out(request: AnyRequest, db: DatabaseDep, clock: ClockDep) -> Response[Any]:
    token = session_token(request)
    if token:
        await domain.sign_out(db, token, now=clock())
    response = redirect("/backoffice/login")
    clear_session(response)
    return response


@post("/logout", include_in_schema=False, status_code=303)
async def logout_submit(request: AnyRequest, db: DatabaseDep, clock: ClockDep) -> Response[Any]:
    return await _sign_out(request, db, clock)


@get("/logout", include_in_schema=False)
async def logout_link(request: AnyRequest, db: DatabaseDep, clock: ClockDep) -> Response[Any]:
    """Following the link signs out too: the worst a forged link can do is sign someone out."""
    return await _sign_out(request, db, clock)


@get("/account", include_in_schema=False)
async def account_page(request: AnyRequest, user: UserDep, done: FromQuery[str] = "") -> Response[Any]:
    _ = gettext_for(request)
    notice = _("Your password was changed. Your other sessions were signed out.") if done else None
    return render(request, "account.html", {"notice": notice, "errors": {}}, principal=user)


@post("/account/password", include_in_schema=False, status_code=200)
async def password_submit(
    request: AnyRequest, user: UserDep, db: DatabaseDep, settings: SettingsDep, clock: ClockDep
) -> Response[Any]:
    """The account's own password: the current one, the new one twice. A mistake re-shows the form with
    the message beside its field; success swaps the session for the fresh token (every other session
    of the account ends, as on any password change)."""
    form = await read_form(request)
    current = (form.get("current_password") or [""])[0]
    new, again = (form.get("new_password") or [""])[0], (form.get("new_password_again") or [""])[0]
    _ = gettext_for(request)
    errors: dict[str, str] = {}
    status = 422
    retry_after: int | None = None
    if new != again:
        errors["new_password_again"] = _("The two new passwords differ.")
    else:
        address = request.client.host if request.client else "unknown"
        try:
            signed = await domain.change_password(
                db,
                user,
                current_password=current,
                new_password=new,
                address=address,
                now=clock(),
                ttl_s=settings.token_ttl_s,
            )
        except InvalidInput as exc:
            messages = {
                "current_password": _("This is not your current password."),
                "new_password": _("At least 10 characters, and not the current password."),
            }
            errors = {e.field: messages.get(e.field, e.message) for e in exc.errors}
        except RateLimited as exc:
            minutes = max(1, (exc.retry_after_s + 59) // 60)
            error = _("Too many failed attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes}
            errors, status, retry_after = {"current_password": error}, 429, exc.retry_after_s
        except Conflict:
            errors, status = {"current_password": _("Your account changed meanwhile. Sign in again.")}, 409
        else:
            done = redirect("/backoffice/account?done=1")
            done.set_cookie(session_cookie(request, signed.token, settings.token_ttl_s))
            return done
    page = render(request, "account.html", {"errors": errors}, principal=user, status_code=status)
    if retry_after is not None:
        page.headers["Retry-After"] = str(retry_after)
    return page


@post("/language", include_in_schema=False, status_code=303)
async def choose_language(request: AnyRequest) -> Response[Any]:
    form = await read_form(request)
    lang = text(form, "lang")
    response = redirect(_safe_next(text(form, "next")))
    if lang in LANGS:
        response.set_cookie(
            Cookie(
                key=LANG_COOKIE,
                value=lang,
                path=SESSION_PATH,
                max_age=365 * 86400,
                httponly=True,
                samesite="lax",
                secure=is_https(request),
            )
        )
    return response


auth_pages = [
    login_form,
    login_submit,
    logout_submit,
    logout_link,
    account_page,
    password_submit,
    choose_language,
]
