"""Admin pages: offices and accounts (create, disable, enable, reset a password shown once)."""

from __future__ import annotations

import secrets
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery

from content.core.errors import Conflict, InvalidInput, NotFound
from service.backoffice import domain
from service.backoffice._render import gettext_for, redirect, render
from service.backoffice.deps import UserDep
from service.backoffice.pages._forms import field_errors, read_form, text
from service.deps import ClockDep, DatabaseDep

__all__ = ["admin_pages"]

AnyRequest = Request[Any, Any, Any]


async def _offices_page(
    request: AnyRequest,
    user: Any,
    db: Any,
    *,
    errors: list[Any] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
    notice: str | None = None,
) -> Response[Any]:
    context = {
        "items": await domain.offices(db, user),
        "errors": errors or [],
        "values": values or {},
        "notice": notice,
    }
    return render(request, "offices.html", context, principal=user, status_code=status_code)


@get("/admin/offices", include_in_schema=False)
async def offices_page(
    request: AnyRequest, user: UserDep, db: DatabaseDep, done: FromQuery[str] = ""
) -> Response[Any]:
    _ = gettext_for(request)
    notice = _("Office created.") if done else None
    return await _offices_page(request, user, db, notice=notice)


@post("/admin/offices", include_in_schema=False, status_code=200)
async def office_create(
    request: AnyRequest, user: UserDep, db: DatabaseDep, clock: ClockDep
) -> Response[Any]:
    form = await read_form(request)
    values = {"id": text(form, "id"), "name": text(form, "name")}
    try:
        await domain.add_office(db, user, values["id"], values["name"], now=clock())
    except (InvalidInput, msgspec.ValidationError, Conflict) as exc:
        errors = (
            field_errors(exc)
            if not isinstance(exc, Conflict)
            else field_errors(InvalidInput.field("id", exc.detail))
        )
        return await _offices_page(request, user, db, errors=errors, values=values, status_code=422)
    return redirect("/backoffice/admin/offices?done=created")


async def _users_page(
    request: AnyRequest,
    user: Any,
    db: Any,
    *,
    errors: list[Any] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
    notice: str | None = None,
    new_password: tuple[str, str] | None = None,
) -> Response[Any]:
    context = {
        "items": await domain.users(db, user),
        "offices": await domain.offices(db, user),
        "producers": await domain.producers(db, user),
        "errors": errors or [],
        "values": values or {},
        "notice": notice,
        "new_password": new_password,
    }
    return render(request, "users.html", context, principal=user, status_code=status_code)


@get("/admin/users", include_in_schema=False)
async def users_page(
    request: AnyRequest, user: UserDep, db: DatabaseDep, done: FromQuery[str] = ""
) -> Response[Any]:
    _ = gettext_for(request)
    notice = {
        "disabled": _("Account disabled: it is signed out everywhere."),
        "enabled": _("Account enabled."),
    }.get(done)
    return await _users_page(request, user, db, notice=notice)


def _new_password() -> str:
    return secrets.token_urlsafe(12)


@post("/admin/users", include_in_schema=False, status_code=200)
async def user_create(request: AnyRequest, user: UserDep, db: DatabaseDep, clock: ClockDep) -> Response[Any]:
    form = await read_form(request)
    values = {key: text(form, key) for key in ("email", "role", "office_id", "producer_id")}
    password = _new_password()
    fields = {
        "email": values["email"],
        "password": password,
        "role": values["role"],
        "office_id": values["office_id"] or None if values["role"] == "staff" else None,
        "producer_id": values["producer_id"] or None if values["role"] == "producer" else None,
    }
    try:
        created = await domain.add_user(db, user, fields, now=clock())
    except (InvalidInput, msgspec.ValidationError, Conflict) as exc:
        errors = (
            field_errors(InvalidInput.field("email", exc.detail))
            if isinstance(exc, Conflict)
            else field_errors(exc)
        )
        return await _users_page(request, user, db, errors=errors, values=values, status_code=422)
    return await _users_page(request, user, db, new_password=(created.email, password), status_code=201)


@post("/admin/users/{user_id:str}", include_in_schema=False, status_code=200)
async def user_change(
    request: AnyRequest, user: UserDep, db: DatabaseDep, clock: ClockDep, user_id: FromPath[str]
) -> Response[Any]:
    form = await read_form(request)
    action = text(form, "action")
    if action == "disable":
        await domain.change_account(db, user, user_id, {"disabled": True}, now=clock())
        return redirect("/backoffice/admin/users?done=disabled")
    if action == "enable":
        await domain.change_account(db, user, user_id, {"disabled": False}, now=clock())
        return redirect("/backoffice/admin/users?done=enabled")
    if action == "reset":
        password = _new_password()
        changed = await domain.change_account(db, user, user_id, {"password": password}, now=clock())
        return await _users_page(request, user, db, new_password=(changed.email, password))
    raise NotFound("no such action")


admin_pages = [offices_page, office_create, users_page, user_create, user_change]
