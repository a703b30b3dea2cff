"""Which tiles a pack needs: a box at low zooms, a corridor along the route's line at high zooms.

Geometry is done in Web Mercator "world" units (the whole map is the unit square, y down), where tiles are
squares. A ground distance ``d`` near latitude ``φ`` is ``d / (cos φ · 2πR)`` world units; the corridor uses
the segment's highest latitude, so it is never narrower than asked. A tile is in the corridor when the
distance from its square to the line is at most the corridor's half-width.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from content.places.geo import BBox
from packs.tiles.format import tile_id

__all__ = ["MAX_LAT", "Coverage", "box_tiles", "buffer_bbox", "corridor_tiles", "coverage_tile_ids"]

MAX_LAT = 85.05112877980659
_EARTH_CIRCUMFERENCE_M = 2 * math.pi * 6_378_137.0  # the Web Mercator sphere
_METRES_PER_DEGREE = _EARTH_CIRCUMFERENCE_M / 360


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the extract of one pack covers: ``box`` at zooms up to ``box_maxzoom``, and a corridor of
    ``corridor_m`` around ``line`` at the zooms above, up to ``corridor_maxzoom`` (no line: no corridor)."""

    box: BBox
    box_maxzoom: int
    line: tuple[tuple[float, float], ...] = ()
    corridor_m: float = 0.0
    corridor_maxzoom: int = -1

    def key(self) -> str:
        """A canonical text of the coverage, for cache keys (coordinates at 7 decimals, as PMTiles)."""
        box = ",".join(f"{v:.7f}" for v in self.box)
        line = ";".join(f"{lon:.7f},{lat:.7f}" for lon, lat in self.line)
        return f"box={box}/{self.box_maxzoom}|line={line}|{self.corridor_m:g}/{self.corridor_maxzoom}"


def _world(lon: float, lat: float) -> tuple[float, float]:
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    x = (lon + 180.0) / 360.0
    s = math.sin(math.radians(lat))
    y = 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)
    return x, y


def buffer_bbox(bbox: BBox, metres: float) -> BBox:
    """``bbox`` grown by ``metres`` on every side (longitude scaled at its highest latitude), clamped."""
    min_lon, min_lat, max_lon, max_lat = bbox
    dlat = metres / _METRES_PER_DEGREE
    widest = min(89.0, max(abs(min_lat), abs(max_lat)) + dlat)
    dlon = metres / (_METRES_PER_DEGREE * math.cos(math.radians(widest)))
    return (
        max(-180.0, min_lon - dlon),
        max(-MAX_LAT, min_lat - dlat),
        min(180.0, max_lon + dlon),
        min(MAX_LAT, max_lat + dlat),
    )


def _tile_range(low: float, high: float, n: int) -> range:
    first = max(0, min(n - 1, math.floor(low * n)))
    last = max(0, min(n - 1, math.floor(high * n)))
    return range(first, last + 1)


def box_tiles(bbox: BBox, z: int) -> Iterable[tuple[int, int]]:
    """Every tile ``(x, y)`` of zoom ``z`` that meets ``bbox``."""
    n = 1 << z
    west, north = _world(bbox[0], bbox[3])
    east, south = _world(bbox[2], bbox[1])
    for x in _tile_range(west, east, n):
        for y in _tile_range(north, south, n):
            yield x, y


def _point_segment(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    dx, dy = bx - ax, by - ay
    seg = dx * dx + dy * dy
    t = 0.0 if seg == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / seg))
    return math.hypot(ax + t * dx - px, ay + t * dy - py)


def _point_rect(px: float, py: float, x0: float, y0: float, x1: float, y1: float) -> float:
    return math.hypot(max(x0 - px, 0.0, px - x1), max(y0 - py, 0.0, py - y1))


def _segment_meets_rect(
    ax: float, ay: float, bx: float, by: float, x0: float, y0: float, x1: float, y1: float
) -> bool:
    """Liang-Barsky: whether the segment crosses the closed rectangle."""
    t0, t1 = 0.0, 1.0
    dx, dy = bx - ax, by - ay
    for p, q in ((-dx, ax - x0), (dx, x1 - ax), (-dy, ay - y0), (dy, y1 - ay)):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 > t1:
            return False
    return True


def segment_rect_distance(
    a: tuple[float, float], b: tuple[float, float], rect: tuple[float, float, float, float]
) -> float:
    """Distance between a segment and a rectangle ``(x0, y0, x1, y1)``, 0 when they meet."""
    (ax, ay), (bx, by) = a, b
    x0, y0, x1, y1 = rect
    if _segment_meets_rect(ax, ay, bx, by, x0, y0, x1, y1):
        return 0.0
    return min(
        _point_rect(ax, ay, x0, y0, x1, y1),
        _point_rect(bx, by, x0, y0, x1, y1),
        *(_point_segment(cx, cy, ax, ay, bx, by) for cx, cy in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))),
    )


def corridor_tiles(line: Sequence[Sequence[float]], metres: float, z: int) -> set[tuple[int, int]]:
    """Every tile ``(x, y)`` of zoom ``z`` within ``metres`` of the line ``[[lon, lat], …]``."""
    n = 1 << z
    points = [(float(p[0]), float(p[1])) for p in line]
    if len(points) == 1:
        points.append(points[0])
    found: set[tuple[int, int]] = set()
    for (alon, alat), (blon, blat) in pairwise(points):
        widest = min(MAX_LAT, max(abs(alat), abs(blat)) + metres / _METRES_PER_DEGREE)
        radius = metres / (_EARTH_CIRCUMFERENCE_M * math.cos(math.radians(widest)))
        a, b = _world(alon, alat), _world(blon, blat)
        xs = _tile_range(min(a[0], b[0]) - radius, max(a[0], b[0]) + radius, n)
        ys = _tile_range(min(a[1], b[1]) - radius, max(a[1], b[1]) + radius, n)
        for x in xs:
            for y in ys:
                if (x, y) in found:
                    continue
                rect = (x / n, y / n, (x + 1) / n, (y + 1) / n)
                if segment_rect_distance(a, b, rect) <= radius:
                    found.add((x, y))
    return found


def coverage_tile_ids(coverage: Coverage, min_zoom: int, max_zoom: int) -> list[int]:
    """The sorted tile ids a coverage asks for, limited to the basemap's zooms ``min_zoom…max_zoom``."""
    ids: list[int] = []
    for z in range(min_zoom, min(coverage.box_maxzoom, max_zoom) + 1):
        ids.extend(tile_id(z, x, y) for x, y in box_tiles(coverage.box, z))
    if coverage.line:
        for z in range(max(min_zoom, coverage.box_maxzoom + 1), min(coverage.corridor_maxzoom, max_zoom) + 1):
            ids.extend(tile_id(z, x, y) for x, y in corridor_tiles(coverage.line, coverage.corridor_m, z))
    return sorted(set(ids))
