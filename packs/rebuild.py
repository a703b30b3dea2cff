"""Rebuilding on change: edits mark the packs they touch due; one rebuilder among the workers rebuilds them.

An edit touches its route's pack and every area pack meeting the route; a POI touches the route packs
whose line passes within 500 m or that link it from a stop, a producer (or one of its offers) the route
packs whose line passes within 2 km (``packs.producers``); both touch the area packs containing them.

Marks are rows in the database (``packs.due``), so none is lost to a restart:

- every edit writes its history row in its own transaction; the rebuilder reads the rows after its
  persisted watermark (``content.change_feed``) and marks the packs they touch, in one transaction with
  the new watermark. An edit whose in-process event was lost (a crash right after its commit, another
  worker, the command line) is found again from its history row;
- the in-process ``ContentChanged`` event wakes the rebuilder at once, and marks what it names (writes
  that record no history, such as loaders, announce themselves this way).

Among the processes serving one database, only the holder of the ``pack-rebuilder`` lease
(``content.leases``) reads history and builds; it renews the lease every second, and when it dies another
process takes the lease over once it expires (``lease_ttl_s``). On taking it, the new holder catches up:
marks left by its predecessor and packs still flagged stale are rebuilt first.

Debounce: a round rebuilds every due pack once no mark has come for ``delay_s``, or once the oldest mark
has waited ``max_wait_s`` (a steady stream of edits cannot postpone it for ever). Builds write their ZIP
in a worker thread; the previous version is served until the new one is recorded.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress

import aiosqlite

from content.change_feed import HistoryChanges, changes_after, latest_history_id, route_boxes
from content.core.events import ContentChanged
from content.leases import lease_holder, release_lease, take_lease
from content.pack_reads import points_of, routes_linking, routes_near_points
from content.places.geo import BBox
from packs.builder import PackBuilder
from packs.due import (
    Due,
    clear_due,
    due_packs,
    ensure_due,
    history_watermark,
    mark_due,
    set_history_watermark,
)
from packs.pack_id import PackId
from packs.producers import NEAR_PRODUCERS_M
from packs.store import area_ids_meeting, get_pack, stale_pack_ids

__all__ = ["LEASE_NAME", "PackRebuilder", "affected_packs"]

log = logging.getLogger("odyssee.packs")

LEASE_NAME = "pack-rebuilder"


async def _affected(
    conn: aiosqlite.Connection,
    *,
    routes: Iterable[str],
    pois: Iterable[str],
    producers: Iterable[str],
    former_points: Iterable[tuple[float, float]] = (),
    former_boxes: Iterable[BBox] = (),
) -> set[PackId]:
    routes, pois, producers = set(routes), set(pois), set(producers)
    found = {PackId.route(route_id) for route_id in routes}
    boxes = list(former_boxes) + await route_boxes(conn, routes)
    for route_id in sorted(routes):
        pack = await get_pack(conn, PackId.route(route_id))
        if pack is not None:
            boxes.append(pack.bbox)  # where the route was, if it moved or was unpublished
    poi_points = await points_of(conn, "pois", pois)
    producer_points = await points_of(conn, "producers", producers)
    old_points = list(former_points)
    near = await routes_near_points(conn, [*poi_points, *old_points]) | await routes_linking(conn, pois)
    near |= await routes_near_points(conn, [*producer_points, *old_points], NEAR_PRODUCERS_M)
    found |= {PackId.route(route_id) for route_id in near}
    boxes += [(lon, lat, lon, lat) for lon, lat in {*poi_points, *producer_points, *old_points}]
    for box in set(boxes):
        found |= {PackId.area(area_id) for area_id in await area_ids_meeting(conn, box)}
    return found


async def affected_packs(conn: aiosqlite.Connection, event: ContentChanged) -> set[PackId]:
    """The ids of the packs (existing or due) whose content ``event`` may change."""
    return await _affected(conn, routes=event.routes, pois=event.pois, producers=event.producers)


async def history_affected_packs(conn: aiosqlite.Connection, changes: HistoryChanges) -> set[PackId]:
    """The packs the history rows summed up in ``changes`` may change, including where things were."""
    return await _affected(
        conn,
        routes=changes.routes,
        pois=changes.pois,
        producers=changes.producers,
        former_points=changes.former_points,
        former_boxes=changes.former_boxes,
    )


def _default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class PackRebuilder:
    """Listens to the app's :class:`~content.events.EventHub` (``notify`` is the listener)."""

    def __init__(
        self,
        builder: PackBuilder,
        *,
        delay_s: float,
        max_wait_s: float = 60.0,
        poll_s: float = 0.5,
        lease_ttl_s: float = 4.0,
        holder: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.builder = builder
        self.delay_s = delay_s
        self.max_wait_s = max_wait_s
        self.poll_s = poll_s
        self.lease_ttl_s = lease_ttl_s
        self.holder = holder or _default_holder()
        self.clock = clock
        self.leader = False
        """Whether this process holds the rebuild lease (and so reads history and builds)."""
        self.rebuilds = 0
        """Rebuild rounds run so far by this process (a burst of marks makes one)."""
        self._pending = ContentChanged()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watermark: int | None = None
        self._caught_up = False
        self._holds = 0

    @contextmanager
    def held(self) -> Iterator[None]:
        """No rebuild round starts inside this block (marks still accumulate; the round follows it).

        For work that builds packs itself and wants no concurrent round, as test set-ups do. Usable from
        any thread or event loop.
        """
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1
            loop = self._loop
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(self._accept, ContentChanged())

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
        self._tasks = [
            self._loop.create_task(self._keep_lease(), name="pack-rebuild-lease"),
            self._loop.create_task(self._run(), name="pack-rebuilder"),
        ]

    async def stop(self) -> None:
        """Stop, and give the lease up so that another process takes over at once."""
        loop = self._loop
        if loop is not None and asyncio.get_running_loop() is not loop:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self.stop(), loop))
            return
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self.leader:
            self.leader = False
            try:
                async with self.builder.db.write() as conn:
                    await release_lease(conn, LEASE_NAME, self.holder)
            except Exception:
                log.exception("could not release the pack rebuild lease; it expires on its own")

    async def wait_idle(self) -> None:
        """Wait until every mark made so far has been rebuilt (tests, orderly shutdown).

        From another event loop (a test client runs the app in its own thread) the wait is queued behind
        the events already handed over, so it cannot return before they are taken into account.
        """
        loop = self._loop
        if loop is None or asyncio.get_running_loop() is loop:
            await self._idle.wait()
            return
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._idle.wait(), loop))

    async def _keep_lease(self) -> None:
        while True:
            try:
                was_leader = self.leader
                self.leader = await self._take_lease()
                if self.leader != was_leader:
                    log.info("pack rebuilder %s: %s", self.holder, "leads" if self.leader else "follows")
                    self._caught_up = False
                    self._watermark = None
                    self._wake.set()
            except Exception:
                log.exception("pack rebuild lease check failed")
            await asyncio.sleep(min(1.0, self.lease_ttl_s / 3))

    async def _take_lease(self) -> bool:
        now = self.clock()
        async with self.builder.db.read() as conn:
            holder = await lease_holder(conn, LEASE_NAME, now=now)
        if holder is not None and holder != self.holder:
            return False
        async with self.builder.db.write() as conn:
            return await take_lease(conn, LEASE_NAME, self.holder, now=now, ttl_s=self.lease_ttl_s)

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                wait, idle = await self._step()
            except Exception:
                log.exception("pack rebuilder step failed; retrying")
                wait, idle = self.poll_s, False
            if idle and not self._wake.is_set():
                self._idle.set()
            if wait > 0:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation that
                # arrives as the wake-up does, and stop() then waited for this task forever.
                with suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await self._wake.wait()

    async def _step(self) -> tuple[float, bool]:
        """One look at the marks: returns how long to sleep at most, and whether nothing is left to do."""
        await self._mark_event()
        if not self.leader:
            return self.poll_s, True
        if not self._caught_up:
            await self._catch_up()
        await self._read_history()
        async with self.builder.db.read() as conn:
            due = await due_packs(conn)
        if due is None:
            return self.poll_s, True
        if self._holds:
            return self.poll_s, False
        now = self.clock()
        ready_at = min(due.last_marked + self.delay_s, due.first_marked + self.max_wait_s)
        if ready_at > now:
            return min(ready_at - now, self.poll_s), False
        await self._rebuild(due)
        return 0.0, False

    async def _mark_event(self) -> None:
        event, self._pending = self._pending, ContentChanged()
        if not event:
            return
        try:
            async with self.builder.db.write() as conn:
                await mark_due(conn, await affected_packs(conn, event), now=self.clock())
        except Exception:
            self._pending = event.merge(self._pending)  # try again on the next step
            raise

    async def _catch_up(self) -> None:
        """On taking the lease: packs still flagged stale (by a process that died, or before marks were
        kept) are due at once; marks already in ``pack_due`` keep their times, so old ones build first."""
        async with self.builder.db.write() as conn:
            await ensure_due(conn, await stale_pack_ids(conn), now=0.0)
        self._caught_up = True

    async def _read_history(self) -> None:
        """Mark the packs touched by the history rows after the watermark, and move it, in one transaction."""
        if self._watermark is not None:
            async with self.builder.db.read() as conn:
                if await latest_history_id(conn) <= self._watermark:
                    return
        while True:
            async with self.builder.db.write() as conn:
                watermark = await history_watermark(conn)
                changes = await changes_after(conn, watermark)
                if changes.last_id == watermark:
                    self._watermark = watermark
                    return
                if changes:
                    await mark_due(conn, await history_affected_packs(conn, changes), now=self.clock())
                await set_history_watermark(conn, changes.last_id)
            self._watermark = changes.last_id

    async def _rebuild(self, due: Due) -> None:
        async with self.builder.db.read() as conn:
            retry = set(await stale_pack_ids(conn))  # a build that failed earlier is tried again
        self.rebuilds += 1
        for pack_id in sorted(set(due.marks) | retry):
            began = self.clock()
            try:
                await self.builder.build(pack_id)
            except Exception:
                log.exception("pack %s failed to build; its previous version stays served", pack_id)
            async with self.builder.db.write() as conn:
                await clear_due(conn, pack_id, due.marks.get(pack_id, 0), since=began)
