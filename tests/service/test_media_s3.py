"""Media variants served through the app when blobs live in S3 (a moto server process on loopback)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.blobs import S3BlobStore
from content.core.db import Database
from content.core.settings import Settings
from content.media import ingest


@pytest.fixture
def settings(s3_settings: Settings) -> Settings:
    """The app of these tests stores its blobs in S3."""
    return s3_settings


async def test_thumb_range_is_streamed_from_s3(
    client: AsyncTestClient[Litestar], app: Litestar, db: Database, settings: Settings, fixtures_dir: Path
) -> None:
    store = app.state.blobs
    assert isinstance(store, S3BlobStore)
    ref = await ingest(db, store, settings, fixtures_dir / "images" / "phone-photo.jpg")
    thumb = ref.variants["thumb"]
    key = store.key_for(thumb.sha256)
    stored = store.client.get_object(Bucket=store.bucket, Key=key)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == thumb.sha256
    assert not settings.blob_dir.exists()  # nothing went to the local folder

    response = await client.get(f"/api/v1/media/{ref.id}/thumb", headers={"Range": "bytes=100-1099"})
    assert response.status_code == 206
    assert response.content == stored[100:1100]
    assert response.headers["content-range"] == f"bytes 100-1099/{thumb.size}"
    assert response.headers["content-length"] == "1000"
    assert response.headers["content-type"] == "image/webp"
    assert response.headers["etag"] == f'"{thumb.sha256}"'

    suffix = await client.get(f"/api/v1/media/{ref.id}/thumb", headers={"Range": "bytes=-10"})
    assert suffix.status_code == 206
    assert suffix.content == stored[-10:]

    whole = await client.get(f"/api/v1/media/{ref.id}/thumb")
    assert whole.status_code == 200
    assert whole.content == stored

    outside = await client.get(f"/api/v1/media/{ref.id}/thumb", headers={"Range": f"bytes={thumb.size}-"})
    assert outside.status_code == 416
    assert outside.headers["content-range"] == f"bytes */{thumb.size}"
