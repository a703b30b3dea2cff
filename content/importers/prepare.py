"""From a source object to the POI fields an import would write, or the reason it is skipped (pure)."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

import msgspec

from content.core.errors import InvalidInput
from content.importers.mapping import CategoryMap, resolve_category
from content.importers.model import SourceObject
from content.importers.periods import checked_opening_hours
from content.places.geo import BBox
from content.places.geojson import Point
from content.pois.model import Accessibility, Contact, PoiInput
from content.pois.validate import MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, PoiValues, check_poi
from content.text.languages import check_language

__all__ = ["Prepared", "Skip", "prepare", "source_digest"]

_OPENING_LABEL = {"fr": "Ouverture", "en": "Opening", "de": "Öffnungszeiten", "nl": "Openingstijden"}
_encode = msgspec.json.Encoder(order="sorted").encode


class Skip(Exception):
    """An object that is not imported; ``reason`` is short and shared by every such object."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Prepared:
    """``fields`` are the checked values (editor shapes) without ``images``: pictures come later;
    ``values`` are the same, as :func:`check_poi` returned them (without images)."""

    source: SourceObject
    fields: dict[str, Any]
    digest: str
    hours_as_text: bool
    values: PoiValues | None = None


def source_digest(source: SourceObject) -> str:
    return hashlib.sha256(_encode(source)).hexdigest()[:32]


def _position(source: SourceObject, bbox: BBox | None) -> Point:
    lat, lon = source.lat, source.lon
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        raise Skip("no usable coordinates")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        raise Skip("no usable coordinates", f"{lat}, {lon}")
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
            raise Skip("outside the area")
    return Point(coordinates=[lon, lat])


def _contact(source: SourceObject) -> Contact:
    """The contact details that are valid; a malformed phone or address is left out, not fatal."""
    kept: dict[str, str] = {}
    for name in ("phone", "email", "website"):
        value = getattr(source, name)
        if not value:
            continue
        try:
            msgspec.convert({name: value}, Contact)
        except msgspec.ValidationError:
            continue
        kept[name] = value
    return Contact(**kept)


def _opening(source: SourceObject) -> tuple[str | None, dict[str, str]]:
    """OSM ``opening_hours`` when the source's periods are exact and valid, else the text to keep."""
    text = _known_languages(source.opening_text)
    if source.opening_hours:
        checked = checked_opening_hours(source.opening_hours)
        if checked is not None:
            return checked, text
        text.setdefault("fr", source.opening_hours)
    return None, text


def _description(source: SourceObject, opening_text: dict[str, str]) -> dict[str, str]:
    description = _known_languages(source.description)
    for lang, text in opening_text.items():
        colon = " :" if lang == "fr" else ":"  # French puts a space before the colon
        line = f"{_OPENING_LABEL.get(lang, _OPENING_LABEL['en'])}{colon} {text}"
        description[lang] = f"{description[lang]}\n\n{line}" if description.get(lang) else line
    return {lang: _cut(text, MAX_DESCRIPTION_CHARS) for lang, text in description.items()}


def _known_languages(texts: dict[str, str]) -> dict[str, str]:
    """Texts in languages we know, under canonical tags (a source may carry ``zh`` or ``xx``)."""
    kept: dict[str, str] = {}
    for tag, text in texts.items():
        try:
            canonical = check_language(tag)
        except ValueError:
            continue
        if text.strip():
            kept.setdefault(canonical, text)
    return kept


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def prepare(source: SourceObject, table: CategoryMap, bbox: BBox | None) -> Prepared:
    """Check one object; raises :class:`Skip` with the reason it cannot be imported."""
    category = source.category or resolve_category(source.kinds, table)
    if category is None:
        raise Skip("unmapped category", ", ".join(source.kinds[:3]))
    geometry = _position(source, bbox)
    name = {lang: _cut(text, MAX_NAME_CHARS) for lang, text in _known_languages(source.name).items()}
    if not name:
        raise Skip("no name")
    opening_hours, opening_text = _opening(source)
    poi = PoiInput(
        category=category,  # type: ignore[arg-type]  # checked by check_poi
        name=name,
        description=_description(source, opening_text),
        address=source.address and _cut(source.address, 300),
        commune=source.commune and _cut(source.commune, 120),
        opening_hours=opening_hours,
        contact=_contact(source),
        accessibility=Accessibility(wheelchair=source.wheelchair),
        geometry=geometry,
    )
    try:
        values = check_poi(poi)
    except InvalidInput as exc:
        raise Skip("invalid", exc.detail) from None
    fields = values.fields()
    del fields["images"], fields["audio"]
    return Prepared(source, fields, source_digest(source), hours_as_text=bool(opening_text), values=values)
