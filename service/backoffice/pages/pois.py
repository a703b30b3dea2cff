"""POI pages: the list (search, filters, map), the new-POI page, and the edit page (languages, map,
hours, media, publish/unpublish/archive, history, and the 412 conflict flow)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery

from content.core.errors import InvalidInput
from service.backoffice import domain
from service.backoffice._render import gettext_for, redirect, render
from service.backoffice.deps import UserDep
from service.backoffice.pages._editing import EditOutcome, apply_edit, notice_for, statuses_of
from service.backoffice.pages._forms import read_form
from service.backoffice.pages._labels import Gettext, category_context, hours_text
from service.backoffice.pages._new_draft import NewDraftForm
from service.backoffice.pages._values import FORM_LANGS, Shape, flat_values
from service.deps import ClockDep, DatabaseDep, EventsDep

__all__ = ["poi_pages"]

AnyRequest = Request[Any, Any, Any]
POI_SHAPE = Shape(
    lang_fields=("name", "description"),
    plain=("category", "address", "commune", "opening_hours"),
    nested=(
        ("accessibility", "wheelchair"),
        ("contact", "phone"),
        ("contact", "email"),
        ("contact", "website"),
    ),
    nested_lang=(("accessibility", "notes"),),
)


@get("/pois", include_in_schema=False)
async def poi_list(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    q: FromQuery[str] = "",
    status: FromQuery[str] = "",
    category: FromQuery[str] = "",
    after: FromQuery[str | None] = None,
) -> Response[Any]:
    if q.strip() or category:
        items, following = await domain.find_pois(
            db, user, text=q, statuses=statuses_of(status), category=category, after_id=after
        )
    else:
        items, following = await domain.pois(db, user, statuses=statuses_of(status), limit=50, after_id=after)
    context = {
        "items": items,
        "next": following,
        "q": q,
        "status": status,
        "category": category,
        "can_create": domain.can_create(user, "poi"),
    }
    return render(request, "pois.html", {**context, **category_context(gettext_for(request))}, principal=user)


def _new_poi_body(values: dict[str, str], _: Gettext) -> dict[str, Any]:
    """The JSON API's create body from the form; a coordinate that is not a number is named."""
    coordinates = []
    for name in ("lon", "lat"):
        try:
            coordinates.append(float(values[name].replace(",", ".")))
        except ValueError:
            raise InvalidInput.field(name, _("Click the map to place the point, or type a number.")) from None
    fields: dict[str, Any] = {
        "name": {lang: values[f"name.{lang}"] for lang in ("fr", "en") if values[f"name.{lang}"]},
        "category": values["category"],
        "geometry": {"type": "Point", "coordinates": coordinates},
    }
    fields.update({name: values[name] for name in ("commune", "address") if values[name]})
    return fields


NEW_POI = NewDraftForm(
    kind="poi",
    path="/backoffice/pois",
    template="poi_new.html",
    fields=("name.fr", "name.en", "category", "commune", "address", "lat", "lon"),
    defaults={},
    choices=category_context,
    body=_new_poi_body,
)


@get("/pois/new", include_in_schema=False)
async def poi_new(request: AnyRequest, user: UserDep, db: DatabaseDep) -> Response[Any]:
    return await NEW_POI.page(request, user, db)


@post("/pois/new", include_in_schema=False, status_code=200)
async def poi_create(
    request: AnyRequest, user: UserDep, db: DatabaseDep, events: EventsDep, clock: ClockDep
) -> Response[Any]:
    return await NEW_POI.submit(request, user, db, events, clock)


async def _page(
    request: AnyRequest,
    user: Any,
    db: Any,
    clock: Any,
    record: Any,
    *,
    values: dict[str, str] | None = None,
    errors: list[Any] | None = None,
    conflict: Any = None,
    status_code: int = 200,
    notice: str | None = None,
) -> Response[Any]:
    editable = domain.can_edit(user, "poi", record.office_id)
    history = (await domain.history(db, user, "poi", record.id)).items if editable else []
    data = msgspec.to_builtins(record)
    context = {
        "record": record,
        "values": values or flat_values(POI_SHAPE, data),
        "etag": domain.poi_etag(record),
        "editable": editable,
        "history": history,
        "errors": errors or [],
        "conflict": conflict,
        "form_langs": FORM_LANGS,
        **category_context(gettext_for(request)),
        "hours_preview": hours_text(
            gettext_for(request), record.opening_hours, record.geometry.coordinates, clock()
        ),
        "notice": notice,
    }
    return render(request, "poi.html", context, principal=user, status_code=status_code)


@get("/pois/{poi_id:str}", include_in_schema=False)
async def poi_page(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    clock: ClockDep,
    poi_id: FromPath[str],
    done: FromQuery[str] = "",
) -> Response[Any]:
    record = await domain.poi_for_editor(db, user, poi_id)
    return await _page(request, user, db, clock, record, notice=notice_for(gettext_for(request), done))


@post("/pois/{poi_id:str}", include_in_schema=False, status_code=200)
async def poi_submit(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    events: EventsDep,
    clock: ClockDep,
    poi_id: FromPath[str],
) -> Response[Any]:
    form = await read_form(request)
    record = await domain.poi_for_editor(db, user, poi_id)
    domain.require_edit(user, "poi", record.office_id)
    outcome: EditOutcome = await apply_edit(
        form,
        shape=POI_SHAPE,
        record=record,
        etag=domain.poi_etag(record),
        history=lambda: domain.history(db, user, "poi", poi_id),
        save=lambda fields, tag: domain.save_poi(events, db, user, poi_id, fields, if_match=tag, now=clock()),
        set_status=lambda status, tag: domain.set_poi_status(
            events, db, user, poi_id, status, if_match=tag, now=clock()
        ),
        etag_of=domain.poi_etag,
    )
    if outcome.done:
        return redirect(f"/backoffice/pois/{poi_id}?done={outcome.done}")
    if outcome.confirm:
        return render(
            request,
            "confirm.html",
            {
                "kind": "poi",
                "record": outcome.record,
                "action": outcome.confirm,
                "etag": domain.poi_etag(outcome.record),
                "title": outcome.record.name.get("fr") or poi_id,
                "back": f"/backoffice/pois/{poi_id}",
            },
            principal=user,
        )
    return await _page(
        request,
        user,
        db,
        clock,
        outcome.record,
        values=outcome.values,
        errors=outcome.errors,
        conflict=outcome.conflict,
        status_code=outcome.status_code,
    )


poi_pages = [poi_list, poi_new, poi_create, poi_page, poi_submit]
