"""PMTiles v3 on the byte level: the 127-byte header, varint directories, tile ids on the Hilbert curve.

Written from the specification (github.com/protomaps/PMTiles, spec/v3/spec.md). Only what the extractor and
the tile server need: ``none`` and ``gzip`` internal compression (the Python standard library has no
brotli or zstd; ``odyssee basemap set`` refuses those archives with a message saying so).
"""

from __future__ import annotations

import gzip
import struct
import zlib
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

__all__ = [
    "HEADER_SIZE",
    "MAGIC",
    "MAX_ZOOM",
    "ROOT_LIMIT",
    "Compression",
    "Directory",
    "FormatError",
    "Header",
    "TileType",
    "compress",
    "decode_directory",
    "decompress",
    "encode_directory",
    "tile_id",
    "tile_zxy",
    "zoom_of",
]

MAGIC: Final = b"PMTiles"
HEADER_SIZE: Final = 127
# The header and the compressed root directory must fit in the first 16 KiB.
ROOT_LIMIT: Final = 16384
MAX_ZOOM: Final = 31


class Compression(IntEnum):
    UNKNOWN = 0
    NONE = 1
    GZIP = 2
    BROTLI = 3
    ZSTD = 4


class TileType(IntEnum):
    UNKNOWN = 0
    MVT = 1
    PNG = 2
    JPEG = 3
    WEBP = 4
    AVIF = 5
    MLT = 6

    @property
    def label(self) -> str:
        """The manifest's ``tile_type``: ``mvt``, ``png``, ``jpeg``, ``webp``, ``avif``, ``mlt``."""
        return self.name.lower()

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def is_vector(self) -> bool:
        return self in {TileType.MVT, TileType.MLT}


_MEDIA_TYPES: Final = {
    TileType.UNKNOWN: "application/octet-stream",
    TileType.MVT: "application/vnd.mapbox-vector-tile",
    TileType.PNG: "image/png",
    TileType.JPEG: "image/jpeg",
    TileType.WEBP: "image/webp",
    TileType.AVIF: "image/avif",
    TileType.MLT: "application/vnd.maplibre-vector-tile",
}

# little-endian: magic, version, 11 u64, 4 u8, 2 u8 zooms, 4 i32 bounds, u8 centre zoom, 2 i32 centre
_HEADER: Final = struct.Struct("<7sB11QBBBBBBiiiiBii")
assert _HEADER.size == HEADER_SIZE


class FormatError(ValueError):
    """The bytes are not a PMTiles v3 archive we can read."""


@dataclass(frozen=True, slots=True)
class Header:
    root_offset: int
    root_length: int
    metadata_offset: int
    metadata_length: int
    leaf_offset: int
    leaf_length: int
    data_offset: int
    data_length: int
    addressed_tiles: int
    tile_entries: int
    tile_contents: int
    clustered: bool
    internal_compression: Compression
    tile_compression: Compression
    tile_type: TileType
    min_zoom: int
    max_zoom: int
    min_lon_e7: int
    min_lat_e7: int
    max_lon_e7: int
    max_lat_e7: int
    center_zoom: int
    center_lon_e7: int
    center_lat_e7: int

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return (
            self.min_lon_e7 / 1e7,
            self.min_lat_e7 / 1e7,
            self.max_lon_e7 / 1e7,
            self.max_lat_e7 / 1e7,
        )

    @property
    def center(self) -> tuple[float, float, int]:
        return (self.center_lon_e7 / 1e7, self.center_lat_e7 / 1e7, self.center_zoom)

    def encode(self) -> bytes:
        return _HEADER.pack(
            MAGIC,
            3,
            self.root_offset,
            self.root_length,
            self.metadata_offset,
            self.metadata_length,
            self.leaf_offset,
            self.leaf_length,
            self.data_offset,
            self.data_length,
            self.addressed_tiles,
            self.tile_entries,
            self.tile_contents,
            1 if self.clustered else 0,
            self.internal_compression,
            self.tile_compression,
            self.tile_type,
            self.min_zoom,
            self.max_zoom,
            self.min_lon_e7,
            self.min_lat_e7,
            self.max_lon_e7,
            self.max_lat_e7,
            self.center_zoom,
            self.center_lon_e7,
            self.center_lat_e7,
        )

    @classmethod
    def decode(cls, data: bytes) -> Header:
        """Parse and check a header; anything inconsistent raises ``FormatError`` saying what."""
        if len(data) < HEADER_SIZE:
            raise FormatError(f"shorter than the {HEADER_SIZE}-byte header")
        fields = _HEADER.unpack_from(data)
        if fields[0] != MAGIC:
            raise FormatError("not a PMTiles archive (magic number)")
        if fields[1] != 3:
            raise FormatError(f"PMTiles version {fields[1]}; only version 3 is supported")
        offsets: list[int] = list(fields[2:13])
        bytes_: list[int] = list(fields[13:26])
        try:
            header = cls(
                offsets[0], offsets[1], offsets[2], offsets[3], offsets[4], offsets[5], offsets[6],
                offsets[7], offsets[8], offsets[9], offsets[10],
                clustered=bool(bytes_[0]),
                internal_compression=Compression(bytes_[1]),
                tile_compression=Compression(bytes_[2]),
                tile_type=TileType(bytes_[3]),
                min_zoom=bytes_[4],
                max_zoom=bytes_[5],
                min_lon_e7=bytes_[6],
                min_lat_e7=bytes_[7],
                max_lon_e7=bytes_[8],
                max_lat_e7=bytes_[9],
                center_zoom=bytes_[10],
                center_lon_e7=bytes_[11],
                center_lat_e7=bytes_[12],
            )  # fmt: skip
        except ValueError as exc:
            raise FormatError(f"header field out of range: {exc}") from None
        if header.min_zoom > header.max_zoom or header.max_zoom > MAX_ZOOM:
            raise FormatError(f"zooms {header.min_zoom}-{header.max_zoom} are not a valid range")
        if header.root_offset + header.root_length > ROOT_LIMIT:
            raise FormatError("the root directory does not end within the first 16 KiB")
        if header.root_length == 0:
            raise FormatError("empty root directory")
        min_lon, min_lat, max_lon, max_lat = header.bounds
        if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise FormatError(f"bounds {list(header.bounds)} are not [west, south, east, north] in WGS 84")
        return header


