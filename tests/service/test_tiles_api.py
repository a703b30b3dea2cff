"""``GET /api/v1/tiles/{z}/{x}/{y}`` and ``GET /api/v1/tiles.json`` over HTTP, against the test basemaps."""

from __future__ import annotations

import gzip
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pmtiles.reader import MemorySource, Reader, all_tiles

from content.core.settings import Settings
from service.app import create_app
from tests.basemaps import raster_basemap, vector_basemap
from tests.service.packs_fixtures import ROUTE_PACK, prepare_packs
from tools.commands.basemap import set_basemap

TILES = "/api/v1/tiles"


@pytest.fixture
async def raster_client(settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    app = create_app(msgspec.structs.replace(settings, basemap=str(raster_basemap())))
    async with AsyncTestClient(app=app) as client:
        yield client


async def test_tiles_are_served_with_type_etag_and_caching(raster_client: AsyncTestClient[Litestar]) -> None:
    data = raster_basemap().read_bytes()
    reader = Reader(MemorySource(data))
    (z, x, y), expected = next((zxy, tile) for zxy, tile in all_tiles(MemorySource(data)) if zxy[0] == 15)
    response = await raster_client.get(f"{TILES}/{z}/{x}/{y}")
    assert response.status_code == 200
    assert response.content == expected == reader.get(z, x, y)
    assert response.headers["content-type"] == "image/png"
    assert "content-encoding" not in response.headers
    assert response.headers["cache-control"] == "public, max-age=86400"
    etag = response.headers["etag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    again = await raster_client.get(f"{TILES}/{z}/{x}/{y}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    head = await raster_client.head(f"{TILES}/{z}/{x}/{y}")
    assert head.status_code == 200


async def test_tilejson_describes_the_basemap(raster_client: AsyncTestClient[Litestar]) -> None:
    response = await raster_client.get(f"{TILES}.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["tilejson"] == "3.0.0"
    assert (doc["minzoom"], doc["maxzoom"], doc["scheme"]) == (0, 16, "xyz")
    assert doc["bounds"] == [0.45, 48.3, 0.65, 48.58]
    assert doc["attribution"].startswith("Synthetic Perche basemap")
    assert "vector_layers" not in doc
    (template,) = doc["tiles"]
    assert template.startswith("http://testserver.local/api/v1/tiles/{z}/{x}/{y}?v=")
    # the versioned URL the TileJSON gives is cached for a year
    z, x, y = next(zxy for zxy, _ in all_tiles(MemorySource(raster_basemap().read_bytes())) if zxy[0] == 10)
    url = template.replace("http://testserver.local", "").format(z=z, x=x, y=y)
    tile = await raster_client.get(url)
    assert tile.status_code == 200
    assert tile.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_outside_coverage_is_204_and_outside_the_grid_is_400(
    raster_client: AsyncTestClient[Litestar],
) -> None:
    empty = await raster_client.get(f"{TILES}/16/0/0")
    assert empty.status_code == 204
    assert empty.content == b""
    for path, field in (("32/0/0", "z"), ("3/8/0", "x"), ("3/0/8", "y"), ("0/0/-1", "y")):
        bad = await raster_client.get(f"{TILES}/{path}")
        assert bad.status_code == 400, path
        assert bad.headers["content-type"] == "application/problem+json"
        assert field in bad.text, path


async def test_vector_tiles_are_gzip_encoded_and_list_their_layers(settings: Settings) -> None:
    app = create_app(msgspec.structs.replace(settings, basemap=str(vector_basemap())))
    async with AsyncTestClient(app=app) as client:
        doc = (await client.get(f"{TILES}.json")).json()
        assert [layer["id"] for layer in doc["vector_layers"]] == [
            "earth",
            "landcover",
            "water",
            "roads",
            "places",
        ]
        data = vector_basemap().read_bytes()
        z, x, y = next(zxy for zxy, _ in all_tiles(MemorySource(data)) if zxy[0] == 14)
        response = await client.get(f"{TILES}/{z}/{x}/{y}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert response.headers["content-encoding"] == "gzip"
    # the client undoes the transfer encoding: these are the MVT bytes
    assert response.content[:2] != b"\x1f\x8b"
    expected = Reader(MemorySource(data)).get(z, x, y)
    assert expected is not None
    assert gzip.decompress(expected) == response.content


async def test_without_a_basemap_both_answer_404(client: AsyncTestClient[Litestar]) -> None:
    for path in (f"{TILES}.json", f"{TILES}/0/0/0"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


async def test_a_basemap_that_cannot_be_read_is_a_503_naming_it_until_it_comes_back(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("service.tiles._RECHECK_S", 0.0)  # re-resolve the basemap at every request
    basemap = tmp_path / "basemap.pmtiles"
    basemap.write_bytes(raster_basemap().read_bytes())
    (z, x, y), _ = next(
        (zxy, tile) for zxy, tile in all_tiles(MemorySource(basemap.read_bytes())) if zxy[0] == 15
    )
    app = create_app(msgspec.structs.replace(settings, basemap=str(basemap)))

    async def statuses() -> list[int]:
        answers = [await client.get(f"{TILES}.json"), await client.get(f"{TILES}/{z}/{x}/{y}")]
        for answer in answers:
            if answer.status_code == 503:
                assert answer.headers["content-type"] == "application/problem+json"
                assert [e["field"] for e in answer.json()["errors"]] == ["basemap"]
                assert str(tmp_path) not in answer.text  # the path is for the operator's log only
        return [answer.status_code for answer in answers]

    async with AsyncTestClient(app=app) as client:
        assert await statuses() == [200, 200]
        saved = basemap.read_bytes()
        basemap.unlink()
        with caplog.at_level(logging.ERROR, logger="odyssee.tiles"):
            assert await statuses() == [503, 503]
        assert "FileNotFoundError" in caplog.text
        basemap.write_bytes(b"not a PMTiles archive at all")
        assert await statuses() == [503, 503]
        basemap.write_bytes(saved)
        assert await statuses() == [200, 200]


async def test_a_basemap_stored_in_s3_is_served_and_cut_by_range(
    s3_settings: Settings, fixtures_dir: Path
) -> None:
    """``odyssee basemap set`` into the object store: the tiles come by ranged GETs, and the pack's extract
    (read through the store's reader) equals the one cut from the file."""
    await set_basemap(s3_settings, raster_basemap(), None)
    app = create_app(msgspec.structs.replace(s3_settings, pack_rebuild_delay_s=0.05))
    data = raster_basemap().read_bytes()
    (z, x, y), expected = next((zxy, tile) for zxy, tile in all_tiles(MemorySource(data)) if zxy[0] == 16)
    async with AsyncTestClient(app=app) as client:
        response = await client.get(f"{TILES}/{z}/{x}/{y}")
        assert response.status_code == 200
        assert response.content == expected
        assert (await client.get(f"{TILES}/16/0/0")).status_code == 204
        await prepare_packs(app, fixtures_dir)
        manifest = (await client.get(f"/api/v1/packs/{ROUTE_PACK}/manifest")).json()
    (tiles,) = [entry for entry in manifest["entries"] if entry["path"].startswith("tiles/")]
    local = msgspec.structs.replace(s3_settings, storage="local", basemap=str(raster_basemap()))
    from content.blobs import LocalBlobStore
    from packs.tiles.packing import TileCutter
    from tests.basemaps import ROUTE_LINES

    line = ROUTE_LINES["legendes-foret-de-belleme"]
    cut = await TileCutter(local, LocalBlobStore(local.blob_dir)).for_pack("route", (0, 0, 0, 0), line)
    assert cut.sources[0].sha256 == tiles["sha256"]
