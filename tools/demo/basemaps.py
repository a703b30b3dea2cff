"""Small, deterministic PMTiles basemaps made by code, for ``odyssee demo``, the tests and the benchmark.

Nothing is downloaded: the "map" is a synthetic land cover over the Perche (fields, meadows, forests, water,
villages on a grid of zoom-13 cells picked by a fixed hash), roads drawn along given lines, and a few named
places. A plan says where tiles exist: a box at every zoom up to ``box_maxzoom``, and, above it, a corridor
around ``lines`` (the demo routes), so that the files stay small. Same plan → same bytes (``pmtiles``'s
writer, tiles written in id order, PNG and gzip at fixed levels).

- ``write_raster_basemap``: 256 px palette PNG tiles (uniform cells give identical tiles, as fields and
  forests do on a real map).
- ``write_vector_basemap``: gzipped MVT tiles (``mapbox-vector-tile``) with layers ``landcover``, ``water``,
  ``roads`` and ``places``; ``write_vector_style`` writes a matching MapLibre style directory.
- ``write_payload_basemap``: tiles of given sizes with filler bytes, for the benchmark (fast at 1 GB).
"""

from __future__ import annotations

import gzip
import io
import json
import math
import random
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from packs.tiles.cover import MAX_LAT, box_tiles, corridor_tiles
from packs.tiles.format import tile_id

__all__ = [
    "PERCHE_BOX",
    "PLACES",
    "RASTER_NAME",
    "VECTOR_NAME",
    "MapPlan",
    "demo_plan",
    "plan_tiles",
    "write_payload_basemap",
    "write_raster_basemap",
    "write_vector_basemap",
    "write_vector_style",
]

PERCHE_BOX = (0.30, 48.10, 1.40, 48.70)
ATTRIBUTION = "Synthetic Perche basemap, Odyssée demo (CC0)"
RASTER_NAME = "Perche (synthetic raster)"
VECTOR_NAME = "Perche (synthetic vector)"
PLACES = (
    ("Mortagne-au-Perche", 0.5475, 48.5206),
    ("Bellême", 0.5656, 48.3753),
    ("Nogent-le-Rotrou", 0.8217, 48.3217),
    ("Rémalard-en-Perche", 0.7781, 48.4297),
    ("La Loupe", 1.0147, 48.4736),
    ("Thiron-Gardais", 0.9953, 48.3111),
    ("Longny-au-Perche", 0.7528, 48.5311),
)
# Land-cover classes: (name, palette colour, weight in %)
_CLASSES = (
    ("field", (236, 226, 180), 40),
    ("meadow", (200, 228, 170), 25),
    ("forest", (120, 170, 110), 20),
    ("water", (150, 190, 230), 5),
    ("village", (225, 215, 210), 10),
)
_ROAD = (250, 250, 250)
_ROAD_EDGE = (170, 150, 120)
_HOUSE = (180, 120, 110)
_CELL_ZOOM = 13


@dataclass(frozen=True)
class MapPlan:
    """Where tiles exist: ``box`` at zooms ``0…box_maxzoom``; within ``detail_m`` of ``lines`` at the zooms
    above, up to ``maxzoom``."""

    box: tuple[float, float, float, float]
    box_maxzoom: int = 14
    lines: tuple[tuple[tuple[float, float], ...], ...] = ()
    detail_m: float = 1000.0
    maxzoom: int = 16
    roads: tuple[tuple[tuple[float, float], ...], ...] = field(default=())


def demo_plan(
    lines: Sequence[Sequence[Sequence[float]]], *, box: tuple[float, float, float, float] = PERCHE_BOX
) -> MapPlan:
    """The demo's plan: the Perche at zooms 0-14, 1 km around each line at 15-16; the lines are roads."""
    shaped = tuple(tuple((float(p[0]), float(p[1])) for p in line) for line in lines)
    return MapPlan(box=box, lines=shaped, roads=shaped)


def plan_tiles(plan: MapPlan) -> list[tuple[int, int, int]]:
    """Every ``(z, x, y)`` of the plan, in tile-id order."""
    tiles: set[tuple[int, int, int]] = set()
    for z in range(min(plan.box_maxzoom, plan.maxzoom) + 1):
        tiles.update((z, x, y) for x, y in box_tiles(plan.box, z))
    for z in range(plan.box_maxzoom + 1, plan.maxzoom + 1):
        for line in plan.lines:
            tiles.update((z, x, y) for x, y in corridor_tiles(line, plan.detail_m, z))
    return sorted(tiles, key=lambda t: tile_id(*t))


