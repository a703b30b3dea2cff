from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tools.cli import main


@pytest.fixture
def s3_env(monkeypatch: pytest.MonkeyPatch, s3_endpoint: str, s3_credentials: None, tmp_path: Path) -> str:
    """Point the CLI at a fresh bucket name on the moto server, through ODYSSEE_* variables."""
    bucket = f"odyssee-cli-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("ODYSSEE_STORAGE", "s3")
    monkeypatch.setenv("ODYSSEE_S3_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("ODYSSEE_S3_BUCKET", bucket)
    monkeypatch.setenv("ODYSSEE_S3_PREFIX", "media/")
    monkeypatch.setenv("ODYSSEE_DATA_DIR", str(tmp_path / "data"))
    return bucket


def test_init_creates_the_bucket_once_and_check_round_trips(
    s3_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["storage", "init", "--public-read"]) == 0
    out = capsys.readouterr().out
    assert f"bucket {s3_env} created" in out
    assert f"anyone may now GET objects under s3://{s3_env}/media/" in out
    assert main(["storage", "init"]) == 0
    assert f"bucket {s3_env} already exists" in capsys.readouterr().out

    assert main(["storage", "check"]) == 0
    out = capsys.readouterr().out
    assert "S3BlobStore: write, ranged read and delete OK; public URLs like http://127.0.0.1:" in out
    url = out.rsplit(" ", 1)[1].strip()
    assert f"/{s3_env}/media/" in url
    # The probe was removed again: its public URL answers 404.
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url, timeout=5)
    caught.value.close()
    assert caught.value.code == 404


def test_check_without_bucket_says_to_run_init(s3_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["storage", "check"]) == 1
    err = capsys.readouterr().err
    assert f"S3 bucket '{s3_env}' does not exist" in err
    assert "odyssee storage init" in err


def test_local_storage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    assert main(["storage", "init", "--data-dir", str(data_dir)]) == 0
    assert (data_dir / "blobs").is_dir()
    assert main(["storage", "check", "--data-dir", str(data_dir)]) == 0
    assert "LocalBlobStore: write, ranged read and delete OK" in capsys.readouterr().out
    assert [p for p in (data_dir / "blobs").rglob("*") if p.is_file()] == []


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["storage", "init", "--help"])
    assert caught.value.code == 0
    assert "--public-read" in capsys.readouterr().out
