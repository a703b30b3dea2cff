"""The lean media path (service/media_fast.py) answers exactly as the Litestar handler does, never serves a
replaced or deleted variant, keeps the access log, and hands everything it does not answer to Litestar."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.blobs import LocalBlobStore
from content.core.settings import Settings
from content.media.lookup import VariantLookup
from content.media.queries import MediaRecord, VariantRecord, insert_media, upsert_variant
from service.app import create_app
from service.media_fast import FAST_MAX_BYTES, MediaFastPath
from tools.logs import configure_logging

SIZE = 3 * 1024 * 1024 + 17


class Inner:
    """Counts the requests the fast path hands to Litestar."""

    def __init__(self, fast: MediaFastPath) -> None:
        self.app = fast.app
        self.calls = 0
        fast.app = self

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += 1
        await self.app(scope, receive, send)


def _fast(app: Litestar) -> MediaFastPath:
    fast = app.state.media_fast
    assert isinstance(fast, MediaFastPath)
    return fast


async def _place(app: Litestar, media_id: str, data: bytes, *, name: str = "speech") -> str:
    blob = await app.state.blobs.put_bytes(data)
    async with app.state.db.write() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO media (id, kind, source_sha256, source_type, source_size,"
            " created_at) VALUES (?, 'audio', ?, 'audio/wav', ?, '')",
            (media_id, os.urandom(32).hex(), len(data)),
        )
        await upsert_variant(
            conn,
            VariantRecord(
                media_id=media_id,
                name=name,
                profile="test",
                sha256=blob.sha256,
                size=blob.size,
                type="audio/mp4",
            ),
        )
    return str(blob.sha256)


@pytest.fixture
async def speech(client: AsyncTestClient[Litestar], app: Litestar) -> bytes:
    data = os.urandom(SIZE)
    await _place(app, "narration", data)
    return data


URL = "/api/v1/media/narration/speech"
ETAG_PLACEHOLDER = "<etag>"
CASES: list[tuple[str, dict[str, str]]] = [
    ("GET", {}),
    ("GET", {"Range": "bytes=0-65535"}),
    ("GET", {"Range": "bytes=1000000-1065535"}),
    ("GET", {"Range": "bytes=-500"}),
    ("GET", {"Range": f"bytes={SIZE - 10}-"}),
    ("GET", {"Range": f"bytes={SIZE - 10}-{SIZE + 100}"}),
    ("GET", {"Range": "bytes=0-0"}),
    ("GET", {"Range": f"bytes=0-{FAST_MAX_BYTES - 1}"}),  # the largest body answered in one message
    ("GET", {"Range": f"bytes=0-{FAST_MAX_BYTES}"}),  # one byte more: streamed by Litestar
    ("GET", {"Range": f"bytes={SIZE}-"}),  # 416
    ("GET", {"Range": "bytes=9-2"}),  # malformed: ignored, whole file
    ("GET", {"Range": "items=0-9"}),
    ("GET", {"Range": "bytes=0-9,20-29"}),  # several ranges: whole file
    ("GET", {"Range": "bytes=0-9", "If-Range": ETAG_PLACEHOLDER}),
    ("GET", {"Range": "bytes=0-9", "If-Range": '"' + "0" * 64 + '"'}),
    ("GET", {"Range": "bytes=0-9", "If-Match": ETAG_PLACEHOLDER}),
    ("GET", {"Range": "bytes=0-9", "If-Match": '"stale"'}),  # 412
    ("GET", {"Range": "bytes=0-9", "If-None-Match": ETAG_PLACEHOLDER}),  # 304
    ("GET", {"If-None-Match": f'"other", W/{ETAG_PLACEHOLDER}'}),  # 304
    ("GET", {"Range": "bytes=0-9", "Origin": "https://example.org"}),  # CORS: Litestar's
    ("HEAD", {}),
    ("HEAD", {"Range": "bytes=10-19"}),
    ("HEAD", {"Range": f"bytes={SIZE}-"}),
    ("HEAD", {"If-None-Match": ETAG_PLACEHOLDER}),
    ("HEAD", {"If-Match": '"nope"'}),
]


def _answer(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [(k, v) for k, v in response.headers.multi_items() if k not in ("date", "x-request-id")]
    return response.status_code, headers, response.content


async def test_fast_path_answers_exactly_like_litestar(
    client: AsyncTestClient[Litestar], app: Litestar, speech: bytes
) -> None:
    fast = _fast(app)
    inner = Inner(fast)
    etag = (await client.head(URL)).headers["etag"]
    answered_fast = 0
    for method, raw in CASES:
        headers = {k: v.replace(ETAG_PLACEHOLDER, etag) for k, v in raw.items()}
        fast.enabled = True
        before = inner.calls
        ours = await client.request(method, URL, headers=headers)
        answered_fast += inner.calls == before
        fast.enabled = False
        theirs = await client.request(method, URL, headers=headers)
        assert _answer(ours) == _answer(theirs), (method, headers)
    # The small answers (200 HEADs, 206 up to FAST_MAX_BYTES, 304) skipped Litestar; the rest went there.
    assert answered_fast == 14


async def test_ranges_read_the_right_bytes(
    client: AsyncTestClient[Litestar], app: Litestar, speech: bytes
) -> None:
    inner = Inner(_fast(app))
    for start in (0, 1, 4095, 65536, 1_000_003, SIZE - 65536):
        response = await client.get(URL, headers={"Range": f"bytes={start}-{start + 65535}"})
        assert response.status_code == 206
        assert response.content == speech[start : start + 65536]
        assert response.headers["content-range"] == f"bytes {start}-{min(start + 65535, SIZE - 1)}/{SIZE}"
    assert inner.calls == 0


async def test_reads_the_page_cache_does_not_hold_go_to_a_worker_thread(
    client: AsyncTestClient[Litestar], app: Litestar, speech: bytes
) -> None:
    fast = _fast(app)
    assert fast.files is not None
    fast.files.nowait = False  # as when preadv(RWF_NOWAIT) finds nothing cached
    response = await client.get(URL, headers={"Range": "bytes=100-65635"})
    assert response.status_code == 206
    assert response.content == speech[100:65636]


async def test_concurrent_reads_of_many_blobs_with_few_descriptors(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    datas = {f"m{i}": os.urandom(200_000 + i) for i in range(6)}
    for media_id, data in datas.items():
        await _place(app, media_id, data)
    fast = _fast(app)
    assert fast.files is not None
    fast.files.capacity = 2  # descriptors are closed and reopened all the time

    async def read(media_id: str, start: int) -> None:
        response = await client.get(
            f"/api/v1/media/{media_id}/speech", headers={"Range": f"bytes={start}-{start + 9999}"}
        )
        assert response.status_code == 206
        assert response.content == datas[media_id][start : start + 10000]

    await asyncio.gather(*(read(f"m{i % 6}", (i * 7919) % 150_000) for i in range(60)))
    assert len(fast.files._fds) <= 2


async def test_a_replaced_variant_is_served_fresh_at_once(
    client: AsyncTestClient[Litestar], app: Litestar, speech: bytes
) -> None:
    first = await client.get(URL, headers={"Range": "bytes=0-99"})
    assert first.content == speech[:100]
    newer = os.urandom(5000)
    sha256 = await _place(app, "narration", newer)  # same media and variant, new bytes
    second = await client.get(URL, headers={"Range": "bytes=0-99"})
    assert second.status_code == 206
    assert second.headers["etag"] == f'"{sha256}"'
    assert second.headers["content-range"] == "bytes 0-99/5000"
    assert second.content == newer[:100]
    # If-Range with the old ETag no longer holds the range.
    stale = await client.get(URL, headers={"Range": "bytes=0-99", "If-Range": first.headers["etag"]})
    assert stale.status_code == 200
    assert stale.content == newer


async def test_a_deleted_variant_is_404_at_once(
    client: AsyncTestClient[Litestar], app: Litestar, speech: bytes
) -> None:
    assert (await client.get(URL, headers={"Range": "bytes=0-99"})).status_code == 206
    async with app.state.db.write() as conn:
        await conn.execute("DELETE FROM media WHERE id = 'narration'")  # cascades to its variants
    for method in ("GET", "HEAD"):
        response = await client.request(method, URL, headers={"Range": "bytes=0-99"})
        assert response.status_code == 404


async def test_a_change_from_another_process_invalidates_the_cache(
    client: AsyncTestClient[Litestar], app: Litestar, settings: Settings, speech: bytes
) -> None:
    """Another worker commits through its own connection: data_version moves for us too."""
    assert (await client.get(URL, headers={"Range": "bytes=0-9"})).status_code == 206
    newer = os.urandom(100)
    blob = await app.state.blobs.put_bytes(newer)
    other = create_app(settings)  # a second worker's store on the same file
    async with AsyncTestClient(app=other), other.state.db.write() as conn:
        await upsert_variant(
            conn,
            VariantRecord(
                media_id="narration",
                name="speech",
                profile="t",
                sha256=blob.sha256,
                size=100,
                type="audio/mp4",
            ),
        )
    response = await client.get(URL, headers={"Range": "bytes=0-9"})
    assert response.content == newer[:10]
    assert response.headers["content-range"] == "bytes 0-9/100"


@pytest.mark.parametrize("variant", ["original", "source", "thumb", "../speech", "SPEECH", ""])
async def test_originals_and_unknown_names_stay_hidden(
    client: AsyncTestClient[Litestar], app: Litestar, speech: bytes, variant: str
) -> None:
    for method in ("GET", "HEAD"):
        response = await client.request(
            method, f"/api/v1/media/narration/{variant}", headers={"Range": "bytes=0-9"}
        )
        assert response.status_code == 404, (method, variant)
    assert (await client.get("/api/v1/media/nope/speech", headers={"Range": "bytes=0-9"})).status_code == 404


async def test_a_blob_missing_from_the_store_is_litestars_problem(
    client: AsyncTestClient[Litestar], app: Litestar, speech: bytes
) -> None:
    store = app.state.blobs
    assert isinstance(store, LocalBlobStore)
    etag = (await client.head(URL)).headers["etag"]
    store.path_for(etag.strip('"')).unlink()
    response = await client.get(URL, headers={"Range": "bytes=0-9"})
    assert response.status_code >= 400
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_the_lookup_without_its_version_connection_queries_every_time(
    app: Litestar, speech: bytes
) -> None:
    lookup = app.state.media_lookup
    assert isinstance(lookup, VariantLookup)
    found = await lookup.find("narration", "speech")
    assert lookup.cached("narration", "speech")[0] == found
    lookup.close()  # as when data_version cannot be read: nothing is cached, every lookup queries
    assert lookup.cached("narration", "speech") == (None, None)
    assert await lookup.find("narration", "speech") == found
    assert lookup.cached("narration", "speech") == (None, None)


@pytest.fixture
async def logged(
    client: AsyncTestClient[Litestar], app: Litestar
) -> AsyncIterator[tuple[AsyncTestClient[Litestar], io.StringIO]]:
    await _place(app, "narration", os.urandom(1000))
    stream = io.StringIO()
    configure_logging("info", "auto", stream=stream)  # after the app: Litestar's own config comes first
    try:
        yield client, stream
    finally:
        for handler in list(logging.getLogger().handlers):
            if type(handler).__name__ == "_OursHandler":
                logging.getLogger().removeHandler(handler)


async def test_fast_answers_keep_the_access_log_and_request_id(
    logged: tuple[AsyncTestClient[Litestar], io.StringIO],
) -> None:
    client, json_logs = logged
    response = await client.get(URL, headers={"Range": "bytes=0-99", "X-Request-ID": "range-1"})
    assert response.status_code == 206
    assert response.headers["x-request-id"] == "range-1"
    slow = await client.get(URL, headers={"Range": "bytes=0-99", "Origin": "https://example.org"})
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "odyssee.access"]
    assert [(line["status"], line["bytes"]) for line in access[-2:]] == [(206, 100), (206, 100)]
    assert access[-2]["request_id"] == "range-1"
    assert access[-1]["request_id"] == slow.headers["x-request-id"]
    # The same route template as Litestar's, so metrics and logs group both paths together.
    assert access[-2]["route"] == access[-1]["route"] == "/api/v1/media/{media_id}/{variant}"


async def test_s3_store_has_no_fast_path(app: Litestar, settings: Settings, tmp_path: Path) -> None:
    assert _fast(app).enabled  # the local store
    fake = object.__new__(type("S3Like", (), {}))
    assert not MediaFastPath(None, blobs=fake, lookup=app.state.media_lookup).enabled  # type: ignore[arg-type]


async def test_insert_media_helper_still_fits(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    """The bench places its variant with insert_media/upsert_variant; the fast path serves it."""
    data = os.urandom(70_000)
    blob = await app.state.blobs.put_bytes(data)
    async with app.state.db.write() as conn:
        await insert_media(
            conn,
            MediaRecord(id="b", kind="audio", source_sha256="1" * 64, source_type="audio/wav", source_size=1),
        )
        await upsert_variant(
            conn,
            VariantRecord(
                media_id="b", name="speech", profile="t", sha256=blob.sha256, size=blob.size, type="audio/mp4"
            ),
        )
    inner = Inner(_fast(app))
    response = await client.get("/api/v1/media/b/speech", headers={"Range": "bytes=4096-69631"})
    assert response.content == data[4096:69632]
    assert inner.calls == 0


def _held(path: Path) -> bool:
    """Whether this process has a descriptor open on ``path`` (also after it was deleted)."""
    for link in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):
            if os.readlink(link) in (str(path), f"{path} (deleted)"):
                return True
    return False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc/self/fd")
async def test_a_deleted_blob_is_not_held_open(
    client: AsyncTestClient[Litestar], app: Litestar, speech: bytes
) -> None:
    """The fast path keeps descriptors open between requests; once the database changes, they are closed,
    so a blob deleted from the store (as the sweep does once nothing refers to it) frees its space."""
    other = os.urandom(1000)
    await _place(app, "other", other)
    assert (await client.get(URL, headers={"Range": "bytes=0-99"})).status_code == 206
    etag = (await client.head(URL)).headers["etag"]
    path = app.state.blobs.path_for(etag.strip('"'))
    assert _held(path)
    async with app.state.db.write() as conn:
        await conn.execute("DELETE FROM media WHERE id = 'narration'")
    # The next request, whatever it asks, closes it; the blob can then go for good.
    answer = await client.get("/api/v1/media/other/speech", headers={"Range": "bytes=0-9"})
    assert answer.content == other[:10]
    assert not _held(path)
    path.unlink()
    assert (await client.get(URL, headers={"Range": "bytes=0-99"})).status_code == 404
    assert not _held(path)
    # Deleted after the change was seen, and only 404s asked for since: not held either.
    await _place(app, "third", os.urandom(500))
    third = (await client.get("/api/v1/media/third/speech", headers={"Range": "bytes=0-9"})).headers["etag"]
    third_path = app.state.blobs.path_for(third.strip('"'))
    assert _held(third_path)
    async with app.state.db.write() as conn:
        await conn.execute("DELETE FROM media WHERE id = 'third'")
    assert (await client.get("/api/v1/media/third/speech", headers={"Range": "bytes=0-9"})).status_code == 404
    assert not _held(third_path)
    # Still referenced blobs reopen and are served as before.
    assert (await client.get("/api/v1/media/other/speech", headers={"Range": "bytes=5-9"})).content == other[
        5:10
    ]


async def test_a_descriptor_opened_across_a_change_is_not_kept(app: Litestar, speech: bytes) -> None:
    """A read that was opening its file when every descriptor was closed reads once and keeps nothing."""
    files = _fast(app).files
    assert files is not None
    sha256 = (await app.state.media_lookup.find("narration", "speech")).sha256
    reading = asyncio.ensure_future(files.read(sha256, SIZE, 10, 20))
    await asyncio.sleep(0)  # the read is now opening its file in a worker thread
    files.close()
    assert await reading == speech[10:30]
    assert not _held(app.state.blobs.path_for(sha256))
