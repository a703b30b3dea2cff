"""Byte ranges and conditional requests for immutable, content-addressed files (media variants, packs).

:func:`parse_range` and :func:`plan_response` are pure (RFC 9110 sections 13 and 14) and unit-tested;
:func:`blob_response` turns a plan into a response that streams the range from the blob store in bounded
chunks. Responses carry their own strong ETag, so the JSON ETag/gzip middleware passes them untouched and
they are never content-encoded.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Request
from litestar.response.base import ASGIResponse
from litestar.response.streaming import ASGIStreamingResponse

from content.blobs import BlobStore
from service.conditional import etag_matches
from service.problems import PROBLEM_JSON, Problem

__all__ = [
    "IMMUTABLE",
    "STREAM_CHUNK_BYTES",
    "ByteRange",
    "Plan",
    "RangeNotSatisfiable",
    "blob_response",
    "parse_range",
    "plan_response",
]

IMMUTABLE = "public, max-age=31536000, immutable"
# Memory per download is about one chunk. 64 KiB chunks halve throughput (a thread hop and an ASGI message
# per chunk); 512 KiB reach about 0.8 of nginx's sendfile on loopback (tools/bench/range.py).
STREAM_CHUNK_BYTES = 512 * 1024
# Longer Range headers are ignored (served whole): nothing legitimate needs them, and parsing is then bounded.
_MAX_RANGE_HEADER = 1024
_SPEC = re.compile(r"(\d*)-(\d*)")
_problem_encoder = msgspec.json.Encoder()


@dataclass(frozen=True, slots=True)
class ByteRange:
    """Bytes ``start`` to ``end`` inclusive, as in ``Content-Range``."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


class RangeNotSatisfiable(Exception):
    """No requested range overlaps the representation (answer 416, ``Content-Range: bytes */size``)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"no requested range overlaps the {size} bytes")
        self.size = size


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one range to serve for a ``Range`` header on a representation of ``size`` bytes.

    Returns None to serve the whole representation: no header, another unit, a malformed header (RFC 9110
    says to ignore it), or several ranges (answering those with the whole file is allowed and simpler for
    every client). Raises :class:`RangeNotSatisfiable` when no requested range overlaps the bytes.
    """
    if not header or len(header) > _MAX_RANGE_HEADER:
        return None
    if header.startswith("bytes=") and "," not in header:
        # The usual shape, "bytes=START-" or "bytes=START-END" in ASCII digits, without the general parse;
        # anything else (a suffix, spaces, other digits) takes the general path below.
        first, dash, last = header[6:].partition("-")
        if dash and first.isascii() and first.isdigit() and (not last or (last.isascii() and last.isdigit())):
            start = int(first)
            end = int(last) if last else size - 1
            if last and end < start:
                return None
            if start >= size:
                raise RangeNotSatisfiable(size)
            return ByteRange(start, min(end, size - 1))
    return _parse_any_range(header, size)


def _parse_any_range(header: str, size: int) -> ByteRange | None:
    """:func:`parse_range` for any header (its fast path answers as this does: tests/service/test_ranges)."""
    unit, sep, range_set = header.partition("=")
    if not sep or unit.strip().lower() != "bytes":
        return None
    specs = [spec.strip() for spec in range_set.split(",")]
    resolved: list[ByteRange | None] = []
    for spec in specs:
        match = _SPEC.fullmatch(spec)
        if match is None:
            return None
        first, last = match.groups()
        if first:
            start = int(first)
            end = int(last) if last else size - 1
            if last and end < start:
                return None
            resolved.append(ByteRange(start, min(end, size - 1)) if start < size else None)
        elif last:
            suffix = int(last)
            resolved.append(ByteRange(max(0, size - suffix), size - 1) if suffix > 0 and size > 0 else None)
        else:
            return None  # "-" alone
    satisfiable = [r for r in resolved if r is not None]
    if not satisfiable:
        raise RangeNotSatisfiable(size)
    return satisfiable[0] if len(specs) == 1 else None


@dataclass(frozen=True, slots=True)
class Plan:
    """How to answer: ``status`` is 200, 206, 304, 412 or 416; ``byte_range`` is set for 206."""

    status: int
    byte_range: ByteRange | None = None


