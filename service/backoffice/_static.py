"""The back-office's own static files (CSS, JS, vendored libraries), served with immutable caching.

Every URL carries a digest of the whole static tree (``/backoffice/static/<digest>/app.css``), so a
new release changes every URL and a browser never needs to revalidate. Files are read and gzipped
once, when the app starts; a 3G phone downloads the compressed bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

__all__ = ["STATIC_DIR", "static_file", "static_url", "tree_digest"]

STATIC_DIR = Path(__file__).parent / "static"
_PREFIX = "/backoffice/static"
_COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt", ""}


@dataclass(frozen=True)
class _File:
    body: bytes
    gzipped: bytes | None
    media_type: str


@cache
def _files() -> dict[str, _File]:
    files: dict[str, _File] = {}
    for path in sorted(STATIC_DIR.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(STATIC_DIR).as_posix()
        body = path.read_bytes()
        compress = path.suffix in _COMPRESSIBLE and len(body) > 512
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        files[name] = _File(body, gzip.compress(body, 9, mtime=0) if compress else None, media_type)
    return files


@cache
def tree_digest() -> str:
    digest = hashlib.sha256()
    for name, file in _files().items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(file.body).digest())
    return digest.hexdigest()[:16]


def static_url(name: str) -> str:
    return f"{_PREFIX}/{tree_digest()}/{name}"


_IMMUTABLE = "public, max-age=31536000, immutable"


@get(f"{_PREFIX}/{{digest:str}}/{{name:path}}", include_in_schema=False, sync_to_thread=False)
def static_file(
    request: Request[Any, Any, Any], digest: FromPath[str], name: FromPath[Path]
) -> Response[bytes]:
    file = _files().get(str(name).lstrip("/"))
    if file is None or digest != tree_digest():
        return Response(b"not found", status_code=404, media_type="text/plain")
    headers = {"Cache-Control": _IMMUTABLE, "Vary": "Accept-Encoding", "ETag": f'"{digest}"'}
    if file.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(file.gzipped, media_type=file.media_type, headers=headers)
    return Response(file.body, media_type=file.media_type, headers=headers)
