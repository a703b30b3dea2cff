"""Basemap extract benchmark: a 20 km route cut out of a basemap covering 100 km x 100 km at zooms 0-16.

Two synthetic raster basemaps with the same tiles at the same places, differing only in tile sizes: a small
one (~10 MB) and a large one (~1 GB by default, ``--large-mb``). Tiles are filler bytes behind a PNG
signature (``tools.demo.basemaps.write_payload_basemap``): the extractor never decodes them, and real PNG
encoding of 1 GB would take an hour on two shared cores. Which tiles repeat follows the demo map's land
cover: from zoom 13 up, tiles inside forest and water cells (about a quarter of the cells) are one plain
tile each, as forest and lake interiors are on a real raster map; every other tile is distinct (6-26 KB in
the large basemap, 1/100 of that in the small one).

Figures (each extract in a fresh subprocess, next to one that only imports and opens the basemap):
- extract time for the route pack's coverage (box + 2 km to zoom 14, 500 m corridor at 15-16);
- peak RSS (VmHWM) with the small and the large basemap: flat means streaming (the aim: ratio ~1);
- the extract's bytes against the same tiles as individual files in a STORED ZIP, Geotrek's way
  (``z/x/y.png``; aim <= 0.8, thanks to deduplication), with the share of tiles that were duplicates.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from content.places.geo import bbox_of, line_length_m
from packs.tiles.cover import Coverage, buffer_bbox, coverage_tile_ids
from packs.tiles.extract import extract
from packs.tiles.format import tile_zxy
from packs.tiles.reader import Archive, FileSource
from tools.demo.basemaps import MapPlan, write_payload_basemap, write_vector_basemap

CENTER = (0.85, 48.40)
SIDE_M = 100_000.0
ROUTE_M = 20_000.0


def territory() -> tuple[float, float, float, float]:
    lon, lat = CENTER
    dlat = SIDE_M / 2 / 111_320
    dlon = SIDE_M / 2 / (111_320 * math.cos(math.radians(lat)))
    return (lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def route_line() -> list[tuple[float, float]]:
    """A 20 km line wandering east-north-east through the centre, one vertex every ~250 m."""
    lon, lat = CENTER[0] - 0.12, CENTER[1] - 0.03
    rng = random.Random(20)
    points = [(lon, lat)]
    heading = math.radians(20)
    while line_length_m(points) < ROUTE_M:
        heading += rng.uniform(-0.35, 0.35)
        step = 250.0
        lat += step * math.sin(heading) / 111_320
        lon += step * math.cos(heading) / (111_320 * math.cos(math.radians(lat)))
        points.append((round(lon, 6), round(lat, 6)))
    return points


def _forest_or_water(z: int, x: int, y: int) -> bool:
    from tools.demo.basemaps import _cell_class

    if z < 13:
        return False
    shift = z - 13
    return _cell_class(x >> shift, y >> shift) in (2, 3)


def _size_of(scale: float) -> object:
    def size_of(z: int, x: int, y: int) -> int | None:
        if _forest_or_water(z, x, y):
            return None
        rng = random.Random((z << 50) ^ (x << 25) ^ y)
        return max(16, int(rng.uniform(6_000, 26_000) * scale))

    return size_of


def make_basemap(path: Path, scale: float) -> float:
    started = time.perf_counter()
    plan = MapPlan(box=territory(), box_maxzoom=16, maxzoom=16)
    write_payload_basemap(path, plan, _size_of(scale))  # type: ignore[arg-type]
    return time.perf_counter() - started


def coverage() -> Coverage:
    line = tuple(route_line())
    return Coverage(
        box=buffer_bbox(bbox_of(line), 2000.0),
        box_maxzoom=14,
        line=line,
        corridor_m=500.0,
        corridor_maxzoom=16,
    )


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(basemap: str, out: str) -> None:
    """In a fresh process: cut the route's extract (or only open the basemap when ``out`` is ``-``)."""
    started = time.perf_counter()
    result: dict[str, float] = {}
    with FileSource(Path(basemap)) as source:
        archive = Archive(source)
        if out != "-":
            cov = coverage()
            ids = coverage_tile_ids(cov, archive.header.min_zoom, archive.header.max_zoom)
            info = extract(archive, ids, Path(out), bounds=cov.box)
            assert info is not None
            result = {"size": info.size, "tiles": info.addressed_tiles, "contents": info.tile_contents}
    result |= {"seconds": time.perf_counter() - started, "rss_mb": _peak_rss_mb()}
    print(json.dumps(result))