def _world(lon: float, lat: float) -> tuple[float, float]:
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    s = math.sin(math.radians(lat))
    return (lon + 180.0) / 360.0, 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)


def _cell_class(cx: int, cy: int) -> int:
    """The land-cover class of a zoom-13 cell, from a fixed integer hash."""
    h = ((cx * 73856093) ^ (cy * 19349663)) * 2654435761 & 0xFFFFFFFF
    pick = (h >> 8) % 100
    for index, (_, _, weight) in enumerate(_CLASSES):
        if pick < weight:
            return index
        pick -= weight
    return 0


def _write(
    path: Path, tiles: Iterator[tuple[int, bytes]], header: Mapping[str, object], metadata: Mapping[str, Any]
) -> None:
    from pmtiles.tile import Compression, TileType
    from pmtiles.writer import Writer

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        writer = Writer(out)  # type: ignore[no-untyped-call]
        for tid, data in tiles:
            writer.write_tile(tid, data)  # type: ignore[no-untyped-call]
        full = {
            "tile_compression": Compression.NONE,
            "tile_type": TileType.PNG,
            **header,
        }
        writer.finalize(full, dict(metadata))  # type: ignore[no-untyped-call]


def _bounds_header(plan: MapPlan) -> dict[str, object]:
    west, south, east, north = plan.box
    return {
        "min_lon_e7": round(west * 1e7),
        "min_lat_e7": round(south * 1e7),
        "max_lon_e7": round(east * 1e7),
        "max_lat_e7": round(north * 1e7),
        "center_zoom": 10,
        "center_lon_e7": round((west + east) / 2 * 1e7),
        "center_lat_e7": round((south + north) / 2 * 1e7),
    }


# Raster -------------------------------------------------------------------------------------------------

