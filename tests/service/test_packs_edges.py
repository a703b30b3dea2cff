"""Packs: ids in paths, tampering, a crashed build, determinism, debounced rebuilds, areas, filters."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.blobs import BlobNotFound, LocalBlobStore
from content.core.events import ContentChanged
from content.core.model import Status
from content.core.settings import Settings
from content.routes.store import set_route_status
from packs.errors import EntryCorrupt, SignatureInvalid
from packs.manifest import SignedManifest
from packs.pack_id import PackId
from packs.rebuild import affected_packs
from packs.signing import PackKeys, verification_keys_from
from packs.store import Area, add_area
from packs.verify import verify_manifest, verify_pack
from service.app import create_app
from tests.service.packs_fixtures import ROUTE, ROUTE_PACK, edit_story, parts, prepare_packs

PACKS = "/api/v1/packs"


@pytest.fixture
async def packed(
    settings: Settings, fixtures_dir: Path
) -> AsyncIterator[tuple[Litestar, AsyncTestClient[Litestar]]]:
    app = create_app(msgspec.structs.replace(settings, pack_rebuild_delay_s=0.2))
    async with AsyncTestClient(app=app) as client:
        await prepare_packs(app, fixtures_dir)
        yield app, client


async def _keys(client: AsyncTestClient[Litestar]) -> dict[str, object]:
    listing = msgspec.json.decode((await client.get(f"{PACKS}/keys")).content, type=PackKeys)
    return dict(verification_keys_from(listing))


async def test_pack_ids_route_raw_and_encoded(packed: tuple[Litestar, AsyncTestClient[Litestar]]) -> None:
    _, client = packed
    raw = await client.get(f"{PACKS}/{ROUTE_PACK}")
    encoded = await client.get(f"{PACKS}/route%3A{ROUTE}")
    assert raw.status_code == encoded.status_code == 200
    assert raw.json() == encoded.json()
    assert (await client.get(f"{PACKS}/route%3A{ROUTE}/manifest")).status_code == 200
    summaries = (await client.get("/api/v1/routes")).json()["items"]
    summary = next(item for item in summaries if item["id"] == ROUTE)
    entry = raw.json()
    assert summary["pack"] == {k: entry[k] for k in ("id", "version", "size", "sha256")}
    detail = (await client.get(f"/api/v1/routes/{ROUTE}")).json()
    assert detail["features"][0]["properties"]["pack"] == summary["pack"]
    missing = await client.get(f"{PACKS}/route:nowhere")
    assert missing.status_code == 404
    malformed = await client.get(f"{PACKS}/nowhere/download")
    assert malformed.status_code == 400
    assert malformed.json()["errors"][0]["field"] == "pack_id"


async def test_tampered_media_and_manifest_are_detected(
    packed: tuple[Litestar, AsyncTestClient[Litestar]], tmp_path: Path
) -> None:
    _, client = packed
    keys = await _keys(client)
    body = (await client.get(f"{PACKS}/{ROUTE_PACK}/download")).content
    good = tmp_path / "good.zip"
    await asyncio.to_thread(good.write_bytes, body)
    manifest = verify_pack(good, keys, pack_id=ROUTE_PACK).manifest  # type: ignore[arg-type]
    image = next(entry for entry in manifest.entries if entry.path.endswith(".webp"))
    # The stored image's bytes appear verbatim in the ZIP: flip one in the middle of them.
    start = body.index(image.path.encode()) + len(image.path) + 2000
    flipped = bytearray(body)
    flipped[start] ^= 0x01
    bad = tmp_path / "bad.zip"
    await asyncio.to_thread(bad.write_bytes, bytes(flipped))
    with pytest.raises(EntryCorrupt):
        verify_pack(bad, keys)  # type: ignore[arg-type]

    answer = await client.get(f"{PACKS}/{ROUTE_PACK}/manifest")
    forged = answer.content.replace(b'"version":1', b'"version":9')
    assert forged != answer.content
    signature = answer.headers["x-pack-signature"].encode()
    with pytest.raises(SignatureInvalid):
        verify_manifest(SignedManifest(forged, signature), keys)  # type: ignore[arg-type]


async def test_crashed_build_keeps_the_previous_version(
    packed: tuple[Litestar, AsyncTestClient[Litestar]],
) -> None:
    app, client = packed
    _, blobs, settings, _, builder, rebuilder = parts(app)
    before = (await client.get(f"{PACKS}/{ROUTE_PACK}")).json()
    assert isinstance(blobs, LocalBlobStore)
    manifest = (await client.get(f"{PACKS}/{ROUTE_PACK}/manifest")).json()
    photo = next(entry for entry in manifest["entries"] if entry["path"].endswith(".webp"))
    # A variant missing from the store makes the writer fail halfway through the ZIP.
    await asyncio.to_thread(blobs.path_for(photo["sha256"]).unlink)
    await edit_story(app, "Une phrase nouvelle.")
    await rebuilder.wait_idle()
    with pytest.raises(BlobNotFound):
        await builder.build(PackId.parse(ROUTE_PACK))
    after = (await client.get(f"{PACKS}/{ROUTE_PACK}")).json()
    assert after == before
    download = await client.get(f"{PACKS}/{ROUTE_PACK}/download")
    assert download.status_code == 200
    assert download.headers["etag"] == f'"{before["sha256"]}"'
    leftovers = list((settings.data_dir / "packs").iterdir())
    assert leftovers == []


async def test_rebuild_is_deterministic_and_unchanged_content_keeps_the_version(
    packed: tuple[Litestar, AsyncTestClient[Litestar]],
) -> None:
    app, client = packed
    builder = parts(app)[4]
    entry = (await client.get(f"{PACKS}/{ROUTE_PACK}")).json()
    again = await builder.build(PackId.parse(ROUTE_PACK), force=True)
    assert again is not None
    assert (again.version, again.sha256, again.size) == (entry["version"], entry["sha256"], entry["size"])
    unchanged = await builder.build(PackId.parse(ROUTE_PACK))
    assert unchanged is not None
    assert not unchanged.changed
    assert unchanged.sha256 == entry["sha256"]


async def test_a_burst_of_events_makes_one_rebuild(
    packed: tuple[Litestar, AsyncTestClient[Litestar]],
) -> None:
    app, client = packed
    events, rebuilder = parts(app)[3], parts(app)[5]
    await edit_story(app, "Première version.")
    await rebuilder.wait_idle()
    rounds = rebuilder.rebuilds
    for index in range(20):
        await edit_story(app, f"Version {index}.")
        events.emit(ContentChanged(routes=frozenset({ROUTE})))
        await asyncio.sleep(0.01)
    await rebuilder.wait_idle()
    assert rebuilder.rebuilds == rounds + 1
    entry = (await client.get(f"{PACKS}/{ROUTE_PACK}")).json()
    assert entry["version"] == 3
    assert entry["title"]  # still served, in the default language


async def test_area_pack_and_catalogue_filters(packed: tuple[Litestar, AsyncTestClient[Litestar]]) -> None:
    app, client = packed
    db, _, _, _, builder, _ = parts(app)
    async with db.write() as conn:
        area = Area(id="belleme", title={"fr": "Bellême", "en": "Bellême"}, bbox=(0.5, 48.3, 0.6, 48.45))
        await add_area(conn, area, created_at="2025-06-01T08:00:00Z")
    await builder.build_all()
    listing = (await client.get(PACKS)).json()["items"]
    ids = {item["id"] for item in listing}
    assert {"area:belleme", ROUTE_PACK} <= ids
    area_entry = next(item for item in listing if item["id"] == "area:belleme")
    assert area_entry["kind"] == "area"
    assert area_entry["title"] == "Bellême"
    near = (await client.get(PACKS, params={"near": "48.38,0.56", "radius_m": "2000"})).json()["items"]
    assert {item["id"] for item in near} == {"area:belleme", ROUTE_PACK}
    far = (await client.get(PACKS, params={"near": "45.0,5.0", "radius_m": "1000"})).json()["items"]
    assert far == []
    german = (await client.get(PACKS, params={"lang": "de"})).json()["items"]
    assert german == []
    bad = await client.get(PACKS, params={"radius_m": "10"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "radius_m"
    keys = await _keys(client)
    body = (await client.get(area_entry["download_url"])).content
    assert len(body) == area_entry["size"]
    assert keys


async def test_affected_packs_of_routes_and_pois(packed: tuple[Litestar, AsyncTestClient[Litestar]]) -> None:
    app, _ = packed
    db = parts(app)[0]
    async with db.write() as conn:
        area = Area(id="belleme", title={"fr": "Bellême"}, bbox=(0.5, 48.3, 0.6, 48.45))
        await add_area(conn, area, created_at="2025-06-01T08:00:00Z")
        far = Area(id="ailleurs", title={"fr": "Ailleurs"}, bbox=(5.0, 45.0, 5.1, 45.1))
        await add_area(conn, far, created_at="2025-06-01T08:00:00Z")
    async with db.read() as conn:
        by_route = await affected_packs(conn, ContentChanged(routes=frozenset({ROUTE})))
        by_poi = await affected_packs(conn, ContentChanged(pois=frozenset({"fontaine-de-la-herse"})))
        nothing = await affected_packs(conn, ContentChanged(pois=frozenset({"no-such-poi"})))
    assert by_route == {PackId.parse(ROUTE_PACK), PackId.area("belleme")}
    assert by_poi == {PackId.parse(ROUTE_PACK), PackId.area("belleme")}
    assert nothing == set()


async def test_a_republished_route_gets_its_pack_back(
    packed: tuple[Litestar, AsyncTestClient[Litestar]],
) -> None:
    app, client = packed
    db, _, _, events, _, rebuilder = parts(app)
    before = (await client.get(f"{PACKS}/{ROUTE_PACK}")).json()
    steps: tuple[tuple[Status, str], ...] = (
        ("draft", "2025-06-02T08:00:00Z"),
        ("published", "2025-06-03T08:00:00Z"),
    )
    for status, at in steps:
        async with events.write(db) as change:
            await set_route_status(change.conn, ROUTE, status, user_id=None, updated_at=at)
            change.touch(routes={ROUTE})
        await rebuilder.wait_idle()
        if status == "draft":
            assert (await client.get(f"{PACKS}/{ROUTE_PACK}")).status_code == 404
    after = (await client.get(f"{PACKS}/{ROUTE_PACK}")).json()
    # Same content as before it left the catalogue: the same version and bytes come back, never a
    # second "version 1" with other bytes.
    assert {k: after[k] for k in ("version", "sha256", "size")} == {
        k: before[k] for k in ("version", "sha256", "size")
    }
    download = await client.get(after["download_url"])
    assert download.status_code == 200
