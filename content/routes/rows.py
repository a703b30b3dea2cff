"""Between ``routes``/``stops`` rows and records: column lists, statements, JSON columns."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import msgspec

from content.places.geo import BBox
from content.places.geojson import LineString, Point
from content.routes.model import RouteRecord, RouteSummaryRecord, StopRecord
from content.routes.validate import RouteValues, StopValues

__all__ = [
    "INSERT_ROUTE",
    "INSERT_STOP",
    "ROUTE_COLUMNS",
    "ROUTE_SUMMARY_COLUMNS",
    "STOP_COLUMNS",
    "route_from_row",
    "route_params",
    "stop_from_row",
    "stop_params",
    "summary_from_row",
]

ROUTE_SUMMARY_COLUMNS = (
    "r.id, r.office_id, r.status, r.revision, r.title, r.summary, r.theme, r.mode, r.difficulty,"
    " r.duration_min, r.cover, r.length_m, r.min_lon, r.min_lat, r.max_lon, r.max_lat, r.languages,"
    " r.created_at, r.updated_at, r.updated_by,"
    " (SELECT count(*) FROM stops AS s WHERE s.route_id = r.id) AS stop_count"
)
ROUTE_COLUMNS = f"{ROUTE_SUMMARY_COLUMNS}, r.description, r.geometry"
STOP_COLUMNS = "id, position, title, story, lat, lon, trigger_radius_m, audio, images, poi_id"

INSERT_ROUTE = """
INSERT INTO routes (id, office_id, status, title, summary, description, theme, mode, difficulty, geometry,
                    length_m, duration_min, min_lon, min_lat, max_lon, max_lat, cover, languages,
                    created_at, updated_at, updated_by)
VALUES (:id, :office_id, :status, :title, :summary, :description, :theme, :mode, :difficulty, :geometry,
        :length_m, :duration_min, :min_lon, :min_lat, :max_lon, :max_lat, :cover, :languages,
        :updated_at, :updated_at, :updated_by)
"""
INSERT_STOP = """
INSERT INTO stops (id, route_id, position, title, story, lat, lon, trigger_radius_m, audio, images, poi_id)
VALUES (:id, :route_id, :position, :title, :story, :lat, :lon, :trigger_radius_m, :audio, :images, :poi_id)
"""

_encode = msgspec.json.Encoder().encode
_lang_map = msgspec.json.Decoder(dict[str, str]).decode
_id_list = msgspec.json.Decoder(list[str]).decode
_line = msgspec.json.Decoder(LineString).decode


def _json(value: object) -> str:
    return _encode(value).decode()


def route_params(values: RouteValues, bbox: BBox, languages: Sequence[str]) -> dict[str, Any]:
    """The stored route columns (without id, status, timestamps), for INSERT and UPDATE."""
    return {
        "title": _json(values.title),
        "summary": _json(values.summary),
        "description": _json(values.description),
        "theme": values.theme,
        "mode": values.mode,
        "difficulty": values.difficulty,
        "geometry": _json(values.geometry),
        "length_m": values.length_m,
        "duration_min": values.duration_min,
        "min_lon": bbox[0],
        "min_lat": bbox[1],
        "max_lon": bbox[2],
        "max_lat": bbox[3],
        "cover": values.cover,
        "languages": _json(list(languages)),
    }


def stop_params(route_id: str, stop_id: str, position: int, stop: StopValues) -> dict[str, Any]:
    return {
        "id": stop_id,
        "route_id": route_id,
        "position": position,
        "title": _json(stop.title),
        "story": _json(stop.story),
        "lat": stop.geometry.coordinates[1],
        "lon": stop.geometry.coordinates[0],
        "trigger_radius_m": stop.trigger_radius_m,
        "audio": _json(stop.audio),
        "images": _json(stop.images),
        "poi_id": stop.poi_id,
    }


def _summary_fields(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "status": row["status"],
        "revision": row["revision"],
        "office_id": row["office_id"],
        "title": _lang_map(row["title"]),
        "summary": _lang_map(row["summary"]),
        "theme": row["theme"],
        "mode": row["mode"],
        "difficulty": row["difficulty"],
        "duration_min": row["duration_min"],
        "cover": row["cover"],
        "length_m": row["length_m"],
        "bbox": (row["min_lon"], row["min_lat"], row["max_lon"], row["max_lat"]),
        "languages": _id_list(row["languages"]),
        "stop_count": row["stop_count"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "updated_by": row["updated_by"],
    }


def summary_from_row(row: sqlite3.Row) -> RouteSummaryRecord:
    return RouteSummaryRecord(**_summary_fields(row))


def route_from_row(row: sqlite3.Row) -> RouteRecord:
    return RouteRecord(
        **_summary_fields(row), description=_lang_map(row["description"]), geometry=_line(row["geometry"])
    )


def stop_from_row(row: sqlite3.Row) -> StopRecord:
    return StopRecord(
        id=row["id"],
        position=row["position"],
        title=_lang_map(row["title"]),
        story=_lang_map(row["story"]),
        geometry=Point(coordinates=[row["lon"], row["lat"]]),
        trigger_radius_m=row["trigger_radius_m"],
        audio=_lang_map(row["audio"]),
        images=_id_list(row["images"]),
        poi_id=row["poi_id"],
    )
