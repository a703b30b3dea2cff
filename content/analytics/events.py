"""What phones send (a batch of events collected offline) and how each event becomes a counter or a drop.

Only the batch's envelope can make the request fail (a 4xx problem); a bad event is dropped with a reason
and the rest of the batch is kept, so that one phone's odd event never costs the others' figures.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

import msgspec

from content.analytics.counters import CounterKey, Kind

__all__ = [
    "EVENT_TYPES",
    "MAX_COUNT",
    "MAX_DAYS_OLD",
    "MAX_EVENTS",
    "Batch",
    "BatchAnswer",
    "CheckedEvent",
    "Drop",
    "DropReason",
    "check_event",
    "referenced_ids",
]

MAX_EVENTS = 500
MAX_DAYS_OLD = 60
# One event may stand for several occurrences on one day (a phone aggregates while offline).
MAX_COUNT = 100
MAX_LISTENED_S = 4 * 3600

DropReason = Literal[
    "unknown_type", "invalid", "unknown_id", "future_day", "too_old", "out_of_range", "over_budget"
]

Scalar = str | int | float | bool | None
_APP = r"^[a-z0-9][a-z0-9._-]{0,63}$"
_VERSION = r"^[0-9]{1,4}(\.[0-9]{1,4}){0,3}$"
_LANG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,2}$"


class Batch(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``POST /api/v1/analytics/batches``. Events are checked one by one (see :func:`check_event`)."""

    app: Annotated[str, msgspec.Meta(pattern=_APP, description="the app's slug")]
    app_version: Annotated[str, msgspec.Meta(pattern=_VERSION, examples=["2.4.0"])]
    platform: Literal["android", "ios", "web"]
    lang: Annotated[str, msgspec.Meta(pattern=_LANG, description="the app's language tag")]
    # Event values are scalars: nothing nests, so no body can be deep (see service.bodies).
    events: Annotated[list[dict[str, Scalar]], msgspec.Meta(max_length=MAX_EVENTS)]


class Drop(msgspec.Struct, frozen=True):
    index: int
    reason: DropReason


class BatchAnswer(msgspec.Struct, frozen=True):
    accepted: int
    dropped: list[Drop]


# Field rules per event type: the kind of object counted, the field naming it, and the fields it needs.
_TYPES: dict[str, tuple[Kind, str, tuple[str, ...]]] = {
    "route_started": ("route", "route_id", ()),
    "route_completed": ("route", "route_id", ()),
    "stop_reached": ("route", "route_id", ("stop_id", "trigger")),
    "narration_played": ("route", "route_id", ("stop_id", "listened_s", "completion")),
    "pack_installed": ("pack", "pack_id", ("version",)),
    "pack_updated": ("pack", "pack_id", ("version",)),
    "rating": ("route", "route_id", ("stars",)),
    "producer_viewed": ("producer", "producer_id", ()),
    "producer_contacted": ("producer", "producer_id", ()),
    "poi_viewed": ("poi", "poi_id", ()),
}
EVENT_TYPES: tuple[str, ...] = tuple(_TYPES)
_TRIGGERS = frozenset({"gps", "qr", "manual"})
_COMPLETIONS = frozenset({"finished", "interrupted", "skipped"})
_MAX_ID = 80


class CheckedEvent(msgspec.Struct, frozen=True):
    """An event that passed every check but the id lookup and the budget."""

    key: CounterKey
    count: int
    value: int


def _text(event: dict[str, Any], name: str) -> str | None:
    value = event.get(name)
    return value if isinstance(value, str) and 0 < len(value) <= _MAX_ID else None


def _whole(event: dict[str, Any], name: str) -> int | None:
    value = event.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check_event(event: dict[str, Any], batch: Batch, today: date) -> CheckedEvent | DropReason:
    """The counter an event adds to, or why it is dropped. Ids are looked up afterwards, per batch."""
    type_ = event.get("type")
    kind_rule = _TYPES.get(type_) if isinstance(type_, str) else None
    if kind_rule is None:
        return "unknown_type"
    kind, id_field, needs = kind_rule
    object_id, count, day_text = _text(event, id_field), _whole(event, "count"), event.get("day", "")
    if object_id is None or count is None or not isinstance(day_text, str) or len(day_text) != 10:
        return "invalid"
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        return "invalid"
    if day > today:
        return "future_day"
    if day < today - timedelta(days=MAX_DAYS_OLD):
        return "too_old"
    if not 1 <= count <= MAX_COUNT:
        return "out_of_range"
    stop_id, detail, value = "", "", 0
    if "stop_id" in needs:
        stop_id = _text(event, "stop_id") or ""
        if not stop_id:
            return "invalid"
    if "trigger" in needs:
        trigger = event.get("trigger")
        if not isinstance(trigger, str):
            return "invalid"
        if trigger not in _TRIGGERS:
            return "out_of_range"
        detail = trigger
    elif "completion" in needs:
        completion, listened_s = event.get("completion"), _whole(event, "listened_s")
        if not isinstance(completion, str) or listened_s is None:
            return "invalid"
        if completion not in _COMPLETIONS or not 0 <= listened_s <= MAX_LISTENED_S:
            return "out_of_range"
        detail, value = completion, listened_s * count
    elif "version" in needs:
        version = _whole(event, "version")
        if version is None:
            return "invalid"
        if not 1 <= version <= 1_000_000:
            return "out_of_range"
        detail = str(version)
    elif "stars" in needs:
        stars = _whole(event, "stars")
        if stars is None:
            return "invalid"
        if not 1 <= stars <= 5:
            return "out_of_range"
        detail, value = str(stars), stars * count
    key = CounterKey(
        day=day_text,
        type=str(type_),
        kind=kind,
        object_id=object_id,
        stop_id=stop_id,
        detail=detail,
        lang=batch.lang.split("-")[0].lower(),
        platform=batch.platform,
        app_version=batch.app_version,
    )
    return CheckedEvent(key=key, count=count, value=value)


def referenced_ids(events: list[CheckedEvent]) -> dict[Kind, set[str]]:
    """The distinct ids a batch names, per kind; stops are named ``route_id/stop_id``."""
    found: dict[Kind, set[str]] = {"route": set(), "poi": set(), "producer": set(), "pack": set()}
    for event in events:
        found[event.key.kind].add(event.key.object_id)
    return found