_PALETTE = [c for _, colour, _ in _CLASSES for c in colour] + [*_ROAD, *_ROAD_EDGE, *_HOUSE]
_ROAD_INDEX, _EDGE_INDEX, _HOUSE_INDEX = len(_CLASSES), len(_CLASSES) + 1, len(_CLASSES) + 2


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def _raster_tile(
    z: int, x: int, y: int, roads: Sequence[Sequence[tuple[float, float]]], solid: dict[int, bytes]
) -> bytes:
    size = 256
    n = 1 << z
    if z >= _CELL_ZOOM:
        shift = z - _CELL_ZOOM
        cls = _cell_class(x >> shift, y >> shift)
        image = Image.new("P", (size, size), cls)
    else:
        cells = 1 << (_CELL_ZOOM - z)
        step = max(1, cells // size)
        per_pixel = size / cells * step
        image = Image.new("P", (size, size), 0)
        draw = ImageDraw.Draw(image)
        for i in range(0, cells, step):
            for j in range(0, cells, step):
                cls = _cell_class(x * cells + i, y * cells + j)
                x0, y0 = int(i / step * per_pixel), int(j / step * per_pixel)
                x1, y1 = int((i / step + 1) * per_pixel), int((j / step + 1) * per_pixel)
                draw.rectangle((x0, y0, max(x0, x1 - 1), max(y0, y1 - 1)), fill=cls)
        cls = -1
    draw = ImageDraw.Draw(image)
    touched = False
    if z >= 11:
        width = max(1, (z - 9) * 2)
        for road in roads:
            pixels = [((wx * n - x) * size, (wy * n - y) * size) for wx, wy in (_world(*p) for p in road)]
            xs = [p[0] for p in pixels]
            ys = [p[1] for p in pixels]
            if max(xs) < -width or min(xs) > size + width or max(ys) < -width or min(ys) > size + width:
                continue
            draw.line(pixels, fill=_EDGE_INDEX, width=width + 2)
            draw.line(pixels, fill=_ROAD_INDEX, width=width)
            touched = True
    if cls == 4 and z >= 14:  # village houses, a few per tile, at hashed places
        rng = random.Random((z << 48) ^ (x << 24) ^ y)  # noqa: S311 -- drawing, seeded
        house = 2 ** (z - 13)
        for _ in range(6):
            hx, hy = rng.randrange(0, size - house), rng.randrange(0, size - house)
            draw.rectangle((hx, hy, hx + house, hy + house), fill=_HOUSE_INDEX)
        touched = True
    if cls >= 0 and not touched:
        cached = solid.get(cls)
        if cached is None:
            image.putpalette(_PALETTE)
            cached = solid[cls] = _png(image)
        return cached
    image.putpalette(_PALETTE)
    return _png(image)


def write_raster_basemap(path: Path, plan: MapPlan) -> None:
    """A PNG basemap of ``plan`` at ``path`` (overwritten)."""
    from pmtiles.tile import Compression, TileType

    solid: dict[int, bytes] = {}
    roads = plan.roads

    def tiles() -> Iterator[tuple[int, bytes]]:
        for z, x, y in plan_tiles(plan):
            yield tile_id(z, x, y), _raster_tile(z, x, y, roads, solid)

    header = {
        "tile_compression": Compression.NONE,
        "tile_type": TileType.PNG,
        **_bounds_header(plan),
    }
    metadata = {"name": RASTER_NAME, "attribution": ATTRIBUTION, "type": "baselayer"}
    _write(path, tiles(), header, metadata)


# Vector -------------------------------------------------------------------------------------------------

FORESTS = (
    ("Forêt de Bellême", ((0.52, 48.36), (0.60, 48.35), (0.63, 48.39), (0.57, 48.42), (0.52, 48.40))),
    ("Forêt du Perche", ((0.60, 48.57), (0.70, 48.56), (0.72, 48.62), (0.62, 48.63))),
    ("Forêt de Senonches", ((1.10, 48.52), (1.25, 48.52), (1.25, 48.58), (1.12, 48.59))),
)
RIVER = (
    "L'Huisne",
    ((0.55, 48.58), (0.62, 48.50), (0.72, 48.44), (0.79, 48.40), (0.82, 48.32), (0.86, 48.20)),
)


def _vector_layers(z: int, x: int, y: int, roads: Sequence[Sequence[tuple[float, float]]]) -> bytes:
    from mapbox_vector_tile import encode
    from shapely.geometry import LineString, Point, Polygon, box

    n = 1 << z
    x0, y0, x1, y1 = x / n, y / n, (x + 1) / n, (y + 1) / n
    margin = (x1 - x0) / 64
    clip = box(x0 - margin, y0 - margin, x1 + margin, y1 + margin)

    def world(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        return [_world(*p) for p in points]

    def clipped(geometry: object) -> object | None:
        part = geometry.intersection(clip)  # type: ignore[attr-defined]
        return None if part.is_empty else part

    layers = [
        {"name": "earth", "features": [{"geometry": box(x0, y0, x1, y1), "properties": {"kind": "earth"}}]}
    ]
    forests = []
    for name, ring in FORESTS:
        part = clipped(Polygon(world(ring)))
        if part is not None:
            forests.append({"geometry": part, "properties": {"kind": "forest", "name": name}})
    if forests:
        layers.append({"name": "landcover", "features": forests})
    river = clipped(LineString(world(RIVER[1])))
    if river is not None:
        layers.append(
            {
                "name": "water",
                "features": [{"geometry": river, "properties": {"kind": "river", "name": RIVER[0]}}],
            }
        )
    if z >= 10:
        lines = [clipped(LineString(world(road))) for road in roads if len(road) > 1]
        features = [{"geometry": g, "properties": {"kind": "path"}} for g in lines if g is not None]
        if features:
            layers.append({"name": "roads", "features": features})
    places = []
    for name, lon, lat in PLACES:
        point = Point(_world(lon, lat))
        if clip.contains(point) and z >= 8:
            places.append({"geometry": point, "properties": {"kind": "town", "name": name}})
    if places:
        layers.append({"name": "places", "features": places})
    with warnings.catch_warnings():
        # mapbox-vector-tile still calls shapely.ops.transform, deprecated in Shapely 2.2
        warnings.simplefilter("ignore", DeprecationWarning)
        data = encode(
            layers,
            default_options={"quantize_bounds": (x0, y0, x1, y1), "extents": 4096, "y_coord_down": True},
        )
    return gzip.compress(data, compresslevel=6, mtime=0)


VECTOR_LAYERS = [
    {"id": "earth", "fields": {"kind": "String"}},
    {"id": "landcover", "fields": {"kind": "String", "name": "String"}},
    {"id": "water", "fields": {"kind": "String", "name": "String"}},
    {"id": "roads", "fields": {"kind": "String"}},
    {"id": "places", "fields": {"kind": "String", "name": "String"}},
]


def write_vector_basemap(path: Path, plan: MapPlan) -> None:
    """A gzipped-MVT basemap of ``plan`` at ``path`` (overwritten)."""
    from pmtiles.tile import Compression, TileType

    def tiles() -> Iterator[tuple[int, bytes]]:
        for z, x, y in plan_tiles(plan):
            yield tile_id(z, x, y), _vector_layers(z, x, y, plan.roads)

    header = {"tile_compression": Compression.GZIP, "tile_type": TileType.MVT, **_bounds_header(plan)}
    metadata = {
        "name": VECTOR_NAME,
        "attribution": ATTRIBUTION,
        "type": "baselayer",
        "vector_layers": [{**layer, "minzoom": 0, "maxzoom": plan.maxzoom} for layer in VECTOR_LAYERS],
    }
    _write(path, tiles(), header, metadata)


def _glyph_range(fontstack: str, start: int) -> bytes:
    """A glyphs protobuf with its font stack's name and range and no glyph (enough for a test style)."""

    def field(number: int, payload: bytes) -> bytes:
        return bytes([number << 3 | 2]) + _varint(len(payload)) + payload

    rng = f"{start}-{start + 255}".encode()
    stack = field(1, fontstack.encode()) + field(2, rng)
    return field(1, stack)


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def write_vector_style(
    directory: Path, *, fonts: Sequence[str] = ("Noto Sans Regular", "Noto Sans Italic")
) -> None:
    """A MapLibre style for the vector basemap: ``style.json``, a sprite (1x and 2x) and glyph ranges
    0-255 … 65280-65535 for each font (the extract keeps only those its labels need)."""
    directory.mkdir(parents=True, exist_ok=True)
    style = {
        "version": 8,
        "name": "Perche",
        "sources": {
            "basemap": {"type": "vector", "url": "pmtiles://basemap.pmtiles", "attribution": ATTRIBUTION}
        },
        "sprite": "./sprite",
        "glyphs": "./fonts/{fontstack}/{range}.pbf",
        "layers": [
            {"id": "background", "type": "background", "paint": {"background-color": "#ece2b4"}},
            {
                "id": "forest",
                "type": "fill",
                "source": "basemap",
                "source-layer": "landcover",
                "paint": {"fill-color": "#78aa6e"},
            },
            {
                "id": "river",
                "type": "line",
                "source": "basemap",
                "source-layer": "water",
                "paint": {"line-color": "#96bee6", "line-width": 3},
            },
            {
                "id": "roads",
                "type": "line",
                "source": "basemap",
                "source-layer": "roads",
                "paint": {"line-color": "#ffffff", "line-width": 2},
            },
            {
                "id": "towns",
                "type": "symbol",
                "source": "basemap",
                "source-layer": "places",
                "layout": {"text-field": ["get", "name"], "text-font": [fonts[0]], "icon-image": "town"},
            },
        ],
    }
    (directory / "style.json").write_text(
        json.dumps(style, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    for suffix, scale in (("", 1), ("@2x", 2)):
        (directory / f"sprite{suffix}.json").write_text(
            json.dumps(
                {"town": {"x": 0, "y": 0, "width": 8 * scale, "height": 8 * scale, "pixelRatio": scale}}
            )
            + "\n",
            encoding="utf-8",
        )
        image = Image.new("RGBA", (8 * scale, 8 * scale), (180, 120, 110, 255))
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=6)
        (directory / f"sprite{suffix}.png").write_bytes(buffer.getvalue())
    for font in fonts:
        folder = directory / "fonts" / font
        folder.mkdir(parents=True, exist_ok=True)
        for start in range(0, 65536, 256):
            (folder / f"{start}-{start + 255}.pbf").write_bytes(_glyph_range(font, start))


# Benchmark payloads -------------------------------------------------------------------------------------


def write_payload_basemap(path: Path, plan: MapPlan, size_of: Callable[[int, int, int], int | None]) -> None:
    """A basemap whose tile ``z/x/y`` is ``size_of(z, x, y)`` filler bytes (a PNG signature, then bytes
    from a generator seeded by the tile), or one shared "uniform" tile when ``size_of`` says None."""
    from pmtiles.tile import Compression, TileType

    uniform = b"\x89PNG\r\n\x1a\n" + bytes(300)

    def tiles() -> Iterator[tuple[int, bytes]]:
        for z, x, y in plan_tiles(plan):
            size = size_of(z, x, y)
            if size is None:
                yield tile_id(z, x, y), uniform
            else:
                rng = random.Random(tile_id(z, x, y))  # noqa: S311 -- filler bytes, seeded
                yield tile_id(z, x, y), b"\x89PNG\r\n\x1a\n" + rng.randbytes(max(0, size - 8))

    header = {"tile_compression": Compression.NONE, "tile_type": TileType.PNG, **_bounds_header(plan)}
    _write(path, tiles(), header, {"name": "benchmark payload", "attribution": ATTRIBUTION})


def cell_is_uniform(z: int, x: int, y: int) -> bool:
    """Whether the raster tile would be one plain colour (no road, no houses): its cell is not a village."""
    if z < _CELL_ZOOM:
        return False
    shift = z - _CELL_ZOOM
    return _cell_class(x >> shift, y >> shift) != 4
