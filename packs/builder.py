"""Building packs: gather the content, decide the version (``plan_header``), write, store, record.

The ZIP is written in a worker thread into a temporary file (``write_pack``), its media streamed from the
blob store (``open_reader``), so memory stays bounded whatever the pack's size; the finished file goes into
the blob store (a pack is a content-addressed blob too) and only then is the new version recorded: until
that one transaction commits, the previous version is the one served.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from content.blobs import BlobStore, open_blob_store
from content.core.db import Database
from content.core.gate import Gate
from content.core.settings import Settings
from content.pack_reads import published_route_ids
from packs.container import EntrySource
from packs.gather import PackContent, gather_area_pack, gather_route_pack
from packs.manifest import PackHeader, decode_manifest
from packs.pack_id import PackId
from packs.plan import plan_header
from packs.signing import KeyRing
from packs.store import (
    PackRow,
    VersionRow,
    delete_pack,
    get_area,
    get_pack,
    get_version,
    latest_version,
    list_areas,
    list_packs,
    record_version,
    set_fresh,
    upsert_pack,
)
from packs.tiles.packing import TileCutter
from packs.writer import write_pack

__all__ = ["ZIP_TYPE", "BuildResult", "PackBuilder", "Progress", "build_all"]

log = logging.getLogger("odyssee.packs")

Progress = Callable[[int, int, str], None]
"""Called after each pack of a batch: ``(done, total, pack_id)``."""
ZIP_TYPE = "application/zip"


@dataclass(frozen=True, slots=True)
class BuildResult:
    pack_id: PackId
    version: int
    sha256: str
    size: int
    changed: bool


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pack_row(content: PackContent, version: int, sha256: str, size: int, built_at: str) -> PackRow:
    return PackRow(
        id=str(content.pack_id),
        kind=content.kind,
        title=content.title,
        version=version,
        sha256=sha256,
        size=size,
        built_at=built_at,
        languages=list(content.languages),
        bbox=content.bbox,
        stale=False,
    )


class PackBuilder:
    """Builds and records packs for one database and blob store (one per app, or per CLI run)."""

    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        settings: Settings,
        *,
        keyring: KeyRing | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.db = db
        self.blobs = blobs
        self.settings = settings
        self.keyring = keyring or KeyRing.from_settings(settings)
        self.clock = clock
        self.work_dir = settings.data_dir / "packs"
        self.tiles = TileCutter(settings, blobs)
        self._locks: dict[str, Gate] = {}

    def lock(self, name: str) -> Gate:
        """The lock that serialises work on ``name`` (a pack id, a delta) within this process."""
        return self._locks.setdefault(name, Gate(1))

    async def _gather(self, pack_id: PackId) -> tuple[PackContent | None, VersionRow | None, bool]:
        """The content, the version to build on, and whether the pack is in the catalogue. A pack that
        left it (its route was unpublished) builds on its last kept version: coming back unchanged it
        is served again as that version, changed it takes the next number, never a second version 1."""
        kind, ident = pack_id.kind, pack_id.key
        default = self.settings.default_lang
        now = self.clock()
        async with self.db.snapshot() as conn:
            if kind == "route":
                content = await gather_route_pack(conn, ident, default, now=now)
            else:
                area = await get_area(conn, ident)
                content = None if area is None else await gather_area_pack(conn, area, default, now=now)
            current = await get_pack(conn, pack_id)
            if current is not None:
                previous = await get_version(conn, pack_id, current.version)
            else:
                previous = await latest_version(conn, pack_id)
        return content, previous, current is not None

    def _sources(self, content: PackContent) -> list[EntrySource]:
        sources = [EntrySource.from_bytes(doc.path, doc.type, doc.data) for doc in content.documents]
        sources += [
            EntrySource(
                media.path,
                media.type,
                media.sha256,
                media.size,
                partial(self.blobs.open_reader, media.sha256),
            )
            for media in content.media
        ]
        return sources

    async def build(self, pack_id: PackId, *, force: bool = False) -> BuildResult | None:
        """Bring ``pack_id`` up to date; None if its route or area no longer exists (it leaves the catalogue).

        Unchanged content keeps the version and writes nothing. ``force`` writes the pack again even then
        and returns the new file's digest without recording it: a check that builds are deterministic.
        """
        async with self.lock(str(pack_id)):
            content, previous, listed = await self._gather(pack_id)
            if content is None:
                async with self.db.write() as conn:
                    await delete_pack(conn, pack_id)
                return None
            # Content documents are stored as blobs too, so a delta can later stream any entry by SHA-256.
            for doc in content.documents:
                await self.blobs.put_bytes(doc.data, content_type=doc.type)
            sources = self._sources(content)
            # The basemap extract (and a vector style) for the pack, or the manifest's "none" marker.
            tiles = await self.tiles.for_pack(content.kind, content.bbox, content.line)
            sources += tiles.sources
            key_id = (await asyncio.to_thread(self.keyring.active)).kid
            previous_manifest = decode_manifest(previous.manifest) if previous else None
            header = plan_header(
                previous_manifest,
                [source.manifest_entry() for source in sources],
                pack_id=str(pack_id),
                languages=content.languages,
                bbox=content.bbox,
                key_id=key_id,
                now=self.clock(),
                valid_for=timedelta(days=self.settings.pack_expiry_days),
                basemap=tiles.marker,
            )
            if header is None and previous is not None and previous_manifest is not None:
                if not force:
                    async with self.db.write() as conn:
                        if listed:
                            await set_fresh(conn, pack_id)
                        else:
                            await upsert_pack(
                                conn,
                                _pack_row(content, previous.version, previous.sha256, previous.size,
                                          previous.built_at),
                            )  # fmt: skip
                    return BuildResult(
                        pack_id, previous.version, previous.sha256, previous.size, changed=False
                    )
                header = PackHeader(
                    pack_id=str(pack_id),
                    version=previous_manifest.version,
                    built_at=previous_manifest.built_at,
                    expires=previous_manifest.expires,
                    languages=previous_manifest.languages,
                    bbox=previous_manifest.bbox,
                    basemap=previous_manifest.basemap,
                )
            assert header is not None
            sha256, size, signed = await self._write(pack_id, sources, header)
            if force and previous is not None and header.version == previous.version:
                return BuildResult(pack_id, header.version, sha256, size, changed=False)
            built_at = _iso(header.built_at)
            row = _pack_row(content, header.version, sha256, size, built_at)
            version = VersionRow(str(pack_id), header.version, signed[0], signed[1], sha256, size, built_at)
            async with self.db.write() as conn:
                await record_version(conn, row, version)
            log.info("pack %s version %d built (%d bytes)", pack_id, header.version, size)
            return BuildResult(pack_id, header.version, sha256, size, changed=True)

    async def _write(
        self, pack_id: PackId, sources: list[EntrySource], header: PackHeader
    ) -> tuple[str, int, tuple[bytes, bytes]]:
        out = self.work_dir / f"{pack_id.stem}.v{header.version}.zip"
        written = await asyncio.to_thread(write_pack, out, sources, header, self.keyring)
        try:
            stored = await self.blobs.take_file(out, content_type=ZIP_TYPE)
        finally:
            with suppress(FileNotFoundError):
                await asyncio.to_thread(out.unlink)
        if stored.sha256 != written.file.sha256:
            raise OSError(f"pack {pack_id} changed while it was stored")
        signed = written.signed
        return stored.sha256, stored.size, (signed.manifest_bytes, signed.signature)

    async def pack_ids(self) -> list[PackId]:
        """Every pack that should exist: one per published route, one per area."""
        async with self.db.read() as conn:
            routes = await published_route_ids(conn)
            areas = await list_areas(conn)
        return [PackId.route(route_id) for route_id in routes] + [PackId.area(area.id) for area in areas]

    async def build_all(self, progress: Progress | None = None) -> list[BuildResult]:
        """Build every pack (unchanged ones cost a read and a hash check), and drop the packs of routes
        no longer published."""
        wanted = await self.pack_ids()
        async with self.db.read() as conn:
            existing = [PackId.parse(pack.id) for pack in await list_packs(conn)]
        targets = wanted + [pack_id for pack_id in existing if pack_id not in wanted]
        results = []
        for done, pack_id in enumerate(targets, 1):
            result = await self.build(pack_id)
            if result is not None:
                results.append(result)
            if progress is not None:
                progress(done, len(targets), str(pack_id))
        return results


async def build_all(settings: Settings, *, progress: Progress | None = None) -> list[BuildResult]:
    """Open the store of ``settings`` and bring every pack up to date (``odyssee demo``, ``packs build``)."""
    async with Database(settings.db_path, readers=1) as db:
        blobs = open_blob_store(settings)
        try:
            return await PackBuilder(db, blobs, settings).build_all(progress)
        finally:
            await blobs.close()
