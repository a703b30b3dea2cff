from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image

from content.blobs import LocalBlobStore
from content.core.model import MediaRef
from content.core.settings import Settings
from content.media import ingest
from content.media.queries import MediaRecord, VariantRecord, insert_media, upsert_variant

IMMUTABLE = "public, max-age=31536000, immutable"


def _store(app: Litestar) -> LocalBlobStore:
    store = app.state.blobs
    assert isinstance(store, LocalBlobStore)
    return store


@pytest.fixture
async def narration(
    client: AsyncTestClient[Litestar], app: Litestar, settings: Settings, fixtures_dir: Path
) -> MediaRef:
    return await ingest(app.state.db, app.state.blobs, settings, fixtures_dir / "audio" / "short-fr.wav")


@pytest.fixture
async def photo(
    client: AsyncTestClient[Litestar], app: Litestar, settings: Settings, fixtures_dir: Path
) -> MediaRef:
    return await ingest(app.state.db, app.state.blobs, settings, fixtures_dir / "images" / "phone-photo.jpg")


def _bytes(app: Litestar, ref: MediaRef, variant: str) -> bytes:
    return _store(app).path_for(ref.variants[variant].sha256).read_bytes()


def _assert_file_headers(
    headers: dict[str, str] | object, sha256: str, content_type: str, length: int
) -> None:
    assert isinstance(headers, dict) or hasattr(headers, "get")
    get = headers.get  # type: ignore[attr-defined]
    assert get("etag") == f'"{sha256}"'
    assert get("cache-control") == IMMUTABLE
    assert get("accept-ranges") == "bytes"
    assert get("content-type") == content_type
    assert get("content-length") == str(length)
    assert get("content-encoding") is None