def plan_response(
    *,
    size: int,
    etag: str,
    range_header: str | None = None,
    if_range: str | None = None,
    if_match: str | None = None,
    if_none_match: str | None = None,
) -> Plan:
    """Evaluate the preconditions in RFC 9110's order (13.2.2), then the range, for a GET or HEAD."""
    if if_match is not None and not etag_matches(if_match, etag, weak=False):
        return Plan(412)
    if if_none_match is not None and etag_matches(if_none_match, etag, weak=True):
        return Plan(304)
    if range_header is None:
        return Plan(200)
    # If-Range holds one validator; only a strong ETag equal to ours keeps the range (a date never does:
    # these files have no Last-Modified).
    if if_range is not None and if_range.strip() != etag:
        return Plan(200)
    try:
        byte_range = parse_range(range_header, size)
    except RangeNotSatisfiable:
        return Plan(416)
    if byte_range is None:
        return Plan(200)
    return Plan(206, byte_range)


async def blob_response(
    request: Request[Any, Any, Any],
    store: BlobStore,
    *,
    sha256: str,
    size: int,
    media_type: str,
    etag: str | None = None,
    cache_control: str = IMMUTABLE,
    headers: Mapping[str, str] | None = None,
    chunk_bytes: int = STREAM_CHUNK_BYTES,
) -> ASGIResponse:
    """Answer a GET or HEAD for the blob ``sha256`` of ``size`` bytes, honouring Range and preconditions.

    ``etag`` defaults to the quoted SHA-256; ``headers`` are added to every answer (``Content-Disposition``,
    a signature header). The body streams from the store ``chunk_bytes`` at a time.
    """
    etag = etag or f'"{sha256}"'
    is_head = request.method == "HEAD"
    plan = plan_response(
        size=size,
        etag=etag,
        range_header=request.headers.get("range"),
        if_range=request.headers.get("if-range"),
        if_match=request.headers.get("if-match"),
        if_none_match=request.headers.get("if-none-match"),
    )
    common = {"ETag": etag, "Cache-Control": cache_control, "Accept-Ranges": "bytes", **(headers or {})}
    if plan.status == 304:
        return ASGIResponse(status_code=304, headers=common, is_head_response=is_head)
    if plan.status == 412:
        detail = "If-Match does not list the current ETag; the file has changed"
        return _problem(412, "Precondition failed", detail, "precondition-failed", {}, is_head)
    if plan.status == 416:
        detail = f"the requested range lies outside the file's {size} bytes"
        extra = {"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"}
        return _problem(416, "Range not satisfiable", detail, "range-not-satisfiable", extra, is_head)

    byte_range = plan.byte_range or ByteRange(0, size - 1)
    length = byte_range.length if size else 0
    common |= {"Content-Type": media_type, "Content-Length": str(length), "X-Content-Type-Options": "nosniff"}
    if plan.status == 206:
        common["Content-Range"] = byte_range.content_range(size)
    if is_head:
        return ASGIResponse(
            status_code=plan.status, headers=common, media_type=media_type, is_head_response=True
        )
    # Read the first chunk before committing to a status: a blob missing from the store (or a storage
    # failure) then becomes a problem+json answer instead of a truncated 200.
    chunks = store.read_range(sha256, byte_range.start, length, chunk_bytes=chunk_bytes)
    first = await anext(chunks, b"")
    return ASGIStreamingResponse(
        iterator=_prepend(first, chunks),
        status_code=plan.status,
        headers=common,
        media_type=media_type,
    )


async def _prepend(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    if first:
        yield first
    async for chunk in rest:
        yield chunk


def _problem(
    status: int, title: str, detail: str, slug: str, headers: dict[str, str], is_head: bool
) -> ASGIResponse:
    # Built here rather than raised: HEAD answers must carry the headers without a body.
    body = b"" if is_head else _problem_encoder.encode(Problem(f"/problems/{slug}", title, status, detail))
    return ASGIResponse(
        body=body, status_code=status, headers=headers, media_type=PROBLEM_JSON, is_head_response=is_head
    )
