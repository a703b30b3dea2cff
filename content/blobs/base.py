"""The content-addressed blob store interface: every blob is named by the SHA-256 of its bytes.

Backends (a local folder, S3-compatible object storage) implement :class:`BlobStore`. Its async methods do
their blocking I/O in worker threads; :meth:`BlobStore.open_reader` is the one synchronous entry point, for
code that already runs in a worker thread (the pack builder streaming entries into a ZIP).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from content.core.errors import InvalidParameter, NotFound

__all__ = ["DEFAULT_CHUNK_BYTES", "BlobNotFound", "BlobStore", "SourceChanged", "StoredBlob", "validate_key"]

DEFAULT_CHUNK_BYTES = 64 * 1024

_KEY = re.compile(r"[0-9a-f]{64}")


def validate_key(sha256: str) -> str:
    """Return ``sha256`` if it is exactly 64 lowercase hex characters; raise ``InvalidParameter`` otherwise.

    Every backend calls this before a key reaches a path or an object name, so a key can never climb out of
    the store (``../``) or alias another blob (upper case, whitespace).
    """
    if not isinstance(sha256, str) or _KEY.fullmatch(sha256) is None:
        raise InvalidParameter.field("sha256", "must be 64 lowercase hexadecimal characters")
    return sha256


class BlobNotFound(NotFound):
    """No blob under that key."""

    def __init__(self, sha256: str) -> None:
        super().__init__(f"no blob {sha256}")
        self.sha256 = sha256


class SourceChanged(OSError):
    """A file's bytes changed while it was being stored; nothing was stored under its key."""


@dataclass(frozen=True, slots=True)
class StoredBlob:
    """What a ``put_*`` stored. ``created`` is False when the store already held these bytes."""

    sha256: str
    size: int
    created: bool


class BlobStore(ABC):
    """A content-addressed store. Writing the same bytes twice stores them once."""

    @abstractmethod
    async def put_file(self, path: Path, *, content_type: str | None = None) -> StoredBlob:
        """Store a local file's bytes. Atomic: a blob is whole or absent, and a key only ever names the
        bytes that hash to it (a backend that hashes before sending raises ``SourceChanged``, storing
        nothing, if the file changes meanwhile).

        ``content_type`` is kept where the backend can serve it (object metadata); the local folder
        ignores it.
        """

    async def take_file(self, path: Path, *, content_type: str | None = None) -> StoredBlob:
        """``put_file`` for a file the caller gives up (a pack just written): a backend that can moves it
        into place instead of copying its bytes; the file may or may not remain afterwards."""
        return await self.put_file(path, content_type=content_type)

    @abstractmethod
    async def put_bytes(self, data: bytes, *, content_type: str | None = None) -> StoredBlob:
        """Store bytes already in memory (small variants, manifests)."""

    @abstractmethod
    async def exists(self, sha256: str) -> bool:
        """Whether the blob is stored."""

    @abstractmethod
    async def size(self, sha256: str) -> int:
        """The blob's size in bytes; raises :class:`BlobNotFound`."""

    @abstractmethod
    def read_range(
        self,
        sha256: str,
        start: int = 0,
        length: int | None = None,
        *,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    ) -> AsyncIterator[bytes]:
        """Yield ``length`` bytes from ``start`` (to the end if ``length`` is None) in chunks of at most
        ``chunk_bytes``, so memory stays bounded whatever the blob's size.

        Raises :class:`BlobNotFound` on first iteration if the blob is missing, and ``ValueError`` if the
        range lies outside the blob.
        """

    @abstractmethod
    def open_reader(self, sha256: str) -> BinaryIO:
        """A synchronous, seekable binary reader over the blob, for use inside a worker thread; the caller
        closes it. Read it sequentially: on an object store a seek costs a new request.

        Read it sequentially (an object-store body cannot seek). Raises :class:`BlobNotFound`. Never call it
        on the event loop: it may block on disk or network.
        """

    @abstractmethod
    async def delete(self, sha256: str) -> bool:
        """Remove the blob; returns whether it existed (on an object store, whether it did just before)."""

    def public_url(self, sha256: str) -> str | None:
        """An immutable public URL serving the blob with Range support, or None (the local store has none)."""
        validate_key(sha256)
        return None

    async def close(self) -> None:  # noqa: B027 -- optional hook; the local store holds nothing open
        """Release backend resources (connection pools)."""
