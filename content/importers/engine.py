"""The import engine shared by every source: batches, source tracking, pictures, unpublish-missing.

Each batch is one transaction: an interrupted import leaves the store as it was before the batch it
was writing. An object is written only when it is new or its source says it changed (its date moved,
or, for sources without dates, its content hash); re-running the same feed writes nothing at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import aiosqlite
import msgspec

from content import editing
from content.core.clock import rfc3339
from content.core.db import Database
from content.core.events import EventHub
from content.core.model import Status
from content.core.references import check_office
from content.importers.apply import Incoming, apply_changed, apply_new, republish, unpublish
from content.importers.fetch import FetchError
from content.importers.mapping import CategoryMap
from content.importers.model import Entry, ImportReport, PictureFailure, SourceObject
from content.importers.pictures import PictureFetcher
from content.importers.prepare import Skip, prepare
from content.importers.tracking import (
    SkipState,
    Tracked,
    TrackedState,
    forget_skips,
    provider_pois,
    remember_skips,
    skip_states,
    tracked_by_external_id,
    tracked_states,
)
from content.places.geo import BBox

__all__ = ["ImportOptions", "run_import"]

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


async def _run_batch(run: _Run, batch: list[Entry]) -> None:
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
        return
    async with run.db.read() as conn:
        wanted = [entry.external_id for entry in work if entry.external_id in states] + returning_ids
        tracked = await tracked_by_external_id(conn, options.provider, wanted) if wanted else {}
    new: list[Incoming] = []
    changed: list[Incoming] = []
    returning: list[Tracked] = [tracked[external_id] for external_id in returning_ids]
    new_skips: list[tuple[str, SkipState]] = []
    for entry in work:
        known = tracked.get(entry.external_id)
        source, digest = entry.build(), entry.digest()
        try:
            prepared = prepare(source, options.table, options.bbox)
        except Skip as skip:
            kind = (source.kinds[:1] or ["(none)"])[0]
            _count_skip(report, skip.reason, _where(source, skip.detail), kind)
            if known is None:
                remembered = SkipState(entry.updated_at, digest, run.fingerprint, skip.reason, kind)
                new_skips.append((entry.external_id, remembered))
            continue
        if prepared.hours_as_text:
            report.hours_as_text(_where(source))
        item = Incoming(
            source=source, fields=dict(prepared.fields), digest=digest, pictures={}, tracked=known
        )
        if run.pictures is not None and not options.dry_run:
            item.pictures = await _pictures_of(run, source, known)
            item.fields["images"] = list(dict.fromkeys(item.pictures.values()))[:_MAX_IMAGES]
        if known is not None and known.unpublished_missing:
            returning.append(known)
        (changed if known is not None else new).append(item)
    if not (new or changed or returning or new_skips):
        return
    async with run.batch() as (conn, session):
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


def _where(source: SourceObject | Entry, detail: str = "") -> str:
    label = f"{source.where} ({source.external_id})" if source.external_id else source.where
    return f"{label}: {detail[:200]}" if detail else label


async def _unpublish_missing(run: _Run, seen: set[str]) -> None:
    options = run.options
    if run.report.read == 0:
        run.report.notes.append("the feed held no objects: nothing was unpublished")
        return
    async with run.db.read() as conn:
        rows = await provider_pois(conn, options.provider)
    missing = []
    for poi_id, external_id, status, lat, lon in rows:
        if external_id in seen or status != "published":
            continue
        if options.bbox is not None:
            min_lon, min_lat, max_lon, max_lat = options.bbox
            if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
                continue
        missing.append(poi_id)
    for start in range(0, len(missing), options.batch_size):
        async with run.batch() as (conn, session):
            chunk = missing[start : start + options.batch_size]
            await unpublish(conn, chunk, session=session, report=run.report)


def _fingerprint(options: ImportOptions) -> str:
    """What decides a skip besides the object itself: the mapping table and the area."""
    decided = msgspec.json.encode([sorted(options.table.items()), options.bbox])
    return hashlib.sha256(decided).hexdigest()[:32]


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
    A reader yields :class:`Skip` for an entry it could not read at all.
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
    seen: set[str] = set()
    batch: list[Entry] = []
    for item in objects:
        report.read += 1
        if isinstance(item, Skip):
            report.skip(item.reason, item.detail)
            continue
        source = Entry.of(item) if isinstance(item, SourceObject) else item
        if not source.external_id:
            report.skip("no identifier", source.where)
            continue
        if source.external_id in seen:
            report.skip("duplicate identifier", _where(source))
            continue
        seen.add(source.external_id)
        batch.append(source)
        if len(batch) >= options.batch_size:
            await _run_batch(run, batch)
            batch = []
    if batch:
        await _run_batch(run, batch)
    if options.full_feed:
        await _unpublish_missing(run, seen)
    return report
