"""OpenStreetMap through Overpass JSON: nodes, and ways and relations with ``out center`` or ``geom``.

The external id is ``node/123``, ``way/45``…; the date is the element's ``timestamp`` when the query
asked for ``out meta``, else the content hash decides whether it changed. Kinds are ``key=value`` tags,
the most specific first (``information=office`` before ``tourism=information``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

import msgspec

from content.importers.errors import NotAFeed
from content.importers.model import Entry, Picture, SourceObject
from content.importers.streaming import Streaming
from content.importers.text import clean_text, lang_texts
from content.importers.values import as_float, as_rfc3339, first_text, wheelchair

__all__ = ["CATEGORIES", "STREAMING", "overpass_entries", "read_overpass"]

_KIND_KEYS = (
    "information",
    "historic",
    "tourism",
    "amenity",
    "shop",
    "building",
    "leisure",
    "natural",
    "landuse",
)

CATEGORIES: dict[str, str] = {
    "information=office": "tourist_office",
    "historic=castle": "castle",
    "historic=manor": "manor",
    "historic=church": "church_abbey",
    "historic=monastery": "church_abbey",
    "historic=monument": "heritage",
    "historic=memorial": "heritage",
    "historic=ruins": "heritage",
    "historic=archaeological_site": "heritage",
    "historic=wayside_cross": "heritage",
    "historic=wayside_shrine": "heritage",
    "historic=building": "heritage",
    "tourism=museum": "museum",
    "tourism=viewpoint": "viewpoint",
    "tourism=picnic_site": "picnic_area",
    "tourism=artwork": "heritage",
    "tourism=hotel": "lodging",
    "tourism=guest_house": "lodging",
    "tourism=hostel": "lodging",
    "tourism=chalet": "lodging",
    "tourism=camp_site": "lodging",
    "tourism=apartment": "lodging",
    "amenity=place_of_worship": "church_abbey",
    "amenity=monastery": "church_abbey",
    "amenity=restaurant": "restaurant",
    "amenity=cafe": "cafe",
    "amenity=marketplace": "market",
    "amenity=parking": "parking",
    "amenity=toilets": "toilets",
    "shop=farm": "farm_shop",
    "building=church": "church_abbey",
    "building=chapel": "church_abbey",
    "building=cathedral": "church_abbey",
    "leisure=picnic_table": "picnic_area",
    "leisure=nature_reserve": "nature",
    "leisure=park": "nature",
    "natural=wood": "forest",
    "landuse=forest": "forest",
    "natural=peak": "viewpoint",
    "natural=spring": "nature",
    "natural=wetland": "nature",
}


def _position(element: Mapping[str, Any]) -> tuple[float | None, float | None]:
    if "lat" in element and "lon" in element:
        return as_float(element["lat"]), as_float(element["lon"])
    center = element.get("center")
    if isinstance(center, dict):
        return as_float(center.get("lat")), as_float(center.get("lon"))
    bounds = element.get("bounds")
    if isinstance(bounds, dict):
        values = [as_float(bounds.get(k)) for k in ("minlat", "minlon", "maxlat", "maxlon")]
        if all(v is not None for v in values):
            min_lat, min_lon, max_lat, max_lon = (v for v in values if v is not None)
            return (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
    points = element.get("geometry")
    if isinstance(points, list):
        coordinates = [
            (as_float(p.get("lat")), as_float(p.get("lon"))) for p in points if isinstance(p, dict)
        ]
        usable = [(lat, lon) for lat, lon in coordinates if lat is not None and lon is not None]
        if usable:
            return sum(p[0] for p in usable) / len(usable), sum(p[1] for p in usable) / len(usable)
    return None, None


def _address(tags: Mapping[str, str]) -> str | None:
    street = " ".join(v for v in (tags.get("addr:housenumber"), tags.get("addr:street")) if v)
    place = " ".join(v for v in (tags.get("addr:postcode"), tags.get("addr:city")) if v)
    return clean_text(", ".join(v for v in (street, place) if v), 300)


def _langs(tags: Mapping[str, str], key: str, *, multiline: bool) -> dict[str, str]:
    texts: dict[str, object] = {}
    for name, value in tags.items():
        if name.startswith(f"{key}:"):
            texts[name.split(":", 1)[1]] = value
    if key in tags:
        # Untagged text is in the local language; name:fr wins when both are set.
        texts.setdefault("fr", tags[key])
    return lang_texts(texts, multiline=multiline)


def _object(index: int, element: Mapping[str, Any]) -> SourceObject:
    tags = {k: v for k, v in (element.get("tags") or {}).items() if isinstance(v, str)}
    lat, lon = _position(element)
    kinds = [f"{key}={tags[key]}" for key in _KIND_KEYS if key in tags]
    image = tags.get("image", "")
    return SourceObject(
        external_id=_external_id(element),
        where=f"elements[{index}]",
        kinds=kinds,
        name=_langs(tags, "name", multiline=False),
        description=_langs(tags, "description", multiline=True),
        lat=lat,
        lon=lon,
        updated_at=as_rfc3339(element.get("timestamp")),
        address=_address(tags),
        commune=clean_text(tags.get("addr:city"), 120),
        opening_hours=first_text(tags.get("opening_hours")),
        phone=first_text(tags.get("phone"), tags.get("contact:phone")),
        email=first_text(tags.get("email"), tags.get("contact:email")),
        website=first_text(tags.get("website"), tags.get("contact:website"), tags.get("url")),
        wheelchair=wheelchair(tags.get("wheelchair")),
        pictures=[Picture(url=image)] if image.startswith(("http://", "https://")) else [],
    )


def _external_id(element: Mapping[str, Any]) -> str:
    return f"{element.get('type')}/{element.get('id')}" if element.get("id") is not None else ""


def overpass_entries(data: bytes) -> Iterator[Entry]:
    """The tagged elements of an Overpass answer, read lazily; untagged nodes (way geometry) are not
    objects."""
    try:
        document = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise NotAFeed(f"not JSON: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("elements"), list):
        raise NotAFeed("not an Overpass JSON answer (no 'elements' list)")
    for index, element in enumerate(document["elements"]):
        entry = _entry(index, element)
        if entry is not None:
            yield entry


def _entry(index: int, element: object) -> Entry | None:
    if not (isinstance(element, dict) and element.get("tags")):
        return None
    updated_at = as_rfc3339(element.get("timestamp"))
    where = f"elements[{index}]"
    return Entry(_external_id(element), where, updated_at, element, partial(_object, index, element))


STREAMING = Streaming(arrays=("elements",), entry=_entry)


def read_overpass(data: bytes) -> Iterator[SourceObject]:
    return (entry.build() for entry in overpass_entries(data))
