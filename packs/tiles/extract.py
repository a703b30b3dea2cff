"""Cutting a pack's extract out of the basemap, streaming: a valid, clustered, deduplicated PMTiles v3 file.

The basemap is read by range (``Archive``): its directories leaf by leaf, then each wanted tile once, in
tile-id order (so a clustered basemap is read forwards). Tile bytes go straight to a temporary file; what
stays in memory is the extract's own directory (a few numbers per tile of the extract) and one digest per
distinct tile, never the basemap's size. The output is deterministic: tiles in id order, each distinct
content stored once at its first use, consecutive ids with the same content folded into one run-length
entry, directories and metadata gzipped with mtime 0.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from packs.tiles.format import (
    HEADER_SIZE,
    ROOT_LIMIT,
    Compression,
    Directory,
    Header,
    compress,
    encode_directory,
    zoom_of,
)
from packs.tiles.reader import Archive

__all__ = ["ExtractInfo", "build_directories", "extract"]

_COPY_CHUNK = 256 * 1024
_FIRST_LEAF_SIZE = 4096


@dataclass(frozen=True, slots=True)
class ExtractInfo:
    """What the manifest says of an extract, and its size and digest."""

    sha256: str
    size: int
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]
    tile_type: str
    addressed_tiles: int
    tile_contents: int


def _e7(value: float) -> int:
    return round(value * 1e7)


def build_directories(
    entries: Directory, compression: Compression, *, root_limit: int = ROOT_LIMIT - HEADER_SIZE
) -> tuple[bytes, bytes]:
    """The compressed root directory and leaf section: one root when it fits in ``root_limit`` bytes,
    else leaves of 4096 entries (doubled until the root of leaf pointers fits), in id order."""
    root = compress(encode_directory(entries), compression)
    if len(root) <= root_limit:
        return root, b""
    leaf_size = _FIRST_LEAF_SIZE
    n = len(entries)
    while True:
        leaves = bytearray()
        pointers = Directory([], [], [], [])
        for start in range(0, n, leaf_size):
            part = slice(start, start + leaf_size)
            leaf = compress(
                encode_directory(
                    Directory(
                        entries.tile_ids[part], entries.run_lengths[part], entries.offsets[part],
                        entries.lengths[part],
                    )
                ),
                compression,
            )  # fmt: skip
            pointers.tile_ids.append(entries.tile_ids[start])
            pointers.run_lengths.append(0)
            pointers.offsets.append(len(leaves))
            pointers.lengths.append(len(leaf))
            leaves += leaf
        root = compress(encode_directory(pointers), compression)
        if len(root) <= root_limit:
            return root, bytes(leaves)
        leaf_size *= 2


def _center_zoom(bounds: tuple[float, float, float, float], min_zoom: int, max_zoom: int) -> int:
    """A zoom at which the bounds span about two tiles across, within the extract's zooms."""
    width = max(bounds[2] - bounds[0], 1e-6)
    return max(min_zoom, min(max_zoom, math.floor(math.log2(720.0 / width))))


def extract(
    archive: Archive,
    tile_ids: Sequence[int],
    out_path: Path,
    *,
    bounds: tuple[float, float, float, float],
    root_limit: int = ROOT_LIMIT - HEADER_SIZE,
    on_content: Callable[[bytes], None] | None = None,
) -> ExtractInfo | None:
    """Write the tiles of ``tile_ids`` (sorted, unique) that the basemap holds to ``out_path`` as a PMTiles
    v3 archive, atomically. ``bounds`` (west, south, east, north) is what it claims to cover, clipped to the
    basemap's. None, and no file, when the basemap holds none of those tiles. ``on_content`` sees each
    distinct tile once (the style uses it to find the characters labels need). Blocking: run it in a thread.
    """
    source = archive.header
    entries = Directory([], [], [], [])
    by_source: dict[tuple[int, int], int] = {}
    by_digest: dict[bytes, int] = {}
    data_length = addressed = 0
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=out_path.parent, prefix=".tiles-") as data:
        for tid, offset, length in archive.lookup(tile_ids):
            at = by_source.get((offset, length))
            if at is None:
                tile = archive.read_tile(offset, length)
                digest = hashlib.blake2b(tile, digest_size=20).digest()
                at = by_digest.get(digest)
                if at is None:
                    at = data_length
                    data.write(tile)
                    if on_content is not None:
                        on_content(tile)
                    data_length += length
                    by_digest[digest] = at
                by_source[(offset, length)] = at
            addressed += 1
            if (
                entries.tile_ids
                and entries.offsets[-1] == at
                and entries.lengths[-1] == length
                and entries.tile_ids[-1] + entries.run_lengths[-1] == tid
            ):
                entries.run_lengths[-1] += 1
            else:
                entries.tile_ids.append(tid)
                entries.run_lengths.append(1)
                entries.offsets.append(at)
                entries.lengths.append(length)
        if not entries.tile_ids:
            return None
        root, leaves = build_directories(entries, Compression.GZIP, root_limit=root_limit)
        metadata = compress(archive.metadata_bytes(), Compression.GZIP)
        west, south, east, north = source.bounds
        clipped = (
            max(bounds[0], west), max(bounds[1], south), min(bounds[2], east), min(bounds[3], north)
        )  # fmt: skip
        if clipped[0] > clipped[2] or clipped[1] > clipped[3]:
            clipped = (west, south, east, north)
        min_zoom = zoom_of(entries.tile_ids[0])
        last = entries.tile_ids[-1] + entries.run_lengths[-1] - 1
        max_zoom = zoom_of(last)
        header = Header(
            root_offset=HEADER_SIZE,
            root_length=len(root),
            metadata_offset=HEADER_SIZE + len(root),
            metadata_length=len(metadata),
            leaf_offset=HEADER_SIZE + len(root) + len(metadata),
            leaf_length=len(leaves),
            data_offset=HEADER_SIZE + len(root) + len(metadata) + len(leaves),
            data_length=data_length,
            addressed_tiles=addressed,
            tile_entries=len(entries),
            tile_contents=len(by_digest),
            clustered=True,
            internal_compression=Compression.GZIP,
            tile_compression=source.tile_compression,
            tile_type=source.tile_type,
            min_zoom=min_zoom,
            max_zoom=max_zoom,
            min_lon_e7=_e7(clipped[0]),
            min_lat_e7=_e7(clipped[1]),
            max_lon_e7=_e7(clipped[2]),
            max_lat_e7=_e7(clipped[3]),
            center_zoom=_center_zoom(clipped, min_zoom, max_zoom),
            center_lon_e7=_e7((clipped[0] + clipped[2]) / 2),
            center_lat_e7=_e7((clipped[1] + clipped[3]) / 2),
        )
        data.seek(0)
        sha256, size = _write_atomically(out_path, [header.encode(), root, metadata, leaves], data)
    return ExtractInfo(
        sha256=sha256,
        size=size,
        min_zoom=min_zoom,
        max_zoom=max_zoom,
        bounds=header.bounds,
        tile_type=source.tile_type.label,
        addressed_tiles=addressed,
        tile_contents=len(by_digest),
    )


def _write_atomically(out_path: Path, parts: list[bytes], data: object) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    fd, tmp = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                out.write(part)
                digest.update(part)
                size += len(part)
            while chunk := data.read(_COPY_CHUNK):  # type: ignore[attr-defined]
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, out_path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return digest.hexdigest(), size
