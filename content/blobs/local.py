"""The local blob backend: ``<root>/ab/cd/abcd…``, written atomically (temp file, fsync, rename)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import BinaryIO

from content.blobs.base import DEFAULT_CHUNK_BYTES, BlobNotFound, BlobStore, StoredBlob, validate_key
from content.private_files import FILE_MODE, private_dir

__all__ = ["LocalBlobStore"]

_COPY_BYTES = 1024 * 1024
# Temp files live under the root, on the same filesystem as every final name, so the rename is atomic.
_INCOMING = ".incoming"


class LocalBlobStore(BlobStore):
    """Blobs in a local folder. Safe across processes: a final name only ever appears whole."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        """Where the blob lives on disk (local backend only: tests, benchmarks, ``sendfile`` servers)."""
        key = validate_key(sha256)
        return self.root / key[:2] / key[2:4] / key

    async def put_file(self, path: Path, *, content_type: str | None = None) -> StoredBlob:
        return await asyncio.to_thread(self._put_file, path)

    async def put_bytes(self, data: bytes, *, content_type: str | None = None) -> StoredBlob:
        return await asyncio.to_thread(self._put_bytes, data)

    async def take_file(self, path: Path, *, content_type: str | None = None) -> StoredBlob:
        """Hash the file and rename it into place (no second copy of its bytes); copies it across
        file systems."""
        return await asyncio.to_thread(self._take_file, path)

    async def exists(self, sha256: str) -> bool:
        return await asyncio.to_thread(self.path_for(sha256).is_file)

    async def size(self, sha256: str) -> int:
        return await asyncio.to_thread(self._size, sha256)

    async def read_range(
        self,
        sha256: str,
        start: int = 0,
        length: int | None = None,
        *,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    ) -> AsyncIterator[bytes]:
        if start < 0 or (length is not None and length < 0) or chunk_bytes <= 0:
            raise ValueError(f"bad range start={start} length={length} chunk_bytes={chunk_bytes}")
        handle, remaining = await asyncio.to_thread(self._open_range, sha256, start, length)
        try:
            while remaining > 0:
                chunk = await asyncio.to_thread(handle.read, min(chunk_bytes, remaining))
                if not chunk:
                    raise OSError(f"blob {sha256} ended {remaining} bytes early")
                remaining -= len(chunk)
                yield chunk
        finally:
            handle.close()

    def open_reader(self, sha256: str) -> BinaryIO:
        try:
            return self.path_for(sha256).open("rb")
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    async def delete(self, sha256: str) -> bool:
        return await asyncio.to_thread(self._delete, sha256)

    # Blocking halves, run in worker threads.

    def _size(self, sha256: str) -> int:
        try:
            return self.path_for(sha256).stat().st_size
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def _open_range(self, sha256: str, start: int, length: int | None) -> tuple[BinaryIO, int]:
        path = self.path_for(sha256)
        try:
            # Unbuffered: each read is one system call straight into the chunk, with no second copy.
            handle: BinaryIO = path.open("rb", buffering=0)
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None
        size = os.fstat(handle.fileno()).st_size
        end = size if length is None else start + length
        if start > size or end > size:
            handle.close()
            raise ValueError(f"range {start}+{length} outside blob {sha256} of {size} bytes")
        handle.seek(start)
        return handle, end - start

    def _put_file(self, source: Path) -> StoredBlob:
        digest = hashlib.sha256()
        size = 0
        with source.open("rb") as reader, self._temp_file() as (temp_path, writer):
            while chunk := reader.read(_COPY_BYTES):
                digest.update(chunk)
                writer.write(chunk)
                size += len(chunk)
            return self._commit(temp_path, writer, digest.hexdigest(), size)

    def _take_file(self, source: Path) -> StoredBlob:
        digest = hashlib.sha256()
        size = 0
        with source.open("rb") as reader:
            while chunk := reader.read(_COPY_BYTES):
                digest.update(chunk)
                size += len(chunk)
            try:
                return self._commit(source, reader, digest.hexdigest(), size)
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
        return self._put_file(source)

    def _put_bytes(self, data: bytes) -> StoredBlob:
        sha256 = hashlib.sha256(data).hexdigest()
        final = self.path_for(sha256)
        if _is_whole(final, len(data)):
            return StoredBlob(sha256, len(data), created=False)
        with self._temp_file() as (temp_path, writer):
            writer.write(data)
            return self._commit(temp_path, writer, sha256, len(data))

    @contextlib.contextmanager
    def _temp_file(self) -> Iterator[tuple[Path, BinaryIO]]:
        incoming = private_dir(self.root / _INCOMING)
        fd, name = tempfile.mkstemp(dir=incoming, prefix="blob-")
        temp_path = Path(name)
        try:
            with os.fdopen(fd, "wb") as writer:
                yield temp_path, writer
        finally:
            # After a successful commit the temp name is gone; after a failure it must not linger.
            temp_path.unlink(missing_ok=True)

    def _commit(self, temp_path: Path, writer: BinaryIO, sha256: str, size: int) -> StoredBlob:
        final = self.path_for(sha256)
        if _is_whole(final, size):
            return StoredBlob(sha256, size, created=False)
        writer.flush()
        os.fsync(writer.fileno())
        os.chmod(temp_path, FILE_MODE)
        private_dir(final.parent)
        os.replace(temp_path, final)
        _fsync_dir(final.parent)
        return StoredBlob(sha256, size, created=True)

    def _delete(self, sha256: str) -> bool:
        path = self.path_for(sha256)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(path.parent)
        return True


def _is_whole(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except FileNotFoundError:
        return False


def _fsync_dir(directory: Path) -> None:
    # The rename (or unlink) is durable only once the directory entry itself reaches the disk.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
