"""HTTP plumbing shared by editor endpoints: revision ETags on responses, ``If-None-Match`` on reads,
and the ``If-Match`` header for :func:`content.editing.check_if_match`."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from litestar import Request, Response
from litestar.datastructures import CacheControlHeader, ResponseHeader

from service.conditional import etag_matches

__all__ = ["EDITOR_CACHE", "ETAG_HEADER", "if_match", "with_etag"]

T = TypeVar("T")

EDITOR_CACHE = CacheControlHeader(private=True, no_cache=True)
"""Editor reads are per-user and must be revalidated (cheaply, with the revision ETag)."""


ETAG_HEADER = [
    ResponseHeader(
        name="ETag",
        description="The resource's revision; send it back in If-Match to change the resource.",
        documentation_only=True,
    )
]
"""``response_headers=`` for handlers answering through :func:`with_etag`, so OpenAPI shows the ETag."""


def if_match(request: Request[Any, Any, Any]) -> str | None:
    return request.headers.get("if-match")


def with_etag(
    request: Request[Any, Any, Any],
    body: T,
    etag: str,
    *,
    status_code: int = 200,
    location: str | None = None,
) -> Response[T]:
    """``body`` with its revision ETag (and ``Location`` for a 201). A GET whose ``If-None-Match``
    names the ETag gets 304 without a body. The revision ETag makes the conditional middleware step
    aside, so this is where editor reads get their 304s."""
    headers = {"ETag": etag, "Cache-Control": EDITOR_CACHE.to_header()}
    if location is not None:
        headers["Location"] = location
    if request.method in ("GET", "HEAD") and etag_matches(request.headers.get("if-none-match"), etag):
        # 304 has no body; typing it as T keeps the handler's documented 200/201 schema exact.
        return Response(cast(T, None), status_code=304, headers=headers)
    return Response(body, status_code=status_code, headers=headers)
