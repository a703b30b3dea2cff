"""HTTP plumbing shared by editor endpoints: revision ETags on responses, ``If-None-Match`` on reads,
the ``If-Match`` header for the editing workflow (:mod:`content.editing`), and the documented answers."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from litestar import Request, Response
from litestar.datastructures import CacheControlHeader, ResponseHeader
from litestar.openapi.datastructures import ResponseSpec

from content import editing
from content.editing import Aggregate, EditSession
from service.conditional import etag_matches
from service.problems import problem_responses

__all__ = [
    "EDITOR_CACHE",
    "ETAG_HEADER",
    "READ_RESPONSES",
    "AnyRequest",
    "answer",
    "if_match",
    "status_change",
    "with_etag",
]

AnyRequest = Request[Any, Any, Any]
NOT_MODIFIED = {304: ResponseSpec(None, description="Not modified: If-None-Match names the current ETag")}
READ_RESPONSES = {**problem_responses(401, 403, 404), **NOT_MODIFIED}

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


def answer(
    request: AnyRequest, aggregate: Aggregate[Any, Any, Any, Any], record: T, *, location: str | None = None
) -> Response[T]:
    """``record`` with its revision ETag; 201 with ``Location`` when ``location`` is given."""
    status_code = 200 if location is None else 201
    return with_etag(request, record, aggregate.etag(record), status_code=status_code, location=location)


async def status_change(
    request: AnyRequest, editor: EditSession, aggregate: Aggregate[Any, T, Any, Any], key: Any, status: str
) -> Response[T]:
    """Publish, unpublish, archive or withdraw through the workflow, answered with the new ETag."""
    record = await editing.set_status(editor, aggregate, key, status, if_match=if_match(request))
    return answer(request, aggregate, record)
