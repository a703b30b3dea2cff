"""Route pages: the list, the new-route page (its line drawn on a map), and the edit page (languages,
the line on a map, stops with reordering buttons, publish/unpublish/archive, history, the pack's status
and a rebuild button)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery

from content.core.errors import FieldError, InvalidInput, PreconditionFailed, PreconditionRequired
from service.backoffice import domain
from service.backoffice._render import gettext_for, redirect, render
from service.backoffice.deps import UserDep
from service.backoffice.pages._editing import EditOutcome, apply_edit, fold, notice_for, scan, statuses_of
from service.backoffice.pages._forms import field_errors, read_form, text
from service.backoffice.pages._labels import Gettext, route_context
from service.backoffice.pages._new_draft import NewDraftForm
from service.backoffice.pages._stops import StopRow, stop_rows, stops_from_form
from service.backoffice.pages._values import FORM_LANGS, Shape, flat_values
from service.backoffice.pages.analytics import route_usage
from service.deps import ClockDep, DatabaseDep, EventsDep

__all__ = ["route_pages"]

AnyRequest = Request[Any, Any, Any]
ROUTE_SHAPE = Shape(
    lang_fields=("title", "summary", "description"),
    plain=("theme", "mode", "difficulty", "duration_min"),
    geometry="line",
)


@get("/routes", include_in_schema=False)
async def route_list(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    q: FromQuery[str] = "",
    status: FromQuery[str] = "",
    after: FromQuery[str | None] = None,
) -> Response[Any]:
    needle = fold(q.strip())
    items, following = await scan(
        lambda cursor, limit: domain.routes(
            db, user, statuses=statuses_of(status), limit=limit, after_id=cursor
        ),
        (lambda r: any(needle in fold(text) for text in (*r.title.values(), r.id))) if needle else None,
        after=after,
    )
    context = {
        "items": items,
        "next": following,
        "q": q,
        "status": status,
        "can_create": domain.can_create(user, "route"),
    }
    return render(request, "routes.html", context, principal=user)


def _new_route_body(values: dict[str, str], _: Gettext) -> dict[str, Any]:
    """The JSON API's create body from the form: the line as drawn (``[longitude, latitude]`` pairs)."""
    problems = []
    try:
        line = json.loads(values["line"] or "[]")
    except ValueError:
        line = None
    if not isinstance(line, list) or len(line) < 2:
        problems.append(FieldError("line", _("Draw at least two points on the map.")))
    try:
        duration: Any = int(values["duration_min"])
    except ValueError:
        problems.append(FieldError("duration_min", _("A whole number of minutes.")))
    if problems:
        raise InvalidInput(problems)
    return {
        "title": {lang: values[f"title.{lang}"] for lang in ("fr", "en") if values[f"title.{lang}"]},
        "theme": values["theme"],
        "mode": values["mode"],
        "difficulty": values["difficulty"],
        "duration_min": duration,
        "geometry": {"type": "LineString", "coordinates": line},
    }


NEW_ROUTE = NewDraftForm(
    kind="route",
    path="/backoffice/routes",
    template="route_new.html",
    fields=("title.fr", "title.en", "theme", "mode", "difficulty", "duration_min", "line"),
    defaults={"duration_min": "60", "line": "[]"},
    choices=route_context,
    body=_new_route_body,
)


@get("/routes/new", include_in_schema=False)
async def route_new(request: AnyRequest, user: UserDep, db: DatabaseDep) -> Response[Any]:
    return await NEW_ROUTE.page(request, user, db)


@post("/routes/new", include_in_schema=False, status_code=200)
async def route_create(
    request: AnyRequest, user: UserDep, db: DatabaseDep, events: EventsDep, clock: ClockDep
) -> Response[Any]:
    """A new draft route; its stops are added on its edit page, which opens next."""
    return await NEW_ROUTE.submit(request, user, db, events, clock)


