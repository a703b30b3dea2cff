"""The rules of producer and offer bodies beyond their types, each error naming its field.

Every ``validate_*`` returns a normalised copy (texts stripped, language tags canonical, months sorted,
``valid_until`` in UTC) or raises one ``InvalidInput`` listing every offending field, so an editor sees
all its mistakes at once and nothing is half-applied.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

import msgspec
from msgspec import UNSET

from content.core.errors import FieldError, InvalidInput
from content.core.hours import validate_opening_hours
from content.producers.model import (
    EMAIL_PATTERN,
    MAX_AMOUNT_CENTS,
    MEDIA_ID_PATTERN,
    PHONE_PATTERN,
    SLUG_PATTERN,
    Contact,
    OfferInput,
    OfferPatch,
    PickupPoint,
    PointGeometry,
    Price,
    ProducerInput,
    ProducerPatch,
)
from content.producers.vocabulary import AVAILABILITIES, CURRENCIES, LABELS, OFFER_CATEGORIES, PRICE_UNITS
from content.text.i18n import validate_lang_map

__all__ = [
    "OFFER_MAX_VALIDITY_DAYS",
    "apply_offer_patch",
    "apply_producer_patch",
    "validate_offer",
    "validate_offer_patch",
    "validate_producer",
    "validate_producer_patch",
]

# A producer renews an offer at least every four months, so nothing from last season lingers.
OFFER_MAX_VALIDITY_DAYS = 120

_SLUG = re.compile(SLUG_PATTERN)
_MEDIA_ID = re.compile(MEDIA_ID_PATTERN)
_PHONE = re.compile(PHONE_PATTERN)
_EMAIL = re.compile(EMAIL_PATTERN)
S = TypeVar("S", bound=msgspec.Struct)
Errors = list[FieldError]


def validate_producer(body: ProducerInput, *, only: Collection[str] | None = None) -> ProducerInput:
    """Check a whole producer profile (or only the fields ``only`` names, those a patch changed).
    Raises ``InvalidInput`` naming every bad field."""
    return _validated(body, _PRODUCER_RULES, {}, only)


def validate_producer_patch(patch: ProducerPatch) -> ProducerPatch:
    """Check the fields a PATCH sets; absent ones are not looked at."""
    return _validated(patch, _PRODUCER_RULES, {})


def apply_producer_patch(current: ProducerInput, patch: ProducerPatch) -> ProducerInput:
    """The profile after a (validated) patch."""
    return msgspec.structs.replace(current, **_set_fields(patch))


def validate_offer(body: OfferInput, *, now: datetime, only: Collection[str] | None = None) -> OfferInput:
    """Check a whole offer (or only the fields ``only`` names); ``valid_until`` must fall in
    (now, now + 120 days]. A patch checks only what it sends, so ``{"availability": "sold_out"}``
    passes even on an expired offer."""
    return _validated(body, _OFFER_RULES, {"now": _aware(now)}, only)


def validate_offer_patch(patch: OfferPatch, *, now: datetime) -> OfferPatch:
    """Check the fields a PATCH sets. ``{"availability": "sold_out"}`` passes even on an expired offer."""
    return _validated(patch, _OFFER_RULES, {"now": _aware(now)})


def apply_offer_patch(current: OfferInput, patch: OfferPatch) -> OfferInput:
    """The offer after a (validated) patch."""
    return msgspec.structs.replace(current, **_set_fields(patch))


def _validated(
    struct: S, rules: Mapping[str, _Rule], context: dict[str, Any], only: Collection[str] | None = None
) -> S:
    errors: Errors = []
    changes: dict[str, Any] = {}
    for name, value in _set_fields(struct).items():
        if only is not None and name not in only:
            continue
        changes[name] = rules[name](value, name, errors, context)
    if errors:
        raise InvalidInput(errors)
    return msgspec.structs.replace(struct, **changes)


def _set_fields(struct: msgspec.Struct) -> dict[str, Any]:
    return {
        name: getattr(struct, name) for name in struct.__struct_fields__ if getattr(struct, name) is not UNSET
    }


# --- field rules: (value, field path, errors, context) -> normalised value -------------------------------

_Rule = Callable[[Any, str, Errors, dict[str, Any]], Any]


def _name(value: str, field: str, errors: Errors, _: dict[str, Any]) -> str:
    text = value.strip()
    if not text:
        errors.append(FieldError(field, "must not be empty"))
    elif _has_control(text):
        errors.append(FieldError(field, "must be on one line"))
    return text


def _optional_text(value: str | None, field: str, errors: Errors, _: dict[str, Any]) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if _has_control(text):
        errors.append(FieldError(field, "must be on one line"))
    return text or None


def _lang_map(*, required: bool, max_length: int) -> _Rule:
    def rule(value: Mapping[str, str], field: str, errors: Errors, _: dict[str, Any]) -> dict[str, str]:
        try:
            result = validate_lang_map(value, field, required=required)
        except InvalidInput as exc:
            errors.extend(exc.errors)
            return dict(value)
        for tag, text in result.items():
            if len(text) > max_length:
                errors.append(FieldError(f"{field}.{tag}", f"at most {max_length} characters"))
        return {tag: text.strip() for tag, text in result.items()}

    return rule


def _geometry(value: PointGeometry, field: str, errors: Errors, _: dict[str, Any]) -> PointGeometry:
    if value.type != "Point":
        errors.append(FieldError(f"{field}.type", "must be a GeoJSON Point"))
    lon, lat = value.coordinates
    if not -180 <= lon <= 180:
        errors.append(FieldError(f"{field}.coordinates[0]", "longitude must be within [-180, 180]"))
    if not -90 <= lat <= 90:
        errors.append(FieldError(f"{field}.coordinates[1]", "latitude must be within [-90, 90]"))
    return value


def _opening_hours(value: str | None, field: str, errors: Errors, _: dict[str, Any]) -> str | None:
    if value is None:
        return None
    try:
        return validate_opening_hours(value, field)
    except InvalidInput as exc:
        errors.extend(exc.errors)
        return value


def _contact(value: Contact, field: str, errors: Errors, _: dict[str, Any]) -> Contact:
    phone = (value.phone or "").strip() or None
    email = (value.email or "").strip() or None
    website = (value.website or "").strip() or None
    if phone is not None and not (_PHONE.match(phone) and 6 <= sum(c.isdigit() for c in phone) <= 15):
        errors.append(FieldError(f"{field}.phone", "not a phone number (digits, spaces, + . - ( ) only)"))
    if email is not None and (len(email) > 254 or not _EMAIL.match(email)):
        errors.append(FieldError(f"{field}.email", "not an email address"))
    if website is not None:
        parts = urlsplit(website)
        if parts.scheme not in ("http", "https") or not parts.hostname or len(website) > 500:
            errors.append(FieldError(f"{field}.website", "must be an http(s) URL"))
    return Contact(phone=phone, email=email, website=website)


def _closed(choices: Sequence[str], what: str) -> _Rule:
    def rule(value: str, field: str, errors: Errors, _: dict[str, Any]) -> str:
        if value not in choices:
            expected = ", ".join(choices)
            errors.append(FieldError(field, f"unknown {what} {value!r}; expected one of {expected}"))
        return value

    return rule


def _labels(value: Sequence[str], field: str, errors: Errors, context: dict[str, Any]) -> list[str]:
    check = _closed(LABELS, "label")
    for index, label in enumerate(value):
        check(label, f"{field}[{index}]", errors, context)
    _no_duplicates(value, field, "label", errors)
    return list(value)


def _images(value: Sequence[str], field: str, errors: Errors, _: dict[str, Any]) -> list[str]:
    if len(value) > 20:
        errors.append(FieldError(field, "at most 20 images"))
    for index, media_id in enumerate(value):
        if not _MEDIA_ID.match(media_id):
            errors.append(FieldError(f"{field}[{index}]", f"not a media id: {media_id!r}"))
    _no_duplicates(value, field, "image", errors)
    return list(value)


def _pickup_points(
    value: Sequence[PickupPoint], field: str, errors: Errors, context: dict[str, Any]
) -> list[PickupPoint]:
    result = []
    for index, point in enumerate(value):
        path = f"{field}[{index}]"
        if not _SLUG.match(point.id):
            errors.append(FieldError(f"{path}.id", "lowercase letters, digits and inner hyphens only"))
        result.append(
            PickupPoint(
                id=point.id,
                name=_lang_map(required=True, max_length=200)(point.name, f"{path}.name", errors, context),
                geometry=_geometry(point.geometry, f"{path}.geometry", errors, context),
                opening_hours=_opening_hours(point.opening_hours, f"{path}.opening_hours", errors, context),
                address=_optional_text(point.address, f"{path}.address", errors, context),
            )
        )
    for index in _duplicate_indexes([point.id for point in value]):
        errors.append(FieldError(f"{field}[{index}].id", f"duplicate pickup point id {value[index].id!r}"))
    return result


def _price(value: Price | None, field: str, errors: Errors, context: dict[str, Any]) -> Price | None:
    if value is None:
        return None
    amount = value.amount_cents
    if type(amount) is not int or not 0 <= amount <= MAX_AMOUNT_CENTS:
        errors.append(FieldError(f"{field}.amount_cents", f"must be an integer from 0 to {MAX_AMOUNT_CENTS}"))
    _closed(CURRENCIES, "currency")(value.currency, f"{field}.currency", errors, context)
    _closed(PRICE_UNITS, "unit")(value.unit, f"{field}.unit", errors, context)
    return value


def _season_months(value: Sequence[int], field: str, errors: Errors, _: dict[str, Any]) -> list[int]:
    for index, month in enumerate(value):
        if type(month) is not int or not 1 <= month <= 12:
            errors.append(FieldError(f"{field}[{index}]", f"month must be from 1 to 12, not {month!r}"))
    _no_duplicates(value, field, "month", errors)
    return sorted(m for m in set(value) if type(m) is int)


def _valid_until(value: datetime, field: str, errors: Errors, context: dict[str, Any]) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        errors.append(FieldError(field, "must be an RFC 3339 date-time with an offset"))
        return value
    now: datetime = context["now"]
    instant = value.astimezone(UTC)
    if instant <= now:
        errors.append(FieldError(field, "must be in the future"))
    elif instant > now + timedelta(days=OFFER_MAX_VALIDITY_DAYS):
        errors.append(FieldError(field, f"must be at most {OFFER_MAX_VALIDITY_DAYS} days ahead"))
    return instant


def _no_duplicates(values: Sequence[object], field: str, what: str, errors: Errors) -> None:
    for index in _duplicate_indexes(values):
        errors.append(FieldError(f"{field}[{index}]", f"duplicate {what} {values[index]!r}"))


def _duplicate_indexes(values: Iterable[object]) -> list[int]:
    seen: set[object] = set()
    repeats = []
    for index, value in enumerate(values):
        if value in seen:
            repeats.append(index)
        seen.add(value)
    return repeats


def _has_control(text: str) -> bool:
    return any(ord(char) < 0x20 or ord(char) == 0x7F for char in text)


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must carry a UTC offset")
    return now.astimezone(UTC)


_PRODUCER_RULES: dict[str, _Rule] = {
    "name": _name,
    "geometry": _geometry,
    "description": _lang_map(required=False, max_length=5000),
    "address": _optional_text,
    "commune": _optional_text,
    "contact": _contact,
    "labels": _labels,
    "opening_hours": _opening_hours,
    "pickup_points": _pickup_points,
    "images": _images,
}

_OFFER_RULES: dict[str, _Rule] = {
    "product": _lang_map(required=True, max_length=200),
    "category": _closed(OFFER_CATEGORIES, "category"),
    "valid_until": _valid_until,
    "price": _price,
    "availability": _closed(AVAILABILITIES, "availability"),
    "season_months": _season_months,
    "images": _images,
}
