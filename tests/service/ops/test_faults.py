"""Faults: the S3 store stopping mid-way (503 naming it, nothing half-written, recovery when it comes
back) and a full disk (injected ENOSPC; 507, nothing already stored damaged)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.blobs import LocalBlobStore, S3BlobStore
from content.core.settings import Settings
from service.app import create_app
from tests.s3_server import DUMMY_CREDENTIALS
from tests.service.accounts_fixtures import Accounts, ManualClock
from tests.service.editor.content_helpers import table_state, upload

Auth = dict[str, dict[str, str]]


@contextmanager
def _moto(port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, **DUMMY_CREDENTIALS, "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/data.json", timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "moto did not start"
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.timeout(300)
async def test_the_s3_store_stopping_mid_way(
    settings: Settings, accounts: Accounts, clock: ManualClock, fixtures_dir: Path, s3_credentials: None
) -> None:
    port = _free_port()
    s3 = msgspec.structs.replace(
        settings,
        storage="s3",
        s3_endpoint_url=f"http://127.0.0.1:{port}",
        s3_bucket=f"faults-{uuid.uuid4().hex[:12]}",
        metrics_token="t",
    )
    app = create_app(s3, clock=clock)
    photo = fixtures_dir / "images" / "phone-photo.jpg"
    async with AsyncTestClient(app=app) as client:
        from content.accounts.tokens import issue_token

        async with app.state.db.write() as conn:
            token = (await issue_token(conn, accounts.staff.id, now=clock(), ttl_s=3600)).token
        staff = {"Authorization": f"Bearer {token}"}
        with _moto(port):
            store = S3BlobStore(s3)
            await store.ensure_bucket()
            await store.close()
            first = await upload(client, staff, photo, credit="x")
            assert first.status_code == 201, first.text
            thumb = f"/api/v1/media/{first.json()['id']}/thumb"
            assert (await client.get(thumb)).status_code == 200
        # The store is gone: clear 503s naming it, and nothing recorded.
        before = [await table_state(app.state.db, t) for t in ("media", "media_variants", "history")]
        down = await upload(client, staff, fixtures_dir / "images" / "chelsea.png", credit="x")
        assert down.status_code == 503, down.text
        assert down.headers["content-type"].startswith("application/problem+json")
        assert down.headers["retry-after"]
        assert [e["field"] for e in down.json()["errors"]] == ["blob_store"]
        assert [await table_state(app.state.db, t) for t in ("media", "media_variants", "history")] == before
        assert (await client.get(thumb)).status_code == 503
        deep = await client.get("/api/v1/health?deep=true")
        assert deep.status_code == 503
        assert [e["field"] for e in deep.json()["errors"]] == ["blob_store"]
        metrics = await client.get("/metrics", headers={"Authorization": "Bearer t"})
        assert 'odyssee_blob_store_errors_total{kind="unreachable"}' in metrics.text
        # It comes back (an empty moto: its data lived in memory): uploads work again.
        with _moto(port):
            store = S3BlobStore(s3)
            await store.ensure_bucket()
            await store.close()
            again = await upload(client, staff, fixtures_dir / "images" / "chelsea.png", credit="x")
            assert again.status_code == 201, again.text
            assert (await client.get("/api/v1/health?deep=true")).status_code == 200


async def test_a_full_disk_fails_the_upload_cleanly(
    client: AsyncTestClient[Litestar],
    auth: Auth,
    settings: Settings,
    fixtures_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    photo = fixtures_dir / "images" / "phone-photo.jpg"
    first = await upload(client, auth["staff"], photo, credit="x")
    assert first.status_code == 201
    stored = {p: p.read_bytes() for p in settings.blob_dir.rglob("*") if p.is_file()}
    before = [await table_state(client.app.state.db, t) for t in ("media", "media_variants", "history")]  # type: ignore[attr-defined]
    real = LocalBlobStore._commit

    def full(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(LocalBlobStore, "_commit", full)
    answer = await upload(client, auth["staff"], fixtures_dir / "images" / "chelsea.png", credit="x")
    assert answer.status_code == 507, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    after = [await table_state(client.app.state.db, t) for t in ("media", "media_variants", "history")]  # type: ignore[attr-defined]
    assert after == before
    # Nothing already stored was touched, and nothing half-written remains.
    assert {p: p.read_bytes() for p in settings.blob_dir.rglob("*") if p.is_file()} == stored
    assert list((settings.data_dir / "uploads").glob("upload-*")) == []
    monkeypatch.setattr(LocalBlobStore, "_commit", real)
    assert (await client.get(f"/api/v1/media/{first.json()['id']}/thumb")).status_code == 200
    assert (await upload(client, auth["staff"], fixtures_dir / "images" / "chelsea.png")).status_code == 201
