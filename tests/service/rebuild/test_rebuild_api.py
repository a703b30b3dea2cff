"""The pack rebuilder through HTTP: marks survive a restart or a lost event, and a steady stream of edits
cannot postpone a rebuild past ``pack_rebuild_max_wait_s``."""

from __future__ import annotations

import asyncio
import io
import time
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database
from content.core.settings import Settings
from packs.rebuild import PackRebuilder
from service.app import create_app
from tests.service.accounts_fixtures import Accounts, ManualClock
from tests.service.editor.content_helpers import ROUTES, new_route

PACKS = "/api/v1/packs"


@asynccontextmanager
async def serving(
    settings: Settings, clock: ManualClock, accounts: Accounts, **changes: Any
) -> AsyncIterator[tuple[Litestar, AsyncTestClient[Litestar], dict[str, str]]]:
    """The app on ``settings`` (with ``changes``), started and stopped like a server process."""
    app = create_app(msgspec.structs.replace(settings, **changes), clock=clock)
    async with AsyncTestClient(app=app) as client:
        login = await client.post(
            "/api/v1/auth/login", json={"email": accounts.staff.email, "password": accounts.staff.password}
        )
        assert login.status_code == 200, login.text
        yield app, client, {"Authorization": f"Bearer {login.json()['token']}"}


def rebuilder_of(app: Litestar) -> PackRebuilder:
    rebuilder = app.state.rebuilder
    assert isinstance(rebuilder, PackRebuilder)
    return rebuilder


async def published_route(client: AsyncTestClient[Litestar], staff: dict[str, str]) -> str:
    created = await client.post(ROUTES, json=new_route(), headers=staff)
    assert created.status_code == 201, created.text
    route_id = created.json()["id"]
    published = await client.post(
        f"{ROUTES}/{route_id}/publish", headers={**staff, "If-Match": created.headers["etag"]}
    )
    assert published.status_code == 200, published.text
    return str(route_id)


async def edit_summary(
    client: AsyncTestClient[Litestar], staff: dict[str, str], route_id: str, text: str
) -> None:
    current = await client.get(f"{ROUTES}/{route_id}", headers=staff)
    edited = await client.patch(
        f"{ROUTES}/{route_id}",
        json={"summary": {"fr": text}},
        headers={**staff, "If-Match": current.headers["etag"]},
    )
    assert edited.status_code == 200, edited.text


async def pack_version(client: AsyncTestClient[Litestar], route_id: str) -> int:
    answer = await client.get(f"{PACKS}/route:{route_id}")
    assert answer.status_code == 200, answer.text
    return int(answer.json()["version"])


def pack_text(body: bytes) -> bytes:
    """Every content document of a downloaded pack, uncompressed and joined."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist() if name.startswith("content/"))


async def due_rows(db: Database) -> list[str]:
    async with db.read() as conn:
        return [
            row[0] for row in await conn.execute_fetchall("SELECT pack_id FROM pack_due ORDER BY pack_id")
        ]


async def test_a_pack_marked_before_a_restart_is_rebuilt_when_the_server_starts(
    settings: Settings, clock: ManualClock, accounts: Accounts
) -> None:
    async with serving(settings, clock, accounts, pack_rebuild_delay_s=0.05) as (app, client, staff):
        route_id = await published_route(client, staff)
        await rebuilder_of(app).wait_idle()
        assert await pack_version(client, route_id) == 1
    # A long debounce: the server stops before the rebuild is due.
    async with serving(settings, clock, accounts, pack_rebuild_delay_s=600) as (app, client, staff):
        await edit_summary(client, staff, route_id, "Une phrase nouvelle.")
        for _ in range(200):
            if await due_rows(app.state.db):
                break
            await asyncio.sleep(0.02)
        assert await due_rows(app.state.db) == [f"route:{route_id}"]
        assert await pack_version(client, route_id) == 1
    # Restarted: no new edit, no event, yet the pack is rebuilt.
    async with serving(settings, clock, accounts, pack_rebuild_delay_s=0.05) as (app, client, _):
        await rebuilder_of(app).wait_idle()
        assert await pack_version(client, route_id) == 2
        assert await due_rows(app.state.db) == []
        entry = (await client.get(f"{PACKS}/route:{route_id}")).json()
        download = await client.get(entry["download_url"])
        assert b"Une phrase nouvelle." in pack_text(download.content)


async def test_an_edit_whose_event_was_lost_is_found_again_from_its_history(
    settings: Settings, clock: ManualClock, accounts: Accounts
) -> None:
    async with serving(settings, clock, accounts, pack_rebuild_delay_s=0.05) as (app, client, staff):
        route_id = await published_route(client, staff)
        await rebuilder_of(app).wait_idle()
        assert await pack_version(client, route_id) == 1
        # The rebuilder dies (as in a crash right after the edit's commit): nobody hears the event.
        await rebuilder_of(app).stop()
        await edit_summary(client, staff, route_id, "Un récit corrigé.")
        await asyncio.sleep(0.2)
        assert await due_rows(app.state.db) == []
        async with app.state.db.read() as conn:
            stale = list(
                await conn.execute_fetchall("SELECT stale FROM packs WHERE id = ?", (f"route:{route_id}",))
            )
        assert stale[0][0] == 0  # the old design's mark is lost...
    async with serving(settings, clock, accounts, pack_rebuild_delay_s=0.05) as (app, client, _):
        await rebuilder_of(app).wait_idle()
        assert await pack_version(client, route_id) == 2  # ...the history row is not


async def test_a_steady_stream_of_edits_cannot_postpone_the_rebuild_past_the_maximum_wait(
    settings: Settings, clock: ManualClock, accounts: Accounts
) -> None:
    async with serving(settings, clock, accounts, pack_rebuild_delay_s=0.05) as (app, client, staff):
        route_id = await published_route(client, staff)
        await rebuilder_of(app).wait_idle()
    # Edits every 0.1 s for 4 s, with a 2 s debounce: without a maximum wait, no rebuild before the end.
    changes = {"pack_rebuild_delay_s": 2.0, "pack_rebuild_max_wait_s": 0.5}
    async with serving(settings, clock, accounts, **changes) as (app, client, staff):
        rebuilder = rebuilder_of(app)
        rounds = rebuilder.rebuilds
        started = time.monotonic()
        seen = 1
        index = 0
        while time.monotonic() - started < 4.0:
            await edit_summary(client, staff, route_id, f"Version {index}.")
            index += 1
            seen = max(seen, await pack_version(client, route_id))
            await asyncio.sleep(0.1)
        assert seen >= 2, "no rebuild while the edits kept coming"
        assert rebuilder.rebuilds > rounds
        await rebuilder.wait_idle()
        final = (await client.get(f"{PACKS}/route:{route_id}")).json()
        download = await client.get(final["download_url"])
        assert f"Version {index - 1}.".encode() in pack_text(download.content)
