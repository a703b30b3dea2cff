"""Producer pages, phone first: the offers with one-tap availability, an offer's edit page, the
opening hours with a live preview, and the profile. Staff reach them from the producers list."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery

from content.core.errors import FieldError, InvalidInput, PreconditionFailed, PreconditionRequired
from service.backoffice import domain
from service.backoffice._render import gettext_for, redirect, render
from service.backoffice.deps import UserDep
from service.backoffice.pages._forms import field_errors, read_form, text
from service.backoffice.pages._labels import hours_text, offer_context
from service.backoffice.pages._values import FORM_LANGS, lang_map
from service.deps import ClockDep, DatabaseDep, EventsDep

__all__ = ["producer_pages"]

AnyRequest = Request[Any, Any, Any]
AVAILABILITY_CHOICES = ("available", "limited", "sold_out")
_PARIS = ZoneInfo("Europe/Paris")


@get("/producers", include_in_schema=False)
async def producer_list(request: AnyRequest, user: UserDep, db: DatabaseDep) -> Response[Any]:
    if user.role == "producer" and user.producer_id:
        return redirect(f"/backoffice/producers/{user.producer_id}/offers")
    return render(request, "producers.html", {"items": await domain.producers(db, user)}, principal=user)


async def _offers_page(
    request: AnyRequest,
    user: Any,
    db: Any,
    clock: Any,
    producer_id: FromPath[str],
    *,
    notice: str | None = None,
) -> Response[Any]:
    producer = await domain.producer(db, user, producer_id)
    offers = await domain.offers(db, user, producer_id)
    now = clock()
    context = {
        "producer": producer,
        "offers": offers,
        "now": now,
        "editable": domain.can_edit(user, "producer", producer.office_id, producer.id),
        "notice": notice,
        **offer_context(gettext_for(request)),
    }
    return render(request, "offers.html", context, principal=user)


@get("/producers/{producer_id:str}/offers", include_in_schema=False)
async def offers_page(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    clock: ClockDep,
    producer_id: FromPath[str],
    done: FromQuery[str] = "",
) -> Response[Any]:
    _ = gettext_for(request)
    notice = {"saved": _("Saved."), "availability": _("Availability changed.")}.get(done)
    return await _offers_page(request, user, db, clock, producer_id, notice=notice)


@post(
    "/producers/{producer_id:str}/offers/{offer_id:str}/availability",
    include_in_schema=False,
    status_code=200,
)
async def availability_submit(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    events: EventsDep,
    clock: ClockDep,
    producer_id: FromPath[str],
    offer_id: FromPath[str],
) -> Response[Any]:
    """One tap: the new availability is a fact about now, so it applies over any other edit (it changes
    only that field) — the same fast path as the API's ``PATCH {"availability": …}``."""
    form = await read_form(request)
    availability = text(form, "availability")
    record = await domain.save_offer(
        events,
        db,
        user,
        producer_id,
        offer_id,
        {"availability": availability},
        if_match=None,
        now=clock(),
        require_match=False,
    )
    if "application/json" in request.headers.get("accept", ""):
        return Response({"availability": record.availability}, headers={"Cache-Control": "no-store"})
    return redirect(f"/backoffice/producers/{producer_id}/offers?done=availability#offer-{offer_id}")


def _offer_values(offer: Any) -> dict[str, Any]:
    price = offer.price
    return {
        "product.fr": offer.product.get("fr", ""),
        "product.en": offer.product.get("en", ""),
        "price": f"{price.amount_cents / 100:.2f}".replace(".", ",") if price else "",
        "unit": price.unit if price else "",
        "season_months": list(offer.season_months),
        "valid_until": offer.valid_until.astimezone(_PARIS).date().isoformat(),
    }


@get("/producers/{producer_id:str}/offers/{offer_id:str}", include_in_schema=False)
async def offer_page(
    request: AnyRequest, user: UserDep, db: DatabaseDep, producer_id: FromPath[str], offer_id: FromPath[str]
) -> Response[Any]:
    offer = await domain.offer(db, user, producer_id, offer_id)
    producer = await domain.producer(db, user, producer_id)
    context = {
        "producer": producer,
        "offer": offer,
        "values": _offer_values(offer),
        "errors": [],
        **offer_context(gettext_for(request)),
    }
    return render(request, "offer.html", context, principal=user)


