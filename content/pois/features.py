"""Public POI read models (GeoJSON, API.md names) and their rendering from records in one language.

Models that hold ``audio`` (a ref, or a ``{lang: ref}`` map with ``lang=*``) are frozen dataclasses, not
Structs: msgspec's schema introspection, which the OpenAPI document uses, refuses a union of a Struct and
a dict inside a Struct. msgspec encodes both equally well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import msgspec

from content.geojson import Point, point_of
from content.localize import Localizer
from content.model import MediaRef
from content.pois.model import Contact, PoiRecord, Wheelchair
from content.views import LocalAudio, Text, audio_of, images_of, round_m, unset

__all__ = [
    "AccessibilityView",
    "PoiCollection",
    "PoiFeature",
    "PoiProperties",
    "poi_media_ids",
    "render_poi",
    "render_pois",
]


class AccessibilityView(msgspec.Struct, frozen=True, omit_defaults=True):
    wheelchair: Wheelchair | None = None
    notes: Text = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PoiProperties:
    """A public POI. ``distance_m`` comes with ``near``; ``lang`` names the language of a fallback."""

    id: str
    name: Text
    description: Text
    category: str
    address: str | None
    commune: str | None
    opening_hours: str | None
    contact: Contact
    accessibility: AccessibilityView
    images: list[MediaRef]
    audio: LocalAudio
    updated_at: str
    distance_m: float | msgspec.UnsetType = field(default_factory=unset)
    lang: str | msgspec.UnsetType = field(default_factory=unset)


@dataclass(frozen=True, slots=True, kw_only=True)
class PoiFeature:
    type: Literal["Feature"]
    id: str
    geometry: Point
    properties: PoiProperties


@dataclass(frozen=True, slots=True, kw_only=True)
class PoiCollection:
    """A page of POIs; ``next`` is the cursor of the following page, or null on the last one."""

    type: Literal["FeatureCollection"]
    features: list[PoiFeature]
    next: str | None


def poi_media_ids(records: Iterable[PoiRecord]) -> set[str]:
    """Every media id the records point at, to resolve them in one query."""
    ids: set[str] = set()
    for record in records:
        ids.update(record.images)
        ids.update(record.audio.values())
    return ids


def render_poi(
    record: PoiRecord, media: Mapping[str, MediaRef], localizer: Localizer, distance_m: float | None = None
) -> PoiFeature:
    language = localizer.feature()
    properties = PoiProperties(
        id=record.id,
        name=language.text(record.name),
        description=language.text(record.description),
        category=record.category,
        address=record.address,
        commune=record.commune,
        opening_hours=record.opening_hours,
        contact=record.contact,
        accessibility=AccessibilityView(
            wheelchair=record.accessibility.wheelchair, notes=language.text(record.accessibility.notes)
        ),
        images=images_of(record.images, media),
        audio=audio_of(record.audio, media, language),
        updated_at=record.updated_at,
        distance_m=msgspec.UNSET if distance_m is None else round_m(distance_m),
        lang=msgspec.UNSET if language.fallback is None else language.fallback,
    )
    lon, lat = record.geometry.coordinates[0], record.geometry.coordinates[1]
    return PoiFeature(type="Feature", id=record.id, geometry=point_of(lon, lat), properties=properties)


def render_pois(
    records: Sequence[PoiRecord],
    media: Mapping[str, MediaRef],
    localizer: Localizer,
    *,
    next_cursor: str | None,
    distances_m: Sequence[float] | None = None,
) -> PoiCollection:
    distances: Sequence[float | None] = distances_m if distances_m is not None else [None] * len(records)
    features = [
        render_poi(record, media, localizer, distance)
        for record, distance in zip(records, distances, strict=True)
    ]
    return PoiCollection(type="FeatureCollection", features=features, next=next_cursor)
