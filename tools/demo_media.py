"""Real media for the demo: narrations from ``tools/demo/media`` and generated pictures, ingested for real.

``with_demo_media`` returns the territory with every empty media field filled in (stop narrations and
pictures, POI pictures, route covers), so that ``load_territory`` writes them through the same update
functions as any other field: an item whose media is already stored compares equal and keeps its revision.
Media an item already has in the store is reused, never rendered or ingested again, so a second run only
reads. Media given in the territory file wins over both.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from content.blobs import BlobStore, open_blob_store
from content.core.db import Database
from content.core.paging import EVERY_STATUS
from content.core.settings import Settings
from content.media import ingest
from content.pois.queries import get_poi
from content.routes.model import StopRecord
from content.routes.queries import get_route, get_stops
from content.territory import Territory, TerritoryPoi, TerritoryRoute
from tools.demo.artwork import render_artwork

__all__ = [
    "ART_CREDIT",
    "ART_SIZE",
    "DEMO_LICENCE",
    "INGEST_CONCURRENCY",
    "NARRATION_DIR",
    "SPEECH_CREDIT",
    "MediaReport",
    "attach_demo_media",
    "narration_path",
    "with_demo_media",
]

NARRATION_DIR = Path(__file__).resolve().parent / "demo" / "media"
SPEECH_CREDIT = "Odyssée demo (synthetic speech)"
ART_CREDIT = "Odyssée demo (generated art)"
DEMO_LICENCE = "CC0-1.0"
# Decoding and encoding take a core each; the demo machine is assumed to have two.
INGEST_CONCURRENCY = 2
# The largest variant served (``screen``) is at most 1280 px wide, so drawing more pixels would be wasted.
ART_SIZE = (1280, 853)

Progress = Callable[[str], None]


@dataclass
class MediaReport:
    """What ``with_demo_media`` made, and what it found already stored."""

    ingested: int = 0
    reused: int = 0
    skipped: int = 0
    missing_narrations: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Job:
    """One media file to make: a narration to ingest, or a picture to draw then ingest."""

    key: str  # where the media id goes: "<poi|route|stop>/<item id>/<image|lang>"
    label: str
    source: Path | None = None
    art: tuple[str, str, str] | None = None  # (item id, title, category)
    alt: str | None = None


@dataclass
class _Stored:
    poi_images: dict[str, list[str]] = field(default_factory=dict)
    route_covers: dict[str, str | None] = field(default_factory=dict)
    stops: dict[str, StopRecord] = field(default_factory=dict)


def narration_path(stop_id: str, lang: str, directory: Path = NARRATION_DIR) -> Path:
    return directory / f"{stop_id}.{lang}.ogg"


def _french(values: dict[str, str]) -> str:
    return values.get("fr") or next(iter(values.values()), "")


async def _stored(db: Database, territory: Territory) -> _Stored:
    stored = _Stored()
    async with db.read() as conn:
        for poi in territory.pois:
            assert poi.id is not None
            record = await get_poi(conn, poi.id, statuses=EVERY_STATUS)
            if record is not None:
                stored.poi_images[poi.id] = record.images
        for route in territory.routes:
            assert route.id is not None
            route_record = await get_route(conn, route.id, statuses=EVERY_STATUS)
            if route_record is not None:
                stored.route_covers[route.id] = route_record.cover
                stored.stops.update((stop.id, stop) for stop in await get_stops(conn, route.id))
    return stored


def _plan(territory: Territory, stored: _Stored, narrations: Path, report: MediaReport) -> list[_Job]:
    """The media still to make: only for fields empty both in the file and in the store."""
    jobs: list[_Job] = []
    categories = {poi.id: poi.category for poi in territory.pois}
    for poi in territory.pois:
        assert poi.id is not None
        if poi.images or stored.poi_images.get(poi.id):
            report.reused += 1
            continue
        art: tuple[str, str, str] = (poi.id, _french(poi.name), poi.category)
        jobs.append(_Job(f"poi/{poi.id}/image", f"picture of POI {poi.id}", art=art))
    for route in territory.routes:
        assert route.id is not None
        if route.cover is not None or stored.route_covers.get(route.id):
            report.reused += 1
        else:
            art = (route.id, _french(route.title), route.theme)
            jobs.append(_Job(f"route/{route.id}/image", f"cover of route {route.id}", art=art))
        for stop in route.stops:
            if stop.id is None:  # stops without an id get a new one on every load: nothing to attach to
                report.skipped += 1
                continue
            before = stored.stops.get(stop.id)
            if stop.images or (before is not None and before.images):
                report.reused += 1
            else:
                category = categories.get(stop.poi_id, route.theme) if stop.poi_id else route.theme
                art = (stop.id, _french(stop.title), category)
                jobs.append(_Job(f"stop/{stop.id}/image", f"picture of stop {stop.id}", art=art))
            if stop.audio:
                report.reused += 1
                continue
            have = before.audio if before is not None else {}
            for lang in stop.story or stop.title:
                source = narration_path(stop.id, lang, narrations)
                if lang in have:
                    report.reused += 1
                elif source.is_file():
                    label = f"narration of stop {stop.id} ({lang})"
                    caption = stop.title.get(lang)
                    jobs.append(_Job(f"stop/{stop.id}/{lang}", label, source=source, alt=caption))
                else:
                    report.missing_narrations.append(f"{stop.id}.{lang}")
    return jobs


async def _make(
    job: _Job, db: Database, store: BlobStore, settings: Settings, work_dir: Path
) -> tuple[str, str]:
    if job.source is not None:
        ref = await ingest(
            db, store, settings, job.source, credit=SPEECH_CREDIT, licence=DEMO_LICENCE, alt=job.alt
        )
        return job.key, ref.id
    assert job.art is not None
    item_id, title, category = job.art
    data = await asyncio.to_thread(render_artwork, item_id, title, category, size=ART_SIZE)
    path = work_dir / f"{job.key.replace('/', '_')}.jpg"
    await asyncio.to_thread(path.write_bytes, data)
    try:
        ref = await ingest(db, store, settings, path, credit=ART_CREDIT, licence=DEMO_LICENCE, alt=title)
    finally:
        await asyncio.to_thread(path.unlink, True)
    return job.key, ref.id


async def _run(
    jobs: Sequence[_Job], db: Database, store: BlobStore, settings: Settings, progress: Progress
) -> dict[str, str]:
    """Make every job, ``INGEST_CONCURRENCY`` at a time; the first failure cancels the rest."""
    made: dict[str, str] = {}
    limit = asyncio.Semaphore(INGEST_CONCURRENCY)
    work_dir = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="odyssee-demo-"))
    width = len(str(len(jobs)))

    async def one(job: _Job) -> None:
        async with limit:
            key, media_id = await _make(job, db, store, settings, work_dir)
        made[key] = media_id
        progress(f"  [{len(made):>{width}}/{len(jobs)}] {job.label}")

    try:
        async with asyncio.TaskGroup() as group:
            for job in jobs:
                group.create_task(one(job))
    except BaseExceptionGroup as failures:
        raise failures.exceptions[0] from None
    finally:
        await asyncio.to_thread(shutil.rmtree, work_dir, True)
    return made


def _fill(territory: Territory, stored: _Stored, made: dict[str, str]) -> Territory:
    """The territory with file media kept, else stored media, else what was just made."""
    pois: list[TerritoryPoi] = []
    for poi in territory.pois:
        assert poi.id is not None
        images = poi.images or stored.poi_images.get(poi.id) or _one(made.get(f"poi/{poi.id}/image"))
        pois.append(msgspec.structs.replace(poi, images=images))
    routes: list[TerritoryRoute] = []
    for route in territory.routes:
        assert route.id is not None
        cover = route.cover or stored.route_covers.get(route.id) or made.get(f"route/{route.id}/image")
        stops = []
        for stop in route.stops:
            if stop.id is None:
                stops.append(stop)
                continue
            before = stored.stops.get(stop.id)
            made_image = _one(made.get(f"stop/{stop.id}/image"))
            images = stop.images or (before.images if before else []) or made_image
            audio = dict(stop.audio) or dict(before.audio if before else {})
            if not stop.audio:
                for lang in stop.story or stop.title:
                    if lang not in audio and f"stop/{stop.id}/{lang}" in made:
                        audio[lang] = made[f"stop/{stop.id}/{lang}"]
            stops.append(msgspec.structs.replace(stop, images=images, audio=audio))
        routes.append(msgspec.structs.replace(route, cover=cover, stops=stops))
    return msgspec.structs.replace(territory, pois=pois, routes=routes)


def _one(media_id: str | None) -> list[str]:
    return [media_id] if media_id is not None else []


async def with_demo_media(
    db: Database,
    settings: Settings,
    territory: Territory,
    *,
    store: BlobStore | None,
    progress: Progress = print,
    narrations: Path = NARRATION_DIR,
) -> tuple[Territory, MediaReport]:
    """``territory`` with its media filled in, making (ingesting) only what neither it nor the store has.

    With ``store=None`` nothing is made: media already stored is kept, so a quick load never strips it.
    Narrations are ``narrations/<stop-id>.<lang>.ogg`` for each language of the stop's story; a missing
    file is reported, not an error. Stops without an id get none (the loader gives them a new id each time).
    """
    report = MediaReport()
    stored = await _stored(db, territory)
    jobs = _plan(territory, stored, narrations, report)
    made: dict[str, str] = {}
    if store is None:
        report.skipped += len(jobs)
    elif jobs:
        progress(f"demo media: making {len(jobs)} narrations and pictures, {INGEST_CONCURRENCY} at a time")
        made = await _run(jobs, db, store, settings, progress)
        report.ingested = len(made)
    return _fill(territory, stored, made), report


async def attach_demo_media(
    db: Database, settings: Settings, territory: Territory, *, make: bool = True, progress: Progress = print
) -> Territory:
    """``with_demo_media`` on the configured blob store (none when ``make`` is false), with a summary."""
    store = open_blob_store(settings) if make else None
    try:
        filled, report = await with_demo_media(db, settings, territory, store=store, progress=progress)
    finally:
        if store is not None:
            await store.close()
    if report.ingested:
        progress(f"demo media: {report.ingested} made, {report.reused} already attached")
    elif report.skipped and store is None:
        progress(f"demo media: {report.skipped} left out (--no-media), {report.reused} already attached")
    else:
        progress(f"demo media: all {report.reused} already attached")
    if report.missing_narrations:
        missing = ", ".join(report.missing_narrations[:5])
        more = len(report.missing_narrations) - 5
        progress(f"demo media: no narration file for {missing}{f' and {more} more' if more > 0 else ''}")
    return filled
