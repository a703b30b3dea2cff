"""Shared fixtures: a real SQLite file in a temporary data directory, the app over HTTP, and a real
S3-compatible server (moto, a separate process on loopback) for the S3 blob backend.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.blobs import S3BlobStore
from content.core.db import Database
from content.core.settings import Settings, load_settings
from service.app import create_app
from tests.s3_server import DUMMY_CREDENTIALS, moto_server

# Random input never decides CI: `make test` runs every property and schema fuzz test derandomized (a fixed
# seed, no example database). `make fuzz` runs the same tests with fresh randomness and many more examples.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("random", derandomize=False, database=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("ODYSSEE_HYPOTHESIS_PROFILE", "ci"))

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


@pytest.fixture
def fixtures_dir() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"shared fixtures not found at {FIXTURES}")
    return FIXTURES


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(env={}, data_dir=tmp_path / "data")


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def db(app: Litestar) -> Database:
    """The app's own store; open while ``client`` is in use."""
    database = app.state.db
    assert isinstance(database, Database)
    return database


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The URL of a moto S3 server started for this test session (``tests/s3_server.py``)."""
    stack = contextlib.ExitStack()
    try:
        endpoint = stack.enter_context(moto_server())
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    with stack:
        yield endpoint


@pytest.fixture
def s3_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials for this test only, and none of the machine's own AWS configuration."""
    for name, value in DUMMY_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
async def s3_settings(tmp_path: Path, s3_endpoint: str, s3_credentials: None) -> Settings:
    """Settings with ``storage="s3"`` on the moto server, in a fresh bucket of this test's own."""
    settings = load_settings(
        env={},
        data_dir=tmp_path / "data",
        storage="s3",
        s3_endpoint_url=s3_endpoint,
        s3_bucket=f"odyssee-test-{uuid.uuid4().hex[:16]}",
        s3_prefix="blobs/",
    )
    store = S3BlobStore(settings)
    try:
        await store.ensure_bucket()
    finally:
        await store.close()
    return settings


@pytest.fixture
async def s3_store(s3_settings: Settings) -> AsyncIterator[S3BlobStore]:
    """An S3 blob store on its own fresh bucket; closed after the test."""
    store = S3BlobStore(s3_settings)
    try:
        yield store
    finally:
        await store.close()
