"""The operator's basemap: where it is, checking it, opening it by range, and its vector style.

``ODYSSEE_BASEMAP`` names a PMTiles file (a path) or a blob key; unset, the basemap ``odyssee basemap set``
recorded in ``<data>/basemap/current.json`` (the archive and its style files stored as blobs) is used.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from content.blobs import BlobStore, LocalBlobStore
from content.core.settings import Settings
from packs.tiles.format import Compression, FormatError, TileType, zoom_of
from packs.tiles.reader import Archive, FileSource, RangeSource, StreamSource

__all__ = [
    "BasemapRecord",
    "BasemapRef",
    "BasemapSummary",
    "check_archive",
    "open_basemap",
    "read_record",
    "record_path",
    "resolve_basemap",
    "write_record",
]

_BLOB_KEY = re.compile(r"[0-9a-f]{64}")


class BasemapRecord(msgspec.Struct, frozen=True, kw_only=True):
    """``<data>/basemap/current.json``: the basemap blob and, for a vector basemap, its style files."""

    sha256: str
    size: int
    name: str = ""
    # style path (relative, ``/``-separated) -> blob key; empty for a raster basemap
    style: dict[str, str] = {}


@dataclass(frozen=True, slots=True)
class BasemapRef:
    """A basemap to read: a local file or a blob, with a text that changes whenever its bytes may have."""

    identity: str
    size: int
    path: Path | None = None
    blob: str | None = None
    style_files: tuple[tuple[str, str], ...] = ()  # (relative path, blob key)
    style_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class BasemapSummary:
    tile_type: TileType
    tile_compression: Compression
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]
    center: tuple[float, float, int]
    addressed_tiles: int
    tile_entries: int
    tile_contents: int
    metadata: dict[str, Any]


def record_path(settings: Settings) -> Path:
    return settings.data_dir / "basemap" / "current.json"


def read_record(settings: Settings) -> BasemapRecord | None:
    try:
        data = record_path(settings).read_bytes()
    except FileNotFoundError:
        return None
    return msgspec.json.decode(data, type=BasemapRecord)


def write_record(settings: Settings, record: BasemapRecord) -> None:
    """Replace the record atomically (a reader sees the old one or the new one)."""
    path = record_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".current.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(msgspec.json.format(msgspec.json.encode(record), indent=1) + b"\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def resolve_basemap(settings: Settings) -> BasemapRef | None:
    """The basemap in use, or None. Blocking (a ``stat``, a small file read)."""
    if settings.basemap:
        value = settings.basemap
        if _BLOB_KEY.fullmatch(value):
            return BasemapRef(identity=f"blob:{value}", size=-1, blob=value, style_dir=settings.basemap_style)
        path = Path(value).resolve()
        stat = path.stat()  # a missing file is an error the operator must see
        identity = f"file:{path}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"
        return BasemapRef(identity=identity, size=stat.st_size, path=path, style_dir=settings.basemap_style)
    record = read_record(settings)
    if record is None:
        return None
    return BasemapRef(
        identity=f"blob:{record.sha256}",
        size=record.size,
        blob=record.sha256,
        style_files=tuple(sorted(record.style.items())),
        style_dir=settings.basemap_style,
    )


@contextmanager
def open_basemap(ref: BasemapRef, blobs: BlobStore) -> Iterator[Archive]:
    """The basemap as an ``Archive`` read by range. Blocking: use it in a worker thread."""
    source: RangeSource
    if ref.path is not None:
        source = FileSource(ref.path)
    elif ref.blob is not None and isinstance(blobs, LocalBlobStore):
        source = FileSource(blobs.path_for(ref.blob))
    elif ref.blob is not None:
        stream = blobs.open_reader(ref.blob)
        size = stream.seek(0, os.SEEK_END)
        stream.seek(0)
        source = StreamSource(stream, size)
    else:  # pragma: no cover - a ref always names one
        raise ValueError("basemap reference names no file")
    try:
        yield Archive(source)
    finally:
        source.close()


def check_archive(archive: Archive) -> BasemapSummary:
    """Everything ``odyssee basemap set`` checks: the header, a known tile type, supported compressions,
    a JSON metadata object (``vector_layers`` for MVT), every directory readable, every tile inside the
    data section, the zooms the tiles really have. Raises ``FormatError`` saying what is wrong."""
    header = archive.header
    if header.tile_type is TileType.UNKNOWN:
        raise FormatError("the tile type is unknown (expected png, jpeg, webp, avif or mvt)")
    if header.internal_compression not in {Compression.NONE, Compression.GZIP}:
        raise FormatError(
            f"internal compression {header.internal_compression.name.lower()} is not supported;"
            " convert the archive with gzip (e.g. `pmtiles convert`)"
        )
    if header.tile_compression not in {Compression.NONE, Compression.GZIP, Compression.UNKNOWN}:
        raise FormatError(f"tile compression {header.tile_compression.name.lower()} is not supported")
    metadata = archive.metadata()
    if header.tile_type is TileType.MVT and not isinstance(metadata.get("vector_layers"), list):
        raise FormatError("an MVT basemap's metadata must list its vector_layers")
    addressed = entries = 0
    low, high = 99, -1
    last_end = -1
    for tid, run, offset, length in archive.entries():
        if tid <= last_end:
            raise FormatError("directory entries are not in tile-id order")
        if offset + length > header.data_length or length <= 0:
            raise FormatError(f"tile {tid} lies outside the tile data section")
        last_end = tid + run - 1
        low = min(low, zoom_of(tid))
        high = max(high, zoom_of(last_end))
        addressed += run
        entries += 1
    if entries == 0:
        raise FormatError("the archive holds no tile")
    if low < header.min_zoom or high > header.max_zoom:
        raise FormatError(
            f"tiles at zooms {low}-{high} lie outside the header's {header.min_zoom}-{header.max_zoom}"
        )
    return BasemapSummary(
        tile_type=header.tile_type,
        tile_compression=header.tile_compression,
        min_zoom=low,
        max_zoom=high,
        bounds=header.bounds,
        center=header.center,
        addressed_tiles=addressed,
        tile_entries=entries,
        tile_contents=header.tile_contents,
        metadata=metadata,
    )


def load_style_json(data: bytes) -> dict[str, Any]:
    try:
        style = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"style.json is not JSON: {exc}") from None
    if not isinstance(style, dict) or style.get("version") != 8 or not isinstance(style.get("layers"), list):
        raise FormatError("style.json is not a MapLibre style (version 8 with layers)")
    return style
