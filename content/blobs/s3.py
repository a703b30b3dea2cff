"""The S3-compatible blob backend (AWS, Scaleway, OVH, MinIO, Garage) through boto3.

Each blob is the object ``{s3_prefix}{sha256}``: immutable and content-addressed, uploaded with its
``Content-Type`` and ``Cache-Control: public, max-age=31536000, immutable`` so that the store, or a CDN in
front of it, serves it with Range to phones. Every boto3 call runs in a worker thread; each store owns one
client (boto3 clients are thread-safe). Credentials come from boto3's usual chain (``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY``, profiles, instance roles), never from settings.

A key only ever names the bytes that hash to it. The SHA-256 is computed before anything is sent, and an
object appears under its key in one atomic step: a single PUT is stored whole or not at all, and a multipart
upload becomes visible only when completed, which happens only once the parts read hash to the key (see
:func:`content.blobs.s3_transfer.upload_multipart`). Every upload also carries ``x-amz-checksum-sha256``,
which S3 checks against the bytes it received before storing them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import quote

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

from content.blobs.base import (
    DEFAULT_CHUNK_BYTES,
    BlobNotFound,
    BlobStore,
    SourceChanged,
    StoredBlob,
    validate_key,
)
from content.blobs.s3_transfer import ObjectReader, b64_digest, upload_multipart
from content.core.settings import Settings

if TYPE_CHECKING:
    from botocore.response import StreamingBody
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import GetObjectOutputTypeDef, HeadObjectOutputTypeDef

__all__ = ["CACHE_CONTROL", "MULTIPART_THRESHOLD_BYTES", "PART_BYTES", "BucketNotFound", "S3BlobStore"]

CACHE_CONTROL = "public, max-age=31536000, immutable"
MULTIPART_THRESHOLD_BYTES = 8 * 1024 * 1024
PART_BYTES = 8 * 1024 * 1024
_HASH_CHUNK_BYTES = 1024 * 1024
_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")

_CONFIG = Config(
    # Path-style (endpoint/bucket/key) works with every S3-compatible server; virtual hosts need DNS.
    s3={"addressing_style": "path"},
    connect_timeout=5,
    read_timeout=60,
    retries={"max_attempts": 5, "mode": "standard"},
    max_pool_connections=32,
    # No default CRC32 trailers (aws-chunked bodies), which several S3-compatible servers refuse; uploads
    # send their SHA-256 explicitly instead.
    request_checksum_calculation="when_required",
    response_checksum_validation="when_required",
)

# Parsing the S3 service model costs about 0.2 s; sessions sharing one loader parse it once per process.
# Each store still gets a session of its own, so credentials are resolved afresh.
_LOADER = botocore.loaders.create_loader()


class BucketNotFound(RuntimeError):
    """The configured bucket does not exist: an operator error, answered as a 5xx."""


class S3BlobStore(BlobStore):
    """Blobs as objects in one bucket of an S3-compatible store. Create the bucket with :meth:`ensure_bucket`
    (``odyssee storage init``).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        multipart_threshold_bytes: int = MULTIPART_THRESHOLD_BYTES,
        part_bytes: int = PART_BYTES,
        concurrency: int = 4,
    ) -> None:
        self.bucket = settings.s3_bucket
        self.prefix = settings.s3_prefix
        self.public_base_url = settings.s3_public_base_url
        self.multipart_threshold_bytes = multipart_threshold_bytes
        self.part_bytes = part_bytes
        self.concurrency = concurrency
        core = botocore.session.get_session()
        core.register_component("data_loader", _LOADER)
        self.client: S3Client = boto3.session.Session(botocore_session=core).client(
            "s3", endpoint_url=settings.s3_endpoint_url, region_name=settings.s3_region, config=_CONFIG
        )
        self._region = settings.s3_region
        self._bucket_seen = False

    def key_for(self, sha256: str) -> str:
        """The object key of a blob."""
        return self.prefix + validate_key(sha256)

    async def ensure_bucket(self, *, public_read: bool = False) -> bool:
        """Create the bucket if it is missing; returns whether it did. With ``public_read``, also set a
        bucket policy letting anyone GET the objects under the prefix (the store or a CDN then serves
        them); the keys of originals are never published, yet anyone with an original's hash can read it.
        """
        return await asyncio.to_thread(self._ensure_bucket, public_read)

    async def put_file(self, path: Path, *, content_type: str | None = None) -> StoredBlob:
        return await asyncio.to_thread(self._put_file, path, content_type)

    async def put_bytes(self, data: bytes, *, content_type: str | None = None) -> StoredBlob:
        return await asyncio.to_thread(self._put_bytes, data, content_type)

    async def exists(self, sha256: str) -> bool:
        key = self.key_for(sha256)
        return await asyncio.to_thread(self._head, key) is not None

    async def size(self, sha256: str) -> int:
        key = self.key_for(sha256)
        head = await asyncio.to_thread(self._head, key)
        if head is None:
            raise BlobNotFound(sha256)
        return head["ContentLength"]

    async def read_range(
        self,
        sha256: str,
        start: int = 0,
        length: int | None = None,
        *,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    ) -> AsyncIterator[bytes]:
        key = self.key_for(sha256)
        if start < 0 or (length is not None and length < 0) or chunk_bytes <= 0:
            raise ValueError(f"bad range start={start} length={length} chunk_bytes={chunk_bytes}")
        body, remaining = await asyncio.to_thread(self._open_range, key, start, length)
        if body is None:
            return
        try:
            while remaining > 0:
                chunk = await asyncio.to_thread(body.read, min(chunk_bytes, remaining))
                if not chunk:
                    raise OSError(f"blob {sha256} ended {remaining} bytes early")
                remaining -= len(chunk)
                yield chunk
        finally:
            # Closing drops the connection if the body was not read to its end; it does not block.
            body.close()

    def open_reader(self, sha256: str) -> BinaryIO:
        """A buffered, seekable reader; a seek costs a new ranged GET, so read sequentially."""
        key = self.key_for(sha256)
        response = self._get(key)
        raw = ObjectReader(response["Body"], response["ContentLength"], lambda at: self._get(key, at)["Body"])
        return io.BufferedReader(raw, buffer_size=DEFAULT_CHUNK_BYTES)

    async def delete(self, sha256: str) -> bool:
        key = self.key_for(sha256)
        return await asyncio.to_thread(self._delete, key)

    def public_url(self, sha256: str) -> str:
        """``{s3_public_base_url}{key}`` behind a CDN, else the path-style object URL on the endpoint."""
        key = quote(self.key_for(sha256), safe="/")
        if self.public_base_url:
            return f"{self.public_base_url.rstrip('/')}/{key}"
        return f"{self.client.meta.endpoint_url.rstrip('/')}/{quote(self.bucket, safe='')}/{key}"

    async def close(self) -> None:
        await asyncio.to_thread(self.client.close)

    # Blocking halves, run in worker threads.

    def _put_file(self, path: Path, content_type: str | None) -> StoredBlob:
        sha256, size = _hash_file(path)
        key = self.key_for(sha256)
        if self._is_whole(key, size):
            return StoredBlob(sha256, size, created=False)
        if size < self.multipart_threshold_bytes:
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha256:
                raise SourceChanged(f"{path} changed while it was being stored; nothing was stored")
            self._put_object(key, data, content_type)
        else:
            with self._bucket_errors():
                upload_multipart(
                    self.client,
                    bucket=self.bucket,
                    key=key,
                    path=path,
                    sha256=sha256,
                    size=size,
                    headers=_headers(content_type),
                    part_bytes=self.part_bytes,
                    concurrency=self.concurrency,
                )
        stored = self._head(key)
        if stored is None or stored["ContentLength"] != size:
            raise OSError(f"S3 stored {key} with a size other than the {size} bytes sent")
        return StoredBlob(sha256, size, created=True)

    def _put_bytes(self, data: bytes, content_type: str | None) -> StoredBlob:
        sha256 = hashlib.sha256(data).hexdigest()
        key = self.key_for(sha256)
        if self._is_whole(key, len(data)):
            return StoredBlob(sha256, len(data), created=False)
        self._put_object(key, data, content_type)
        return StoredBlob(sha256, len(data), created=True)

    def _put_object(self, key: str, data: bytes, content_type: str | None) -> None:
        checksum = b64_digest(hashlib.sha256(data).digest())
        with self._bucket_errors():
            response = self.client.put_object(
                Bucket=self.bucket, Key=key, Body=data, ChecksumSHA256=checksum, **_headers(content_type)
            )
        # S3 refuses a body whose checksum differs (BadDigest) before storing it. A server that stores
        # without checking but echoes what it computed is caught here, and the object removed again.
        echoed = response.get("ChecksumSHA256")
        if echoed is not None and echoed != checksum:
            self.client.delete_object(Bucket=self.bucket, Key=key)
            raise OSError(f"S3 stored {key} with checksum {echoed}, not the {checksum} sent")

    def _is_whole(self, key: str, size: int) -> bool:
        head = self._head(key)
        return head is not None and head["ContentLength"] == size

    def _head(self, key: str) -> HeadObjectOutputTypeDef | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) not in _MISSING:
                raise
        # A HEAD has no body, so a missing bucket also reads as a bare 404: tell the two apart once.
        self._check_bucket()
        return None

    def _get(self, key: str, start: int = 0) -> GetObjectOutputTypeDef:
        try:
            with self._bucket_errors():
                if start:  # the reader reopening after a seek
                    return self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes={start}-")
                return self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _code(exc) in _MISSING:
                raise BlobNotFound(key.removeprefix(self.prefix)) from None
            raise

    def _open_range(self, key: str, start: int, length: int | None) -> tuple[StreamingBody | None, int]:
        sha256 = key.removeprefix(self.prefix)
        if start == 0 and length is None:
            # No Range header: the one request that also reads an empty object (S3 answers 416 to any range).
            response = self._get(key)
            return response["Body"], response["ContentLength"]
        if length == 0:
            size = self._size_or_missing(key)
            if start > size:
                raise ValueError(f"range {start}+0 outside blob {sha256} of {size} bytes")
            return None, 0
        last = "" if length is None else str(start + length - 1)
        try:
            with self._bucket_errors():
                response = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes={start}-{last}")
        except ClientError as exc:
            if _code(exc) in _MISSING:
                raise BlobNotFound(sha256) from None
            if _code(exc) != "InvalidRange":
                raise
            # Nothing at or after ``start``: fine for an open-ended read from the very end, else outside.
            size = self._size_or_missing(key)
            if length is None and start == size:
                return None, 0
            raise ValueError(f"range {start}+{length} outside blob {sha256} of {size} bytes") from None
        body: StreamingBody = response["Body"]
        match = _CONTENT_RANGE.fullmatch(response.get("ContentRange", ""))
        if match is None or int(match[1]) != start:
            body.close()
            raise OSError(f"S3 ignored the range request for {key}")
        size = int(match[3])
        end = size if length is None else start + length
        if end > size:
            body.close()
            raise ValueError(f"range {start}+{length} outside blob {sha256} of {size} bytes")
        return body, end - start

    def _size_or_missing(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise BlobNotFound(key.removeprefix(self.prefix))
        return head["ContentLength"]

    def _delete(self, key: str) -> bool:
        # S3 deletes answer 204 whether or not the object was there; the HEAD says which.
        if self._head(key) is None:
            return False
        with self._bucket_errors():
            self.client.delete_object(Bucket=self.bucket, Key=key)
        return True

    def _check_bucket(self) -> None:
        if self._bucket_seen:
            return
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if _code(exc) in _MISSING | {"NoSuchBucket"}:
                raise self._no_bucket() from None
            raise
        self._bucket_seen = True

    def _ensure_bucket(self, public_read: bool) -> bool:
        created = False
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if _code(exc) not in _MISSING | {"NoSuchBucket"}:
                raise
            # us-east-1 is the one region that refuses to be named as a location constraint.
            location: dict[str, Any] = {}
            if self._region != "us-east-1":
                location["CreateBucketConfiguration"] = {"LocationConstraint": self._region}
            self.client.create_bucket(Bucket=self.bucket, **location)
            created = True
        if public_read:
            self.client.put_bucket_policy(Bucket=self.bucket, Policy=self._public_read_policy())
        self._bucket_seen = True
        return created

    def _public_read_policy(self) -> str:
        statement = {
            "Sid": "OdysseePublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{self.bucket}/{self.prefix}*",
        }
        return json.dumps({"Version": "2012-10-17", "Statement": [statement]})

    @contextlib.contextmanager
    def _bucket_errors(self) -> Iterator[None]:
        """Name a missing bucket plainly instead of as a raw ClientError; other errors pass unchanged."""
        try:
            yield
        except ClientError as exc:
            if _code(exc) == "NoSuchBucket":
                raise self._no_bucket() from exc
            raise

    def _no_bucket(self) -> BucketNotFound:
        return BucketNotFound(
            f"S3 bucket {self.bucket!r} does not exist at {self.client.meta.endpoint_url}:"
            " create it with `odyssee storage init`"
        )


def _headers(content_type: str | None) -> dict[str, Any]:
    return {"ContentType": content_type or "application/octet-stream", "CacheControl": CACHE_CONTROL}


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as reader:
        while chunk := reader.read(_HASH_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
