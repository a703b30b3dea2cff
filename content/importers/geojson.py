"""GeoJSON source: a FeatureCollection of Point features, in our editor shape or in plain properties.

The category is ours when ``properties.category`` is one of our categories, else it goes through the
mapping table (as do ``properties.type`` and ``properties.kind``). ``name`` may be a ``{lang: text}``
map or a string (in the default language) with ``name:xx`` siblings, as OSM-derived files write it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

import msgspec

from content.core.model import POI_CATEGORIES
from content.importers.errors import NotAFeed
from content.importers.model import Entry, Picture, SourceObject
from content.importers.streaming import Streaming
from content.importers.text import clean_text, lang_texts
from content.importers.values import as_float, as_rfc3339, first_text, id_text, wheelchair

__all__ = ["CATEGORIES", "STREAMING", "geojson_entries", "read_geojson"]

# Our categories map to themselves; a few common words from other systems are added.
CATEGORIES: dict[str, str] = {
    **{name: name for name in POI_CATEGORIES},
    "church": "church_abbey",
    "abbey": "church_abbey",
    "chapel": "church_abbey",
    "viewpoint": "viewpoint",
    "picnic_site": "picnic_area",
}


def _langs(properties: Mapping[str, Any], key: str, default_lang: str, *, multiline: bool) -> dict[str, str]:
    value = properties.get(key)
    texts: dict[str, object] = dict(value) if isinstance(value, dict) else {}
    if isinstance(value, str):
        texts[default_lang] = value
    for name, other in properties.items():
        if name.startswith(f"{key}:") and isinstance(other, str):
            texts.setdefault(name.split(":", 1)[1], other)
    return lang_texts(texts, multiline=multiline)


def _pictures(properties: Mapping[str, Any]) -> list[Picture]:
    candidates: list[object] = []
    for key in ("images", "pictures", "photos"):
        value = properties.get(key)
        if isinstance(value, list):
            candidates.extend(value)
    candidates.append(properties.get("image"))
    pictures = []
    for candidate in candidates:
        url = candidate.get("url") if isinstance(candidate, dict) else candidate
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            credit = candidate.get("credit") if isinstance(candidate, dict) else None
            pictures.append(Picture(url=url, credit=credit if isinstance(credit, str) else None))
    return pictures


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _object(index: int, feature: Mapping[str, Any], default_lang: str) -> SourceObject:
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        properties = {}
    contact = _mapping(properties.get("contact"))
    access = _mapping(properties.get("accessibility"))
    geometry = _mapping(feature.get("geometry"))
    lon = lat = None
    if geometry.get("type") == "Point" and isinstance(geometry.get("coordinates"), list):
        coordinates = geometry["coordinates"]
        if len(coordinates) >= 2:
            lon, lat = as_float(coordinates[0]), as_float(coordinates[1])
    category = properties.get("category")
    kinds = [str(v) for v in (category, properties.get("type"), properties.get("kind")) if isinstance(v, str)]
    return SourceObject(
        external_id=_external_id(feature, properties),
        where=f"features[{index}]",
        kinds=kinds,
        name=_langs(properties, "name", default_lang, multiline=False),
        description=_langs(properties, "description", default_lang, multiline=True),
        lat=lat,
        lon=lon,
        updated_at=as_rfc3339(properties.get("updated_at") or properties.get("updated")),
        address=clean_text(properties.get("address"), 300),
        commune=clean_text(properties.get("commune") or properties.get("city"), 120),
        opening_hours=first_text(properties.get("opening_hours")),
        phone=first_text(contact.get("phone"), properties.get("phone")),
        email=first_text(contact.get("email"), properties.get("email")),
        website=first_text(contact.get("website"), properties.get("website")),
        wheelchair=wheelchair(access.get("wheelchair", properties.get("wheelchair"))),
        pictures=_pictures(properties),
    )


def _external_id(feature: Mapping[str, Any], properties: Mapping[str, Any]) -> str:
    return id_text(feature.get("id", properties.get("id", properties.get("external_id"))))


def geojson_entries(data: bytes, *, default_lang: str = "fr") -> Iterator[Entry]:
    """The features of a FeatureCollection (or a single Feature), read lazily; :class:`NotAFeed`
    otherwise."""
    try:
        document = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise NotAFeed(f"not JSON: {exc}") from None
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = {"type": "FeatureCollection", "features": [document]}
    if not isinstance(document, dict) or not isinstance(document.get("features"), list):
        raise NotAFeed("not a GeoJSON FeatureCollection (no 'features' list)")
    for index, feature in enumerate(document["features"]):
        entry = _entry(index, feature, default_lang)
        if entry is not None:
            yield entry


def _entry(index: int, feature: object, default_lang: str = "fr") -> Entry | None:
    if not isinstance(feature, dict):
        return None
    properties = _mapping(feature.get("properties"))
    updated_at = as_rfc3339(properties.get("updated_at") or properties.get("updated"))
    build = partial(_object, index, feature, default_lang)
    return Entry(_external_id(feature, properties), f"features[{index}]", updated_at, feature, build)


STREAMING = Streaming(arrays=("features",), entry=_entry)


def read_geojson(data: bytes, *, default_lang: str = "fr") -> Iterator[SourceObject]:
    return (entry.build() for entry in geojson_entries(data, default_lang=default_lang))
