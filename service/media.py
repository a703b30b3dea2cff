"""``GET``/``HEAD /api/v1/media/{media_id}/{variant}``: the bytes of one public media variant, with Range."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import HttpMethod, Request, route
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from litestar.response.base import ASGIResponse

from content.blobs import BlobStore
from content.media.lookup import VariantLookup
from service.problems import Problem
from service.ranges import blob_response

__all__ = ["media_variant"]

_DESCRIPTION = (
    "Images have `thumb` (at most 320 px on the long side) and `screen` (at most 1280 px), both WebP; audio "
    "has `speech` (AAC-LC mono in M4A, index first). Originals are not public. Immutable: the strong ETag "
    "is the SHA-256 of the bytes. Supports `HEAD`, `Range: bytes=a-b`, `a-`, `-n` (206 with "
    "`Content-Range`; several ranges get the whole file), `If-Range`, `If-Match` (412 when stale) and "
    "`If-None-Match` (304). An unsatisfiable range gets 416 with `Content-Range: bytes */SIZE`."
)


@route(
    "/api/v1/media/{media_id:str}/{variant:str}",
    http_method=[HttpMethod.GET, HttpMethod.HEAD],
    tags=["public"],
    summary="One media variant's bytes",
    description=_DESCRIPTION,
    responses={
        200: ResponseSpec(
            None, description="The whole variant: image/webp or audio/mp4, never content-encoded"
        ),
        206: ResponseSpec(None, description="The requested byte range, with Content-Range"),
        304: ResponseSpec(None, description="Not modified: If-None-Match lists the ETag"),
        404: ResponseSpec(
            Problem, description="No such media or variant", media_type="application/problem+json"
        ),
        412: ResponseSpec(
            Problem, description="If-Match does not list the ETag", media_type="application/problem+json"
        ),
        416: ResponseSpec(
            Problem,
            description="Range not satisfiable (Content-Range: bytes */SIZE)",
            media_type="application/problem+json",
        ),
    },
    media_type="application/octet-stream",
)
async def media_variant(
    request: Request[Any, Any, Any],
    blobs: NamedDependency[BlobStore],
    media_id: Annotated[str, Parameter(description="The media id from a media ref")],
    variant: Annotated[str, Parameter(description="`thumb`, `screen` (images) or `speech` (audio)")],
) -> ASGIResponse:
    # Small reads are answered before Litestar by service.media_fast; this serves the rest (bigger bodies,
    # 412/416, CORS requests, the S3 backend) with the same cached lookup.
    lookup: VariantLookup = request.app.state.media_lookup
    found = await lookup.find(media_id, variant)
    return await blob_response(request, blobs, sha256=found.sha256, size=found.size, media_type=found.type)
