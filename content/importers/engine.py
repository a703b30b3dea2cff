"""The import engine shared by every source: batches, source tracking, pictures, unpublish-missing.

Each batch is one transaction: an interrupted import leaves the store as it was before the batch it
was writing. An object is written only when it is new or its source says it changed (its date moved,
or, for sources without dates, its content hash); re-running the same feed writes nothing at all.

The feed is read as a stream, in constant memory whatever its size: a worker thread reads the next
batch of objects while the current one is written, the objects are checked in a worker thread too (the
event loop only awaits), and the identifiers already seen (for duplicates, and for unpublishing what a
full feed no longer holds) are kept in a temporary SQLite file rather than in a Python set.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path

import aiosqlite
import msgspec

from content import editing
from content.core.clock import rfc3339
from content.core.db import Database
from content.core.events import EventHub
from content.core.model import Status
from content.core.references import check_office
from content.importers.apply import Incoming, apply_changed, apply_new, republish, unpublish
from content.importers.errors import NotAFeed
from content.importers.fetch import FetchError
from content.importers.mapping import CategoryMap
from content.importers.model import Entry, ImportReport, PictureFailure, SourceObject
from content.importers.pictures import PictureFetcher
from content.importers.prepare import Prepared, Skip, prepare
from content.importers.tracking import (
    SkipState,
    Tracked,
    TrackedState,
    forget_skips,
    provider_pois_after,
    remember_skips,
    skip_states,
    tracked_by_external_id,
    tracked_states,
)
from content.places.geo import BBox

__all__ = ["ImportOptions", "run_import", "tune_for_bulk"]

_MAX_IMAGES = 50
_MAX_PICTURE_FAILURES = 50


@dataclass(frozen=True)
class ImportOptions:
    """How to import one feed. ``full_feed``: objects of ``provider`` missing from it are unpublished."""

    provider: str
    format: str
    table: CategoryMap
    office_id: str | None = None
    status: Status = "published"
    bbox: BBox | None = None
    full_feed: bool = True
    dry_run: bool = False
    batch_size: int = 500


@dataclass
class _Run:
    db: Database
    options: ImportOptions
    pictures: PictureFetcher | None
    now: str
    moment: datetime
    events: EventHub
    report: ImportReport
    fingerprint: str

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[tuple[aiosqlite.Connection, editing.EditSession | None]]:
        """One transaction of the editing workflow (a command-line session: no principal, no If-Match),
        or a reader and no session for a dry run."""
        if self.options.dry_run:
            async with self.db.read() as conn:
                yield conn, None
        else:
            async with self.events.write(self.db) as pending:
                session = editing.EditSession(
                    db=self.db, events=self.events, principal=None, now=self.moment, joined=pending
                )
                yield pending.conn, session


def _unchanged(tracked: TrackedState | SkipState, entry: Entry) -> bool:
    if entry.updated_at is not None and tracked.source_updated_at is not None:
        return entry.updated_at <= tracked.source_updated_at
    return entry.digest() == tracked.digest


def _count_skip(report: ImportReport, reason: str, where: str, kind: str) -> None:
    report.skip(reason, where)
    if reason == "unmapped category":
        report.unmapped_kinds[kind] = report.unmapped_kinds.get(kind, 0) + 1


async def _pictures_of(run: _Run, source: SourceObject, tracked: Tracked | None) -> dict[str, str]:
    """``{url: media id}`` for the object's pictures that could be had; failures are counted."""
    known = tracked.pictures if tracked else {}
    found: dict[str, str] = {}
    assert run.pictures is not None
    for picture in source.pictures:
        if picture.url in found:
            continue
        if picture.url in known:
            found[picture.url] = known[picture.url]
            continue
        try:
            found[picture.url] = await run.pictures.media_id(picture)
        except FetchError as exc:
            run.report.pictures_failed += 1
            if len(run.report.picture_failures) < _MAX_PICTURE_FAILURES:
                run.report.picture_failures.append(
                    PictureFailure(external_id=source.external_id, url=picture.url[:500], reason=str(exc))
                )
            continue
        run.report.pictures_fetched += 1
    return found


