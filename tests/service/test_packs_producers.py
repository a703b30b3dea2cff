"""Producers in packs: the route pack's nearby producers and the area pack's, their offers and images,
and an offer sold out on the phone shipping as a delta of ``content/producers.geojson`` alone."""

from __future__ import annotations

import asyncio
import zipfile
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content import editing
from content.core.clock import utc_now
from content.core.events import ContentChanged
from content.core.settings import Settings
from content.editing import EditSession
from content.editing.aggregates import OFFERS
from content.media import ingest
from content.producers.model import OfferInput, OfferPatch, PointGeometry, Price, ProducerInput
from content.producers.offer_store import create_offer
from content.producers.queries import get_offer
from content.producers.store import create_producer
from packs.pack_id import PackId
from packs.rebuild import affected_packs
from packs.store import Area, add_area
from service.app import create_app
from tests.service.packs_fixtures import ROUTE_PACK, parts, prepare_packs

PACKS = "/api/v1/packs"
AREA_PACK = "area:belleme"
NOW = utc_now()


def _producer(name: str, lon: float, lat: float, images: list[str]) -> ProducerInput:
    return ProducerInput(
        name=name,
        geometry=PointGeometry(type="Point", coordinates=(lon, lat)),
        description={"fr": "Miel de la forêt de Bellême."},
        opening_hours="Sa 09:00-12:00",
        images=images,
    )


@pytest.fixture
async def stocked(
    settings: Settings, fixtures_dir: Path
) -> AsyncIterator[tuple[Litestar, AsyncTestClient[Litestar]]]:
    """The packs of the small territory, an area around Bellême, then producers added through events:
    one about 1 km from the route (with a photo, and an offer with a photo), one far from it but inside
    the area, one nearby but still a draft."""
    app = create_app(msgspec.structs.replace(settings, pack_rebuild_delay_s=0.05))
    async with AsyncTestClient(app=app) as client:
        await prepare_packs(app, fixtures_dir)
        db, blobs, settings, events, builder, rebuilder = parts(app)
        async with db.write() as conn:
            area = Area(id="belleme", title={"fr": "Bellême"}, bbox=(0.45, 48.3, 0.6, 48.45))
            await add_area(conn, area, created_at="2025-06-01T08:00:00Z")
        await builder.build(PackId.parse(AREA_PACK))
        photo = await ingest(db, blobs, settings, fixtures_dir / "images" / "coffee.png", alt="Ruches")
        jar = await ingest(db, blobs, settings, fixtures_dir / "images" / "alpha.png", alt="Pot")
        async with events.write(db) as change:
            conn = change.conn
            near = _producer("Rucher du Tertre", 0.57512345678, 48.3851234567, [photo.id])
            far = _producer("Ferme de Saint-Martin", 0.47, 48.31, [])
            draft = _producer("Brouillon", 0.57, 48.39, [])
            await create_producer(conn, near, now=NOW, producer_id="rucher", status="published")
            await create_producer(conn, far, now=NOW, producer_id="saint-martin", status="published")
            await create_producer(conn, draft, now=NOW, producer_id="brouillon")
            honey = OfferInput(
                product={"fr": "Miel de châtaignier", "en": "Chestnut honey"},
                category="honey",
                valid_until=NOW + timedelta(days=30),
                price=Price(amount_cents=900, unit="jar"),
                images=[jar.id],
            )
            await create_offer(conn, "rucher", honey, now=NOW, offer_id="miel")
            change.touch(producers={"rucher", "saint-martin", "brouillon"})
        await rebuilder.wait_idle()
        yield app, client


async def _content(client: AsyncTestClient[Litestar], pack_id: str, tmp_path: Path) -> dict[str, Any]:
    body = (await client.get(f"{PACKS}/{pack_id}/download")).content
    target = tmp_path / f"{pack_id.replace(':', '-')}.zip"
    await asyncio.to_thread(target.write_bytes, body)
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        return {
            "names": names,
            "pack": msgspec.json.decode(archive.read("content/pack.json")),
            "producers": msgspec.json.decode(archive.read("content/producers.geojson")),
        }


async def test_route_and_area_packs_carry_their_producers(
    stocked: tuple[Litestar, AsyncTestClient[Litestar]], tmp_path: Path
) -> None:
    _, client = stocked
    route = await _content(client, ROUTE_PACK, tmp_path)
    assert (await client.get(f"{PACKS}/{ROUTE_PACK}")).json()["version"] == 2
    assert route["pack"]["producers"] == ["rucher"]
    [feature] = route["producers"]["features"]
    assert feature["geometry"]["coordinates"] == [0.575123, 48.385123]
    props = feature["properties"]
    assert "open_now" not in props
    assert props["opening_hours"] == "Sa 09:00-12:00"
    assert props["description"] == {
        "en": "Miel de la forêt de Bellême.",
        "fr": "Miel de la forêt de Bellême.",
    }
    [offer] = props["offers"]
    assert offer["product"] == {"en": "Chestnut honey", "fr": "Miel de châtaignier"}
    assert offer["availability"] == "available"
    assert offer["valid_until"].endswith("Z")
    image_urls = [v["url"] for ref in (*props["images"], *offer["images"]) for v in ref["variants"].values()]
    assert image_urls
    assert all(url.startswith("media/") and url in route["names"] for url in image_urls)

    area = await _content(client, AREA_PACK, tmp_path)
    assert area["pack"]["producers"] == ["rucher", "saint-martin"]
    ids = [feature["id"] for feature in area["producers"]["features"]]
    assert ids == ["rucher", "saint-martin"]
    assert area["producers"]["features"][0] == feature


async def test_sold_out_offer_ships_only_the_producers_document(
    stocked: tuple[Litestar, AsyncTestClient[Litestar]], tmp_path: Path
) -> None:
    app, client = stocked
    db, _, _, events, _, rebuilder = parts(app)
    async with db.read() as conn:
        touched = await affected_packs(conn, ContentChanged(producers=frozenset({"rucher"})))
        offer = await get_offer(conn, "rucher", "miel")
    assert touched == {PackId.parse(ROUTE_PACK), PackId.parse(AREA_PACK)}
    assert offer is not None
    session = EditSession(db=db, events=events, principal=None, now=utc_now())
    sold_out = OfferPatch(availability="sold_out")
    await editing.update(session, OFFERS, ("rucher", "miel"), sold_out, if_match=OFFERS.etag(offer))
    await rebuilder.wait_idle()
    for pack_id, version in ((ROUTE_PACK, 2), (AREA_PACK, 2)):
        current = (await client.get(f"{PACKS}/{pack_id}")).json()
        assert current["version"] == version + 1
        delta = await client.get(f"{PACKS}/{pack_id}/delta", params={"from": version})
        assert delta.status_code == 200
        target = tmp_path / "delta.zip"
        await asyncio.to_thread(target.write_bytes, delta.content)
        with zipfile.ZipFile(target) as archive:
            shipped = sorted(archive.namelist())
            producers = msgspec.json.decode(archive.read("content/producers.geojson"))
        assert shipped == ["content/producers.geojson", "delta.json", "manifest.json", "manifest.sig"]
        assert producers["features"][0]["properties"]["offers"][0]["availability"] == "sold_out"
