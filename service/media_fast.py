"""The lean path for ``GET``/``HEAD /api/v1/media/{media_id}/{variant}``: small answers without Litestar.

A phone playing a narration or scrolling photos asks for many small ranges; going through Litestar's router,
middleware stack, dependency injection and streaming response cost about twenty times nginx's per-request
time (tools/bench/range.py). This ASGI layer sits inside :class:`service.edge.Edge` (so the request id, the
access log line and the request metrics stay exactly as for every other request) and in front of Litestar.
It answers, from the local blob store only:

- 200/206 whose body is at most :data:`FAST_MAX_BYTES` (one read, one ASGI body message), HEAD, and 304,
  with the headers :func:`service.ranges.blob_response` gives them (a test compares both paths);
- the lookup from :class:`content.media.lookup.VariantLookup` (cached, invalidated by SQLite's
  ``data_version``, so a replaced or deleted variant is never served stale);
- the bytes with one ``preadv(RWF_NOWAIT)`` on a file descriptor kept open in a small LRU: the kernel copies
  them from the page cache or refuses at once (``EAGAIN``) instead of waiting for the disk, so the event
  loop never blocks on I/O; what is not cached is read in a worker thread, as before. When the database
  changes (the lookup's generation moves), every descriptor is closed on the next media request, so a blob
  the sweep deletes is not kept alive by an open descriptor.

Everything else passes to Litestar unchanged: other methods and paths, unknown media or variant names (404),
412 and 416, bigger bodies (streamed in chunks, with disconnect handling), requests with an ``Origin``
header (CORS), repeated conditional headers, the S3 backend, and any read error (a missing blob becomes
Litestar's problem+json answer, as before).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
from typing import Any

from content.blobs import BlobStore, LocalBlobStore
from content.core.errors import NotFound
from content.media.lookup import VariantLookup
from content.media.profiles import PUBLIC_VARIANTS
from content.media.queries import VariantFile
from service.ranges import IMMUTABLE, STREAM_CHUNK_BYTES, plan_response

__all__ = ["FAST_MAX_BYTES", "MediaFastPath", "OpenBlobs"]

PREFIX = "/api/v1/media/"
# The route template Litestar reports for this handler: the access log and metrics group by it.
PATH_TEMPLATE = "/api/v1/media/{media_id}/{variant}"
# Bodies up to one stream chunk are answered in one message; larger ones stream through Litestar.
FAST_MAX_BYTES = STREAM_CHUNK_BYTES
_CONDITIONS = {b"range": 0, b"if-range": 1, b"if-match": 2, b"if-none-match": 3}
_PUBLIC = frozenset(PUBLIC_VARIANTS)
_CACHE_CONTROL = (b"cache-control", IMMUTABLE.encode())
_ACCEPT_RANGES = (b"accept-ranges", b"bytes")
_NOSNIFF = (b"x-content-type-options", b"nosniff")
_MAX_HEADS = 4096
_NOWAIT = getattr(os, "RWF_NOWAIT", None)


class OpenBlobs:
    """Read-only descriptors of recently read blobs, at most ``capacity`` open, least recently used closed.

    Used on the event loop's thread only: a descriptor is never closed while a read on it is under way
    (reads in worker threads open their own).
    """

    def __init__(self, store: LocalBlobStore, capacity: int = 64) -> None:
        self.store = store
        self.capacity = capacity
        self.nowait = _NOWAIT is not None
        self._fds: dict[str, int] = {}
        self._closings = 0  # how many times every descriptor was closed

    async def read(self, sha256: str, size: int, start: int, length: int) -> bytes | bytearray | None:
        """``length`` bytes from ``start``, or None when the blob is missing or not ``size`` bytes long."""
        fd = self._fds.pop(sha256, None)
        if fd is None:
            closings = self._closings
            fd = await asyncio.to_thread(self._open, sha256, size)
            if fd is None:
                return None
            if closings != self._closings:
                # Everything was closed while this one opened (the database changed): read once, keep nothing.
                try:
                    got = self._read_cached(fd, start, length)
                finally:
                    os.close(fd)
                return got if len(got) == length else await self._read_rest(sha256, start, length, got)
            stale = self._fds.pop(sha256, None)  # a concurrent request opened it meanwhile
            if stale is not None:
                os.close(stale)
            while len(self._fds) >= self.capacity:
                os.close(self._fds.pop(next(iter(self._fds))))
        self._fds[sha256] = fd  # most recently used last
        got = self._read_cached(fd, start, length)
        if len(got) == length:
            return got
        return await self._read_rest(sha256, start, length, got)

    async def _read_rest(
        self, sha256: str, start: int, length: int, got: bytes | bytearray
    ) -> bytes | bytearray | None:
        rest = await asyncio.to_thread(self._read_file, sha256, start + len(got), length - len(got))
        return None if rest is None else got + rest

    def _read_cached(self, fd: int, start: int, length: int) -> bytes | bytearray:
        """What the page cache holds of the range, without waiting for the disk (maybe nothing). The buffer
        read into is the answer's body as it is (uvicorn writes any bytes-like object): no copy."""
        if not self.nowait or length == 0:
            return b""
        buffer = bytearray(length)
        try:
            got = os.preadv(fd, [buffer], start, _NOWAIT)  # type: ignore[arg-type]
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno in (errno.EOPNOTSUPP, errno.EINVAL):
                self.nowait = False  # this file system cannot: every read goes to a worker thread
            return b""
        if got != length:
            del buffer[got:]
        return buffer

    def _open(self, sha256: str, size: int) -> int | None:
        try:
            fd = os.open(self.store.path_for(sha256), os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return None
        if os.fstat(fd).st_size != size:
            os.close(fd)
            return None
        return fd

    def _read_file(self, sha256: str, start: int, length: int) -> bytes | None:
        try:
            fd = os.open(self.store.path_for(sha256), os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return None
        try:
            chunks = []
            while length > 0:
                chunk = os.pread(fd, length, start)
                if not chunk:
                    return None
                chunks.append(chunk)
                start += len(chunk)
                length -= len(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)

    def close(self) -> None:
        """Close every descriptor (they reopen on demand)."""
        self._closings += 1
        for fd in self._fds.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds.clear()


class MediaFastPath:
    """ASGI layer answering small media variant reads directly (see the module docstring)."""

    def __init__(self, app: Any, *, blobs: BlobStore, lookup: VariantLookup) -> None:
        self.app = app
        self.lookup = lookup
        self.files = OpenBlobs(blobs) if isinstance(blobs, LocalBlobStore) else None
        self.enabled = self.files is not None
        self._generation = lookup.generation
        # Per variant answered lately: the header pairs that do not depend on the request.
        self._heads: dict[str, tuple[VariantFile, tuple[bytes, bytes], tuple[bytes, bytes], str]] = {}

    def close(self) -> None:
        if self.files is not None:
            self.files.close()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            not self.enabled
            or scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith(PREFIX)
            or not await self._answer(scope, send)
        ):
            await self.app(scope, receive, send)

    async def _answer(self, scope: Any, send: Any) -> bool:
        """Answer and return True, or return False having sent nothing (Litestar answers instead)."""
        media_id, slash, variant = scope["path"][len(PREFIX) :].partition("/")
        if not media_id or not slash or variant not in _PUBLIC:
            return False
        conditions: list[str | None] = [None, None, None, None]
        for name, value in scope["headers"]:
            index = _CONDITIONS.get(name)
            if index is not None:
                if conditions[index] is not None:
                    return False  # repeated: Litestar's header parsing decides what that means
                conditions[index] = value.decode("latin-1")
            elif name == b"origin":
                return False  # CORS headers are Litestar's
        found = await self._find(media_id, variant)
        if self.lookup.generation != self._generation:
            # The database changed since the descriptors were opened: a blob it no longer refers to may be
            # deleted from the store at any time, and an open descriptor would keep its disk space (and its
            # bytes) alive. Close them all; those still needed reopen on their next read.
            self._generation = self.lookup.generation
            if self.files is not None:
                self.files.close()
        if found is None:
            return False
        head = self._heads.get(found.sha256)
        if head is None or head[0] is not found:
            head = self._head(found)
        _, etag_pair, type_pair, etag = head
        plan = plan_response(
            size=found.size,
            etag=etag,
            range_header=conditions[0],
            if_range=conditions[1],
            if_match=conditions[2],
            if_none_match=conditions[3],
        )
        status = plan.status
        if status == 304:
            await _send(scope, send, 304, [etag_pair, _CACHE_CONTROL, _ACCEPT_RANGES], b"")
            return True
        if status != 200 and status != 206:
            return False  # 412 and 416 problems
        size = found.size
        byte_range = plan.byte_range
        start, end = (0, size - 1) if byte_range is None else (byte_range.start, byte_range.end)
        length = end - start + 1 if size else 0
        body: bytes | bytearray = b""
        if scope["method"] != "HEAD":
            if length > FAST_MAX_BYTES or self.files is None:
                return False
            got = await self.files.read(found.sha256, size, start, length)
            if got is None:
                return False
            body = got
        headers = [
            etag_pair,
            _CACHE_CONTROL,
            _ACCEPT_RANGES,
            type_pair,
            (b"content-length", b"%d" % length),
            _NOSNIFF,
        ]
        if status == 206:
            headers.append((b"content-range", b"bytes %d-%d/%d" % (start, end, size)))
        await _send(scope, send, status, headers, body)
        return True

    def _head(self, found: VariantFile) -> tuple[VariantFile, tuple[bytes, bytes], tuple[bytes, bytes], str]:
        if len(self._heads) >= _MAX_HEADS:
            self._heads.clear()
        etag = f'"{found.sha256}"'
        head = (found, (b"etag", etag.encode()), (b"content-type", found.type.encode()), etag)
        self._heads[found.sha256] = head
        return head

    async def _find(self, media_id: str, variant: str) -> VariantFile | None:
        try:
            return await self.lookup.find(media_id, variant)
        except NotFound:
            return None


async def _send(
    scope: Any, send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes | bytearray
) -> None:
    scope["path_template"] = PATH_TEMPLATE
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