@dataclass
class _Plan:
    """What one batch will write, decided from the store as it was before the batches in flight (they
    hold other identifiers: duplicates never reach a batch)."""

    new: list[Incoming]
    changed: list[Incoming]
    returning: list[Tracked]
    new_skips: list[tuple[str, SkipState]]
    skipped: dict[str, SkipState]


async def _plan_batch(run: _Run, batch: list[Entry]) -> _Plan | None:
    """Which objects of the batch are new, changed, unchanged, skipped or back: reads the store, and
    reads and checks the objects that will be written (in a worker thread)."""
    options, report = run.options, run.report
    ids = [entry.external_id for entry in batch]
    async with run.db.read() as conn:
        states = await tracked_states(conn, options.provider, ids)
        skipped = await skip_states(conn, options.provider, [i for i in ids if i not in states])
    work: list[Entry] = []
    returning_ids: list[str] = []
    for entry in batch:
        state = states.get(entry.external_id)
        earlier = skipped.get(entry.external_id)
        if state is not None and _unchanged(state, entry):
            report.unchanged += 1
            if state.unpublished_missing:
                returning_ids.append(entry.external_id)
        elif earlier is not None and earlier.fingerprint == run.fingerprint and _unchanged(earlier, entry):
            _count_skip(report, earlier.reason, _where(entry), earlier.kind)
        else:
            work.append(entry)
    if not (work or returning_ids):
        return None
    async with run.db.read() as conn:
        wanted = [entry.external_id for entry in work if entry.external_id in states] + returning_ids
        tracked = await tracked_by_external_id(conn, options.provider, wanted) if wanted else {}
    new: list[Incoming] = []
    changed: list[Incoming] = []
    returning: list[Tracked] = [tracked[external_id] for external_id in returning_ids]
    new_skips: list[tuple[str, SkipState]] = []
    checked = await asyncio.to_thread(_prepare_all, work, options)
    for entry, (source, digest, prepared) in zip(work, checked, strict=True):
        known = tracked.get(entry.external_id)
        if isinstance(prepared, Skip):
            skip = prepared
            kind = (source.kinds[:1] or ["(none)"])[0]
            _count_skip(report, skip.reason, _where(source, skip.detail), kind)
            if known is None:
                remembered = SkipState(entry.updated_at, digest, run.fingerprint, skip.reason, kind)
                new_skips.append((entry.external_id, remembered))
            continue
        if prepared.hours_as_text:
            report.hours_as_text(_where(source))
        item = Incoming(
            source=source,
            fields=dict(prepared.fields),
            digest=digest,
            pictures={},
            tracked=known,
            values=prepared.values,
        )
        if run.pictures is not None and not options.dry_run:
            item.pictures = await _pictures_of(run, source, known)
            item.fields["images"] = list(dict.fromkeys(item.pictures.values()))[:_MAX_IMAGES]
        if known is not None and known.unpublished_missing:
            returning.append(known)
        (changed if known is not None else new).append(item)
    if not (new or changed or returning or new_skips):
        return None
    return _Plan(new, changed, returning, new_skips, skipped)


class _Transaction:
    """A batch's transaction (a dry run's reader), held open across the slices written into it: entered
    by the first slice's write, committed once ``batch_size`` objects were written (or at the end), and
    rolled back by an error. Each slice is planned while the one before it is written."""

    def __init__(self, run: _Run) -> None:
        self._run = run
        self._stack: AsyncExitStack | None = None
        self._held: tuple[aiosqlite.Connection, editing.EditSession | None] | None = None
        self.objects = 0

    async def open(self) -> tuple[aiosqlite.Connection, editing.EditSession | None]:
        if self._stack is None or self._held is None:
            stack = AsyncExitStack()
            self._held = await stack.enter_async_context(self._run.batch())
            self._stack, self.objects = stack, 0
        return self._held

    async def written(self, objects: int) -> None:
        """Count a slice's objects; commit when the batch is full (a dry run: after every slice)."""
        self.objects += objects
        if self.objects >= self._run.options.batch_size or self._run.options.dry_run:
            await self.commit()

    async def commit(self) -> None:
        stack, self._stack, self._held = self._stack, None, None
        if stack is not None:
            await stack.aclose()

    async def abort(self, exc: BaseException) -> None:
        stack, self._stack, self._held = self._stack, None, None
        if stack is not None:
            try:
                await stack.__aexit__(type(exc), exc, exc.__traceback__)
            except BaseException as again:  # the same error, raised again after the rollback
                if again is not exc:
                    raise


