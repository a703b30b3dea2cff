"""What goes into a pack: its content documents (``content/*.json``) and the media variants they use.

Documents are the public read models rendered with every translation (as with ``lang=*``), each
multilingual field filled to cover exactly the pack's languages (a missing translation takes the
fallback ``pick`` gives), media refs pointing at ``media/<sha256>.<ext>`` and coordinates at 6 decimals.
Encoding is deterministic: the same content gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite
import msgspec

from content.media import load_media_refs
from content.pack_reads import (
    NEAR_ROUTE_M,
    grow_bbox,
    published_pois_by_id,
    published_pois_in,
    published_route_ids_in,
)
from content.places.geo import BBox, bbox_of, point_to_line_m
from content.pois.features import poi_media_ids, render_pois
from content.pois.model import PoiRecord
from content.producers.features import ProducerFeature
from content.routes.features import RouteDetail, render_route, route_media_ids
from content.routes.model import RouteRecord, StopRecord
from content.routes.queries import get_public_stops, get_route
from content.text.i18n import validate_tag
from content.text.localize import LanguageChoice, Localizer
from packs.fill import EXTENSION_BY_TYPE, PackMedia, fill_languages, local_refs
from packs.manifest import round_bbox
from packs.pack_id import PackId
from packs.producers import producers_document, producers_in_area, producers_near_route
from packs.store import Area

__all__ = [
    "EXTENSION_BY_TYPE",
    "PackContent",
    "PackDocument",
    "PackMedia",
    "gather_area_pack",
    "gather_route_pack",
]

GEOJSON = "application/geo+json"
JSON = "application/json"
_encoder = msgspec.json.Encoder()


@dataclass(frozen=True, slots=True)
class PackDocument:
    path: str
    type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class PackContent:
    pack_id: PackId
    kind: str
    title: dict[str, str]
    languages: tuple[str, ...]
    bbox: BBox
    documents: tuple[PackDocument, ...]
    media: tuple[PackMedia, ...]
    # A route pack's line ([lon, lat] pairs): its basemap extract follows it (packs.tiles).
    line: tuple[tuple[float, float], ...] = ()


class _PackInfo(msgspec.Struct, frozen=True):
    """``content/pack.json``."""

    id: str
    kind: str
    title: dict[str, str]
    summary: dict[str, str]
    languages: list[str]
    bbox: list[float]
    routes: list[str]
    pois: list[str]
    producers: list[str]


def _fill_stop(stop: StopRecord, languages: Sequence[str], default: str) -> StopRecord:
    return msgspec.structs.replace(
        stop,
        title=fill_languages(stop.title, languages, default),
        story=fill_languages(stop.story, languages, default),
        audio=fill_languages(stop.audio, languages, default),
    )


def _fill_route(route: RouteRecord, languages: Sequence[str], default: str) -> RouteRecord:
    return msgspec.structs.replace(
        route,
        title=fill_languages(route.title, languages, default),
        summary=fill_languages(route.summary, languages, default),
        description=fill_languages(route.description, languages, default),
    )


def _fill_poi(poi: PoiRecord, languages: Sequence[str], default: str) -> PoiRecord:
    notes = fill_languages(poi.accessibility.notes, languages, default)
    return msgspec.structs.replace(
        poi,
        name=fill_languages(poi.name, languages, default),
        description=fill_languages(poi.description, languages, default),
        audio=fill_languages(poi.audio, languages, default),
        accessibility=msgspec.structs.replace(poi.accessibility, notes=notes),
    )


def _languages(found: Iterable[str], default: str) -> tuple[str, ...]:
    tags = {validate_tag(tag) for tag in found}
    return tuple(sorted(tags or {validate_tag(default)}))


async def _routes(
    conn: aiosqlite.Connection, route_ids: Sequence[str]
) -> list[tuple[RouteRecord, list[StopRecord]]]:
    routes = []
    for route_id in route_ids:
        route = await get_route(conn, route_id)
        if route is not None:
            routes.append((route, await get_public_stops(conn, route_id)))
    return routes


def _within_route(poi: PoiRecord, route: RouteRecord) -> bool:
    lon, lat = poi.geometry.coordinates[0], poi.geometry.coordinates[1]
    return point_to_line_m(lat, lon, route.geometry.coordinates) <= NEAR_ROUTE_M


async def _assemble(
    conn: aiosqlite.Connection,
    *,
    pack_id: PackId,
    title: Mapping[str, str],
    summary: Mapping[str, str],
    languages: tuple[str, ...],
    bbox: BBox,
    routes: Sequence[tuple[RouteRecord, list[StopRecord]]],
    pois: Sequence[PoiRecord],
    producers: Sequence[ProducerFeature],
    default: str,
    line: tuple[tuple[float, float], ...] = (),
) -> PackContent:
    filled_routes = [
        (_fill_route(route, languages, default), [_fill_stop(stop, languages, default) for stop in stops])
        for route, stops in routes
    ]
    filled_pois = [_fill_poi(poi, languages, default) for poi in pois]
    media_ids: set[str] = set(poi_media_ids(filled_pois))
    for route, stops in filled_routes:
        media_ids |= route_media_ids([route], stops)
    refs, files = local_refs(await load_media_refs(conn, sorted(media_ids)))
    localizer = Localizer(LanguageChoice.all_languages(), default)
    documents = []
    if filled_routes:
        features: list[object] = []
        for route, stops in filled_routes:
            detail: RouteDetail = render_route(route, stops, refs, localizer)
            features += detail.features
        routes_doc = {"type": "FeatureCollection", "features": features}
        documents.append(PackDocument("content/routes.geojson", GEOJSON, _encoder.encode(routes_doc)))
    if filled_pois:
        collection = render_pois(filled_pois, refs, localizer, next_cursor=None)
        pois_doc = {"type": "FeatureCollection", "features": collection.features}
        documents.append(PackDocument("content/pois.geojson", GEOJSON, _encoder.encode(pois_doc)))
    if producers:
        shaped = producers_document(producers, languages, default)
        files |= shaped.media
        documents.append(PackDocument("content/producers.geojson", GEOJSON, shaped.data))
    info = _PackInfo(
        id=str(pack_id),
        kind=pack_id.kind,
        title=fill_languages(title, languages, default),
        summary=fill_languages(summary, languages, default),
        languages=list(languages),
        bbox=list(round_bbox(bbox)),
        routes=[route.id for route, _ in filled_routes],
        pois=[poi.id for poi in filled_pois],
        producers=[producer.id for producer in producers],
    )
    documents.append(PackDocument("content/pack.json", JSON, _encoder.encode(info)))
    return PackContent(
        pack_id=pack_id,
        kind=pack_id.kind,
        title=info.title,
        languages=languages,
        bbox=round_bbox(bbox),
        documents=tuple(sorted(documents, key=lambda doc: doc.path)),
        media=tuple(sorted(files.values(), key=lambda media: media.path)),
        line=line,
    )


async def gather_route_pack(
    conn: aiosqlite.Connection, route_id: str, default: str, *, now: datetime
) -> PackContent | None:
    """The route pack's content: the route, its stops, the POIs linked to or within 500 m of the line,
    the producers within 2 km of it (``packs.producers``) with their offers still valid at ``now``.

    None when the route is not published. Run it on a snapshot so every read agrees.
    """
    routes = await _routes(conn, [route_id])
    if not routes:
        return None
    route, stops = routes[0]
    linked = {stop.poi_id for stop in stops if stop.poi_id is not None}
    candidates = await published_pois_in(conn, grow_bbox(route.bbox, NEAR_ROUTE_M))
    pois = {poi.id: poi for poi in candidates if _within_route(poi, route)}
    pois |= {poi.id: poi for poi in await published_pois_by_id(conn, linked)}
    chosen = [pois[poi_id] for poi_id in sorted(pois)]
    producers = await producers_near_route(conn, route.geometry.coordinates, now=now, default=default)
    coordinates = [
        *route.geometry.coordinates,
        *(poi.geometry.coordinates for poi in chosen),
        *(producer.geometry.coordinates for producer in producers),
    ]
    return await _assemble(
        conn,
        pack_id=PackId.route(route_id),
        title=route.title,
        summary=route.summary,
        languages=_languages(route.languages, default),
        bbox=bbox_of(coordinates),
        routes=routes,
        pois=chosen,
        producers=producers,
        default=default,
        line=tuple((float(p[0]), float(p[1])) for p in route.geometry.coordinates),
    )


async def gather_area_pack(
    conn: aiosqlite.Connection, area: Area, default: str, *, now: datetime
) -> PackContent:
    """The area pack's content: every published route whose box meets the area, every POI and producer
    inside it (offers still valid at ``now``)."""
    route_ids = await published_route_ids_in(conn, area.bbox)
    routes = await _routes(conn, route_ids)
    pois = await published_pois_in(conn, area.bbox)
    producers = await producers_in_area(conn, area.bbox, now=now, default=default)
    found: set[str] = set(area.title)
    for route, _ in routes:
        found.update(route.languages)
    return await _assemble(
        conn,
        pack_id=PackId.area(area.id),
        title=area.title,
        summary={},
        languages=_languages(found, default),
        bbox=area.bbox,
        routes=routes,
        pois=pois,
        producers=producers,
        default=default,
    )
