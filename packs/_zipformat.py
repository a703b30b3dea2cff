"""The ZIP records a pack uses (PKWARE APPNOTE 6.3), with every free field fixed, and the ZIP64 rules."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from packs.mediatypes import Compression

__all__ = [
    "DOS_DATE_1980_01_01",
    "DOS_TIME_MIDNIGHT",
    "EXTERNAL_ATTRS",
    "FLAG_DATA_DESCRIPTOR",
    "LOCAL_HEADER_SIZE",
    "VERSION_MADE_BY",
    "ZIP64_COUNT_LIMIT",
    "ZIP64_LIMIT",
    "CentralRecord",
    "central_header",
    "deflate_bound",
    "end_records",
    "general_flags",
    "local_header",
    "needs_zip64_end",
    "needs_zip64_sizes",
    "version_needed",
]

# A 32-bit size or offset field holding 0xFFFFFFFF (a 16-bit count holding 0xFFFF) means "read the ZIP64
# record instead", so these values and anything above them need ZIP64 (APPNOTE 4.4.8, 4.5.3).
ZIP64_LIMIT = 0xFFFFFFFF
ZIP64_COUNT_LIMIT = 0xFFFF

LOCAL_HEADER_SIZE = 30
FLAG_DATA_DESCRIPTOR = 0x0008  # bit 3: never set, since Java's ZipInputStream refuses it on STORED entries
_FLAG_MAX_DEFLATE = 0x0002  # bits 1-2 = 01: "maximum compression" (informational, APPNOTE 4.4.4)
DOS_TIME_MIDNIGHT = 0x0000
DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1  # year-1980, month, day: the earliest DOS date
# Made by: host 3 (UNIX, so the external attributes hold a mode), APPNOTE version 4.5 (ZIP64).
VERSION_MADE_BY = (3 << 8) | 45
EXTERNAL_ATTRS = 0o100644 << 16  # a regular file, rw-r--r--

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_EOCD = struct.Struct("<IHHHHIIH")
_EOCD64 = struct.Struct("<IQHHIIQQQQ")
_EOCD64_LOCATOR = struct.Struct("<IIQI")
_ZIP64_EXTRA_ID = 0x0001


def deflate_bound(size: int) -> int:
    """zlib's ``deflateBound`` for raw deflate with default memLevel: the worst compressed size."""
    return size + (size >> 12) + (size >> 14) + (size >> 25) + 13


def needs_zip64_sizes(size: int, compression: Compression, limit: int = ZIP64_LIMIT) -> bool:
    """Whether an entry of ``size`` bytes needs ZIP64 sizes, decided before writing it.

    The local header is written before the data, so the decision uses the worst compressed size
    rather than the actual one: incompressible data grows slightly under deflate.
    """
    worst = size if compression is Compression.STORED else deflate_bound(size)
    return max(size, worst) >= limit


def needs_zip64_end(
    count: int, cd_size: int, cd_offset: int, limit: int = ZIP64_LIMIT, count_limit: int = ZIP64_COUNT_LIMIT
) -> bool:
    """Whether the archive needs the ZIP64 end of central directory record and locator."""
    return count >= count_limit or cd_size >= limit or cd_offset >= limit


def version_needed(compression: Compression, zip64: bool) -> int:
    """APPNOTE 4.4.3.2 minimums: 1.0 stored, 2.0 deflate, 4.5 ZIP64."""
    if zip64:
        return 45
    return 20 if compression is Compression.DEFLATED else 10


def general_flags(compression: Compression) -> int:
    return _FLAG_MAX_DEFLATE if compression is Compression.DEFLATED else 0


def _zip64_extra(*values: int) -> bytes:
    if not values:
        return b""
    return struct.pack(f"<HH{len(values)}Q", _ZIP64_EXTRA_ID, 8 * len(values), *values)


def local_header(
    name: bytes, compression: Compression, zip64: bool, zip64_sizes: bool, crc: int, size: int, csize: int
) -> bytes:
    """A local file header. With ZIP64 sizes both sizes live in the extra field (APPNOTE 4.5.3)."""
    extra = _zip64_extra(size, csize) if zip64_sizes else b""
    return (
        _LOCAL.pack(
            0x04034B50,
            version_needed(compression, zip64),
            general_flags(compression),
            compression,
            DOS_TIME_MIDNIGHT,
            DOS_DATE_1980_01_01,
            crc,
            ZIP64_LIMIT if zip64_sizes else csize,
            ZIP64_LIMIT if zip64_sizes else size,
            len(name),
            len(extra),
        )
        + name
        + extra
    )


@dataclass(frozen=True)
class CentralRecord:
    """What the central directory needs to know of one written entry."""

    name: bytes
    compression: Compression
    crc: int
    size: int
    csize: int
    offset: int
    zip64_sizes: bool
    zip64_offset: bool

    @property
    def zip64(self) -> bool:
        return self.zip64_sizes or self.zip64_offset


def central_header(record: CentralRecord) -> bytes:
    """A central directory header; only the fields that overflow move to the ZIP64 extra, in APPNOTE order."""
    values = [record.size, record.csize] if record.zip64_sizes else []
    if record.zip64_offset:
        values.append(record.offset)
    extra = _zip64_extra(*values)
    return (
        _CENTRAL.pack(
            0x02014B50,
            VERSION_MADE_BY,
            version_needed(record.compression, record.zip64),
            general_flags(record.compression),
            record.compression,
            DOS_TIME_MIDNIGHT,
            DOS_DATE_1980_01_01,
            record.crc,
            ZIP64_LIMIT if record.zip64_sizes else record.csize,
            ZIP64_LIMIT if record.zip64_sizes else record.size,
            len(record.name),
            len(extra),
            0,  # comment length
            0,  # disk number start
            0,  # internal attributes
            EXTERNAL_ATTRS,
            ZIP64_LIMIT if record.zip64_offset else record.offset,
        )
        + record.name
        + extra
    )


def end_records(
    count: int, cd_size: int, cd_offset: int, limit: int = ZIP64_LIMIT, count_limit: int = ZIP64_COUNT_LIMIT
) -> bytes:
    """The end of central directory record, preceded by the ZIP64 record and locator only when needed."""
    head = b""
    if needs_zip64_end(count, cd_size, cd_offset, limit, count_limit):
        eocd64_offset = cd_offset + cd_size
        head = _EOCD64.pack(
            0x06064B50, _EOCD64.size - 12, VERSION_MADE_BY, 45, 0, 0, count, count, cd_size, cd_offset
        ) + _EOCD64_LOCATOR.pack(0x07064B50, 0, eocd64_offset, 1)
    short_count = ZIP64_COUNT_LIMIT if count >= count_limit else count
    return head + _EOCD.pack(
        0x06054B50,
        0,
        0,
        short_count,
        short_count,
        ZIP64_LIMIT if cd_size >= limit else cd_size,
        ZIP64_LIMIT if cd_offset >= limit else cd_offset,
        0,  # comment length
    )
