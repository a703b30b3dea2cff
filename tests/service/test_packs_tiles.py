"""Packs with a basemap, as a phone sees them: the extract in the pack verifies and reads with the
``pmtiles`` reader; a story edit's delta carries no tile file; moving the route's line does."""

from __future__ import annotations

import asyncio
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pmtiles.reader import MemorySource, Reader, all_tiles

from content.core.settings import Settings
from content.places.geojson import LineString
from content.routes.model import RoutePatch
from content.routes.store import update_route
from packs.install import apply_delta, install_pack
from packs.signing import PackKeys, verification_keys_from
from packs.verify import verify_pack
from service.app import create_app
from tests.basemaps import raster_basemap, vector_basemap, vector_style
from tests.service.packs_fixtures import ROUTE, ROUTE_PACK, edit_story, parts, prepare_packs

PACKS = "/api/v1/packs"


@pytest.fixture(params=["local", "s3"])
def backend_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    chosen: Settings = settings if request.param == "local" else request.getfixturevalue("s3_settings")
    return msgspec.structs.replace(chosen, pack_rebuild_delay_s=0.05, basemap=str(raster_basemap()))


@pytest.fixture
async def phone_app(
    backend_settings: Settings, fixtures_dir: Path
) -> AsyncIterator[tuple[Litestar, AsyncTestClient[Litestar]]]:
    app = create_app(backend_settings)
    async with AsyncTestClient(app=app) as client:
        await prepare_packs(app, fixtures_dir)
        yield app, client


async def _fetch(client: AsyncTestClient[Litestar], url: str, target: Path) -> Path:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    await asyncio.to_thread(target.write_bytes, response.content)
    return target


async def _delta(client: AsyncTestClient[Litestar], since: int, target: Path) -> tuple[Path, list[str]]:
    response = await client.get(f"{PACKS}/{ROUTE_PACK}/delta", params={"from": since})
    assert response.status_code == 200, response.text
    await asyncio.to_thread(target.write_bytes, response.content)
    with zipfile.ZipFile(target) as archive:
        return target, sorted(archive.namelist())


async def _move_line(app: Litestar) -> None:
    db, _, _, events, _, _ = parts(app)
    async with db.read() as conn:
        from content.routes.queries import get_route

        route = await get_route(conn, ROUTE)
    assert route is not None
    moved = [[lon + 0.01, lat] for lon, lat, *_ in route.geometry.coordinates]
    async with events.write(db) as change:
        patch = RoutePatch(geometry=LineString(coordinates=moved))
        await update_route(change.conn, ROUTE, patch, user_id=None, updated_at="2025-06-03T08:00:00Z")
        change.touch(routes={ROUTE})


async def test_phone_verifies_a_pack_with_its_map_and_updates_it_by_delta(
    phone_app: tuple[Litestar, AsyncTestClient[Litestar]], tmp_path: Path
) -> None:
    app, client = phone_app
    keys = verification_keys_from(
        msgspec.json.decode((await client.get(f"{PACKS}/keys")).content, type=PackKeys)
    )
    pack_zip = await _fetch(client, f"{PACKS}/{ROUTE_PACK}/download", tmp_path / "v1.zip")
    verified = verify_pack(pack_zip, keys, pack_id=ROUTE_PACK)
    manifest = verified.manifest
    assert manifest.basemap is None
    (tiles,) = [entry for entry in manifest.entries if entry.path.startswith("tiles/")]
    assert tiles.path == f"tiles/{tiles.sha256}.pmtiles"
    assert tiles.type == "application/vnd.pmtiles"
    assert (tiles.minzoom, tiles.maxzoom, tiles.tile_type) == (0, 16, "png")
    assert tiles.bounds is not None
    assert tiles.bounds[0] < manifest.bbox[0] or tiles.bounds[1] < manifest.bbox[1]
    with zipfile.ZipFile(pack_zip) as archive:
        info = archive.getinfo(tiles.path)
        assert info.compress_type == zipfile.ZIP_STORED  # read by range in place on the phone
        extract = archive.read(tiles.path)
    basemap = Reader(MemorySource(raster_basemap().read_bytes()))
    copied = dict(all_tiles(MemorySource(extract)))
    assert len(copied) > 100
    for (z, x, y), data in copied.items():
        assert basemap.get(z, x, y) == data
    assert Reader(MemorySource(extract)).metadata() == basemap.metadata()

    phone = tmp_path / "phone"
    install_pack(phone, pack_zip, keys)
    await edit_story(app, "La porte Saint-Sauveur veille sur Bellême depuis cinq siècles.")
    await parts(app)[5].wait_idle()
    delta_zip, shipped = await _delta(client, 1, tmp_path / "delta-2.zip")
    # a story edit: the same extract, so the delta carries no tile file
    assert shipped == ["content/routes.geojson", "delta.json", "manifest.json", "manifest.sig"]
    assert apply_delta(phone, delta_zip, keys).manifest.version == 2

    await _move_line(app)
    await parts(app)[5].wait_idle()
    delta_zip, shipped = await _delta(client, 2, tmp_path / "delta-3.zip")
    moved = [path for path in shipped if path.startswith("tiles/")]
    assert len(moved) == 1
    assert moved[0] != tiles.path
    with zipfile.ZipFile(delta_zip) as archive:
        removed = msgspec.json.decode(archive.read("delta.json"))["removed"]
    assert tiles.path in removed
    updated = apply_delta(phone, delta_zip, keys)
    assert updated.manifest.version == 3
    fresh_zip = await _fetch(client, f"{PACKS}/{ROUTE_PACK}/download", tmp_path / "v3.zip")
    fresh = install_pack(tmp_path / "other-phone", fresh_zip, keys)
    assert updated.signed == fresh.signed
    for path, file in fresh.files().items():
        assert updated.file(path).read_bytes() == file.read_bytes(), path


