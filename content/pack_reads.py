"""Content reads the pack builder needs (``packs/`` asks content through these functions, never with its
own SQL): what lies in a box, near a line, and which routes an edit touches.

``near`` a route means within :data:`NEAR_ROUTE_M` of its line: candidates come from the R*Tree box
around the line (grown by that distance), then the exact point-to-line distance decides, in Python.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import aiosqlite
import msgspec

from content.places.geo import BBox, bbox_around, point_to_line_m
from content.places.geojson import LineString
from content.pois.model import PoiRecord
from content.pois.rows import POI_COLUMNS, poi_from_row

__all__ = [
    "NEAR_ROUTE_M",
    "grow_bbox",
    "points_of",
    "published_pois_by_id",
    "published_pois_in",
    "published_route_ids",
    "published_route_ids_in",
    "routes_linking",
    "routes_near_points",
]

NEAR_ROUTE_M = 500.0
_line = msgspec.json.Decoder(LineString).decode
_IN_RTREE = "SELECT id FROM {tree} WHERE min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ?"


def _box_params(bbox: BBox) -> tuple[float, float, float, float]:
    min_lon, min_lat, max_lon, max_lat = bbox
    return (max_lon, min_lon, max_lat, min_lat)


def grow_bbox(bbox: BBox, metres: float) -> BBox:
    """``bbox`` grown by ``metres`` on every side (taken at its corners, so at least that much)."""
    south = bbox_around(bbox[1], bbox[0], metres)
    north = bbox_around(bbox[3], bbox[2], metres)
    return (min(south[0], north[0]), south[1], max(south[2], north[2]), north[3])


async def published_route_ids(conn: aiosqlite.Connection) -> list[str]:
    rows = await conn.execute_fetchall("SELECT id FROM routes WHERE status = 'published' ORDER BY id")
    return [row["id"] for row in rows]


async def published_route_ids_in(conn: aiosqlite.Connection, bbox: BBox) -> list[str]:
    """Published routes whose box meets ``bbox``."""
    rows = await conn.execute_fetchall(
        "SELECT r.id FROM routes AS r WHERE r.status = 'published'"  # noqa: S608  # constant fragments
        f" AND r.rowid IN ({_IN_RTREE.format(tree='routes_rtree')}) ORDER BY r.id",
        _box_params(bbox),
    )
    return [row["id"] for row in rows]


async def published_pois_in(conn: aiosqlite.Connection, bbox: BBox) -> list[PoiRecord]:
    rows = await conn.execute_fetchall(
        f"SELECT {POI_COLUMNS} FROM pois AS p WHERE p.status = 'published'"  # noqa: S608  # constant columns
        f" AND p.rowid IN ({_IN_RTREE.format(tree='pois_rtree')}) ORDER BY p.id",
        _box_params(bbox),
    )
    return [poi_from_row(row) for row in rows]


async def published_pois_by_id(conn: aiosqlite.Connection, ids: Iterable[str]) -> list[PoiRecord]:
    rows = await conn.execute_fetchall(
        f"SELECT {POI_COLUMNS} FROM pois AS p WHERE p.status = 'published'"  # noqa: S608
        " AND p.id IN (SELECT value FROM json_each(?)) ORDER BY p.id",
        (json.dumps(sorted(set(ids))),),
    )
    return [poi_from_row(row) for row in rows]


async def points_of(conn: aiosqlite.Connection, table: str, ids: Iterable[str]) -> list[tuple[float, float]]:
    """``(lon, lat)`` of the POIs or producers named, whatever their status (unpublishing counts)."""
    if table not in {"pois", "producers"}:
        raise ValueError(f"no points in table {table!r}")
    rows = await conn.execute_fetchall(
        f"SELECT lon, lat FROM {table} WHERE id IN (SELECT value FROM json_each(?))",  # noqa: S608
        (json.dumps(sorted(set(ids))),),
    )
    return [(row["lon"], row["lat"]) for row in rows]


async def routes_near_points(
    conn: aiosqlite.Connection, points: Sequence[tuple[float, float]], metres: float = NEAR_ROUTE_M
) -> set[str]:
    """Routes (any status) whose line passes within ``metres`` of one of ``points``."""
    found: set[str] = set()
    for lon, lat in points:
        rows = await conn.execute_fetchall(
            "SELECT r.id, r.geometry FROM routes AS r"  # noqa: S608  # constant fragments
            f" WHERE r.rowid IN ({_IN_RTREE.format(tree='routes_rtree')})",
            _box_params(bbox_around(lat, lon, metres)),
        )
        for row in rows:
            if point_to_line_m(lat, lon, _line(row["geometry"]).coordinates) <= metres:
                found.add(row["id"])
    return found


async def routes_linking(conn: aiosqlite.Connection, poi_ids: Iterable[str]) -> set[str]:
    """Routes with a stop linked to one of the POIs."""
    rows = await conn.execute_fetchall(
        "SELECT DISTINCT route_id FROM stops WHERE poi_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(poi_ids))),),
    )
    return {row["route_id"] for row in rows}
