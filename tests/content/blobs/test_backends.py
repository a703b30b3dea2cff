"""The same behaviour from every blob backend: the local folder and S3 (a moto server process on loopback)."""

from __future__ import annotations

import asyncio
import hashlib
import random
from pathlib import Path

import pytest

from content.blobs import BlobNotFound, BlobStore, LocalBlobStore, S3BlobStore
from content.core.errors import InvalidParameter
from content.core.settings import Settings


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    s3_store = request.getfixturevalue("s3_store")  # only the S3 cases start moto
    assert isinstance(s3_store, S3BlobStore)
    return s3_store


async def _read(store: BlobStore, sha: str, start: int = 0, length: int | None = None) -> bytes:
    return b"".join([chunk async for chunk in store.read_range(sha, start, length)])


def _pattern(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


async def test_put_bytes_names_blob_by_sha256_and_dedupes(store: BlobStore) -> None:
    data = b"narration bytes"
    sha = hashlib.sha256(data).hexdigest()
    stored = await store.put_bytes(data, content_type="text/plain")
    assert (stored.sha256, stored.size, stored.created) == (sha, len(data), True)
    again = await store.put_bytes(data)
    assert (again.sha256, again.size, again.created) == (sha, len(data), False)
    assert await _read(store, sha) == data


async def test_put_file_stores_the_file_and_dedupes_with_bytes(store: BlobStore, fixtures_dir: Path) -> None:
    source = fixtures_dir / "images" / "phone-photo.jpg"
    data = source.read_bytes()
    expected = hashlib.sha256(data).hexdigest()
    stored = await store.put_file(source, content_type="image/jpeg")
    assert (stored.sha256, stored.size, stored.created) == (expected, len(data), True)
    assert (await store.put_file(source)).created is False
    assert (await store.put_bytes(data)).created is False
    assert await _read(store, expected) == data


async def test_large_file_round_trips(store: BlobStore, tmp_path: Path) -> None:
    data = _pattern(9 * 1024 * 1024 + 123)  # over the S3 backend's 8 MiB multipart threshold
    source = tmp_path / "large.bin"
    source.write_bytes(data)
    stored = await store.put_file(source, content_type="application/zip")
    assert (stored.sha256, stored.size) == (hashlib.sha256(data).hexdigest(), len(data))
    digest = hashlib.sha256()
    async for chunk in store.read_range(stored.sha256, chunk_bytes=1024 * 1024):
        assert len(chunk) <= 1024 * 1024
        digest.update(chunk)
    assert digest.hexdigest() == stored.sha256


async def test_exists_size_delete(store: BlobStore) -> None:
    stored = await store.put_bytes(b"x" * 1000)
    assert await store.exists(stored.sha256)
    assert await store.size(stored.sha256) == 1000
    assert await store.delete(stored.sha256) is True
    assert await store.delete(stored.sha256) is False
    assert not await store.exists(stored.sha256)
    with pytest.raises(BlobNotFound):
        await store.size(stored.sha256)
    with pytest.raises(BlobNotFound):
        await _read(store, stored.sha256)


async def test_read_range_streams_bounded_chunks(store: BlobStore) -> None:
    data = bytes(range(256)) * 1000
    sha = (await store.put_bytes(data)).sha256
    chunks = [chunk async for chunk in store.read_range(sha, chunk_bytes=4096)]
    assert b"".join(chunks) == data
    assert max(len(c) for c in chunks) == 4096
    part = [c async for c in store.read_range(sha, 1000, 5000, chunk_bytes=3000)]
    assert b"".join(part) == data[1000:6000]
    assert max(len(c) for c in part) <= 3000
    assert await _read(store, sha, 0, 10) == data[:10]
    assert await _read(store, sha, len(data) - 7) == data[-7:]
    assert await _read(store, sha, len(data) - 7, 7) == data[-7:]
    assert await _read(store, sha, 0, len(data)) == data
    assert await _read(store, sha, len(data), 0) == b""
    assert await _read(store, sha, len(data)) == b""


async def test_read_range_rejects_missing_blob_and_outside_ranges(store: BlobStore) -> None:
    sha = (await store.put_bytes(b"abc")).sha256
    for start, length in [(2, 5), (3, 1), (4, None), (4, 0), (10, 2)]:
        with pytest.raises(ValueError, match="outside"):
            await _read(store, sha, start, length)
    with pytest.raises(ValueError, match="bad range"):
        await _read(store, sha, -1)
    with pytest.raises(ValueError, match="bad range"):
        await _read(store, sha, 0, -1)
    for start, length in [(0, None), (1, None), (0, 2), (0, 0)]:
        with pytest.raises(BlobNotFound):
            await _read(store, "0" * 64, start, length)


async def test_empty_blob(store: BlobStore) -> None:
    stored = await store.put_bytes(b"")
    assert stored.sha256 == hashlib.sha256(b"").hexdigest()
    assert await store.size(stored.sha256) == 0
    assert await _read(store, stored.sha256) == b""
    assert await _read(store, stored.sha256, 0, 0) == b""
    with pytest.raises(ValueError, match="outside"):
        await _read(store, stored.sha256, 0, 1)
    reader = await asyncio.to_thread(store.open_reader, stored.sha256)
    with reader:
        assert reader.read() == b""


async def test_open_reader_is_a_sync_seekable_binary_reader(store: BlobStore) -> None:
    data = _pattern(300_000)
    sha = (await store.put_bytes(b"pack entry")).sha256
    big = (await store.put_bytes(data)).sha256

    def read_in_thread() -> tuple[bytes, bytes, bytes, bytes, int]:
        with store.open_reader(sha) as reader:
            reader.seek(5)
            entry = reader.read()
        with store.open_reader(big) as reader:
            pieces = []
            while piece := reader.read(7001):
                pieces.append(piece)
            reader.seek(123_456)
            middle = reader.read(1000)
            reader.seek(-10, 2)
            tail = reader.read()
            position = reader.tell()
        return entry, b"".join(pieces), middle, tail, position

    entry, whole, middle, tail, position = await asyncio.to_thread(read_in_thread)
    assert entry == b"entry"
    assert whole == data
    assert middle == data[123_456:124_456]
    assert tail == data[-10:]
    assert position == len(data)
    with pytest.raises(BlobNotFound):
        await asyncio.to_thread(store.open_reader, "f" * 64)


async def test_concurrent_puts_and_reads(store: BlobStore) -> None:
    blobs = [_pattern(50_000 + i, seed=i) for i in range(8)]
    stored = await asyncio.gather(*(store.put_bytes(b) for b in blobs))
    read = await asyncio.gather(*(_read(store, s.sha256, 100, 1000) for s in stored))
    assert read == [b[100:1100] for b in blobs]


@pytest.mark.parametrize("key", ["", "abc", "A" * 64, "g" * 64, "0" * 65, "../" + "0" * 61, "0" * 63 + "\n"])
async def test_every_entry_point_validates_the_key(store: BlobStore, key: str) -> None:
    with pytest.raises(InvalidParameter):
        await store.exists(key)
    with pytest.raises(InvalidParameter):
        await store.size(key)
    with pytest.raises(InvalidParameter):
        await store.delete(key)
    with pytest.raises(InvalidParameter):
        store.open_reader(key)
    with pytest.raises(InvalidParameter):
        await _read(store, key)
    with pytest.raises(InvalidParameter):
        store.public_url(key)


def test_s3_settings_fixture_is_s3(s3_settings: Settings) -> None:
    assert s3_settings.storage == "s3"
    assert s3_settings.s3_endpoint_url is not None
    assert s3_settings.s3_endpoint_url.startswith("http://127.0.0.1:")