async def _page(
    request: AnyRequest,
    user: Any,
    db: Any,
    record: Any,
    *,
    values: dict[str, str] | None = None,
    stops: list[StopRow] | None = None,
    errors: list[Any] | None = None,
    conflict: Any = None,
    stops_conflict: bool = False,
    status_code: int = 200,
    notice: str | None = None,
) -> Response[Any]:
    editable = domain.can_edit(user, "route", record.office_id)
    context = {
        "record": record,
        "values": values or flat_values(ROUTE_SHAPE, msgspec.to_builtins(record)),
        "stops": stops if stops is not None else stop_rows(record.stops),
        "etag": domain.route_etag(record),
        "editable": editable,
        "history": (await domain.history(db, user, "route", record.id)).items if editable else [],
        "pack": await domain.route_pack(db, record.id),
        "usage": await route_usage(request, user, record.id),
        "errors": errors or [],
        "conflict": conflict,
        "stops_conflict": stops_conflict,
        "form_langs": FORM_LANGS,
        "notice": notice,
        **route_context(gettext_for(request)),
    }
    return render(request, "route.html", context, principal=user, status_code=status_code)


@get("/routes/{route_id:str}", include_in_schema=False)
async def route_page(
    request: AnyRequest, user: UserDep, db: DatabaseDep, route_id: FromPath[str], done: FromQuery[str] = ""
) -> Response[Any]:
    record = await domain.route_for_editor(db, user, route_id)
    return await _page(request, user, db, record, notice=notice_for(gettext_for(request), done))


@post("/routes/{route_id:str}", include_in_schema=False, status_code=200)
async def route_submit(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    events: EventsDep,
    clock: ClockDep,
    route_id: FromPath[str],
) -> Response[Any]:
    form = await read_form(request)
    record = await domain.route_for_editor(db, user, route_id)
    domain.require_edit(user, "route", record.office_id)
    outcome: EditOutcome = await apply_edit(
        form,
        shape=ROUTE_SHAPE,
        record=record,
        etag=domain.route_etag(record),
        history=lambda: domain.history(db, user, "route", route_id),
        save=lambda fields, tag: domain.save_route(
            events, db, user, route_id, fields, if_match=tag, now=clock()
        ),
        set_status=lambda status, tag: domain.set_route_status(
            events, db, user, route_id, status, if_match=tag, now=clock()
        ),
        etag_of=domain.route_etag,
    )
    if outcome.done:
        return redirect(f"/backoffice/routes/{route_id}?done={outcome.done}")
    if outcome.confirm:
        return render(
            request,
            "confirm.html",
            {
                "kind": "route",
                "record": outcome.record,
                "action": outcome.confirm,
                "etag": domain.route_etag(outcome.record),
                "title": outcome.record.title.get("fr") or route_id,
                "back": f"/backoffice/routes/{route_id}",
            },
            principal=user,
        )
    return await _page(
        request,
        user,
        db,
        outcome.record,
        values=outcome.values,
        errors=outcome.errors,
        conflict=outcome.conflict,
        status_code=outcome.status_code,
    )


@post("/routes/{route_id:str}/stops", include_in_schema=False, status_code=200)
async def stops_submit(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    events: EventsDep,
    clock: ClockDep,
    route_id: FromPath[str],
) -> Response[Any]:
    """Edit, move (``move=up:3``), remove (``remove=3``) or add stops, as one ``set_stops``."""
    form = await read_form(request)
    record = await domain.route_for_editor(db, user, route_id)
    domain.require_edit(user, "route", record.office_id)
    rows, stops = stops_from_form(form, record.stops)
    try:
        await domain.save_stops(events, db, user, route_id, stops, if_match=text(form, "etag"), now=clock())
    except (PreconditionFailed, PreconditionRequired):
        return await _page(request, user, db, record, stops=rows, stops_conflict=True, status_code=409)
    except (InvalidInput, msgspec.ValidationError) as exc:
        return await _page(request, user, db, record, stops=rows, errors=field_errors(exc), status_code=422)
    if text(form, "move"):
        # Back to the same button, so a keyboard user can press it again.
        return redirect(f"/backoffice/routes/{route_id}?done=stops#stops")
    return redirect(f"/backoffice/routes/{route_id}?done=stops#stops")


@post("/routes/{route_id:str}/pack", include_in_schema=False, status_code=303)
async def pack_rebuild(
    request: AnyRequest, user: UserDep, db: DatabaseDep, events: EventsDep, route_id: FromPath[str]
) -> Response[Any]:
    record = await domain.route_for_editor(db, user, route_id)
    domain.rebuild_route_pack(events, user, record)
    return redirect(f"/backoffice/routes/{route_id}?done=rebuild#pack")


route_pages = [route_new, route_create, route_list, route_page, route_submit, stops_submit, pack_rebuild]
