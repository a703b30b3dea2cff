"""Reading a PMTiles v3 archive by range: the header and root directory once, leaf directories on demand.

Nothing ever reads the archive whole. A :class:`RangeSource` answers ``read_at(offset, length)``: a local
file (``pread``) or a seekable stream such as a blob store reader (forward reads, short gaps skipped by
reading through them rather than seeking, since a seek on an object store costs a new request).
"""

from __future__ import annotations

import json
import os
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from packs.tiles.format import (
    HEADER_SIZE,
    ROOT_LIMIT,
    Compression,
    Directory,
    FormatError,
    Header,
    decode_directory,
    decompress,
    tile_id,
)

__all__ = ["Archive", "FileSource", "RangeSource", "StreamSource"]

# PMTiles advises at most one level of leaves; a deeper chain is refused rather than followed forever.
_MAX_DEPTH = 3
_LEAF_CACHE = 16
# Gaps shorter than this are read through instead of seeking (one object-store request saved per gap).
_READ_THROUGH = 256 * 1024


class RangeSource(Protocol):
    size: int

    def read_at(self, offset: int, length: int) -> bytes: ...

    def close(self) -> None: ...


class FileSource:
    """A local file read with ``pread``: thread-safe, no shared position."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self.size = os.fstat(self._fd).st_size

    def read_at(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0 or offset + length > self.size:
            raise FormatError(f"range {offset}+{length} outside the {self.size}-byte archive")
        data = os.pread(self._fd, length, offset)
        while len(data) < length:  # pread may return short on some file systems
            more = os.pread(self._fd, length - len(data), offset + len(data))
            if not more:
                raise FormatError("archive ended early")
            data += more
        return data

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> FileSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class StreamSource:
    """A seekable binary stream of known size (a blob store's ``open_reader``); not thread-safe."""

    def __init__(self, stream: BinaryIO, size: int) -> None:
        self._stream = stream
        self._pos = stream.tell()
        self.size = size

    def read_at(self, offset: int, length: int) -> bytes:
        if offset < 0 or length < 0 or offset + length > self.size:
            raise FormatError(f"range {offset}+{length} outside the {self.size}-byte archive")
        gap = offset - self._pos
        if 0 < gap <= _READ_THROUGH:
            self._read_exactly(gap)
        elif gap != 0:
            self._stream.seek(offset)
            self._pos = offset
        return self._read_exactly(length)

    def _read_exactly(self, length: int) -> bytes:
        parts = []
        remaining = length
        while remaining > 0:
            chunk = self._stream.read(remaining)
            if not chunk:
                raise FormatError("archive ended early")
            parts.append(chunk)
            remaining -= len(chunk)
        self._pos += length
        return b"".join(parts)

    def close(self) -> None:
        self._stream.close()


class Archive:
    """One PMTiles archive: header, root directory and metadata; tiles looked up by id or ``z/x/y``."""

    def __init__(self, source: RangeSource) -> None:
        self.source = source
        if source.size < HEADER_SIZE:
            raise FormatError(f"a {source.size}-byte file is too short to be a PMTiles archive")
        first = source.read_at(0, min(source.size, ROOT_LIMIT))
        self.header = Header.decode(first)
        h = self.header
        for name, offset, length in (
            ("metadata", h.metadata_offset, h.metadata_length),
            ("leaf directories", h.leaf_offset, h.leaf_length),
            ("tile data", h.data_offset, h.data_length),
        ):
            if offset + length > source.size:
                raise FormatError(f"the {name} section ends after the end of the file")
        root = first[h.root_offset : h.root_offset + h.root_length]
        self.root = decode_directory(decompress(root, h.internal_compression))
        self._leaves: OrderedDict[tuple[int, int], Directory] = OrderedDict()

    # Metadata ---------------------------------------------------------------------------------------

    def metadata_bytes(self) -> bytes:
        """The JSON metadata, decompressed, exactly as stored."""
        h = self.header
        if h.metadata_length == 0:
            return b"{}"
        raw = self.source.read_at(h.metadata_offset, h.metadata_length)
        return decompress(raw, h.internal_compression)

    def metadata(self) -> dict[str, Any]:
        try:
            value = json.loads(self.metadata_bytes())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FormatError(f"metadata is not JSON: {exc}") from None
        if not isinstance(value, dict):
            raise FormatError("metadata is not a JSON object")
        return value

    # Directories ------------------------------------------------------------------------------------

    def _leaf(self, offset: int, length: int) -> Directory:
        key = (offset, length)
        leaf = self._leaves.get(key)
        if leaf is not None:
            self._leaves.move_to_end(key)
            return leaf
        h = self.header
        if offset + length > h.leaf_length:
            raise FormatError("a leaf directory lies outside the leaf section")
        raw = self.source.read_at(h.leaf_offset + offset, length)
        leaf = decode_directory(decompress(raw, h.internal_compression))
        self._leaves[key] = leaf
        if len(self._leaves) > _LEAF_CACHE:
            self._leaves.popitem(last=False)
        return leaf

    def lookup(self, tile_ids: Sequence[int]) -> Iterator[tuple[int, int, int]]:
        """``(tile id, offset in the tile data section, length)`` of each present tile among ``tile_ids``
        (sorted, unique), in that order. Each leaf directory needed is read once."""
        yield from self._lookup(self.root, tile_ids, 0)

    def _lookup(
        self, directory: Directory, wanted: Sequence[int], depth: int
    ) -> Iterator[tuple[int, int, int]]:
        ids = directory.tile_ids
        runs = directory.run_lengths
        i, n = 0, len(wanted)
        while i < n:
            tid = wanted[i]
            k = bisect_right(ids, tid) - 1
            if k < 0:
                i += 1
                continue
            if runs[k] > 0:
                if tid < ids[k] + runs[k]:
                    yield tid, directory.offsets[k], directory.lengths[k]
                i += 1
                continue
            # A leaf directory covers ids up to the next entry's first id.
            end = bisect_left(wanted, ids[k + 1], i) if k + 1 < len(ids) else n
            if depth >= _MAX_DEPTH:
                raise FormatError("leaf directories nested too deep")
            leaf = self._leaf(directory.offsets[k], directory.lengths[k])
            yield from self._lookup(leaf, wanted[i:end], depth + 1)
            i = end

    def entries(self) -> Iterator[tuple[int, int, int, int]]:
        """Every tile entry ``(tile id, run length, offset, length)`` in id order, one leaf at a time."""
        yield from self._walk(self.root, 0)

    def _walk(self, directory: Directory, depth: int) -> Iterator[tuple[int, int, int, int]]:
        for tid, run, offset, length in zip(
            directory.tile_ids, directory.run_lengths, directory.offsets, directory.lengths, strict=True
        ):
            if run > 0:
                yield tid, run, offset, length
            else:
                if depth >= _MAX_DEPTH:
                    raise FormatError("leaf directories nested too deep")
                yield from self._walk(self._leaf(offset, length), depth + 1)

    # Tiles ------------------------------------------------------------------------------------------

    def read_tile(self, offset: int, length: int) -> bytes:
        h = self.header
        if offset + length > h.data_length:
            raise FormatError("a tile lies outside the tile data section")
        return self.source.read_at(h.data_offset + offset, length)

    def find(self, z: int, x: int, y: int) -> tuple[int, int] | None:
        """``(offset, length)`` of the tile ``z/x/y`` in the data section, or None when it is absent."""
        for _, offset, length in self.lookup([tile_id(z, x, y)]):
            return offset, length
        return None

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        found = self.find(z, x, y)
        return None if found is None else self.read_tile(*found)

    @property
    def internal_compression(self) -> Compression:
        return self.header.internal_compression
