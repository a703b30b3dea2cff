"""A deterministic ZIP writer: entries streamed in path order, sizes patched in place, no data descriptor.

The archive depends only on the entries' paths, bytes and compression: every time, permission and
version field is fixed, there are no extra fields (except ZIP64's, when a size needs it) and no comment.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from types import TracebackType
from typing import BinaryIO, Protocol

from packs import _zipformat as fmt
from packs.errors import EntryMismatch, InvalidEntryPath
from packs.mediatypes import Compression
from packs.paths import validate_entry_path

__all__ = ["CHUNK_SIZE", "DEFLATE_LEVEL", "Readable", "WrittenEntry", "ZipWriter"]

# Level 9: packs are built once and downloaded many times over slow links. The output is a function of
# the input and the zlib build, so a given server gives byte-identical packs.
DEFLATE_LEVEL = 9
CHUNK_SIZE = 1 << 20


class Readable(Protocol):
    """A binary source read in chunks: an open file, a ``BytesIO``, an object-store body."""

    def read(self, size: int = ..., /) -> bytes: ...


@dataclass(frozen=True)
class WrittenEntry:
    path: str
    size: int
    sha256: str
    crc32: int
    compressed_size: int
    zip64: bool


class ZipWriter:
    """Writes a ZIP to a seekable binary file opened at offset 0; entries must come in path order.

    ``zip64_limit`` and ``zip64_count_limit`` exist so tests can exercise the ZIP64 layout with small
    files; packs always use the APPNOTE values.
    """

    def __init__(
        self,
        file: BinaryIO,
        *,
        zip64_limit: int = fmt.ZIP64_LIMIT,
        zip64_count_limit: int = fmt.ZIP64_COUNT_LIMIT,
    ) -> None:
        if not file.seekable():
            raise ValueError("a pack is written to a seekable file, so no entry needs a data descriptor")
        if file.tell() != 0:
            raise ValueError("the file must be positioned at offset 0")
        self._file = file
        self._limit = zip64_limit
        self._count_limit = zip64_count_limit
        self._offset = 0
        self._records: list[fmt.CentralRecord] = []
        self._last_path: str | None = None
        self._state = "open"

    def add(self, path: str, source: Readable, *, size: int, compression: Compression) -> WrittenEntry:
        """Stream ``source`` (exactly ``size`` bytes) as entry ``path``; returns its SHA-256 and sizes.

        A source that gives another number of bytes raises ``EntryMismatch``; the archive is then unusable.
        """
        self._check_open()
        validate_entry_path(path)
        if self._last_path is not None and path <= self._last_path:
            after = f"not in path order (after {self._last_path!r})"
            raise InvalidEntryPath(path, "duplicate" if path == self._last_path else after)
        if size < 0:
            raise ValueError(f"negative size for {path!r}")
        self._state = "broken"  # until the entry is complete
        name = path.encode("ascii")
        offset = self._offset
        zip64_sizes = fmt.needs_zip64_sizes(size, compression, self._limit)
        zip64_offset = offset >= self._limit
        header = fmt.local_header(name, compression, zip64_sizes or zip64_offset, zip64_sizes, 0, size, 0)
        self._file.write(header)
        crc, digest, csize = self._stream(path, source, size, compression)
        if not zip64_sizes and csize >= self._limit:
            raise AssertionError("deflate_bound was exceeded")
        self._patch(offset, len(name), zip64_sizes, crc, size, csize)
        self._offset = offset + len(header) + csize
        self._records.append(
            fmt.CentralRecord(name, compression, crc, size, csize, offset, zip64_sizes, zip64_offset)
        )
        self._last_path = path
        self._state = "open"
        return WrittenEntry(path, size, digest, crc, csize, zip64_sizes or zip64_offset)

    def close(self) -> None:
        """Write the central directory and end records. The caller owns (and closes) the file."""
        self._check_open()
        cd_offset, cd_size = self._offset, 0
        for record in self._records:
            cd_size += self._file.write(fmt.central_header(record))
        end = fmt.end_records(len(self._records), cd_size, cd_offset, self._limit, self._count_limit)
        self._file.write(end)
        self._file.flush()
        self._state = "closed"

    def __enter__(self) -> ZipWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # After an error the archive is incomplete on purpose: the caller throws the file away.
        if exc_type is None and self._state == "open":
            self.close()

    def _check_open(self) -> None:
        if self._state != "open":
            raise ValueError(f"the ZIP writer is {self._state}")

    def _stream(
        self, path: str, source: Readable, size: int, compression: Compression
    ) -> tuple[int, str, int]:
        crc, total, csize = 0, 0, 0
        digest = hashlib.sha256()
        compressor = (
            zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS, 8, zlib.Z_DEFAULT_STRATEGY)
            if compression is Compression.DEFLATED
            else None
        )
        while chunk := source.read(CHUNK_SIZE):
            total += len(chunk)
            if total > size:
                raise EntryMismatch(path, f"the source is longer than the declared {size} bytes")
            crc = zlib.crc32(chunk, crc)
            digest.update(chunk)
            out = compressor.compress(chunk) if compressor is not None else chunk
            self._file.write(out)
            csize += len(out)
        if total != size:
            raise EntryMismatch(path, f"the source gave {total} bytes, {size} were declared")
        if compressor is not None:
            out = compressor.flush()
            self._file.write(out)
            csize += len(out)
        return crc, digest.hexdigest(), csize

    def _patch(
        self, offset: int, name_length: int, zip64_sizes: bool, crc: int, size: int, csize: int
    ) -> None:
        end = self._file.tell()
        self._file.seek(offset + 14)
        self._file.write(crc.to_bytes(4, "little"))
        if zip64_sizes:
            # The local ZIP64 extra field: 4 bytes of id and length, then original and compressed size.
            self._file.seek(offset + fmt.LOCAL_HEADER_SIZE + name_length + 4)
            self._file.write(size.to_bytes(8, "little") + csize.to_bytes(8, "little"))
        else:
            self._file.write(csize.to_bytes(4, "little") + size.to_bytes(4, "little"))
        self._file.seek(end)
