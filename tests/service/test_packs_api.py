"""The offline packs API as a phone uses it: catalogue, keys, a resumed download, verify, update by delta.

Run against the local blob store and against S3 (a real moto server).
"""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.settings import Settings
from packs.install import apply_delta, install_pack
from packs.signing import PackKeys, verification_keys_from
from packs.verify import verify_pack
from service.app import create_app
from tests.service.packs_fixtures import ROUTE_PACK, edit_story, parts, prepare_packs

PACKS = "/api/v1/packs"


@pytest.fixture(params=["local", "s3"])
def backend_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    chosen: Settings = settings if request.param == "local" else request.getfixturevalue("s3_settings")
    return msgspec.structs.replace(chosen, pack_rebuild_delay_s=0.05)


@pytest.fixture
async def phone_app(
    backend_settings: Settings, fixtures_dir: Path
) -> AsyncIterator[tuple[Litestar, AsyncTestClient[Litestar]]]:
    app = create_app(backend_settings)
    async with AsyncTestClient(app=app) as client:
        await prepare_packs(app, fixtures_dir)
        yield app, client


async def _download(client: AsyncTestClient[Litestar], url: str, target: Path) -> str:
    """Fetch ``url`` in two halves, the second resumed with Range + If-Range; returns the ETag."""
    head = await client.head(url)
    assert head.status_code == 200, head.text
    size, etag = int(head.headers["content-length"]), head.headers["etag"]
    half = size // 2
    first = await client.get(url, headers={"Range": f"bytes=0-{half - 1}"})
    assert first.status_code == 206
    assert first.headers["content-range"] == f"bytes 0-{half - 1}/{size}"
    rest = await client.get(url, headers={"Range": f"bytes={half}-", "If-Range": etag})
    assert rest.status_code == 206
    assert "content-encoding" not in rest.headers
    await asyncio.to_thread(target.write_bytes, first.content + rest.content)
    return etag


async def test_phone_downloads_verifies_and_updates_by_delta(
    phone_app: tuple[Litestar, AsyncTestClient[Litestar]], tmp_path: Path
) -> None:
    app, client = phone_app
    catalogue = (await client.get(PACKS, params={"lang": "*"})).json()["items"]
    entry = next(item for item in catalogue if item["id"] == ROUTE_PACK)
    assert entry["kind"] == "route"
    assert entry["version"] == 1
    assert set(entry["languages"]) == {"en", "fr"}
    assert entry["download_url"] == f"{PACKS}/{ROUTE_PACK}/download"
    keys = verification_keys_from(
        msgspec.json.decode((await client.get(f"{PACKS}/keys")).content, type=PackKeys)
    )

    pack_zip = tmp_path / "v1.zip"
    etag = await _download(client, entry["download_url"], pack_zip)
    assert etag == f'"{entry["sha256"]}"'
    assert hashlib.sha256(pack_zip.read_bytes()).hexdigest() == entry["sha256"]
    verified = verify_pack(pack_zip, keys, pack_id=ROUTE_PACK)
    paths = [e.path for e in verified.manifest.entries]
    assert {"content/routes.geojson", "content/pois.geojson", "content/pack.json"} <= set(paths)
    media = [p for p in paths if p.startswith("media/")]
    assert {p.rsplit(".", 1)[1] for p in media} == {"webp", "m4a"}
    with zipfile.ZipFile(pack_zip) as archive:
        assert archive.testzip() is None
        routes = msgspec.json.decode(archive.read("content/routes.geojson"))
    unzip = await asyncio.to_thread(subprocess.run, ["unzip", "-tq", str(pack_zip)], capture_output=True)
    assert unzip.returncode == 0, unzip.stdout
    stop = routes["features"][1]["properties"]
    assert set(stop["title"]) == {"en", "fr"}
    assert stop["images"][0]["variants"]["screen"]["url"] in media
    assert stop["audio"]["en"] == stop["audio"]["fr"]  # the French narration covers English too

    manifest = await client.get(f"{PACKS}/{ROUTE_PACK}/manifest")
    assert manifest.content == verified.signed.manifest_bytes
    assert manifest.headers["x-pack-signature"].encode() == verified.signed.signature

    phone = tmp_path / "phone"
    install_pack(phone, pack_zip, keys)
    await edit_story(app, "La porte Saint-Sauveur veille sur Bellême depuis cinq siècles.")
    await parts(app)[5].wait_idle()
    current = (await client.get(f"{PACKS}/{ROUTE_PACK}")).json()
    assert current["version"] == 2
    assert current["manifest_url"] == f"{PACKS}/{ROUTE_PACK}/manifest"

    delta = await client.get(f"{PACKS}/{ROUTE_PACK}/delta", params={"from": 1})
    assert delta.status_code == 200
    assert delta.headers["content-type"] == "application/zip"
    assert len(delta.content) < current["size"] // 2
    delta_zip = tmp_path / "delta.zip"
    await asyncio.to_thread(delta_zip.write_bytes, delta.content)
    with zipfile.ZipFile(delta_zip) as archive:
        shipped = sorted(archive.namelist())
    # One sentence changed: only the document holding it ships; no media was re-encoded or re-sent.
    assert shipped == ["content/routes.geojson", "delta.json", "manifest.json", "manifest.sig"]
    updated = apply_delta(phone, delta_zip, keys)
    assert updated.manifest.version == 2

    fresh_zip = tmp_path / "v2.zip"
    await _download(client, current["download_url"], fresh_zip)
    fresh = install_pack(tmp_path / "other-phone", fresh_zip, keys)
    assert updated.signed == fresh.signed
    for path, file in fresh.files().items():
        assert updated.file(path).read_bytes() == file.read_bytes(), path

    again = await client.get(f"{PACKS}/{ROUTE_PACK}/delta", params={"from": 1})
    assert again.content == delta.content  # built once, then served from the cache
    assert (await client.get(f"{PACKS}/{ROUTE_PACK}/delta", params={"from": 2})).status_code == 304
    for unknown in (0, 3, 99):
        gone = await client.get(f"{PACKS}/{ROUTE_PACK}/delta", params={"from": unknown})
        assert gone.status_code == 410, unknown
        assert gone.headers["content-type"] == "application/problem+json"


async def test_download_redirects_to_the_object_store_when_asked(
    s3_settings: Settings, fixtures_dir: Path
) -> None:
    settings = msgspec.structs.replace(s3_settings, s3_redirect=True)
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        await prepare_packs(app, fixtures_dir)
        entry = (await client.get(f"{PACKS}/{ROUTE_PACK}")).json()
        answer = await client.get(entry["download_url"], follow_redirects=False)
        assert answer.status_code == 307
        assert answer.headers["location"] == parts(app)[1].public_url(entry["sha256"])
        assert answer.headers["location"].endswith(entry["sha256"])
