"""Test basemaps made by code (``tools.demo.basemaps``) around the small test territory's routes, once per
session: the Perche box around them at zooms 0-14, 800 m around each route at 15-16 (wider than the 500 m
corridor a pack takes, so a test can see that nothing outside the corridor is copied)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from tests.territory import SMALL_TERRITORY
from tools.demo.basemaps import MapPlan, write_raster_basemap, write_vector_basemap, write_vector_style

__all__ = ["ROUTE_LINES", "TEST_PLAN", "raster_basemap", "vector_basemap", "vector_style"]

_territory = json.loads(SMALL_TERRITORY.read_text(encoding="utf-8"))
ROUTE_LINES: dict[str, tuple[tuple[float, float], ...]] = {
    route["id"]: tuple((float(p[0]), float(p[1])) for p in route["geometry"]["coordinates"])
    for route in _territory["routes"]
}
TEST_PLAN = MapPlan(
    box=(0.45, 48.30, 0.65, 48.58),
    box_maxzoom=14,
    lines=tuple(ROUTE_LINES.values()),
    detail_m=800.0,
    maxzoom=16,
    roads=tuple(ROUTE_LINES.values()),
)
_made: dict[str, Path] = {}
_root = Path(tempfile.mkdtemp(prefix="odyssee-basemaps-"))


def raster_basemap() -> Path:
    if "raster" not in _made:
        path = _root / "raster.pmtiles"
        write_raster_basemap(path, TEST_PLAN)
        _made["raster"] = path
    return _made["raster"]


def vector_basemap() -> Path:
    if "vector" not in _made:
        path = _root / "vector.pmtiles"
        write_vector_basemap(path, TEST_PLAN)
        _made["vector"] = path
    return _made["vector"]


def vector_style() -> Path:
    if "style" not in _made:
        path = _root / "style"
        write_vector_style(path)
        _made["style"] = path
    return _made["style"]