async def _write_plan(run: _Run, plan: _Plan, transaction: _Transaction) -> None:
    """A slice written into the batch's transaction (a dry run's: the same decisions, counted, nothing
    written); an error rolls the whole batch back."""
    try:
        await _write_into(run, plan, *await transaction.open())
    except BaseException as exc:
        await transaction.abort(exc)
        raise
    await transaction.written(len(plan.new) + len(plan.changed) + len(plan.returning) + len(plan.new_skips))


async def _write_into(
    run: _Run, plan: _Plan, conn: aiosqlite.Connection, session: editing.EditSession | None
) -> None:
    options, report = run.options, run.report
    new, changed, returning, new_skips, skipped = (
        plan.new,
        plan.changed,
        plan.returning,
        plan.new_skips,
        plan.skipped,
    )
    write = session is not None
    if write and new_skips:
        await remember_skips(conn, options.provider, new_skips)
    no_longer_skipped = [item.source.external_id for item in new if item.source.external_id in skipped]
    if write and no_longer_skipped:
        await forget_skips(conn, options.provider, no_longer_skipped)
    await apply_new(
        conn,
        new,
        provider=options.provider,
        office_id=options.office_id,
        status=options.status,
        now=run.now,
        write=write,
        report=report,
    )
    await apply_changed(conn, changed, session=session, now=run.now, report=report)
    await republish(conn, returning, session=session, report=report)


def _prepare_all(
    work: list[Entry], options: ImportOptions
) -> list[tuple[SourceObject, str, Prepared | Skip]]:
    """Each entry read in full and checked (CPU work: run in a worker thread)."""
    done: list[tuple[SourceObject, str, Prepared | Skip]] = []
    for entry in work:
        source, digest = entry.build(), entry.digest()
        try:
            done.append((source, digest, prepare(source, options.table, options.bbox)))
        except Skip as skip:
            done.append((source, digest, skip))
    return done


def _where(source: SourceObject | Entry, detail: str = "") -> str:
    label = f"{source.where} ({source.external_id})" if source.external_id else source.where
    return f"{label}: {detail[:200]}" if detail else label


_PAGE = 5000
# Objects read, planned and checked together: a batch (one transaction) of more objects is written in
# slices of this many, so that the memory held does not grow with the batch size.
_SLICE = 500


def _slice(options: ImportOptions) -> int:
    return min(options.batch_size, _SLICE)


async def _unpublish_missing(run: _Run, seen: _SeenIds) -> None:
    """Published POIs of the provider that the feed no longer holds, page by page (by POI id)."""
    options = run.options
    if run.report.read == 0:
        run.report.notes.append("the feed held no objects: nothing was unpublished")
        return
    after = ""
    missing: list[str] = []
    while True:
        async with run.db.read() as conn:
            rows = await provider_pois_after(conn, options.provider, after, _PAGE)
        if not rows:
            break
        after = rows[-1][0]
        candidates = [row for row in rows if row[2] == "published" and _inside(options.bbox, row[3], row[4])]
        absent = await asyncio.to_thread(seen.absent, [row[1] for row in candidates])
        missing.extend(row[0] for row in candidates if row[1] in absent)
        while len(missing) >= options.batch_size:
            await _unpublish_batch(run, missing[: options.batch_size])
            del missing[: options.batch_size]
    if missing:
        await _unpublish_batch(run, missing)


async def _unpublish_batch(run: _Run, poi_ids: list[str]) -> None:
    async with run.batch() as (conn, session):
        await unpublish(conn, poi_ids, session=session, report=run.report)


def _inside(bbox: BBox | None, lat: float, lon: float) -> bool:
    if bbox is None:
        return True
    min_lon, min_lat, max_lon, max_lat = bbox
    return min_lon <= lon <= max_lon and min_lat <= lat <= max_lat


