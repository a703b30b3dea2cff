"""Reading what an import points at: a feed (file, directory or http(s) URL) and its pictures.

Network reads run in worker threads with a timeout and a byte limit; only ``http`` and ``https`` are
followed, so a feed cannot make the importer read local files through ``file:`` picture URLs.
"""

from __future__ import annotations

import asyncio
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from content.media.sniff import HEAD_BYTES, sniff

__all__ = [
    "FEED_MAX_BYTES",
    "FetchError",
    "download_feed",
    "download_picture",
    "is_url",
    "read_feed",
    "read_url",
]

FEED_MAX_BYTES = 512 * 1024 * 1024
_CHUNK = 256 * 1024
_USER_AGENT = "odyssee-import/1 (+https://github.com/)"


class FetchError(Exception):
    """A feed or picture that could not be read; the message says why, in a few words."""


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _open(url: str, timeout_s: float) -> urllib.request._UrlopenRet:
    if not is_url(url):
        raise FetchError("only http(s) URLs are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})  # noqa: S310 - scheme checked
    try:
        return urllib.request.urlopen(request, timeout=timeout_s)  # noqa: S310 - scheme checked
    except urllib.error.HTTPError as exc:
        exc.close()  # the error carries the open response
        raise FetchError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
            raise FetchError(f"no answer within {timeout_s:g} s") from None
        raise FetchError(f"cannot connect: {reason}") from None


def _read_limited(url: str, max_bytes: int, timeout_s: float) -> bytes:
    with _open(url, timeout_s) as response:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"{declared} bytes is over the limit of {max_bytes}")
        chunks, size = [], 0
        try:
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"over the limit of {max_bytes} bytes")
                chunks.append(chunk)
        except TimeoutError:
            raise FetchError(f"no answer within {timeout_s:g} s") from None
        return b"".join(chunks)


async def read_url(url: str, *, max_bytes: int = FEED_MAX_BYTES, timeout_s: float = 60.0) -> bytes:
    """The body of ``url``, or :class:`FetchError`."""
    try:
        return await asyncio.to_thread(_read_limited, url, max_bytes, timeout_s)
    except TimeoutError:
        raise FetchError(f"no answer within {timeout_s:g} s") from None


async def read_feed(source: str) -> bytes:
    """A feed given as a file path or an http(s) URL (directories are read by their reader)."""
    if is_url(source):
        return await read_url(source)
    path = Path(source)
    try:
        return await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        raise FetchError(f"{source}: {exc.strerror or exc}") from None


def _save_limited(url: str, target: Path, max_bytes: int, timeout_s: float) -> Path:
    with _open(url, timeout_s) as response, target.open("wb") as out:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"{declared} bytes is over the limit of {max_bytes}")
        size = 0
        try:
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"over the limit of {max_bytes} bytes")
                out.write(chunk)
        except TimeoutError:
            raise FetchError(f"no answer within {timeout_s:g} s") from None
    return target


async def download_feed(
    url: str, target: Path, *, max_bytes: int = FEED_MAX_BYTES, timeout_s: float = 60.0
) -> Path:
    """The body of ``url`` saved to ``target`` (never held whole in memory), or :class:`FetchError`."""
    try:
        return await asyncio.to_thread(_save_limited, url, target, max_bytes, timeout_s)
    except TimeoutError:
        raise FetchError(f"no answer within {timeout_s:g} s") from None


def _download(url: str, max_bytes: int, timeout_s: float, directory: Path) -> Path:
    data = _read_limited(url, max_bytes, timeout_s)
    found = sniff(data[:HEAD_BYTES])
    if found is None or found.kind != "image":
        raise FetchError("not a JPEG, PNG, WebP, GIF or AVIF image")
    handle = tempfile.NamedTemporaryFile(dir=directory, prefix="picture-", delete=False)  # noqa: SIM115
    with handle:
        handle.write(data)
    return Path(handle.name)


async def download_picture(url: str, *, max_bytes: int, timeout_s: float, directory: Path) -> Path:
    """Fetch a picture into ``directory`` after checking its size and its first bytes (sniffed, never
    trusted from the URL or the ``Content-Type``); :class:`FetchError` says why it was refused."""
    try:
        return await asyncio.to_thread(_download, url, max_bytes, timeout_s, directory)
    except TimeoutError:
        raise FetchError(f"no answer within {timeout_s:g} s") from None
