"""Public route read models (API.md names): list summaries, and the detail FeatureCollection.

Stop features hold ``audio`` (a ref, or a ``{lang: ref}`` map with ``lang=*``), so they and the collection
around them are frozen dataclasses rather than Structs (see ``content.pois.features``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypedDict

import msgspec

from content.core.model import MediaRef
from content.places.geojson import COORDINATE_DECIMALS, LineString, Point, line_of, point_of
from content.routes.model import RouteRecord, RouteSummaryRecord, StopRecord
from content.text.localize import FeatureLanguage, Localizer
from content.text.views import LocalAudio, Text, audio_of, images_of, round_m, unset

__all__ = [
    "PackInfo",
    "RouteDetail",
    "RouteFeature",
    "RouteList",
    "RouteProperties",
    "RouteSummary",
    "StopFeature",
    "StopProperties",
    "Trigger",
    "render_route",
    "render_routes",
    "route_media_ids",
]


class PackInfo(msgspec.Struct, frozen=True):
    """The route's offline pack, once built."""

    id: str
    version: int
    size: int
    sha256: str


class RouteSummary(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A route in a list. ``distance_m`` comes with ``near``; ``lang`` names the language of a fallback."""

    id: str
    title: Text
    summary: Text
    theme: str
    mode: str
    length_m: float
    duration_min: int
    stop_count: int
    bbox: list[float]
    cover: MediaRef | None
    languages: list[str]
    pack: PackInfo | None
    distance_m: float | None = None
    lang: str | None = None


class RouteList(msgspec.Struct, frozen=True):
    """A page of route summaries (not GeoJSON: ``{items, next}``)."""

    items: list[RouteSummary]
    next: str | None


class RouteProperties(RouteSummary, frozen=True, kw_only=True, omit_defaults=True):
    """The route line's properties: the summary plus ``description`` and ``difficulty``."""

    description: Text
    difficulty: str


class RouteFeature(msgspec.Struct, frozen=True, tag_field="type", tag="Feature"):
    id: str
    geometry: LineString
    properties: RouteProperties


class Trigger(msgspec.Struct, frozen=True):
    radius_m: int


@dataclass(frozen=True, slots=True, kw_only=True)
class StopProperties:
    id: str
    position: int
    title: Text
    story: Text
    trigger: Trigger
    audio: LocalAudio
    images: list[MediaRef]
    poi_id: str | None
    lang: str | msgspec.UnsetType = field(default_factory=unset)


@dataclass(frozen=True, slots=True, kw_only=True)
class StopFeature:
    type: Literal["Feature"]
    id: str
    geometry: Point
    properties: StopProperties


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteDetail:
    """The route's LineString feature first, then one Point feature per stop, in order."""

    type: Literal["FeatureCollection"]
    features: list[RouteFeature | StopFeature]


def route_media_ids(routes: Iterable[RouteSummaryRecord], stops: Iterable[StopRecord] = ()) -> set[str]:
    ids = {route.cover for route in routes if route.cover is not None}
    for stop in stops:
        ids.update(stop.images)
        ids.update(stop.audio.values())
    return ids


def _bbox(route: RouteSummaryRecord) -> list[float]:
    return [round(value, COORDINATE_DECIMALS) for value in route.bbox]


class _SummaryFields(TypedDict):
    id: str
    title: Text
    summary: Text
    theme: str
    mode: str
    length_m: float
    duration_min: int
    stop_count: int
    bbox: list[float]
    cover: MediaRef | None
    languages: list[str]
    pack: PackInfo | None


def _summary_fields(
    route: RouteSummaryRecord,
    media: Mapping[str, MediaRef],
    language: FeatureLanguage,
    pack: PackInfo | None = None,
) -> _SummaryFields:
    return _SummaryFields(
        id=route.id,
        title=language.text(route.title),
        summary=language.text(route.summary),
        theme=route.theme,
        mode=route.mode,
        length_m=round_m(route.length_m),
        duration_min=route.duration_min,
        stop_count=route.stop_count,
        bbox=_bbox(route),
        cover=media.get(route.cover) if route.cover is not None else None,
        languages=route.languages,
        pack=pack,
    )


def render_routes(
    routes: Sequence[RouteSummaryRecord],
    media: Mapping[str, MediaRef],
    localizer: Localizer,
    *,
    next_cursor: str | None,
    distances_m: Sequence[float] | None = None,
    packs: Mapping[str, PackInfo] | None = None,
) -> RouteList:
    items = []
    for index, route in enumerate(routes):
        language = localizer.feature()
        fields = _summary_fields(route, media, language, (packs or {}).get(route.id))
        distance = None if distances_m is None else round_m(distances_m[index])
        items.append(RouteSummary(**fields, distance_m=distance, lang=language.fallback))
    return RouteList(items=items, next=next_cursor)


def _stop_feature(stop: StopRecord, media: Mapping[str, MediaRef], localizer: Localizer) -> StopFeature:
    language = localizer.feature()
    properties = StopProperties(
        id=stop.id,
        position=stop.position,
        title=language.text(stop.title),
        story=language.text(stop.story),
        trigger=Trigger(radius_m=stop.trigger_radius_m),
        audio=audio_of(stop.audio, media, language),
        images=images_of(stop.images, media),
        poi_id=stop.poi_id,
        lang=msgspec.UNSET if language.fallback is None else language.fallback,
    )
    lon, lat = stop.geometry.coordinates[0], stop.geometry.coordinates[1]
    return StopFeature(type="Feature", id=stop.id, geometry=point_of(lon, lat), properties=properties)


def render_route(
    route: RouteRecord,
    stops: Sequence[StopRecord],
    media: Mapping[str, MediaRef],
    localizer: Localizer,
    pack: PackInfo | None = None,
) -> RouteDetail:
    language = localizer.feature()
    fields = _summary_fields(route, media, language, pack)
    properties = RouteProperties(
        **fields,
        description=language.text(route.description),
        difficulty=route.difficulty,
        lang=language.fallback,
    )
    line = RouteFeature(id=route.id, geometry=line_of(route.geometry.coordinates), properties=properties)
    features: list[RouteFeature | StopFeature] = [line]
    features += [_stop_feature(stop, media, localizer) for stop in stops]
    return RouteDetail(type="FeatureCollection", features=features)
