"""The extract against the basemap, checked with an independent reader (the ``pmtiles`` package) and an
independent idea of which tiles a route needs (tile corners and edges against ``content.places.geo``
distances)."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest
from pmtiles.reader import MemorySource, MmapSource, Reader, all_tiles
from pmtiles.tile import Compression as PmCompression
from pmtiles.tile import TileType as PmTileType
from pmtiles.tile import deserialize_directory, zxy_to_tileid

from content.places.geo import bbox_of, point_to_line_m
from packs.tiles.cover import Coverage, buffer_bbox, coverage_tile_ids
from packs.tiles.extract import extract
from packs.tiles.format import FormatError, Header
from packs.tiles.reader import Archive, FileSource, StreamSource
from tests.basemaps import ROUTE_LINES, raster_basemap

LINE = ROUTE_LINES["legendes-foret-de-belleme"]
BUFFER_M, CORRIDOR_M = 2000.0, 500.0


def coverage() -> Coverage:
    return Coverage(
        box=buffer_bbox(bbox_of(LINE), BUFFER_M),
        box_maxzoom=14,
        line=LINE,
        corridor_m=CORRIDOR_M,
        corridor_maxzoom=16,
    )


def cut(out: Path, *, root_limit: int | None = None, stream: bool = False) -> Path:
    basemap = raster_basemap()
    cov = coverage()
    if stream:
        data = basemap.read_bytes()
        archive = Archive(StreamSource(io.BytesIO(data), len(data)))
    else:
        archive = Archive(FileSource(basemap))
    ids = coverage_tile_ids(cov, archive.header.min_zoom, archive.header.max_zoom)
    extra = {} if root_limit is None else {"root_limit": root_limit}
    info = extract(archive, ids, out, bounds=cov.box, **extra)
    archive.source.close()
    assert info is not None
    return out


def tiles_of(path: Path) -> dict[tuple[int, int, int], bytes]:
    with path.open("rb") as file:
        return dict(all_tiles(MmapSource(file)))


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    n = 2**z

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return (x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y))


def box_distance_m(tile: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> float:
    """How far a tile is from a box, as the larger of the east-west and north-south gaps (the box grown
    by d on every side meets the tile when this is at most d), at the box's mean latitude."""
    mid = math.radians((box[1] + box[3]) / 2)
    dx = max(box[0] - tile[2], tile[0] - box[2], 0.0) * 111_320 * math.cos(mid)
    dy = max(box[1] - tile[3], tile[1] - box[3], 0.0) * 111_200
    return max(dx, dy)


def line_distance_m(tile: tuple[float, float, float, float]) -> float:
    """Distance from the line to the tile square: 0 if a vertex is inside, else sampled along the edges."""
    west, south, east, north = tile
    if any(west <= lon <= east and south <= lat <= north for lon, lat in LINE):
        return 0.0
    steps = 96
    best = math.inf
    for i in range(steps + 1):
        t = i / steps
        for lon, lat in (
            (west + t * (east - west), south),
            (west + t * (east - west), north),
            (west, south + t * (north - south)),
            (east, south + t * (north - south)),
        ):
            best = min(best, point_to_line_m(lat, lon, LINE))
    return best


@pytest.fixture(scope="module")
def extract_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cut(tmp_path_factory.mktemp("extract") / "route.pmtiles")


def test_every_needed_tile_is_copied_byte_for_byte_and_nothing_else(extract_path: Path) -> None:
    basemap = tiles_of(raster_basemap())
    extracted = tiles_of(extract_path)
    line_box = bbox_of(LINE)
    needed, unwanted = set(), set()
    for z, x, y in basemap:
        bounds = tile_bounds(z, x, y)
        if z <= 14:
            distance, limit, slack = box_distance_m(bounds, line_box), BUFFER_M, 40.0
        else:
            distance, limit, slack = line_distance_m(bounds), CORRIDOR_M, 10.0
        if distance <= limit - slack:
            needed.add((z, x, y))
        elif distance > limit + slack:
            unwanted.add((z, x, y))
    assert needed - extracted.keys() == set()
    assert extracted.keys() & unwanted == set()
    assert {z for z, _, _ in extracted} == set(range(17))
    assert len(needed) > 80
    assert len(unwanted) > 100
    for zxy, data in extracted.items():
        assert data == basemap[zxy], zxy


