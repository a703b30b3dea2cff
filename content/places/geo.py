"""Geodesy on the WGS 84 sphere approximation: distances, line lengths, bounding boxes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

__all__ = [
    "EARTH_RADIUS_M",
    "BBox",
    "bbox_around",
    "bbox_of",
    "haversine_m",
    "line_length_m",
    "point_to_line_m",
]

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)

BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS 84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def line_length_m(coordinates: Sequence[Sequence[float]]) -> float:
    """Geodesic length in metres of a LineString given as ``[lon, lat]`` pairs."""
    return sum(haversine_m(a[1], a[0], b[1], b[0]) for a, b in pairwise(coordinates))


def bbox_of(coordinates: Sequence[Sequence[float]]) -> BBox:
    lons = [c[0] for c in coordinates]
    lats = [c[1] for c in coordinates]
    return (min(lons), min(lats), max(lons), max(lats))


def bbox_around(lat: float, lon: float, radius_m: float) -> BBox:
    """A box that contains every point within ``radius_m`` of (lat, lon); exact filtering comes after."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    cos_lat = math.cos(math.radians(lat))
    if cos_lat < 1e-9 or abs(lat) + dlat >= 90:
        return (-180.0, max(-90.0, lat - dlat), 180.0, min(90.0, lat + dlat))
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * cos_lat))
    if dlon >= 180:
        return (-180.0, lat - dlat, 180.0, lat + dlat)
    return (lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def point_to_line_m(lat: float, lon: float, coordinates: Sequence[Sequence[float]]) -> float:
    """Approximate distance in metres from a point to a LineString (local equirectangular projection)."""
    if not coordinates:
        return math.inf
    if len(coordinates) == 1:
        return haversine_m(lat, lon, coordinates[0][1], coordinates[0][0])
    k = math.cos(math.radians(lat))
    px, py = 0.0, 0.0
    best = math.inf
    for a, b in pairwise(coordinates):
        ax, ay = (a[0] - lon) * k, a[1] - lat
        bx, by = (b[0] - lon) * k, b[1] - lat
        dx, dy = bx - ax, by - ay
        seg = dx * dx + dy * dy
        t = 0.0 if seg == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / seg))
        cx, cy = ax + t * dx, ay + t * dy
        best = min(best, math.hypot(cx - px, cy - py))
    return math.radians(best) * EARTH_RADIUS_M
