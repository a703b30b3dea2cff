"""Public POI read models (GeoJSON, API.md names) and their rendering from records.

Two variants: one language per field (the usual case), and every translation (``lang=*``), where texts
are ``{lang: text}`` maps and ``audio`` is a ``{lang: media ref}`` map. Separate Structs keep each field's
type exact, which msgspec (and the OpenAPI document built from it) needs: a field cannot be "a media
ref or a map of them" inside one Struct.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import msgspec

from content.core.model import MediaRef
from content.places.geojson import Point, point_of
from content.pois.model import Contact, PoiRecord, Wheelchair
from content.text.localize import FeatureLanguage, Localizer
from content.text.views import images_of, round_m

__all__ = [
    "AccessibilityText",
    "AccessibilityTexts",
    "PoiCollection",
    "PoiCollectionAll",
    "PoiFeature",
    "PoiFeatureAll",
    "PoiProperties",
    "PoiPropertiesAll",
    "poi_media_ids",
    "render_poi",
    "render_pois",
]


class AccessibilityText(msgspec.Struct, frozen=True, omit_defaults=True):
    wheelchair: Wheelchair | None = None
    notes: str | None = None


class AccessibilityTexts(msgspec.Struct, frozen=True, omit_defaults=True):
    wheelchair: Wheelchair | None = None
    notes: dict[str, str] = {}


class PoiProperties(msgspec.Struct, frozen=True, omit_defaults=True):
    """A public POI in one language. ``distance_m`` comes with ``near``; ``lang`` names the language a
    field fell back to, when one did."""

    id: str
    name: str | None
    description: str | None
    category: str
    address: str | None
    commune: str | None
    opening_hours: str | None
    contact: Contact
    accessibility: AccessibilityText
    images: list[MediaRef]
    audio: MediaRef | None
    updated_at: str
    distance_m: float | None = None
    lang: str | None = None


class PoiPropertiesAll(msgspec.Struct, frozen=True, omit_defaults=True):
    """A public POI with every translation (``lang=*``)."""

    id: str
    name: dict[str, str]
    description: dict[str, str]
    category: str
    address: str | None
    commune: str | None
    opening_hours: str | None
    contact: Contact
    accessibility: AccessibilityTexts
    images: list[MediaRef]
    audio: dict[str, MediaRef]
    updated_at: str
    distance_m: float | None = None


class PoiFeature(msgspec.Struct, frozen=True, tag_field="type", tag="Feature"):
    id: str
    geometry: Point
    properties: PoiProperties


class PoiFeatureAll(msgspec.Struct, frozen=True, tag_field="type", tag="Feature"):
    id: str
    geometry: Point
    properties: PoiPropertiesAll


class PoiCollection(msgspec.Struct, frozen=True, tag_field="type", tag="FeatureCollection"):
    """A page of POIs; ``next`` is the cursor of the following page, or null on the last one."""

    features: list[PoiFeature]
    next: str | None


class PoiCollectionAll(msgspec.Struct, frozen=True, tag_field="type", tag="FeatureCollection"):
    features: list[PoiFeatureAll]
    next: str | None


def poi_media_ids(records: Iterable[PoiRecord]) -> set[str]:
    """Every media id the records point at, to resolve them in one query."""
    ids: set[str] = set()
    for record in records:
        ids.update(record.images)
        ids.update(record.audio.values())
    return ids


def _geometry(record: PoiRecord) -> Point:
    return point_of(record.geometry.coordinates[0], record.geometry.coordinates[1])


_NO_ACCESSIBILITY = AccessibilityText()


def _accessibility_text(record: PoiRecord, language: FeatureLanguage) -> AccessibilityText:
    accessibility = record.accessibility
    if accessibility.wheelchair is None and not accessibility.notes:
        return _NO_ACCESSIBILITY
    notes = language.one(accessibility.notes) if accessibility.notes else None
    return AccessibilityText(wheelchair=accessibility.wheelchair, notes=notes)


def _one(
    record: PoiRecord, media: Mapping[str, MediaRef], localizer: Localizer, distance_m: float | None
) -> PoiFeature:
    language = localizer.feature()
    audio = (
        {tag: media[media_id] for tag, media_id in record.audio.items() if media_id in media}
        if record.audio
        else None
    )
    properties = PoiProperties(
        id=record.id,
        name=language.one(record.name),
        description=language.one(record.description) if record.description else None,
        category=record.category,
        address=record.address,
        commune=record.commune,
        opening_hours=record.opening_hours,
        contact=record.contact,
        accessibility=_accessibility_text(record, language),
        images=images_of(record.images, media) if record.images else [],
        audio=language.one(audio) if audio else None,
        updated_at=record.updated_at,
        distance_m=None if distance_m is None else round_m(distance_m),
        lang=language.fallback,
    )
    return PoiFeature(id=record.id, geometry=_geometry(record), properties=properties)


def _all(
    record: PoiRecord, media: Mapping[str, MediaRef], localizer: Localizer, distance_m: float | None
) -> PoiFeatureAll:
    localizer.served.update(record.name, record.description, record.accessibility.notes)
    properties = PoiPropertiesAll(
        id=record.id,
        name=record.name,
        description=record.description,
        category=record.category,
        address=record.address,
        commune=record.commune,
        opening_hours=record.opening_hours,
        contact=record.contact,
        accessibility=AccessibilityTexts(
            wheelchair=record.accessibility.wheelchair, notes=record.accessibility.notes
        ),
        images=images_of(record.images, media),
        audio={tag: media[media_id] for tag, media_id in record.audio.items() if media_id in media},
        updated_at=record.updated_at,
        distance_m=None if distance_m is None else round_m(distance_m),
    )
    return PoiFeatureAll(id=record.id, geometry=_geometry(record), properties=properties)


def render_poi(
    record: PoiRecord, media: Mapping[str, MediaRef], localizer: Localizer, distance_m: float | None = None
) -> PoiFeature | PoiFeatureAll:
    if localizer.every:
        return _all(record, media, localizer, distance_m)
    return _one(record, media, localizer, distance_m)


def render_pois(
    records: Sequence[PoiRecord],
    media: Mapping[str, MediaRef],
    localizer: Localizer,
    *,
    next_cursor: str | None,
    distances_m: Sequence[float] | None = None,
) -> PoiCollection | PoiCollectionAll:
    distances: Sequence[float | None] = distances_m if distances_m is not None else [None] * len(records)
    pairs = zip(records, distances, strict=True)
    if localizer.every:
        every = [_all(record, media, localizer, distance) for record, distance in pairs]
        return PoiCollectionAll(features=every, next=next_cursor)
    return PoiCollection(
        features=[_one(record, media, localizer, d) for record, d in pairs], next=next_cursor
    )
