"""Building deltas on demand, as :mod:`packs.builder` builds packs: the delta ZIP from version N to the
current one, built once and kept as a blob (its format is :mod:`packs.delta_file`)."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import BinaryIO

from content.core.errors import Gone, NotFound
from packs.builder import ZIP_TYPE, PackBuilder
from packs.delta_file import build_delta
from packs.manifest import ManifestEntry, SignedManifest, decode_manifest
from packs.pack_id import PackId
from packs.store import get_delta, get_pack, get_version, record_delta

__all__ = ["DeltaFile", "delta_for"]


@dataclass(frozen=True, slots=True)
class DeltaFile:
    sha256: str
    size: int
    from_version: int
    to_version: int


def _parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


async def delta_for(builder: PackBuilder, pack_id: PackId, from_version: int) -> DeltaFile | None:
    """The delta from ``from_version`` to the current version; None when that is the current version.

    ``NotFound`` for an unknown pack; ``Gone`` for a version never built, or replaced longer ago than
    ``pack_history_days`` (the client then takes the full pack).
    """
    db, blobs = builder.db, builder.blobs
    async with db.snapshot() as conn:
        pack = await get_pack(conn, pack_id)
        if pack is None:
            raise NotFound(f"no pack '{pack_id}'")
        if from_version == pack.version:
            return None
        old = await get_version(conn, pack_id, from_version) if 0 < from_version < pack.version else None
        replaced_by = await get_version(conn, pack_id, from_version + 1) if old else None
        new = await get_version(conn, pack_id, pack.version)
        cached = await get_delta(conn, pack_id, from_version, pack.version)
    history = timedelta(days=builder.settings.pack_history_days)
    if old is None or replaced_by is None or _parse_time(replaced_by.built_at) < builder.clock() - history:
        raise Gone(f"no delta from version {from_version} of {pack_id}; download the full pack")
    if new is None:
        raise NotFound(f"pack '{pack_id}' has no version {pack.version}")
    if cached is not None and await blobs.exists(cached[0]):
        return DeltaFile(cached[0], cached[1], from_version, pack.version)
    # One build per (pack, from, to), however many phones ask at once.
    async with builder.lock(f"delta:{pack_id}:{from_version}:{pack.version}"):
        async with db.read() as conn:
            cached = await get_delta(conn, pack_id, from_version, pack.version)
        if cached is not None and await blobs.exists(cached[0]):
            return DeltaFile(cached[0], cached[1], from_version, pack.version)

        def open_entry(entry: ManifestEntry) -> BinaryIO:
            return blobs.open_reader(entry.sha256)

        out = builder.work_dir / f"{pack_id.stem}.delta-{from_version}-{pack.version}.zip"
        signed = SignedManifest(new.manifest, new.signature)
        job = partial(build_delta, out, decode_manifest(old.manifest), signed, open_entry)
        try:
            await asyncio.to_thread(job)
            stored = await blobs.put_file(out, content_type=ZIP_TYPE)
        finally:
            with suppress(FileNotFoundError):
                await asyncio.to_thread(out.unlink)
        async with db.write() as conn:
            await record_delta(conn, pack_id, from_version, pack.version, stored.sha256, stored.size)
        return DeltaFile(stored.sha256, stored.size, from_version, pack.version)