def _offer_fields(form: dict[str, list[str]], offer: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    fields["product"] = lang_map(
        offer.product, {f"product.{k}": text(form, f"product.{k}") for k in FORM_LANGS}, "product"
    )
    price_text, unit = text(form, "price").replace(",", ".").replace("€", "").strip(), text(form, "unit")
    if price_text:
        try:
            cents = round(float(price_text) * 100)
        except ValueError:
            raise InvalidInput.field("price", "not a price") from None
        fields["price"] = {"amount_cents": cents, "currency": "EUR", "unit": unit or "piece"}
    else:
        fields["price"] = None
    fields["season_months"] = sorted({int(m) for m in form.get("season_months", []) if m.isdigit()})
    until = text(form, "valid_until")
    if until:
        try:
            day = datetime.fromisoformat(until).date()
        except ValueError:
            raise InvalidInput.field("valid_until", "not a date") from None
        fields["valid_until"] = datetime.combine(day, time(23, 59), _PARIS).astimezone(UTC).isoformat()
    return fields


@post("/producers/{producer_id:str}/offers/{offer_id:str}", include_in_schema=False, status_code=200)
async def offer_submit(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    events: EventsDep,
    clock: ClockDep,
    producer_id: FromPath[str],
    offer_id: FromPath[str],
) -> Response[Any]:
    form = await read_form(request)
    offer = await domain.offer(db, user, producer_id, offer_id)
    try:
        await domain.save_offer(
            events,
            db,
            user,
            producer_id,
            offer_id,
            _offer_fields(form, offer),
            if_match=text(form, "etag"),
            now=clock(),
        )
    except (InvalidInput, msgspec.ValidationError, PreconditionFailed, PreconditionRequired) as exc:
        _ = gettext_for(request)
        conflict = isinstance(exc, PreconditionFailed | PreconditionRequired)
        errors = [] if conflict else field_errors(exc)
        values = {
            "product.fr": text(form, "product.fr"),
            "product.en": text(form, "product.en"),
            "price": text(form, "price"),
            "unit": text(form, "unit"),
            "season_months": [int(m) for m in form.get("season_months", []) if m.isdigit()],
            "valid_until": text(form, "valid_until"),
        }
        context = {
            "producer": await domain.producer(db, user, producer_id),
            "offer": offer,
            "values": values,
            "errors": errors,
            "conflict": conflict,
            **offer_context(_),
        }
        return render(request, "offer.html", context, principal=user, status_code=409 if conflict else 422)
    return redirect(f"/backoffice/producers/{producer_id}/offers?done=saved#offer-{offer_id}")


async def _producer_form(
    request: AnyRequest,
    user: Any,
    db: Any,
    clock: Any,
    producer_id: FromPath[str],
    template: str,
    *,
    values: dict[str, str] | None = None,
    errors: list[Any] | None = None,
    status_code: int = 200,
    notice: str | None = None,
) -> Response[Any]:
    producer = await domain.producer(db, user, producer_id)
    _ = gettext_for(request)
    values = values or {
        "opening_hours": producer.opening_hours or "",
        "name": producer.name,
        "description.fr": producer.description.get("fr", ""),
        "description.en": producer.description.get("en", ""),
        "address": producer.address or "",
        "commune": producer.commune or "",
        "contact.phone": producer.contact.phone or "",
        "contact.email": producer.contact.email or "",
        "contact.website": producer.contact.website or "",
    }
    preview = hours_text(_, values.get("opening_hours"), producer.geometry.coordinates, clock())
    context = {
        "producer": producer,
        "values": values,
        "errors": errors or [],
        "hours_preview": preview,
        "etag": producer.etag,
        "notice": notice,
    }
    return render(request, template, context, principal=user, status_code=status_code)


@get("/producers/{producer_id:str}/hours", include_in_schema=False)
async def hours_page(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    clock: ClockDep,
    producer_id: FromPath[str],
    done: FromQuery[str] = "",
) -> Response[Any]:
    _ = gettext_for(request)
    notice = _("Saved.") if done else None
    return await _producer_form(request, user, db, clock, producer_id, "hours.html", notice=notice)


@get("/producers/{producer_id:str}/profile", include_in_schema=False)
async def profile_page(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    clock: ClockDep,
    producer_id: FromPath[str],
    done: FromQuery[str] = "",
) -> Response[Any]:
    _ = gettext_for(request)
    notice = _("Saved.") if done else None
    return await _producer_form(request, user, db, clock, producer_id, "profile.html", notice=notice)


async def _save_producer(
    request: AnyRequest,
    user: Any,
    db: Any,
    events: Any,
    clock: Any,
    producer_id: FromPath[str],
    template: str,
    page: str,
) -> Response[Any]:
    form = await read_form(request)
    producer = await domain.producer(db, user, producer_id)
    typed = {key: text(form, key) for key in form if key not in ("csrf_token", "etag")}
    fields: dict[str, Any] = {}
    if "opening_hours" in typed:
        fields["opening_hours"] = typed["opening_hours"] or None
    if "name" in typed:
        fields["name"] = typed["name"]
        fields["description"] = lang_map(producer.description, typed, "description")
        fields["address"] = typed.get("address") or None
        fields["commune"] = typed.get("commune") or None
        fields["contact"] = {
            k: typed[f"contact.{k}"] for k in ("phone", "email", "website") if typed.get(f"contact.{k}")
        }
    try:
        await domain.save_producer(
            events, db, user, producer_id, fields, if_match=text(form, "etag"), now=clock()
        )
    except (InvalidInput, msgspec.ValidationError, PreconditionFailed, PreconditionRequired) as exc:
        _ = gettext_for(request)
        if isinstance(exc, PreconditionFailed | PreconditionRequired):
            message = _(
                "Someone else saved this page meanwhile: check and save again; what you typed is kept."
            )
            errors = [FieldError("", message)]
            status = 409
        else:
            errors, status = field_errors(exc), 422
        return await _producer_form(
            request,
            user,
            db,
            clock,
            producer_id,
            template,
            values={**typed},
            errors=errors,
            status_code=status,
        )
    return redirect(f"/backoffice/producers/{producer_id}/{page}?done=saved")


@post("/producers/{producer_id:str}/hours", include_in_schema=False, status_code=200)
async def hours_submit(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    events: EventsDep,
    clock: ClockDep,
    producer_id: FromPath[str],
) -> Response[Any]:
    return await _save_producer(request, user, db, events, clock, producer_id, "hours.html", "hours")


@post("/producers/{producer_id:str}/profile", include_in_schema=False, status_code=200)
async def profile_submit(
    request: AnyRequest,
    user: UserDep,
    db: DatabaseDep,
    events: EventsDep,
    clock: ClockDep,
    producer_id: FromPath[str],
) -> Response[Any]:
    return await _save_producer(request, user, db, events, clock, producer_id, "profile.html", "profile")


producer_pages = [
    producer_list,
    offers_page,
    availability_submit,
    offer_page,
    offer_submit,
    hours_page,
    profile_page,
    hours_submit,
    profile_submit,
]
