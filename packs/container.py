"""Entry sources and the atomic writing of a pack-rule ZIP (used by full packs and deltas alike)."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from packs.errors import EntryMismatch
from packs.manifest import ManifestEntry, TileExtent
from packs.mediatypes import compression_for
from packs.paths import check_unique_paths
from packs.zipwriter import CHUNK_SIZE, Readable, ZipWriter

__all__ = ["EntrySource", "Opener", "WrittenFile", "sha256_of", "write_container"]

Opener = Callable[[], AbstractContextManager[Readable]]
"""Opens an entry's bytes for one sequential read: ``open(path, "rb")``, a blob store's ``open``…"""


@dataclass(frozen=True)
class EntrySource:
    """One entry to write, with its SHA-256 and size known beforehand, as the manifest needs them first.

    Media come from the blob store, whose names are their SHA-256; generated JSON is hashed in memory
    (``from_bytes``). The writer checks the streamed bytes against both and refuses a mismatch.
    """

    path: str
    type: str
    sha256: str
    size: int
    open: Opener
    tiles: TileExtent | None = None

    @classmethod
    def from_bytes(cls, path: str, media_type: str, data: bytes) -> EntrySource:
        return cls(path, media_type, hashlib.sha256(data).hexdigest(), len(data), lambda: io.BytesIO(data))

    @classmethod
    def from_file(cls, path: str, media_type: str, file: Path) -> EntrySource:
        """An entry read from ``file``, hashed now (streaming) and read again when the pack is written."""
        with file.open("rb") as source:
            sha256, size = sha256_of(source)
        return cls(path, media_type, sha256, size, lambda: file.open("rb"))

    def manifest_entry(self) -> ManifestEntry:
        if self.tiles is None:
            return ManifestEntry(path=self.path, sha256=self.sha256, size=self.size, type=self.type)
        return ManifestEntry(
            path=self.path,
            sha256=self.sha256,
            size=self.size,
            type=self.type,
            minzoom=self.tiles.minzoom,
            maxzoom=self.tiles.maxzoom,
            bounds=self.tiles.bounds,
            tile_type=self.tiles.tile_type,
        )


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    sha256: str
    size: int


def sha256_of(source: Readable) -> tuple[str, int]:
    """SHA-256 (hex) and size of everything ``source`` gives, read in bounded chunks."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def write_container(out_path: Path, sources: Iterable[EntrySource]) -> WrittenFile:
    """Write ``sources`` as a pack-rule ZIP at ``out_path``, atomically; returns its SHA-256 and size.

    Every path and type is checked before anything is written. The ZIP is built in a temporary file
    beside ``out_path``, synced, then renamed over it: a failure at any point (an opener raising, a
    source whose bytes differ from its declared SHA-256 or size) leaves nothing under the final name.
    """
    listed = list(sources)
    ordered = check_unique_paths(source.path for source in listed)
    by_path = {source.path: source for source in listed}
    for source in listed:
        compression_for(source.type)

    def write(file: BinaryIO) -> None:
        with ZipWriter(file) as writer:
            for path in ordered:
                source = by_path[path]
                with source.open() as stream:
                    written = writer.add(
                        path, stream, size=source.size, compression=compression_for(source.type)
                    )
                if written.sha256 != source.sha256:
                    raise EntryMismatch(path, f"SHA-256 is {written.sha256}, {source.sha256} was declared")

    return _write_atomically(out_path, write)


def _write_atomically(out_path: Path, write: Callable[[BinaryIO], None]) -> WrittenFile:
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w+b") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
            file.seek(0)
            sha256, size = sha256_of(file)
        os.chmod(tmp, 0o644)  # served as-is by the web server; mkstemp made it 0600
        os.replace(tmp, out_path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(out_path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # makes the rename itself durable
    finally:
        os.close(dir_fd)
    return WrittenFile(out_path, sha256, size)
