"""Import conflicts: fields edited here that the source (Tourinsoft, Apidae…) changed too. Each shows
both values; staff keep theirs or take the source's."""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery

from content.core.errors import InvalidInput, PreconditionFailed
from service.backoffice import domain
from service.backoffice._render import gettext_for, redirect, render
from service.backoffice.deps import UserDep
from service.backoffice.pages._forms import read_form, text
from service.deps import ClockDep, DatabaseDep, EventsDep

__all__ = ["import_pages"]

AnyRequest = Request[Any, Any, Any]
_encode = msgspec.json.Encoder(order="sorted").encode


def _n(text: str) -> str:
    """Marks a message for extraction; translated where it is shown."""
    return text


FIELDS = {
    "category": _n("Category"),
    "name": _n("Name"),
    "description": _n("Description"),
    "address": _n("Address"),
    "commune": _n("Commune"),
    "opening_hours": _n("Opening hours"),
    "contact": _n("Contact details"),
    "accessibility": _n("Accessibility"),
    "images": _n("Pictures"),
    "geometry": _n("Position on the map"),
}


def shown(value: Any) -> str:
    """A field value as people read it: language maps as "fr: …", the rest as compact JSON."""
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return "\n".join(f"{lang}: {text}" for lang, text in sorted(value.items())) or "—"
    if value is None or value == "":
        return "—"
    return value if isinstance(value, str) else _encode(value).decode()


async def _page(
    request: AnyRequest, user: Any, db: Any, *, notice: str | None, status_code: int = 200
) -> Response[Any]:
    items = await domain.import_conflicts(db, user)
    _ = gettext_for(request)
    labels = {field: _(label) for field, label in FIELDS.items()}
    context = {"items": items, "shown": shown, "notice": notice, "labels": labels}
    return render(request, "import_conflicts.html", context, principal=user, status_code=status_code)


@get("/imports/conflicts", include_in_schema=False)
async def conflicts_page(
    request: AnyRequest, user: UserDep, db: DatabaseDep, done: FromQuery[str] = ""
) -> Response[Any]:
    _ = gettext_for(request)
    notices = {"local": _("Your version is kept."), "source": _("The source's value was taken.")}
    return await _page(request, user, db, notice=notices.get(done))


@post("/imports/conflicts/{poi_id:str}/{field:str}", include_in_schema=False, status_code=200)
async def conflict_resolve(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    events: EventsDep,
    clock: ClockDep,
    poi_id: FromPath[str],
    field: FromPath[str],
) -> Response[Any]:
    _ = gettext_for(request)
    form = await read_form(request)
    choice = text(form, "take")
    revision = text(form, "revision")
    take: Literal["local", "source"] = "source" if choice == "source" else "local"
    if choice not in ("local", "source") or not revision.isdigit():
        return await _page(request, user, db, notice=_("Choose which value to keep."), status_code=422)
    try:
        await domain.resolve_import_conflict(
            events,
            db,
            user,
            poi_id,
            field,
            take,
            revision=int(revision),
            now=clock(),
        )
    except PreconditionFailed:
        notice = _("This point of interest changed since the page was shown; check the values again.")
        return await _page(request, user, db, notice=notice, status_code=412)
    except InvalidInput:
        return await _page(request, user, db, notice=_("This conflict is already closed."), status_code=422)
    return redirect(f"/backoffice/imports/conflicts?done={take}")


import_pages = [conflicts_page, conflict_resolve]