async def test_without_a_basemap_the_manifest_says_so(
    settings: Settings, fixtures_dir: Path, tmp_path: Path
) -> None:
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        await prepare_packs(app, fixtures_dir)
        keys = verification_keys_from(
            msgspec.json.decode((await client.get(f"{PACKS}/keys")).content, type=PackKeys)
        )
        pack_zip = await _fetch(client, f"{PACKS}/{ROUTE_PACK}/download", tmp_path / "v1.zip")
    manifest = verify_pack(pack_zip, keys, pack_id=ROUTE_PACK).manifest
    assert manifest.basemap == "none"
    assert not [entry for entry in manifest.entries if entry.path.startswith("tiles/")]


async def test_a_vector_pack_carries_its_style_pointing_at_the_extract(
    settings: Settings, fixtures_dir: Path, tmp_path: Path
) -> None:
    settings = msgspec.structs.replace(settings, basemap=str(vector_basemap()), basemap_style=vector_style())
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        await prepare_packs(app, fixtures_dir)
        keys = verification_keys_from(
            msgspec.json.decode((await client.get(f"{PACKS}/keys")).content, type=PackKeys)
        )
        pack_zip = await _fetch(client, f"{PACKS}/{ROUTE_PACK}/download", tmp_path / "route.zip")
    manifest = verify_pack(pack_zip, keys, pack_id=ROUTE_PACK).manifest
    paths = [entry.path for entry in manifest.entries]
    (extract,) = [entry for entry in manifest.entries if entry.path.endswith(".pmtiles")]
    assert (extract.tile_type, extract.minzoom, extract.maxzoom) == ("mvt", 0, 16)
    style_paths = [path for path in paths if path.startswith("tiles/style/")]
    glyphs = [path for path in style_paths if path.startswith("tiles/style/fonts/")]
    # Only the font the style's symbol layer uses, only the ranges its labels need: Latin (the place names
    # "Bellême", "Rémalard-en-Perche"… are all within 0-255) — not the 256 ranges of two fonts on disk.
    assert glyphs == ["tiles/style/fonts/noto-sans-regular/0-255.pbf"]
    assert {"tiles/style/style.json", "tiles/style/sprite.json", "tiles/style/sprite-2x.png"} <= set(
        style_paths
    )
    with zipfile.ZipFile(pack_zip) as archive:
        style = msgspec.json.decode(archive.read("tiles/style/style.json"))
        tile_zxy = next(iter(dict(all_tiles(MemorySource(archive.read(extract.path))))))
    assert style["sources"]["basemap"]["url"] == f"pmtiles://{extract.path}"
    assert style["sprite"] == "tiles/style/sprite"
    assert style["glyphs"] == "tiles/style/fonts/{fontstack}/{range}.pbf"
    towns = next(layer for layer in style["layers"] if layer["id"] == "towns")
    assert towns["layout"]["text-font"] == ["noto-sans-regular"]
    assert tile_zxy[0] >= 0
