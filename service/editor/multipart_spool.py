"""Streaming a ``multipart/form-data`` upload to a temporary file, never holding the file in memory.

The request body is parsed as it arrives (``multipart``'s push parser); the ``file`` part goes to a
temporary file in 1 MiB writes off the event loop, and short text parts are kept. Sizes are checked
on the bytes actually received, so a lying ``Content-Length`` gains nothing. The temporary file is
removed when the ``async with`` block ends, whatever happens inside it.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import multipart
from litestar import Request
from litestar.exceptions import HTTPException

from content.core.errors import InvalidInput, PayloadTooLarge, UnsupportedMedia
from content.core.private_files import private_dir

__all__ = ["MAX_TEXT_PART_BYTES", "SpooledUpload", "spool_upload"]

MAX_TEXT_PART_BYTES = 8 * 1024
_FLUSH_BYTES = 1024 * 1024


@dataclass
class SpooledUpload:
    """The uploaded file's temporary path, its name as the client gave it, and the text parts."""

    path: Path
    filename: str | None = None
    texts: dict[str, str] = field(default_factory=dict)


class _Reader:
    """Turns parser events into the temporary file and the text fields."""

    def __init__(self, writer: IO[bytes], upload: SpooledUpload, texts: Collection[str], max_file_bytes: int):
        self.writer = writer
        self.upload = upload
        self.allowed_texts = texts
        self.max_file_bytes = max_file_bytes
        self.current: str | None = None
        self.file_bytes = 0
        self.seen: set[str] = set()
        self.pending = bytearray()
        self.text = bytearray()

    async def handle(self, event: Any) -> None:
        if isinstance(event, multipart.MultipartSegment):
            self._start(event)
        elif event is None:
            await self._end()
        elif self.current == "file":
            self.file_bytes += len(event)
            if self.file_bytes > self.max_file_bytes:
                raise PayloadTooLarge.field(
                    "file", f"the file is over the limit of {self.max_file_bytes} bytes"
                )
            self.pending += event
            if len(self.pending) >= _FLUSH_BYTES:
                await self._flush()
        else:
            self.text += event
            if len(self.text) > MAX_TEXT_PART_BYTES:
                raise InvalidInput.field(str(self.current), f"at most {MAX_TEXT_PART_BYTES} bytes")

    def _start(self, segment: Any) -> None:
        name = str(segment.name or "")
        if name != "file" and name not in self.allowed_texts:
            allowed = ", ".join(["file", *self.allowed_texts])
            raise InvalidInput.field(name or "body", f"unknown form field; expected {allowed}")
        if name in self.seen:
            raise InvalidInput.field(name, "sent twice")
        self.seen.add(name)
        self.current = name
        if name == "file":
            self.upload.filename = segment.filename

    async def _end(self) -> None:
        if self.current == "file":
            await self._flush()
        elif self.current is not None:
            try:
                self.upload.texts[self.current] = self.text.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidInput.field(self.current, "must be UTF-8 text") from None
            self.text.clear()
        self.current = None

    async def _flush(self) -> None:
        if self.pending:
            data = bytes(self.pending)
            self.pending.clear()
            await asyncio.to_thread(self.writer.write, data)


def _boundary(content_type: str | None) -> str:
    media_type, options = multipart.parse_options_header(content_type or "")
    if media_type != "multipart/form-data" or not options.get("boundary"):
        raise UnsupportedMedia.field("body", "send multipart/form-data with a file part named file")
    return str(options["boundary"])


@asynccontextmanager
async def spool_upload(
    request: Request[Any, Any, Any], *, temp_dir: Path, texts: Collection[str], max_file_bytes: int
) -> AsyncIterator[SpooledUpload]:
    """Parse the body into a temporary file under ``temp_dir`` and the text parts named in ``texts``.

    ``UnsupportedMedia`` (415) if the body is not multipart, ``InvalidInput`` (422) naming the part for
    a malformed body, a missing ``file``, an unknown or repeated part, ``PayloadTooLarge`` (413) for a
    file over ``max_file_bytes``.
    """
    boundary = _boundary(request.headers.get("content-type"))
    await asyncio.to_thread(private_dir, temp_dir)
    descriptor, name = await asyncio.to_thread(tempfile.mkstemp, prefix="upload-", dir=temp_dir)
    path = Path(name)
    try:
        upload = SpooledUpload(path=path)
        with os.fdopen(descriptor, "wb") as writer:
            reader = _Reader(writer, upload, texts, max_file_bytes)
            try:
                with multipart.PushMultipartParser(boundary, max_segment_count=len(texts) + 1) as parser:
                    async for chunk in request.stream():
                        for event in parser.parse(chunk):
                            await reader.handle(event)
                        if parser.closed:
                            break
            except multipart.MultipartError as exc:
                raise InvalidInput.field("body", f"malformed multipart/form-data: {exc}") from None
            except HTTPException as exc:
                if exc.status_code != 413:
                    raise
                # The framework's own cap (Content-Length, or a chunked body running over it).
                raise PayloadTooLarge.field(
                    "file", f"the upload is over the limit of {max_file_bytes} bytes"
                ) from None
        if "file" not in reader.seen:
            raise InvalidInput.field("file", "missing: send the picture or narration as the part named file")
        yield upload
    finally:
        with suppress(FileNotFoundError):
            await asyncio.to_thread(path.unlink)