def _in_subprocess(basemap: Path, out: Path | str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "tools.bench.tiles", "--child", str(basemap), str(out)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def stored_zip_size(extract_path: Path, out: Path) -> int:
    """The extract's tiles as ``z/x/y.png`` files in a STORED ZIP (each addressed tile, duplicates too)."""
    with FileSource(extract_path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        tiles = Archive(source)
        for tid, run, offset, length in tiles.entries():
            data = tiles.read_tile(offset, length)
            for i in range(run):
                z, x, y = tile_zxy(tid + i)
                name = f"{z}/{x}/{y}.{'pbf' if tiles.header.tile_type.is_vector else 'png'}"
                archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return out.stat().st_size


def vector_bytes(work: Path) -> None:
    """The same comparison with real (synthetic) MVT tiles: the vector test map of the demo generator
    around the route (its box + 3 km to zoom 14, 800 m around the line at 15-16), few features per tile."""
    line = tuple(route_line())
    plan = MapPlan(
        box=buffer_bbox(bbox_of(line), 3000.0), box_maxzoom=14, lines=(line,), detail_m=800.0, roads=(line,)
    )
    basemap = work / "vector.pmtiles"
    write_vector_basemap(basemap, plan)
    out = work / "vector-extract.pmtiles"
    with FileSource(basemap) as source:
        archive = Archive(source)
        cov = coverage()
        info = extract(archive, coverage_tile_ids(cov, 0, 16), out, bounds=cov.box)
    assert info is not None
    zip_size = stored_zip_size(out, work / "vector-tiles.zip")
    print(
        f"bytes (vector MVT): extract {info.size / 1e3:.0f} kB ({info.addressed_tiles} tiles,"
        f" {1 - info.tile_contents / info.addressed_tiles:.0%} duplicates),"
        f" STORED ZIP {zip_size / 1e3:.0f} kB; extract/zip {info.size / zip_size:.3f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.tiles", description=__doc__)
    parser.add_argument("--large-mb", type=int, default=1000, help="target size of the large basemap (MB)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.child:
        _child(*args.child)
        return 0
    with tempfile.TemporaryDirectory(prefix="odyssee-bench-tiles-") as tmp:
        work = Path(tmp)
        small, large = work / "small.pmtiles", work / "large.pmtiles"
        # 1 GB at full scale: the large basemap's unique tiles average ~16 KB
        small_s = make_basemap(small, 1 / 100)
        large_s = make_basemap(large, args.large_mb / 1000)
        print(
            f"basemaps: small {small.stat().st_size / 1e6:.1f} MB ({small_s:.1f} s to make),"
            f" large {large.stat().st_size / 1e6:.0f} MB ({large_s:.1f} s to make)"
        )
        line = route_line()
        print(
            f"route: {line_length_m(line) / 1000:.1f} km, {len(line)} points; territory 100 km square, z0-16"
        )
        baseline = _in_subprocess(large, "-")
        cut_small = _in_subprocess(small, work / "small-extract.pmtiles")
        cut_large = _in_subprocess(large, work / "large-extract.pmtiles")
        zip_started = time.perf_counter()
        zip_size = stored_zip_size(work / "large-extract.pmtiles", work / "tiles.zip")
        zip_s = time.perf_counter() - zip_started
        print(
            f"extract time: {cut_small['seconds']:.2f} s (small basemap), {cut_large['seconds']:.2f} s"
            f" (large); {cut_large['tiles']:.0f} tiles, {cut_large['contents']:.0f} distinct"
            f" ({1 - cut_large['contents'] / cut_large['tiles']:.0%} duplicates); writing the same tiles as a"
            f" STORED ZIP from the extract {zip_s:.2f} s; extract/zip time {cut_large['seconds'] / zip_s:.2f}"
        )
        print(
            f"peak RSS: {cut_small['rss_mb']:.1f} MB (small), {cut_large['rss_mb']:.1f} MB (large),"
            f" imports+open only {baseline['rss_mb']:.1f} MB;"
            f" large/small {cut_large['rss_mb'] / cut_small['rss_mb']:.3f} (aim: flat)"
        )
        print(
            f"bytes (raster model): extract {cut_large['size'] / 1e6:.2f} MB, STORED ZIP of the same tiles"
            f" {zip_size / 1e6:.2f} MB; extract/zip {cut_large['size'] / zip_size:.3f} (aim <= 0.8)"
        )
        vector_bytes(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
