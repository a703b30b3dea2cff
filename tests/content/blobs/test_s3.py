"""What only the S3 backend does, against a moto server process on loopback: object headers, multipart
uploads, integrity when the source changes, public URLs served with Range by the store itself, bucket errors.
The behaviour shared with the local folder is in ``test_backends.py``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import msgspec
import pytest
from botocore.exceptions import ClientError

import content.blobs.s3 as s3_module
from content.blobs import BlobNotFound, BucketNotFound, S3BlobStore, SourceChanged, open_blob_store
from content.blobs.s3 import CACHE_CONTROL
from content.blobs.s3_transfer import MIN_PART_BYTES, part_size_for
from content.core.settings import Settings

MIB = 1024 * 1024


@pytest.fixture
async def small_parts(s3_settings: Settings) -> AsyncIterator[S3BlobStore]:
    """A store that switches to multipart above 1 MiB (S3's 5 MiB minimum part size still holds)."""
    store = S3BlobStore(s3_settings, multipart_threshold_bytes=MIB, part_bytes=MIN_PART_BYTES, concurrency=2)
    try:
        yield store
    finally:
        await store.close()


def _pattern(size: int, seed: int = 3) -> bytes:
    return random.Random(seed).randbytes(size)


def _uploads_in_progress(store: S3BlobStore) -> list[object]:
    return list(store.client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", []))


async def test_objects_are_keyed_by_prefix_and_hash_with_immutable_headers(
    s3_store: S3BlobStore, fixtures_dir: Path
) -> None:
    source = fixtures_dir / "images" / "cmyk.jpg"
    stored = await s3_store.put_file(source, content_type="image/jpeg")
    assert s3_store.key_for(stored.sha256) == f"blobs/{stored.sha256}"
    head = s3_store.client.head_object(Bucket=s3_store.bucket, Key=f"blobs/{stored.sha256}")
    assert head["ContentLength"] == source.stat().st_size
    assert head["ContentType"] == "image/jpeg"
    assert head["CacheControl"] == CACHE_CONTROL == "public, max-age=31536000, immutable"
    # A single PUT: S3's ETag is then the MD5 of the bytes, another proof they arrived intact.
    assert head["ETag"] == f'"{hashlib.md5(source.read_bytes()).hexdigest()}"'
    listed = s3_store.client.list_objects_v2(Bucket=s3_store.bucket)["Contents"]
    assert [item["Key"] for item in listed] == [f"blobs/{stored.sha256}"]

    untyped = await s3_store.put_bytes(b"no type given")
    head = s3_store.client.head_object(Bucket=s3_store.bucket, Key=s3_store.key_for(untyped.sha256))
    assert head["ContentType"] == "application/octet-stream"
    assert head["CacheControl"] == CACHE_CONTROL


async def test_large_file_is_uploaded_in_parts(small_parts: S3BlobStore, tmp_path: Path) -> None:
    data = _pattern(2 * MIN_PART_BYTES + 12345)
    source = tmp_path / "pack.zip"
    source.write_bytes(data)
    stored = await small_parts.put_file(source, content_type="application/zip")
    assert (stored.sha256, stored.size, stored.created) == (hashlib.sha256(data).hexdigest(), len(data), True)
    head = small_parts.client.head_object(Bucket=small_parts.bucket, Key=small_parts.key_for(stored.sha256))
    # A multipart object's ETag ends in "-<number of parts>".
    assert head["ETag"].strip('"').endswith("-3")
    assert head["ContentLength"] == len(data)
    assert head["ContentType"] == "application/zip"
    assert head["CacheControl"] == CACHE_CONTROL
    got = b"".join([c async for c in small_parts.read_range(stored.sha256, chunk_bytes=MIB)])
    assert got == data
    assert _uploads_in_progress(small_parts) == []
    assert (await small_parts.put_file(source)).created is False


async def test_file_under_the_threshold_is_one_put(small_parts: S3BlobStore, tmp_path: Path) -> None:
    data = _pattern(MIB - 1)
    source = tmp_path / "variant.webp"
    source.write_bytes(data)
    stored = await small_parts.put_file(source)
    head = small_parts.client.head_object(Bucket=small_parts.bucket, Key=small_parts.key_for(stored.sha256))
    assert head["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'


def test_part_size_respects_s3_limits() -> None:
    assert part_size_for(100 * MIB, MIB) == MIN_PART_BYTES
    assert part_size_for(100 * MIB, 8 * MIB) == 8 * MIB
    huge = 200 * 1024 * MIB
    assert part_size_for(huge, 8 * MIB) * 10_000 >= huge


@pytest.mark.parametrize("size", [1000, 2 * MIN_PART_BYTES + 1], ids=["single-put", "multipart"])
async def test_a_file_changing_after_hashing_stores_nothing(
    small_parts: S3BlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    source = tmp_path / "upload.bin"
    source.write_bytes(_pattern(size))
    real_hash = s3_module._hash_file

    def hash_then_change(path: Path) -> tuple[str, int]:
        hashed = real_hash(path)
        # Another writer rewrites the file between the hash and the upload.
        path.write_bytes(_pattern(size, seed=99))
        return hashed

    monkeypatch.setattr(s3_module, "_hash_file", hash_then_change)
    with pytest.raises(SourceChanged, match="changed"):
        await small_parts.put_file(source)
    listed = small_parts.client.list_objects_v2(Bucket=small_parts.bucket)
    assert listed.get("Contents", []) == []
    assert _uploads_in_progress(small_parts) == []


async def test_public_url_serves_ranges_straight_from_the_store(s3_store: S3BlobStore) -> None:
    data = _pattern(5000)
    stored = await s3_store.put_bytes(data, content_type="audio/mp4")
    url = s3_store.public_url(stored.sha256)
    assert url == f"{s3_store.client.meta.endpoint_url}/{s3_store.bucket}/blobs/{stored.sha256}"
    async with httpx.AsyncClient() as http:
        # The bucket is private until the operator opens it (`odyssee storage init --public-read`).
        refused = await http.get(url)
        assert refused.status_code == 403
        assert await s3_store.ensure_bucket(public_read=True) is False
        response = await http.get(url, headers={"Range": "bytes=100-199"})
        whole = await http.get(url)
    assert response.status_code == 206
    assert response.content == data[100:200]
    assert response.headers["content-range"] == "bytes 100-199/5000"
    assert response.headers["content-type"] == "audio/mp4"
    assert response.headers["cache-control"] == CACHE_CONTROL
    assert whole.status_code == 200
    assert whole.content == data


def test_public_url_uses_the_cdn_base_when_set(s3_settings: Settings) -> None:
    cdn = S3BlobStore(msgspec.structs.replace(s3_settings, s3_public_base_url="https://cdn.example/"))
    try:
        sha = "ab" * 32
        assert cdn.public_url(sha) == f"https://cdn.example/blobs/{sha}"
    finally:
        cdn.client.close()


async def test_ensure_bucket_creates_once(s3_settings: Settings) -> None:
    fresh = S3BlobStore(msgspec.structs.replace(s3_settings, s3_bucket=s3_settings.s3_bucket + "-new"))
    try:
        assert await fresh.ensure_bucket() is True
        assert await fresh.ensure_bucket() is False
        assert not await fresh.exists("0" * 64)
    finally:
        await fresh.close()


async def test_ensure_bucket_outside_us_east_1(s3_settings: Settings) -> None:
    paris = msgspec.structs.replace(
        s3_settings, s3_bucket=s3_settings.s3_bucket + "-par", s3_region="eu-west-3"
    )
    store = S3BlobStore(paris)
    try:
        assert await store.ensure_bucket() is True
        location = store.client.get_bucket_location(Bucket=store.bucket)["LocationConstraint"]
        assert location == "eu-west-3"
        stored = await store.put_bytes(b"in Paris")
        assert await store.size(stored.sha256) == 8
    finally:
        await store.close()


async def test_a_missing_bucket_is_an_operator_error_not_a_missing_blob(s3_settings: Settings) -> None:
    store = S3BlobStore(msgspec.structs.replace(s3_settings, s3_bucket="odyssee-no-such-bucket"))
    try:
        with pytest.raises(BucketNotFound, match="odyssee storage init"):
            await store.exists("0" * 64)
        with pytest.raises(BucketNotFound):
            await store.size("0" * 64)
        with pytest.raises(BucketNotFound):
            await store.put_bytes(b"data")
        with pytest.raises(BucketNotFound):
            [c async for c in store.read_range("0" * 64)]
    finally:
        await store.close()


async def test_other_storage_failures_propagate_as_client_errors(s3_store: S3BlobStore) -> None:
    stored = await s3_store.put_bytes(b"some bytes")
    s3_store.client.put_bucket_policy(
        Bucket=s3_store.bucket,
        Policy=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",'
            f'"Resource":"arn:aws:s3:::{s3_store.bucket}/*"}}]}}'
        ),
    )
    with pytest.raises(ClientError) as caught:
        [c async for c in s3_store.read_range(stored.sha256, 1, 2)]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_factory_opens_s3_store(s3_settings: Settings) -> None:
    store = open_blob_store(s3_settings)
    try:
        assert isinstance(store, S3BlobStore)
        assert (store.bucket, store.prefix) == (s3_settings.s3_bucket, "blobs/")
    finally:
        assert isinstance(store, S3BlobStore)
        store.client.close()


async def test_missing_object_is_blob_not_found(s3_store: S3BlobStore) -> None:
    with pytest.raises(BlobNotFound) as caught:
        await s3_store.size("e" * 64)
    assert caught.value.sha256 == "e" * 64
