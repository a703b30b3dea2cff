"""``POST /api/v1/editor/media``: upload a picture or a narration (multipart), get its media ref.

The body is streamed to a temporary file (never held in memory), then handed to
:func:`content.media.ingest`, which checks, transcodes and stores it. The handler is built per app so
that its body limit follows ``max_upload_bytes`` rather than the app's small JSON limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, post
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType

from content.accounts.permissions import can_upload_media
from content.core.errors import Forbidden
from content.core.model import MediaRef
from content.core.settings import Settings
from content.media import TEXT_LIMITS, ingest
from service.auth.guards import BEARER_SECURITY, signed_in
from service.deps import BlobsDep, DatabaseDep, PrincipalDep, SettingsDep
from service.editor.multipart_spool import spool_upload
from service.problems import problem_responses

__all__ = ["MULTIPART_OVERHEAD_BYTES", "media_upload"]

MULTIPART_OVERHEAD_BYTES = 64 * 1024
"""Room for the multipart boundaries, part headers and the three text parts around the file."""


@dataclass
class _UploadOperation(Operation):
    """Declares the multipart body, which the handler reads as a stream rather than as ``data``."""

    def __post_init__(self) -> None:
        texts = {
            name: Schema(type=OpenAPIType.STRING, max_length=limit) for name, limit in TEXT_LIMITS.items()
        }
        form = Schema(
            type=OpenAPIType.OBJECT,
            properties={"file": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY), **texts},
            required=["file"],
        )
        self.request_body = RequestBody(
            content={"multipart/form-data": OpenAPIMediaType(schema=form)},
            required=True,
            description="`file` (image or audio), and optionally `credit`, `licence`, `alt`",
        )


def media_upload(settings: Settings) -> HTTPRouteHandler:
    """The upload handler, with a body limit of ``settings.max_upload_bytes`` plus multipart overhead."""

    @post(
        "/api/v1/editor/media",
        status_code=201,
        guards=[signed_in],
        security=BEARER_SECURITY,
        tags=["editor"],
        request_max_body_size=settings.max_upload_bytes + MULTIPART_OVERHEAD_BYTES,
        operation_class=_UploadOperation,
        responses=problem_responses(401, 403, 413, 415, 422),
        summary="Upload a picture or narration",
    )
    async def upload_media(
        request: Request[Any, Any, Any],
        db: DatabaseDep,
        blobs: BlobsDep,
        settings: SettingsDep,
        principal: PrincipalDep,
    ) -> MediaRef:
        """JPEG, PNG, WebP, GIF or AVIF images; MP3, M4A, Ogg, WAV or FLAC audio. Invalid, truncated or
        oversized files get a 4xx naming ``file`` and leave nothing stored. Re-uploading the same bytes
        returns the existing media. Phone metadata (GPS included) never reaches the public variants."""
        if not can_upload_media(principal):
            raise Forbidden("your role cannot upload media")
        async with spool_upload(
            request,
            temp_dir=settings.data_dir / "uploads",
            texts=tuple(TEXT_LIMITS),
            max_file_bytes=settings.max_upload_bytes,
        ) as upload:
            return await ingest(
                db,
                blobs,
                settings,
                upload.path,
                credit=upload.texts.get("credit"),
                licence=upload.texts.get("licence"),
                alt=upload.texts.get("alt"),
                user_id=principal.id,
            )

    return upload_media
