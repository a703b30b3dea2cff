"""``POST /api/v1/editor/media`` through HTTP: real fixtures in, media refs out, bad files refused."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image

from content.accounts.tokens import issue_token
from content.core.db import Database
from content.core.settings import Settings
from service.app import create_app
from tests.service.accounts_fixtures import Accounts, ManualClock
from tests.service.editor.content_helpers import table_state, upload

Auth = dict[str, dict[str, str]]
MEDIA = "/api/v1/editor/media"


def blob_files(settings: Settings) -> list[Path]:
    return sorted(path for path in settings.blob_dir.rglob("*") if path.is_file())


def upload_leftovers(settings: Settings) -> list[Path]:
    return sorted((settings.data_dir / "uploads").glob("*"))


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("not-an-image.jpg", "unknown format"),
        ("truncated.png", "truncated"),
        ("truncated.mp3", "cut off"),
        ("fake.mp3", "not a readable audio"),
        ("empty.m4a", "empty"),
        ("bomb.png", "pixels"),
    ],
)
async def test_bad_files_are_refused_leaving_nothing(
    client: AsyncTestClient[Litestar],
    auth: Auth,
    db: Database,
    settings: Settings,
    fixtures_dir: Path,
    name: str,
    problem: str,
) -> None:
    response = await upload(client, auth["staff"], fixtures_dir / "bad" / name, credit="x")
    assert response.status_code in (413, 415, 422), response.text
    assert problem in response.json()["detail"].lower()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == ["file"]
    assert await table_state(db, "media") == []
    assert await table_state(db, "media_variants") == []
    assert await asyncio.to_thread(blob_files, settings) == []
    assert await asyncio.to_thread(upload_leftovers, settings) == []


async def test_phone_photo_loses_its_gps(
    client: AsyncTestClient[Litestar], auth: Auth, settings: Settings, fixtures_dir: Path
) -> None:
    response = await upload(
        client,
        auth["producer"],
        fixtures_dir / "images" / "phone-photo.jpg",
        alt="Le verger",
        licence="CC-BY",
    )
    assert response.status_code == 201, response.text
    ref = response.json()
    assert ref["kind"] == "image"
    assert ref["alt"] == "Le verger"
    assert ref["licence"] == "CC-BY"
    assert ref["width"] < ref["height"]  # EXIF orientation 6 applied
    assert set(ref["variants"]) == {"thumb", "screen"}
    for variant in ref["variants"]:
        served = await client.get(f"/api/v1/media/{ref['id']}/{variant}")
        assert served.status_code == 200
        data = served.content
        assert b"GPS" not in data
        assert b"Exif" not in data
        image = Image.open(io.BytesIO(data))
        assert 0x8825 not in image.getexif()
        assert not image.getexif()
    assert await asyncio.to_thread(upload_leftovers, settings) == []


async def test_upload_form_mistakes_name_the_part(
    client: AsyncTestClient[Litestar], auth: Auth, db: Database, fixtures_dir: Path
) -> None:
    no_file = await client.post(
        MEDIA, data={"credit": "x"}, files={"other": ("a", b"x")}, headers=auth["staff"]
    )
    assert no_file.status_code == 422
    assert no_file.json()["errors"][0]["field"] == "other"
    only_text = await client.post(MEDIA, files={"credit": (None, b"x")}, headers=auth["staff"])
    assert only_text.status_code == 422
    assert only_text.json()["errors"][0]["field"] == "file"
    json_body = await client.post(MEDIA, json={"file": "x"}, headers=auth["staff"])
    assert json_body.status_code == 415
    too_long = await upload(client, auth["staff"], fixtures_dir / "audio" / "short-fr.wav", credit="c" * 301)
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "credit"
    broken = await client.post(
        MEDIA,
        content=b'--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc',
        headers={**auth["staff"], "Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["field"] == "body"
    assert await table_state(db, "media") == []


async def test_anonymous_cannot_upload(client: AsyncTestClient[Litestar], fixtures_dir: Path) -> None:
    response = await upload(client, {}, fixtures_dir / "audio" / "short-fr.wav")
    assert response.status_code == 401


async def test_files_over_the_limit_get_413(
    settings: Settings, accounts: Accounts, clock: ManualClock, fixtures_dir: Path
) -> None:
    small = msgspec.structs.replace(settings, max_upload_bytes=200_000)
    app = create_app(small, clock=clock)
    async with AsyncTestClient(app=app) as client:
        db = app.state.db
        assert isinstance(db, Database)
        async with db.write() as conn:
            issued = await issue_token(conn, accounts.staff.id, now=clock(), ttl_s=600)
        headers = {"Authorization": f"Bearer {issued.token}"}
        # Over the file limit but within the body limit: refused while streaming, naming the file.
        response = await upload(client, headers, fixtures_dir / "audio" / "short-fr.wav")
        assert response.status_code == 413, response.text
        assert response.json()["errors"][0]["field"] == "file"
        # Over the whole body limit: refused by the framework's own cap.
        response = await upload(client, headers, fixtures_dir / "images" / "phone-photo.jpg")
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("application/problem+json")
        assert await table_state(db, "media") == []
    assert await asyncio.to_thread(blob_files, small) == []
    assert await asyncio.to_thread(upload_leftovers, small) == []
