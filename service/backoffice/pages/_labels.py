"""Human labels for the closed vocabularies, through the catalogue; and the opening-hours preview text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from service.backoffice import domain

__all__ = ["category_context", "hours_text", "offer_context", "route_context"]

Gettext = Callable[[str], str]
_PARIS = ZoneInfo("Europe/Paris")


def _n(text: str) -> str:
    """Marks a message for extraction; translated where it is shown."""
    return text


CATEGORIES = {
    "heritage": _n("Heritage"),
    "museum": _n("Museum"),
    "church_abbey": _n("Church or abbey"),
    "castle": _n("Castle"),
    "manor": _n("Manor"),
    "nature": _n("Nature"),
    "forest": _n("Forest"),
    "viewpoint": _n("Viewpoint"),
    "legend_site": _n("Legend site"),
    "farm_shop": _n("Farm shop"),
    "market": _n("Market"),
    "restaurant": _n("Restaurant"),
    "cafe": _n("Café"),
    "lodging": _n("Lodging"),
    "tourist_office": _n("Tourist office"),
    "parking": _n("Parking"),
    "picnic_area": _n("Picnic area"),
    "toilets": _n("Toilets"),
    "other": _n("Other"),
}
THEMES = {
    "legends": _n("Legends"),
    "heritage": _n("Heritage"),
    "nature": _n("Nature"),
    "gastronomy": _n("Gastronomy"),
    "history": _n("History"),
    "family": _n("Family"),
}
MODES = {"walk": _n("On foot"), "bike": _n("By bike"), "car": _n("By car"), "horse": _n("On horseback")}
DIFFICULTIES = {"easy": _n("Easy"), "medium": _n("Medium"), "hard": _n("Hard")}
UNITS = {
    "kg": _n("per kg"),
    "g": _n("per gram"),
    "piece": _n("per piece"),
    "litre": _n("per litre"),
    "bottle": _n("per bottle"),
    "dozen": _n("per dozen"),
    "bunch": _n("per bunch"),
    "jar": _n("per jar"),
    "box": _n("per box"),
}
MONTHS = (
    _n("January"),
    _n("February"),
    _n("March"),
    _n("April"),
    _n("May"),
    _n("June"),
    _n("July"),
    _n("August"),
    _n("September"),
    _n("October"),
    _n("November"),
    _n("December"),
)


def _choices(_: Gettext, labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(key, _(text)) for key, text in labels.items()]


def category_context(_: Gettext) -> dict[str, Any]:
    choices = _choices(_, CATEGORIES)
    return {"category_choices": choices, "category_labels": dict(choices)}


def route_context(_: Gettext) -> dict[str, Any]:
    return {
        "theme_choices": _choices(_, THEMES),
        "mode_choices": _choices(_, MODES),
        "difficulty_choices": _choices(_, DIFFICULTIES),
    }


def offer_context(_: Gettext) -> dict[str, Any]:
    units = _choices(_, UNITS)
    return {"unit_choices": units, "unit_labels": dict(units), "months": [_(m) for m in MONTHS]}


def hours_text(_: Gettext, value: str | None, coordinates: Sequence[float], now: datetime) -> str:
    """ "Open now, closes at 18:00" / "Closed, opens on 12/04 at 09:00" / the parser's complaint."""
    if not value:
        return _("No opening hours given.")
    lon, lat = float(coordinates[0]), float(coordinates[1])
    preview = domain.hours_preview(value, now, lat=lat, lon=lon)
    if not preview.valid:
        return _("Not understood: %(error)s") % {"error": preview.error}
    when = preview.next_change.astimezone(_PARIS) if preview.next_change else None
    if preview.open_now:
        if when is None:
            return _("Open now.")
        return _("Open now, closes on %(day)s at %(time)s.") % {
            "day": when.strftime("%d/%m"),
            "time": when.strftime("%H:%M"),
        }
    if when is None:
        return _("Closed.")
    return _("Closed now, opens on %(day)s at %(time)s.") % {
        "day": when.strftime("%d/%m"),
        "time": when.strftime("%H:%M"),
    }
