"""The sums behind usage reports, kept in memory per server process and checked against the database.

A report adds up counter rows over up to three parts (``periods.plan_reading``). Most of a year's rows
can no longer change: events older than 60 days are refused, so a month that ended more than 61 days
ago only changes if something else writes to it (seeding, a script, the retention roll-up). This cache
cuts each part into blocks: one block of every month before that point ("cold"), then one block per
remaining month ("hot": the current month changes at every flush, the two before it rarely). A block's
sums are computed for every object, grouped by object with its kind, and kept with the stamps of its
months (migration 0035: every write to a counter row stamps its month with a new, higher number). A
request reads the stamps first, reuses each block whose months still carry the same stamps and computes
the others; then it keeps the objects that the caller's scope allows (the same SQL condition as the
plain reads, evaluated on the objects' kind, type and id) and hands the rows to the same assembly as
the plain path. Sums are additive, so the figures are the plain path's, byte for byte.

Several processes (``odyssee serve --workers N``) each keep their own cache; since validity is read
from the database, a write by any of them (or by any other program) is seen by all. Stamps are read
before the sums they validate: a write landing in between makes the next request recompute, never
reuse a stale block.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any, TypeVar

import msgspec

from content.analytics.periods import Granularity, ReadPlan
from content.analytics.queries import (
    FacetSum,
    ObjectKey,
    SeriesPoint,
    month_stamps,
    read_facets_by_object,
    read_series_by_object,
    visible_objects,
)
from content.core.db import Database

__all__ = ["HOT_DAYS", "Block", "FigureCache", "blocks_of"]

HOT_DAYS = 61
"""Events are refused beyond 60 days; one more day covers counts accepted just before midnight and
written just after. Months that end before ``today - HOT_DAYS`` go into the one cold block."""

Row = TypeVar("Row", SeriesPoint, FacetSum)


class Block(msgspec.Struct, frozen=True):
    span: str  # 'day' or 'month': which counter rows
    first: str  # YYYY-MM-DD, inclusive
    last: str

    def months(self) -> tuple[str, str]:
        return self.first[:7], self.last[:7]


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def blocks_of(plan: ReadPlan, today: date) -> list[Block]:
    """The plan's parts cut into the cold block and one block per hot month."""
    cold_before = (today - timedelta(days=HOT_DAYS)).replace(day=1)
    parts = [("month", plan.months[0], plan.months[-1])] if plan.months else []
    parts += [("day", first, last) for first, last in plan.day_runs]
    blocks = []
    for span, first_text, last_text in parts:
        first, last = date.fromisoformat(first_text), date.fromisoformat(last_text)
        if first < cold_before:
            cold_last = min(last, cold_before - timedelta(days=1))
            blocks.append(Block(span, first.isoformat(), cold_last.isoformat()))
            first = cold_before
        while first <= last:
            end = min(last, _month_end(first))
            blocks.append(Block(span, first.isoformat(), end.isoformat()))
            first = end + timedelta(days=1)
    return blocks


class _Entry(msgspec.Struct):
    stamps: tuple[tuple[str, int], ...]
    rows: dict[ObjectKey, list[Any]]
    size: int


_Key = tuple[str, Block, str]  # what ("series" or facets), block, granularity ("" for facets)


