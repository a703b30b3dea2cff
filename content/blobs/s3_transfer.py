"""The blocking halves of the S3 backend that move many bytes: verified multipart uploads, a seekable reader.

Both run inside worker threads, never on the event loop.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from content.blobs.base import SourceChanged

if TYPE_CHECKING:
    from botocore.response import StreamingBody
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

__all__ = [
    "MAX_PARTS",
    "MIN_PART_BYTES",
    "ObjectReader",
    "b64_digest",
    "part_size_for",
    "upload_multipart",
]

# S3's own limits: every part but the last is at least 5 MiB, and an upload has at most 10,000 parts.
MIN_PART_BYTES = 5 * 1024 * 1024
MAX_PARTS = 10_000


def b64_digest(digest: bytes) -> str:
    """A SHA-256 digest as S3's ``x-amz-checksum-sha256`` header wants it."""
    return base64.b64encode(digest).decode("ascii")


def part_size_for(size: int, part_bytes: int) -> int:
    """The part size for an object of ``size`` bytes: at least S3's minimum, and few enough parts."""
    return max(part_bytes, MIN_PART_BYTES, -(-size // MAX_PARTS))


def upload_multipart(
    client: S3Client,
    *,
    bucket: str,
    key: str,
    path: Path,
    sha256: str,
    size: int,
    headers: Mapping[str, Any],
    part_bytes: int,
    concurrency: int,
) -> None:
    """Upload ``path`` (``size`` bytes hashing to ``sha256``, the last part of ``key``) in parts.

    A multipart object becomes visible only at CompleteMultipartUpload. The file is hashed again as its
    parts are read, and the upload is completed only if those very bytes hash to ``sha256``; otherwise (the
    file changed since it was hashed) or on any error it is aborted, so ``key`` never names other bytes.
    Each part carries its own SHA-256, which S3 checks on arrival. At most ``concurrency`` parts are in
    flight, so memory stays below ``(concurrency + 1) * part size``.
    """
    part_size = part_size_for(size, part_bytes)
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="SHA256", **headers)[
        "UploadId"
    ]
    try:
        parts = _send_parts(client, bucket, key, upload_id, path, sha256, size, part_size, concurrency)
        client.complete_multipart_upload(
            Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
        )
    except BaseException:
        # If the abort itself fails, the original error matters more; the bucket's lifecycle rule for
        # incomplete uploads (see the README) reclaims the parts.
        with contextlib.suppress(BotoCoreError, ClientError):
            client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
        raise


def _send_parts(
    client: S3Client,
    bucket: str,
    key: str,
    upload_id: str,
    path: Path,
    sha256: str,
    size: int,
    part_size: int,
    concurrency: int,
) -> list[CompletedPartTypeDef]:
    def send(number: int, chunk: bytes) -> CompletedPartTypeDef:
        checksum = b64_digest(hashlib.sha256(chunk).digest())
        response = client.upload_part(
            Bucket=bucket,
            Key=key,
            UploadId=upload_id,
            PartNumber=number,
            Body=chunk,
            ChecksumSHA256=checksum,
        )
        return {"PartNumber": number, "ETag": response["ETag"], "ChecksumSHA256": checksum}

    digest = hashlib.sha256()
    total = 0
    parts: list[CompletedPartTypeDef] = []
    pending: deque[Future[CompletedPartTypeDef]] = deque()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="odyssee-s3-part") as pool:
        try:
            with path.open("rb") as reader:
                while chunk := reader.read(part_size):
                    digest.update(chunk)
                    total += len(chunk)
                    if total > size:
                        raise SourceChanged(f"{path} grew while it was being uploaded")
                    if len(pending) >= concurrency:
                        parts.append(pending.popleft().result())
                    pending.append(pool.submit(send, len(parts) + len(pending) + 1, chunk))
            while pending:
                parts.append(pending.popleft().result())
        finally:
            for future in pending:
                future.cancel()
    if total != size or digest.hexdigest() != sha256:
        raise SourceChanged(f"{path} changed while it was being uploaded; nothing was stored")
    return parts


class ObjectReader(io.RawIOBase):
    """A sequential, seekable raw reader over one object: it streams a GET body and, after a seek, opens
    a new ranged GET at the new position. Wrap it in ``io.BufferedReader``.
    """

    def __init__(self, body: StreamingBody, size: int, reopen: Callable[[int], StreamingBody]) -> None:
        super().__init__()
        self._body: StreamingBody | None = body
        self._size = size
        self._position = 0
        self._reopen = reopen

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        position = base + offset
        if position < 0:
            raise ValueError(f"negative seek position {position}")
        if position != self._position:
            self._drop_body()
            self._position = position
        return position

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._position >= self._size or not len(view):
            return 0
        if self._body is None:
            self._body = self._reopen(self._position)
        data = self._body.read(min(len(view), self._size - self._position))
        if not data:
            raise OSError(f"object ended at {self._position} of {self._size} bytes")
        view[: len(data)] = data
        self._position += len(data)
        return len(data)

    def close(self) -> None:
        self._drop_body()
        super().close()

    def _drop_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None