def compress(data: bytes, compression: Compression) -> bytes:
    """Deterministic: gzip with mtime 0 and a fixed level (same bytes for one zlib build)."""
    if compression is Compression.NONE:
        return data
    if compression is Compression.GZIP:
        return gzip.compress(data, compresslevel=9, mtime=0)
    raise FormatError(f"{compression.name.lower()} compression is not supported (use none or gzip)")


def decompress(data: bytes, compression: Compression) -> bytes:
    if compression is Compression.NONE:
        return data
    if compression is Compression.GZIP:
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise FormatError(f"bad gzip data: {exc}") from None
    raise FormatError(f"{compression.name.lower()} compression is not supported (use none or gzip)")


# Directories -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Directory:
    """Entries as parallel lists, sorted by tile id; ``run_lengths[i] == 0`` marks a leaf directory."""

    tile_ids: list[int]
    run_lengths: list[int]
    offsets: list[int]
    lengths: list[int]

    def __len__(self) -> int:
        return len(self.tile_ids)


def _write_varint(out: bytearray, value: int) -> None:
    if value < 0:
        raise ValueError("varints are unsigned")
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def encode_directory(directory: Directory) -> bytes:
    """The uncompressed varint encoding (count, tile id deltas, run lengths, lengths, offsets)."""
    n = len(directory)
    if n == 0:
        raise ValueError("a directory has at least one entry")
    out = bytearray()
    _write_varint(out, n)
    last = 0
    for tid in directory.tile_ids:
        _write_varint(out, tid - last)
        last = tid
    for run in directory.run_lengths:
        _write_varint(out, run)
    for length in directory.lengths:
        if length <= 0:
            raise ValueError("entry lengths must be > 0")
        _write_varint(out, length)
    for i, offset in enumerate(directory.offsets):
        contiguous = i > 0 and offset == directory.offsets[i - 1] + directory.lengths[i - 1]
        _write_varint(out, 0 if contiguous else offset + 1)
    return bytes(out)


def decode_directory(data: bytes) -> Directory:
    """Decode an uncompressed directory; truncated or inconsistent bytes raise ``FormatError``."""
    pos = 0
    size = len(data)

    def varint() -> int:
        nonlocal pos
        value = shift = 0
        while True:
            if pos >= size:
                raise FormatError("directory ends inside a varint")
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
            if shift > 63:
                raise FormatError("varint longer than 64 bits")

    n = varint()
    if n == 0 or n > size:
        raise FormatError(f"directory claims {n} entries in {size} bytes")
    tile_ids = []
    last = 0
    for _ in range(n):
        last += varint()
        tile_ids.append(last)
    run_lengths = [varint() for _ in range(n)]
    lengths = [varint() for _ in range(n)]
    offsets: list[int] = []
    for i in range(n):
        raw = varint()
        if raw == 0:
            if i == 0:
                raise FormatError("the first entry's offset cannot be implicit")
            offsets.append(offsets[i - 1] + lengths[i - 1])
        else:
            offsets.append(raw - 1)
    if pos != size:
        raise FormatError("trailing bytes after the directory")
    return Directory(tile_ids, run_lengths, offsets, lengths)


# Tile ids ----------------------------------------------------------------------------------------------


def _zoom_base(z: int) -> int:
    """How many tiles all zooms below ``z`` hold: (4^z - 1) / 3."""
    return ((1 << (2 * z)) - 1) // 3


def tile_id(z: int, x: int, y: int) -> int:
    """The tile id of ``z/x/y``: tiles of lower zooms first, then the Hilbert index within zoom ``z``."""
    if not 0 <= z <= MAX_ZOOM:
        raise ValueError(f"zoom {z} outside 0-{MAX_ZOOM}")
    n = 1 << z
    if not (0 <= x < n and 0 <= y < n):
        raise ValueError(f"tile {z}/{x}/{y} outside the zoom's grid")
    d = 0
    s = n >> 1
    while s > 0:
        rx = 1 if x & s else 0
        ry = 1 if y & s else 0
        d += s * s * ((3 * rx) ^ ry)
        # rotate the quadrant so the curve continues
        if ry == 0:
            if rx == 1:
                x = n - 1 - x
                y = n - 1 - y
            x, y = y, x
        s >>= 1
    return _zoom_base(z) + d


def zoom_of(tid: int) -> int:
    if tid < 0:
        raise ValueError("tile ids are >= 0")
    z = 0
    while _zoom_base(z + 1) <= tid:
        z += 1
    return z


def tile_zxy(tid: int) -> tuple[int, int, int]:
    """The inverse of :func:`tile_id`."""
    z = zoom_of(tid)
    d = tid - _zoom_base(z)
    x = y = 0
    s = 1
    n = 1 << z
    while s < n:
        rx = 1 & (d >> 1)
        ry = 1 & (d ^ rx)
        if ry == 0:
            if rx == 1:
                x = s - 1 - x
                y = s - 1 - y
            x, y = y, x
        x += s * rx
        y += s * ry
        d >>= 2
        s <<= 1
    return z, x, y