def test_header_and_metadata_are_right(extract_path: Path) -> None:
    with raster_basemap().open("rb") as file:
        source = Reader(MmapSource(file))
        source_metadata = source.metadata()
    with extract_path.open("rb") as file:
        reader = Reader(MmapSource(file))
        header = reader.header()
        metadata = reader.metadata()
        count = sum(1 for _ in all_tiles(MmapSource(file)))
    assert metadata == source_metadata
    assert metadata["attribution"].startswith("Synthetic Perche basemap")
    assert header["tile_type"] == PmTileType.PNG
    assert header["tile_compression"] == PmCompression.NONE
    assert header["clustered"] is True
    assert (header["min_zoom"], header["max_zoom"]) == (0, 16)
    west, south, east, north = (
        header[k] / 1e7 for k in ("min_lon_e7", "min_lat_e7", "max_lon_e7", "max_lat_e7")
    )
    line_box = bbox_of(LINE)
    assert west < line_box[0]
    assert south < line_box[1]
    assert east > line_box[2]
    assert north > line_box[3]
    assert box_distance_m((west, south, east, north), line_box) == 0
    assert 1990 < (line_box[1] - south) * 111_200 < 2030
    assert west <= header["center_lon_e7"] / 1e7 <= east
    assert south <= header["center_lat_e7"] / 1e7 <= north
    assert 0 <= header["center_zoom"] <= 16
    assert header["addressed_tiles_count"] == count
    # deduplicated contents and run-length entries
    assert header["tile_contents_count"] < header["tile_entries_count"] < header["addressed_tiles_count"]


def test_directory_is_clustered_and_deduplicated(extract_path: Path) -> None:
    data = extract_path.read_bytes()
    header = Header.decode(data)
    root = deserialize_directory(data[header.root_offset : header.root_offset + header.root_length])
    assert header.leaf_length == 0
    end = 0
    seen = set()
    for entry in root:
        assert entry.run_length >= 1
        if entry.offset not in seen:
            assert entry.offset == end  # new contents are appended in tile-id order, no gap
            end += entry.length
            seen.add(entry.offset)
    assert end == header.data_length
    contents = {data[header.data_offset + e.offset : header.data_offset + e.offset + e.length] for e in root}
    assert len(contents) == len(seen) == header.tile_contents  # each distinct tile stored once


def test_same_input_gives_same_bytes_from_a_file_or_a_stream(extract_path: Path, tmp_path: Path) -> None:
    again = cut(tmp_path / "again.pmtiles")
    streamed = cut(tmp_path / "streamed.pmtiles", stream=True)
    assert again.read_bytes() == extract_path.read_bytes() == streamed.read_bytes()


def test_leaf_directories_when_the_root_would_not_fit(extract_path: Path, tmp_path: Path) -> None:
    leafy = cut(tmp_path / "leafy.pmtiles", root_limit=64)
    header = Header.decode(leafy.read_bytes())
    assert header.leaf_length > 0
    assert header.root_offset + header.root_length <= 16384
    assert tiles_of(leafy) == tiles_of(extract_path)
    # our own reader follows the leaves too
    with FileSource(leafy) as source:
        archive = Archive(source)
        for (z, x, y), data in tiles_of(extract_path).items():
            assert archive.tile(z, x, y) == data


def test_reader_agrees_with_the_pmtiles_reader_on_the_basemap() -> None:
    data = raster_basemap().read_bytes()
    reference = Reader(MemorySource(data))
    with FileSource(raster_basemap()) as source:
        archive = Archive(source)
        for (z, x, y), tile in list(all_tiles(MemorySource(data)))[::7]:
            assert archive.tile(z, x, y) == tile == reference.get(z, x, y)
        assert archive.tile(16, 0, 0) is None
        assert archive.metadata() == reference.metadata()
        ids = sorted({zxy_to_tileid(z, x, y) for (z, x, y), _ in all_tiles(MemorySource(data))})
        assert sum(run for _, run, _, _ in archive.entries()) == len(ids)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "too short"),
        (b"NotTiles" + bytes(200), "magic"),
        (b"PMTiles\x02" + bytes(200), "version 2"),
    ],
)
def test_not_a_pmtiles_archive_is_refused(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.pmtiles"
    path.write_bytes(data)
    with FileSource(path) as source, pytest.raises(FormatError, match=message):
        Archive(source)


def test_nothing_is_written_when_the_basemap_has_no_tile_there(tmp_path: Path) -> None:
    far = Coverage(box=(5.0, 45.0, 5.1, 45.1), box_maxzoom=14)
    with FileSource(raster_basemap()) as source:
        archive = Archive(source)
        ids = coverage_tile_ids(far, 8, 16)  # from zoom 8: the low zooms would overlap the basemap
        assert extract(archive, ids, tmp_path / "none.pmtiles", bounds=far.box) is None
    assert list(tmp_path.iterdir()) == []
