"""Rebuilding on change: content events mark the packs they touch stale; a debounced task rebuilds them.

An edit touches its route's pack and every area pack meeting the route; a POI touches the route packs
whose line passes within 500 m or that link it from a stop, a producer (or one of its offers) the route
packs whose line passes within 2 km (``packs.producers``); both touch the area packs containing them.
Marking happens as soon as the event arrives; the rebuild waits until no event has come for
``settings.pack_rebuild_delay_s``, so a burst of edits makes one rebuild. Builds write their ZIP in a
worker thread; the previous version is served until the new one is recorded.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

import aiosqlite

from content.core.events import ContentChanged
from content.pack_reads import points_of, routes_linking, routes_near_points
from packs.builder import PackBuilder
from packs.producers import NEAR_PRODUCERS_M
from packs.store import area_ids_meeting, get_pack, mark_stale, stale_pack_ids

__all__ = ["PackRebuilder", "affected_packs"]

log = logging.getLogger("odyssee.packs")


async def affected_packs(conn: aiosqlite.Connection, event: ContentChanged) -> set[str]:
    """The ids of the packs (existing or due) whose content ``event`` may change."""
    found = {f"route:{route_id}" for route_id in event.routes}
    for route_id in event.routes:
        pack = await get_pack(conn, f"route:{route_id}")
        rows = await conn.execute_fetchall(
            "SELECT min_lon, min_lat, max_lon, max_lat FROM routes WHERE id = ?", (route_id,)
        )
        boxes = [(row[0], row[1], row[2], row[3]) for row in rows]
        if pack is not None:
            boxes.append(pack.bbox)  # where the route was, if it moved or was unpublished
        for box in boxes:
            found |= {f"area:{area_id}" for area_id in await area_ids_meeting(conn, box)}
    poi_points = await points_of(conn, "pois", event.pois)
    producer_points = await points_of(conn, "producers", event.producers)
    routes = await routes_near_points(conn, poi_points) | await routes_linking(conn, event.pois)
    routes |= await routes_near_points(conn, producer_points, NEAR_PRODUCERS_M)
    found |= {f"route:{route_id}" for route_id in routes}
    for lon, lat in [*poi_points, *producer_points]:
        found |= {f"area:{area_id}" for area_id in await area_ids_meeting(conn, (lon, lat, lon, lat))}
    return found


class PackRebuilder:
    """Listens to the app's :class:`~content.events.EventHub` (``notify`` is the listener)."""

    def __init__(self, builder: PackBuilder, *, delay_s: float) -> None:
        self.builder = builder
        self.delay_s = delay_s
        self.rebuilds = 0
        """Rebuild rounds run so far (a burst of events makes one)."""
        self._pending = ContentChanged()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._due: set[str] = set()

    def notify(self, event: ContentChanged) -> None:
        """The listener. Thread-safe: an emit from another event loop is handed to the rebuilder's own."""
        loop = self._loop
        if loop is None:
            return
        try:
            same_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            same_loop = False
        if same_loop:
            self._accept(event)
        else:
            loop.call_soon_threadsafe(self._accept, event)

    def _accept(self, event: ContentChanged) -> None:
        self._pending = self._pending.merge(event)
        self._idle.clear()
        self._wake.set()

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = self._loop.create_task(self._run(), name="pack-rebuilder")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def wait_idle(self) -> None:
        """Wait until every event received so far has been rebuilt (tests, orderly shutdown).

        From another event loop (a test client runs the app in its own thread) the wait is queued behind
        the events already handed over, so it cannot return before they are taken into account.
        """
        loop = self._loop
        if loop is None or asyncio.get_running_loop() is loop:
            await self._idle.wait()
            return
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._idle.wait(), loop))

    async def _mark(self) -> None:
        event, self._pending = self._pending, ContentChanged()
        if not event:
            return
        async with self.builder.db.write() as conn:
            affected = await affected_packs(conn, event)
            await mark_stale(conn, sorted(affected))
        self._due |= affected

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            # Debounce: keep marking while events arrive, rebuild once they pause for delay_s.
            while self._wake.is_set():
                self._wake.clear()
                try:
                    await self._mark()
                except Exception:
                    log.exception("marking packs stale failed")
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.delay_s)
            try:
                await self._rebuild()
            except Exception:
                log.exception("pack rebuild failed; the previous versions stay served")
            if not self._wake.is_set():
                self._idle.set()

    async def _rebuild(self) -> None:
        async with self.builder.db.read() as conn:
            due = self._due | set(await stale_pack_ids(conn))
        self._due = set()
        self.rebuilds += 1
        for pack_id in sorted(due):
            try:
                await self.builder.build(pack_id)
            except Exception:
                log.exception("pack %s failed to build; its previous version stays served", pack_id)
