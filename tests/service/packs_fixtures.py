"""Pack test material: the small territory with a photo and a narration on a stop, built into packs."""

from __future__ import annotations

from pathlib import Path

import msgspec
from litestar import Litestar

from content.blobs import BlobStore
from content.core.db import Database
from content.core.events import EventHub
from content.core.settings import Settings
from content.media import ingest
from content.routes.queries import get_stops
from content.routes.store import replace_stops
from packs.builder import PackBuilder
from packs.rebuild import PackRebuilder
from tests.territory import LOADED_AT, load_demo

__all__ = ["ROUTE", "ROUTE_PACK", "edit_story", "prepare_packs"]

ROUTE = "legendes-foret-de-belleme"
ROUTE_PACK = f"route:{ROUTE}"


def parts(app: Litestar) -> tuple[Database, BlobStore, Settings, EventHub, PackBuilder, PackRebuilder]:
    state = app.state
    return state.db, state.blobs, state.settings, state.events, state.packs, state.rebuilder


async def prepare_packs(app: Litestar, fixtures_dir: Path) -> None:
    """Load the territory, put a photo and a narration on the route's first stop, build every pack.

    The app's rebuilder is held meanwhile, so every pack starts at version 1 with this content (the
    loader's history rows would otherwise make it build the bare territory first)."""
    db, blobs, settings, events, builder, rebuilder = parts(app)
    with rebuilder.held():
        await load_demo(db)
        photo = await ingest(db, blobs, settings, fixtures_dir / "images" / "chelsea.png", alt="Chelsea")
        voice = await ingest(db, blobs, settings, fixtures_dir / "audio" / "short-fr.wav")
        async with db.read() as conn:
            stops = await get_stops(conn, ROUTE)
        first = msgspec.structs.replace(stops[0], images=[photo.id], audio={"fr": voice.id})
        async with events.write(db) as change:
            inputs = [first.to_input(), *(stop.to_input() for stop in stops[1:])]
            await replace_stops(change.conn, ROUTE, inputs, user_id=None, updated_at=LOADED_AT)
            change.touch(routes={ROUTE})
        await builder.build_all()
    await rebuilder.wait_idle()


async def edit_story(app: Litestar, text: str) -> None:
    """Change one sentence of the first stop's French story, through the write path and its event."""
    db, _, _, events, _, _ = parts(app)
    async with db.read() as conn:
        stops = await get_stops(conn, ROUTE)
    story = {**stops[0].story, "fr": text}
    edited = msgspec.structs.replace(stops[0], story=story)
    async with events.write(db) as change:
        inputs = [edited.to_input(), *(stop.to_input() for stop in stops[1:])]
        await replace_stops(change.conn, ROUTE, inputs, user_id=None, updated_at="2025-06-02T08:00:00Z")
        change.touch(routes={ROUTE})
