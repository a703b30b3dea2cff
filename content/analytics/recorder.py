"""The one object the service talks to: it checks batches, counts what the server sees, and writes the
counters now and then. Nothing it is given about a request (the address) outlives the call, except as an
anonymous budget entry in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from content.analytics.budget import AddressBudget
from content.analytics.cache import FigureCache
from content.analytics.counters import CounterBuffer, CounterKey, Kind, write_counters
from content.analytics.events import Batch, BatchAnswer, CheckedEvent, Drop, DropReason, check_event
from content.analytics.known import known_ids
from content.analytics.retention import roll_up
from content.core.clock import Clock
from content.core.db import Database

__all__ = ["TERRITORY_TZ", "AnalyticsRecorder", "local_day"]

TERRITORY_TZ = ZoneInfo("Europe/Paris")
log = logging.getLogger("odyssee.analytics")


def local_day(moment: datetime) -> date:
    """The territory's calendar day at ``moment``: what phones call "today"."""
    return moment.astimezone(TERRITORY_TZ).date()


class AnalyticsRecorder:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        per_figure: int,
        per_day: int,
        retention_months: int,
        flush_every_s: float = 5.0,
        cache_rows: int = 100_000,
    ) -> None:
        self.db = db
        self.clock = clock
        self.budget = AddressBudget(per_figure=per_figure, per_day=per_day)
        self.retention_months = retention_months
        self.flush_every_s = flush_every_s
        self._buffer = CounterBuffer()
        # Sums of months already read, for reports (None: every report reads every counter row).
        self.figures = FigureCache(cache_rows) if cache_rows > 0 else None
        self._task: asyncio.Task[None] | None = None
        self._rolled_on = ""

    async def ingest(self, batch: Batch, address: str) -> BatchAnswer:
        """Count a batch's valid events; drop the rest, each with its reason."""
        today = local_day(self.clock())
        verdicts: list[CheckedEvent | DropReason] = [
            check_event(event, batch, today) for event in batch.events
        ]
        checked = [v for v in verdicts if isinstance(v, CheckedEvent)]
        wanted: dict[Kind, set[str]] = {"route": set(), "poi": set(), "producer": set(), "pack": set()}
        for event in checked:
            wanted[event.key.kind].add(event.key.object_id)
        async with self.db.read() as conn:
            known = await known_ids(conn, wanted)
        dropped: list[Drop] = []
        accepted = 0
        today_text = today.isoformat()
        for index, verdict in enumerate(verdicts):
            if not isinstance(verdict, CheckedEvent):
                dropped.append(Drop(index, verdict))
                continue
            key = verdict.key
            version = int(key.detail) if key.kind == "pack" else None
            if not known.knows(key.kind, key.object_id, key.stop_id, version):
                dropped.append(Drop(index, "unknown_id"))
            elif not self.budget.take(
                address, today_text, (key.type, key.object_id, key.stop_id), verdict.count
            ):
                dropped.append(Drop(index, "over_budget"))
            else:
                self._buffer.add(key, verdict.count, verdict.value)
                accepted += 1
        return BatchAnswer(accepted=accepted, dropped=dropped)

    def count(self, address: str, type_: str, kind: Kind, object_id: str, detail: str = "") -> None:
        """Count something the server served itself (a pack download, a public detail read)."""
        today = local_day(self.clock()).isoformat()
        if self.budget.take(address, today, (type_, object_id, ""), 1):
            self._buffer.add(CounterKey(day=today, type=type_, kind=kind, object_id=object_id, detail=detail))

    async def flush(self) -> None:
        """Write what is pending; on failure keep it for the next try."""
        pending = self._buffer.drain()
        if not pending:
            return
        try:
            async with self.db.write() as conn:
                await write_counters(conn, pending)
        except BaseException:
            self._buffer.restore(pending)
            raise

    async def roll_up(self) -> int:
        """Forget the day counters older than the retention horizon (their months stay)."""
        async with self.db.write() as conn:
            return await roll_up(conn, local_day(self.clock()), self.retention_months)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.flush_every_s)
            try:
                await self.flush()
                today = local_day(self.clock()).isoformat()
                if today != self._rolled_on:
                    await self.roll_up()
                    self._rolled_on = today
            except Exception:  # a failed write must not stop counting; the next round retries
                log.exception("writing usage counters failed")

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="analytics-flush")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
