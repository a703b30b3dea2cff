"""Media ids on POIs, stops and covers come out as media refs, following the language like text."""

from __future__ import annotations

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.pois.model import PoiPatch
from content.pois.store import update_poi
from content.routes.model import RoutePatch
from content.routes.queries import get_stops
from content.routes.store import replace_stops, update_route
from tests.media_rows import add_audio, add_image
from tests.territory import LOADED_AT, load_demo

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def illustrated(client: Client, db: Database) -> Client:
    await load_demo(db)
    async with db.write() as conn:
        await add_image(conn, "img-eglise", alt="La nef")
        await add_image(conn, "img-herse")
        await add_audio(conn, "audio-fr", caption="Récit")
        await add_audio(conn, "audio-en", caption="Story")
        patch = PoiPatch(images=["img-eglise"], audio={"fr": "audio-fr", "en": "audio-en"})
        await update_poi(conn, "eglise-notre-dame-mortagne", patch, user_id="u", updated_at=LOADED_AT)
        await update_route(
            conn,
            "legendes-foret-de-belleme",
            RoutePatch(cover="img-herse"),
            user_id="u",
            updated_at=LOADED_AT,
        )
        stops = [stop.to_input() for stop in await get_stops(conn, "legendes-foret-de-belleme")]
        stops[2] = msgspec.structs.replace(stops[2], images=["img-herse"], audio={"fr": "audio-fr"})
        await replace_stops(conn, "legendes-foret-de-belleme", stops, user_id="u", updated_at=LOADED_AT)
    return client


async def test_poi_images_and_audio_are_media_refs(illustrated: Client) -> None:
    properties = (await illustrated.get("/api/v1/pois/eglise-notre-dame-mortagne?lang=en")).json()[
        "properties"
    ]
    [image] = properties["images"]
    assert image["id"] == "img-eglise"
    assert image["kind"] == "image"
    assert set(image["variants"]) == {"thumb", "screen"}  # never the original
    assert image["variants"]["thumb"] == {
        "url": "/api/v1/media/img-eglise/thumb",
        "sha256": image["variants"]["thumb"]["sha256"],
        "size": 9000,
        "type": "image/webp",
        "width": 320,
        "height": 240,
    }
    assert (image["width"], image["height"], image["alt"]) == (4000, 3000, "La nef")
    assert image["placeholder"]
    assert image["credit"] == "OT Perche"
    assert properties["audio"]["id"] == "audio-en"
    assert properties["audio"]["kind"] == "audio"
    assert properties["audio"]["duration_s"] == 93.5
    assert properties["audio"]["caption"] == "Story"
    assert properties["audio"]["variants"]["speech"]["url"] == "/api/v1/media/audio-en/speech"


async def test_audio_follows_the_language_chain(illustrated: Client) -> None:
    german = (await illustrated.get("/api/v1/pois/eglise-notre-dame-mortagne?lang=de")).json()["properties"]
    assert german["audio"]["id"] == "audio-fr"
    assert german["lang"] == "fr"
    every = (await illustrated.get("/api/v1/pois/eglise-notre-dame-mortagne?lang=*")).json()["properties"]
    assert {tag: ref["id"] for tag, ref in every["audio"].items()} == {"en": "audio-en", "fr": "audio-fr"}


async def test_route_cover_and_stop_media(illustrated: Client) -> None:
    items = (await illustrated.get("/api/v1/routes")).json()["items"]
    assert items[0]["cover"]["id"] == "img-herse"
    assert items[1]["cover"] is None
    features = (await illustrated.get("/api/v1/routes/legendes-foret-de-belleme?lang=en")).json()["features"]
    assert features[0]["properties"]["cover"]["variants"]["screen"]["url"] == "/api/v1/media/img-herse/screen"
    spring = features[3]["properties"]
    assert [ref["id"] for ref in spring["images"]] == ["img-herse"]
    # English asked, only French narration: served, and flagged as a fallback.
    assert spring["audio"]["id"] == "audio-fr"
    assert spring["lang"] == "fr"
    assert features[2]["properties"]["audio"] is None


async def test_media_that_disappeared_is_left_out(illustrated: Client, db: Database) -> None:
    async with db.write() as conn:
        await conn.execute("DELETE FROM media WHERE id = 'img-eglise'")
    properties = (await illustrated.get("/api/v1/pois/eglise-notre-dame-mortagne")).json()["properties"]
    assert properties["images"] == []
    assert properties["audio"]["id"] == "audio-fr"