class _SeenIds:
    """The external ids a run has read, in a temporary SQLite file: a feed of millions of objects
    would otherwise hold them all in memory. Used from one thread at a time."""

    def __init__(self, directory: Path) -> None:
        self._conn = sqlite3.connect(
            directory / "seen.sqlite3", isolation_level=None, check_same_thread=False
        )
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -8192"):
            self._conn.execute(f"PRAGMA {pragma}")
        self._conn.execute("CREATE TABLE seen (external_id TEXT PRIMARY KEY) WITHOUT ROWID")

    def close(self) -> None:
        self._conn.close()

    def add(self, external_ids: Sequence[str]) -> set[str]:
        """Remember ``external_ids``; returns those that were remembered before this call."""
        added = {
            row[0]
            for row in self._conn.execute(
                "INSERT INTO seen SELECT value FROM json_each(?) WHERE true"
                " ON CONFLICT DO NOTHING RETURNING external_id",
                (_encode_ids(list(external_ids)).decode(),),
            )
        }
        return set(external_ids) - added

    def absent(self, external_ids: Sequence[str]) -> set[str]:
        rows = self._conn.execute(
            "SELECT value FROM json_each(?) WHERE value NOT IN (SELECT external_id FROM seen)",
            (_encode_ids(list(external_ids)).decode(),),
        )
        return {row[0] for row in rows}


_encode_ids = msgspec.json.Encoder().encode


def _read_chunk(
    items: Iterator[Entry | SourceObject | Skip], size: int, seen: _SeenIds
) -> tuple[list[Entry | Skip], NotAFeed | None]:
    """The next ``size`` objects of the feed (fewer at its end), each an entry or a :class:`Skip` (one
    the reader could not read, one without an identifier, or one whose identifier came earlier in the
    feed), and the error that stopped the reading, if any. Runs in a worker thread: reading, parsing
    and telling duplicates is CPU work."""
    chunk: list[Entry | Skip] = []
    error = None
    try:
        for item in islice(items, size):
            if isinstance(item, Skip):
                chunk.append(item)
                continue
            entry = Entry.of(item) if isinstance(item, SourceObject) else item
            chunk.append(entry if entry.external_id else Skip("no identifier", entry.where))
    except NotAFeed as exc:
        error = exc
    before = seen.add([e.external_id for e in chunk if isinstance(e, Entry)])
    kept: set[str] = set()
    for index, read in enumerate(chunk):
        if isinstance(read, Entry):
            if read.external_id in before or read.external_id in kept:
                chunk[index] = Skip("duplicate identifier", _where(read))
            else:
                kept.add(read.external_id)
    return chunk, error


class _Prefetch:
    """The feed in chunks, each read in a worker thread while the caller works on the previous one."""

    def __init__(self, objects: Iterable[Entry | SourceObject | Skip], size: int, seen: _SeenIds) -> None:
        self._items = iter(objects)
        self._size = size
        self._seen = seen
        self._pending: asyncio.Future[tuple[list[Entry | Skip], NotAFeed | None]] | None = None
        self._error: NotAFeed | None = None

    def _start(self) -> asyncio.Future[tuple[list[Entry | Skip], NotAFeed | None]]:
        return asyncio.ensure_future(asyncio.to_thread(_read_chunk, self._items, self._size, self._seen))

    async def next(self) -> list[Entry | Skip]:
        """The next chunk (empty at the end of the feed); the one after it is read meanwhile. The
        objects read before an unreadable part come first, then :class:`NotAFeed`."""
        if self._error is not None:
            raise self._error
        chunk, self._error = await (self._pending or self._start())
        self._pending = self._start() if chunk and self._error is None else None
        if not chunk and self._error is not None:
            raise self._error
        return chunk

    async def close(self) -> None:
        """Wait for a read under way (a thread cannot be interrupted), whatever it gave."""
        pending, self._pending = self._pending, None
        if pending is not None:
            await asyncio.wait([pending])
            if not pending.cancelled():
                pending.exception()  # retrieved: an error there is not the caller's


def _fingerprint(options: ImportOptions) -> str:
    """What decides a skip besides the object itself: the mapping table and the area."""
    decided = msgspec.json.encode([sorted(options.table.items()), options.bbox])
    return hashlib.sha256(decided).hexdigest()[:32]


