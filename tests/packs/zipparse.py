"""An independent reader of ZIP records, so tests check the bytes themselves rather than zipfile's view."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

LOCAL_SIG = 0x04034B50
CENTRAL_SIG = 0x02014B50
EOCD_SIG = 0x06054B50
EOCD64_SIG = 0x06064B50
LOCATOR_SIG = 0x07064B50


@dataclass
class Local:
    offset: int
    version_needed: int
    flags: int
    method: int
    time: int
    date: int
    crc: int
    csize: int
    size: int
    name: str
    extra: bytes
    data_offset: int


@dataclass
class Central:
    version_made_by: int
    version_needed: int
    flags: int
    method: int
    time: int
    date: int
    crc: int
    csize: int
    size: int
    name: str
    extra: bytes
    comment: bytes
    disk_start: int
    internal_attrs: int
    external_attrs: int
    offset: int


@dataclass
class Archive:
    locals: list[Local]
    centrals: list[Central]
    eocd: tuple[int, ...]
    comment: bytes
    zip64_end: tuple[int, ...] | None = None
    tail: bytes = field(default=b"")


def zip64_values(extra: bytes) -> list[int]:
    """The 8-byte values of a ZIP64 extra field (id 0x0001); fails on any other extra field."""
    header_id, length = struct.unpack_from("<HH", extra)
    assert header_id == 0x0001, f"unexpected extra field {header_id:#x}"
    assert length == len(extra) - 4
    assert length % 8 == 0
    return list(struct.unpack_from(f"<{length // 8}Q", extra, 4))


def parse(data: bytes) -> Archive:
    """Parse the end records, the central directory, then every local header it points at."""
    eocd_at = data.rindex(struct.pack("<I", EOCD_SIG))
    eocd = struct.unpack_from("<IHHHHIIH", data, eocd_at)
    comment = data[eocd_at + 22 : eocd_at + 22 + eocd[7]]
    count, cd_size, cd_offset = eocd[4], eocd[5], eocd[6]
    zip64_end = None
    if eocd_at >= 20 and struct.unpack_from("<I", data, eocd_at - 20)[0] == LOCATOR_SIG:
        locator = struct.unpack_from("<IIQI", data, eocd_at - 20)
        zip64_end = struct.unpack_from("<IQHHIIQQQQ", data, locator[2])
        assert zip64_end[0] == EOCD64_SIG
        count, cd_size, cd_offset = zip64_end[7], zip64_end[8], zip64_end[9]
    centrals = []
    at = cd_offset
    for _ in range(count):
        fields = struct.unpack_from("<IHHHHHHIIIHHHHHII", data, at)
        assert fields[0] == CENTRAL_SIG
        name_len, extra_len, comment_len = fields[10], fields[11], fields[12]
        name = data[at + 46 : at + 46 + name_len].decode("ascii")
        extra = data[at + 46 + name_len : at + 46 + name_len + extra_len]
        entry_comment = data[at + 46 + name_len + extra_len : at + 46 + name_len + extra_len + comment_len]
        made_by, needed, flags, method, time, date, crc, csize, size = fields[1:10]
        disk_start, internal_attrs, external_attrs, offset = fields[13:17]
        centrals.append(
            Central(
                made_by,
                needed,
                flags,
                method,
                time,
                date,
                crc,
                csize,
                size,
                name,
                extra,
                entry_comment,
                disk_start,
                internal_attrs,
                external_attrs,
                offset,
            )
        )
        at += 46 + name_len + extra_len + comment_len
    assert at == cd_offset + cd_size
    locals_ = []
    for central in centrals:
        offset = central.offset
        if central.offset == 0xFFFFFFFF:
            offset = zip64_values(central.extra)[-1]
        fields = struct.unpack_from("<IHHHHHIIIHH", data, offset)
        assert fields[0] == LOCAL_SIG
        name_len, extra_len = fields[9], fields[10]
        name = data[offset + 30 : offset + 30 + name_len].decode("ascii")
        extra = data[offset + 30 + name_len : offset + 30 + name_len + extra_len]
        needed, flags, method, time, date, crc, csize, size = fields[1:9]
        data_offset = offset + 30 + name_len + extra_len
        locals_.append(
            Local(offset, needed, flags, method, time, date, crc, csize, size, name, extra, data_offset)
        )
    return Archive(locals_, centrals, eocd, comment, zip64_end, data[eocd_at + 22 + len(comment) :])
