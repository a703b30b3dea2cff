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
  loop never blocks on I/O; what is not cached is read in a worker thread, as before.

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
from service.ranges import IMMUTABLE, STREAM_CHUNK_BYTES, ByteRange, plan_response

__all__ = ["FAST_MAX_BYTES", "MediaFastPath", "OpenBlobs"]

PREFIX = "/api/v1/media/"
# The route template Litestar reports for this handler: the access log and metrics group by it.
PATH_TEMPLATE = "/api/v1/media/{media_id}/{variant}"
# Bodies up to one stream chunk are answered in one message; larger ones stream through Litestar.
FAST_MAX_BYTES = STREAM_CHUNK_BYTES
_CONDITIONS = {b"range": 0, b"if-range": 1, b"if-match": 2, b"if-none-match": 3}
_PUBLIC = frozenset(PUBLIC_VARIANTS)
_IMMUTABLE = IMMUTABLE.encode()
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

    async def read(self, sha256: str, size: int, start: int, length: int) -> bytes | None:
        """``length`` bytes from ``start``, or None when the blob is missing or not ``size`` bytes long."""
        fd = self._fds.pop(sha256, None)
        if fd is None:
            fd = await asyncio.to_thread(self._open, sha256, size)
            if fd is None:
                return None
            stale = self._fds.pop(sha256, None)  # a concurrent request opened it meanwhile
            if stale is not None:
                os.close(stale)
            while len(self._fds) >= self.capacity:
                os.close(self._fds.pop(next(iter(self._fds))))
        self._fds[sha256] = fd  # most recently used last
        got = self._read_cached(fd, start, length)
        if len(got) == length:
            return got
        rest = await asyncio.to_thread(self._read_file, sha256, start + len(got), length - len(got))
        return None if rest is None else got + rest

    def _read_cached(self, fd: int, start: int, length: int) -> bytes:
        """What the page cache holds of the range, without waiting for the disk (maybe nothing)."""
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
        return bytes(buffer) if got == length else bytes(memoryview(buffer)[:got])

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
        if found is None:
            return False
        etag = f'"{found.sha256}"'
        plan = plan_response(
            size=found.size,
            etag=etag,
            range_header=conditions[0],
            if_range=conditions[1],
            if_match=conditions[2],
            if_none_match=conditions[3],
        )
        headers = [(b"etag", etag.encode()), (b"cache-control", _IMMUTABLE), (b"accept-ranges", b"bytes")]
        is_head = scope["method"] == "HEAD"
        if plan.status == 304:
            await _send(scope, send, 304, headers, b"")
            return True
        if plan.status not in (200, 206):
            return False  # 412 and 416 problems
        byte_range = plan.byte_range or ByteRange(0, found.size - 1)
        length = byte_range.length if found.size else 0
        body = b""
        if not is_head:
            if length > FAST_MAX_BYTES or self.files is None:
                return False
            got = await self.files.read(found.sha256, found.size, byte_range.start, length)
            if got is None:
                return False
            body = got
        headers += [
            (b"content-type", found.type.encode()),
            (b"content-length", str(length).encode()),
            (b"x-content-type-options", b"nosniff"),
        ]
        if plan.status == 206:
            headers.append((b"content-range", byte_range.content_range(found.size).encode()))
        await _send(scope, send, plan.status, headers, body)
        return True

    async def _find(self, media_id: str, variant: str) -> VariantFile | None:
        try:
            return await self.lookup.find(media_id, variant)
        except NotFound:
            return None


async def _send(scope: Any, send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    scope["path_template"] = PATH_TEMPLATE
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