class FigureCache:
    """Block sums of this process, at most ``max_rows`` grouped rows in all (least recently used go)."""

    def __init__(self, max_rows: int = 100_000) -> None:
        self.max_rows = max_rows
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        self._rows = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self._rows = 0

    async def rows(
        self,
        db: Database,
        plan: ReadPlan,
        granularity: Granularity,
        facet_sets: tuple[tuple[str, ...], ...],
        scope: str,
        scope_params: dict[str, Any],
        *,
        today: date,
    ) -> tuple[list[SeriesPoint], list[list[FacetSum]]]:
        """The rows the plain reads would give (maybe split into more rows with the same sums): series
        points, then the facet sums of each of ``facet_sets``."""
        blocks = blocks_of(plan, today)
        if not blocks:
            return [], [[] for _ in facet_sets]
        async with db.read() as conn:
            # The parts are not in date order (months first, then day runs).
            first_month = min(block.first for block in blocks)[:7]
            last_month = max(block.last for block in blocks)[:7]
            stamps = await month_stamps(conn, first_month, last_month)

        def stamps_of(block: Block) -> tuple[tuple[str, int], ...]:
            first, last = block.months()
            return tuple(sorted((m, s) for m, s in stamps.items() if first <= m <= last))

        wanted: list[tuple[_Key, tuple[tuple[str, int], ...], Callable[[], Awaitable[list[Any]]]]] = []
        for block in blocks:
            wanted.append(
                (
                    ("series", block, granularity),
                    stamps_of(block),
                    self._series_reader(db, block, granularity),
                )
            )
            for facets in facet_sets:
                wanted.append(
                    ((",".join(facets), block, ""), stamps_of(block), self._facets_reader(db, block, facets))
                )
        entries: list[_Entry | None] = []
        missing: list[int] = []
        for n, (key, block_stamps, _) in enumerate(wanted):
            entry = self._entries.get(key)
            if entry is not None and entry.stamps == block_stamps:
                self._entries.move_to_end(key)
                self.hits += 1
                entries.append(entry)
            else:
                entries.append(None)
                missing.append(n)
        self.misses += len(missing)
        computed = await asyncio.gather(*(wanted[n][2]() for n in missing))
        for n, rows in zip(missing, computed, strict=True):
            key, block_stamps, _ = wanted[n]
            entry = _group(rows, block_stamps, compact=key[1].first[:7] != key[1].last[:7])
            entries[n] = entry
            self._store(key, entry)

        found = [entry for entry in entries if entry is not None]
        visible: set[ObjectKey] | None = None
        if scope != "1":
            objects = sorted({obj for entry in found for obj in entry.rows})
            async with db.read() as conn:
                visible = await visible_objects(conn, objects, scope, scope_params)
        per_query = len(facet_sets) + 1
        series: list[SeriesPoint] = []
        facet_rows: list[list[FacetSum]] = [[] for _ in facet_sets]
        for n, entry in enumerate(found):
            target: list[Any] = series if n % per_query == 0 else facet_rows[n % per_query - 1]
            for obj, rows in entry.rows.items():
                if visible is None or obj in visible:
                    target.extend(rows)
        return series, facet_rows

    def _store(self, key: _Key, entry: _Entry) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._rows -= old.size
        if entry.size > self.max_rows:
            return
        self._entries[key] = entry
        self._rows += entry.size
        while self._rows > self.max_rows:
            _, dropped = self._entries.popitem(last=False)
            self._rows -= dropped.size

    @staticmethod
    def _series_reader(
        db: Database, block: Block, granularity: Granularity
    ) -> Callable[[], Awaitable[list[Any]]]:
        async def read() -> list[Any]:
            async with db.read() as conn:
                return await read_series_by_object(conn, block.span, block.first, block.last, granularity)

        return read

    @staticmethod
    def _facets_reader(
        db: Database, block: Block, facets: tuple[str, ...]
    ) -> Callable[[], Awaitable[list[Any]]]:
        async def read() -> list[Any]:
            async with db.read() as conn:
                return await read_facets_by_object(conn, block.span, block.first, block.last, facets)

        return read


class _Strings(dict[str, str]):
    """One copy of each repeated text of a block (types, ids, keys), not one per row."""

    def __call__(self, text: str) -> str:
        return self.setdefault(text, text)


def _group(rows: list[tuple[Any, ...]], stamps: tuple[tuple[str, int], ...], *, compact: bool) -> _Entry:
    """Rows ``(kind, first, type, object_id, ...)`` as ``{(kind, type, object_id): [(first, type, ...)]}``,
    the shape the plain reads give. ``compact``: keep one copy of each repeated text (for a block kept
    long; the recent months' blocks are replaced too often for it to pay)."""
    grouped: dict[ObjectKey, list[Any]] = {}
    one = _Strings()
    for row in rows:
        if compact:
            row = tuple([one(value) if type(value) is str else value for value in row])
        obj = (row[0], row[2], row[3])
        slot = grouped.get(obj)
        if slot is None:
            grouped[obj] = [row[1:]]
        else:
            slot.append(row[1:])
    return _Entry(stamps=stamps, rows=grouped, size=len(rows))