async def test_get_whole_speech_variant(
    client: AsyncTestClient[Litestar], app: Litestar, narration: MediaRef
) -> None:
    speech = narration.variants["speech"]
    response = await client.get(speech.url, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    _assert_file_headers(response.headers, speech.sha256, "audio/mp4", speech.size)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == _bytes(app, narration, "speech")
    assert hashlib.sha256(response.content).hexdigest() == speech.sha256
    assert response.headers.get_list("content-type") == ["audio/mp4"]


async def test_image_variants_are_webp(client: AsyncTestClient[Litestar], photo: MediaRef) -> None:
    for name, bound in (("thumb", 320), ("screen", 1280)):
        variant = photo.variants[name]
        response = await client.get(variant.url)
        assert response.status_code == 200
        _assert_file_headers(response.headers, variant.sha256, "image/webp", variant.size)
        with Image.open(io.BytesIO(response.content)) as image:
            assert image.format == "WEBP"
            assert max(image.size) <= bound
            assert image.height > image.width  # upright portrait


async def test_head_sends_headers_without_body(
    client: AsyncTestClient[Litestar], narration: MediaRef
) -> None:
    speech = narration.variants["speech"]
    response = await client.head(speech.url)
    assert response.status_code == 200
    assert response.content == b""
    _assert_file_headers(response.headers, speech.sha256, "audio/mp4", speech.size)
    ranged = await client.head(speech.url, headers={"Range": "bytes=10-19"})
    assert ranged.status_code == 206
    assert ranged.content == b""
    assert ranged.headers["content-range"] == f"bytes 10-19/{speech.size}"
    assert ranged.headers["content-length"] == "10"


@pytest.mark.parametrize(
    ("spec", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-", 1000, None),
        ("bytes=-500", -500, None),
        ("bytes=100-100", 100, 100),
    ],
)
async def test_ranges(
    client: AsyncTestClient[Litestar],
    app: Litestar,
    narration: MediaRef,
    spec: str,
    start: int,
    end: int | None,
) -> None:
    speech = narration.variants["speech"]
    data = _bytes(app, narration, "speech")
    expected = data[start : None if end is None else end + 1]
    first = start % speech.size
    response = await client.get(speech.url, headers={"Range": spec})
    assert response.status_code == 206
    assert response.content == expected
    assert response.headers["content-range"] == f"bytes {first}-{first + len(expected) - 1}/{speech.size}"
    _assert_file_headers(response.headers, speech.sha256, "audio/mp4", len(expected))


async def test_if_range(client: AsyncTestClient[Litestar], narration: MediaRef) -> None:
    speech = narration.variants["speech"]
    current = await client.get(speech.url, headers={"Range": "bytes=0-9", "If-Range": f'"{speech.sha256}"'})
    assert current.status_code == 206
    assert len(current.content) == 10
    stale = await client.get(speech.url, headers={"Range": "bytes=0-9", "If-Range": '"' + "0" * 64 + '"'})
    assert stale.status_code == 200
    assert len(stale.content) == speech.size
    assert "content-range" not in stale.headers


async def test_if_match(client: AsyncTestClient[Litestar], narration: MediaRef) -> None:
    speech = narration.variants["speech"]
    ok = await client.get(speech.url, headers={"If-Match": f'"{speech.sha256}"', "Range": "bytes=0-0"})
    assert ok.status_code == 206
    stale = await client.get(speech.url, headers={"If-Match": '"' + "0" * 64 + '"', "Range": "bytes=0-0"})
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert stale.json()["status"] == 412
    head = await client.head(speech.url, headers={"If-Match": '"nope"'})
    assert head.status_code == 412
    assert head.content == b""


async def test_if_none_match(client: AsyncTestClient[Litestar], narration: MediaRef) -> None:
    speech = narration.variants["speech"]
    response = await client.get(
        speech.url, headers={"If-None-Match": f'"{speech.sha256}"', "Range": "bytes=0-9"}
    )
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == f'"{speech.sha256}"'
    assert response.headers["cache-control"] == IMMUTABLE
    other = await client.get(speech.url, headers={"If-None-Match": '"other"'})
    assert other.status_code == 200


async def test_unsatisfiable_range(client: AsyncTestClient[Litestar], narration: MediaRef) -> None:
    speech = narration.variants["speech"]
    response = await client.get(speech.url, headers={"Range": f"bytes={speech.size}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{speech.size}"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 416


async def test_several_ranges_get_the_whole_file(
    client: AsyncTestClient[Litestar], narration: MediaRef
) -> None:
    speech = narration.variants["speech"]
    response = await client.get(speech.url, headers={"Range": "bytes=0-9,20-29"})
    assert response.status_code == 200
    assert len(response.content) == speech.size


async def test_malformed_range_is_ignored(client: AsyncTestClient[Litestar], narration: MediaRef) -> None:
    response = await client.get(narration.variants["speech"].url, headers={"Range": "bytes=9-2"})
    assert response.status_code == 200


@pytest.mark.parametrize("variant", ["original", "source", "thumb", "screen", "../speech", "SPEECH"])
async def test_only_public_variants_of_the_right_kind(
    client: AsyncTestClient[Litestar], narration: MediaRef, variant: str
) -> None:
    response = await client.get(f"/api/v1/media/{narration.id}/{variant}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_unknown_media_is_404(client: AsyncTestClient[Litestar], photo: MediaRef) -> None:
    assert (await client.get(f"/api/v1/media/{photo.id}/speech")).status_code == 404
    assert (await client.get("/api/v1/media/nope/thumb")).status_code == 404
    assert (await client.head("/api/v1/media/nope/thumb")).status_code == 404


async def test_write_methods_are_refused(client: AsyncTestClient[Litestar], photo: MediaRef) -> None:
    response = await client.delete(photo.variants["thumb"].url)
    assert response.status_code == 405


async def test_large_variant_streams_ranges_across_chunks(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    blob = await app.state.blobs.put_bytes(data)
    async with app.state.db.write() as conn:
        await insert_media(
            conn,
            MediaRecord(
                id="big", kind="audio", source_sha256="0" * 64, source_type="audio/wav", source_size=len(data)
            ),
        )
        await upsert_variant(
            conn,
            VariantRecord(
                media_id="big",
                name="speech",
                profile="test",
                sha256=blob.sha256,
                size=blob.size,
                type="audio/mp4",
            ),
        )
    whole = await client.get("/api/v1/media/big/speech")
    assert whole.content == data
    middle = await client.get("/api/v1/media/big/speech", headers={"Range": "bytes=200000-2900000"})
    assert middle.status_code == 206
    assert middle.content == data[200000:2900001]


async def test_openapi_documents_get_and_head(client: AsyncTestClient[Litestar]) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    operations = paths["/api/v1/media/{media_id}/{variant}"]
    assert {"get", "head"} <= operations.keys()
    assert {"206", "304", "404", "412", "416"} <= operations["get"]["responses"].keys()


async def test_variant_whose_blob_is_missing_is_a_problem_not_a_truncated_200(
    client: AsyncTestClient[Litestar], app: Litestar, photo: MediaRef
) -> None:
    thumb = photo.variants["thumb"]
    _store(app).path_for(thumb.sha256).unlink()
    response = await client.get(thumb.url)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