async def tune_for_bulk(db: Database, *, cache_mib: int = 64) -> None:
    """Settings for a long import on a store of its own (the command line): a fixed page cache, shared
    by every batch, and no memory-mapped reads, so that the process's memory does not grow with the
    size of the database."""
    async with db.write() as conn:
        await conn.execute(f"PRAGMA cache_size = {-int(cache_mib) * 1024}")
        await conn.execute("PRAGMA mmap_size = 0")
    async with db.read() as conn:
        await conn.execute("PRAGMA mmap_size = 0")


async def run_import(
    db: Database,
    objects: Iterable[Entry | SourceObject | Skip],
    options: ImportOptions,
    *,
    pictures: PictureFetcher | None,
    now: datetime,
    events: EventHub | None = None,
) -> ImportReport:
    """Import ``objects`` (from one of the readers) and say what happened.

    ``pictures`` None imports no pictures (``--no-media``): stored pictures are then left as they are.
    A reader yields :class:`Skip` for an entry it could not read at all. ``objects`` is read lazily,
    in a worker thread; a streamed feed that turns out unreadable part-way raises :class:`NotAFeed`
    there: the batches before it are imported, and nothing is unpublished.
    """
    report = ImportReport(
        provider=options.provider, format=options.format, dry_run=options.dry_run, full_feed=options.full_feed
    )
    async with db.read() as conn:
        await check_office(conn, options.office_id, "office")
    run = _Run(
        db=db,
        options=options,
        pictures=pictures,
        now=rfc3339(now),
        moment=now,
        events=events or EventHub(),
        report=report,
        fingerprint=_fingerprint(options),
    )
    with tempfile.TemporaryDirectory(prefix="odyssee-import-") as work:
        seen = _SeenIds(Path(work))
        feed = _Prefetch(objects, _slice(options), seen)
        try:
            await _read_and_write(run, feed)
            if options.full_feed:
                await _unpublish_missing(run, seen)
        finally:
            await feed.close()
            seen.close()
    return report


class _Writer:
    """Slices written one after the other into the batch's transaction, each while the next one is
    planned (read and checked)."""

    def __init__(self, run: _Run) -> None:
        self._run = run
        self._writing: asyncio.Future[None] | None = None
        self._transaction = _Transaction(run)

    async def add(self, batch: list[Entry]) -> None:
        if self._run.pictures is not None:
            # Fetching pictures is slow anyway: each slice is written before the next one's pictures are
            # asked for, so that a run stopped while it waits for one leaves the batches before it whole.
            await self.drain()
        plan = await _plan_batch(self._run, batch)
        await self.drain()
        if plan is not None:
            self._writing = asyncio.ensure_future(_write_plan(self._run, plan, self._transaction))

    async def drain(self) -> None:
        """Wait for the slice being written (its error is raised here)."""
        writing, self._writing = self._writing, None
        if writing is not None:
            await writing

    async def finish(self) -> None:
        """Wait for the last slice and commit the last batch."""
        await self.drain()
        await self._transaction.commit()

    async def close(self) -> None:
        """After an error elsewhere: let the slice being written finish or fail, whatever it gave, and
        roll back the batch it belongs to."""
        writing, self._writing = self._writing, None
        if writing is not None:
            await asyncio.wait([writing])
            if not writing.cancelled():
                writing.exception()
        await self._transaction.abort(_Interrupted())


class _Interrupted(Exception):
    """Why a batch is rolled back when the import stopped for a reason of its own."""


async def _read_and_write(run: _Run, feed: _Prefetch) -> None:
    writer = _Writer(run)
    try:
        await _read_into(run, feed, writer)
        await writer.finish()
    finally:
        await writer.close()


async def _read_into(run: _Run, feed: _Prefetch, writer: _Writer) -> None:
    report, batch = run.report, list[Entry]()
    while True:
        try:
            chunk = await feed.next()
        except NotAFeed as exc:
            if report.read == 0:
                raise
            if batch:
                await writer.add(batch)
            await writer.finish()
            raise NotAFeed(
                f"{exc} (after {report.read} objects, which were imported; nothing was unpublished)"
            ) from None
        if not chunk:
            break
        for item in chunk:
            report.read += 1
            if isinstance(item, Skip):
                report.skip(item.reason, item.detail)
                continue
            batch.append(item)
            if len(batch) >= _slice(run.options):
                await writer.add(batch)
                batch = []
    if batch:
        await writer.add(batch)
