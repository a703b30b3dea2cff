"""Issue 14 bugs 7 (private files) and 8 (crash leftovers swept at startup and by ``packs prune``)."""

from __future__ import annotations

import os
import stat
import tempfile
import time
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.settings import Settings, load_settings
from content.media import ingest
from content.operations.sweep import sweep_leftovers
from service.app import create_app
from tools.cli import main as cli_main


@pytest.fixture(autouse=True)
def _private_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sweep also clears ``odyssee-media-*`` in the system temp dir: give each test its own, so that
    another program's stale leftovers there never decide what these tests see."""
    private = tmp_path / "system-tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_database_wal_blobs_and_uploads_are_private(tmp_path: Path, fixtures_dir: Path) -> None:
    settings = load_settings(env={}, data_dir=tmp_path / "fresh" / "data")
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        await ingest(app.state.db, app.state.blobs, settings, fixtures_dir / "images" / "phone-photo.jpg")
        assert (await client.get("/api/v1/health")).status_code == 200
        data = settings.data_dir
        assert _mode(data) == 0o700
        for name in ("odyssee.sqlite3", "odyssee.sqlite3-wal", "odyssee.sqlite3-shm"):
            assert _mode(data / name) == 0o600, name
        blobs = list(settings.blob_dir.rglob("*"))
        assert any(p.is_file() for p in blobs)
        for path in [settings.blob_dir, *blobs]:
            assert _mode(path) == (0o700 if path.is_dir() else 0o600), path


async def test_an_existing_world_readable_database_is_tightened(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.data_dir.chmod(0o755)
    async with AsyncTestClient(app=create_app(settings)):
        pass
    settings.db_path.chmod(0o644)
    async with AsyncTestClient(app=create_app(settings)):
        assert _mode(settings.db_path) == 0o600
        assert _mode(settings.data_dir) == 0o700


def _leftovers(settings: Settings, age_s: float) -> list[Path]:
    paths = [
        settings.data_dir / "uploads" / f"upload-{age_s:.0f}",
        settings.blob_dir / ".incoming" / f"blob-{age_s:.0f}",
        settings.data_dir / "packs" / f".route-x.zip.{age_s:.0f}.part",
    ]
    stamp = time.time() - age_s
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
        os.utime(path, (stamp, stamp))
    return paths


async def test_old_leftovers_are_swept_at_startup_and_recent_ones_kept(settings: Settings) -> None:
    old = _leftovers(settings, 7 * 3600)
    recent = _leftovers(settings, 60)
    keep = settings.data_dir / "packs" / "route-x.zip"
    keep.write_bytes(b"a real pack")
    os.utime(keep, (0, 0))
    async with AsyncTestClient(app=create_app(settings)) as client:
        assert (await client.get("/api/v1/health")).status_code == 200
    assert not any(path.exists() for path in old)
    assert all(path.exists() for path in recent)
    assert keep.exists()


def test_packs_prune_sweeps_too(settings: Settings) -> None:
    old = _leftovers(settings, 7 * 3600)
    args = ["packs", "prune", "--data-dir", str(settings.data_dir)]
    assert cli_main(args) == 0
    assert not any(path.exists() for path in old)
    assert sweep_leftovers(settings) == []


async def test_an_upload_in_progress_is_not_swept(
    client: AsyncTestClient[Litestar], settings: Settings
) -> None:
    recent = _leftovers(settings, 1)
    assert sweep_leftovers(settings, grace_s=3600) == []
    assert all(path.exists() for path in recent)
