"""Pruning pack history: versions no delta is served from any more, their deltas, and blobs only they used.

``delta_for`` answers 410 for a version replaced more than ``settings.pack_history_days`` ago, so such a
version is dropped, with every cached delta from it, and every delta to a version that is no longer
current (deltas are only ever served to the current version). The newest version of each pack is always
kept, the current one or, for a pack out of the catalogue (its route unpublished), the last one built:
if the route comes back, its pack continues from that number (a phone refuses a lower version). A blob
goes only if it was the ZIP or an entry of a dropped version, or a dropped delta, and nothing kept still
uses it: no kept version's ZIP or entry, no kept delta, no media original or variant.

Rows go in one transaction; blobs are deleted after it commits, so a crash between leaves unreferenced
blobs (wasted space only), never a row pointing at a missing blob. A build running at that
moment may re-put a content document about to be deleted; the build then fails on it, keeps the
previous version served, and the next build puts the document again.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiosqlite

from content.blobs import BlobStore
from content.core.db import Database
from content.media.queries import media_blobs_among
from packs.manifest import decode_manifest

__all__ = ["PruneReport", "prune_packs"]


@dataclass(frozen=True, slots=True)
class PruneReport:
    versions: int
    deltas: int
    blobs: int


@dataclass(frozen=True, slots=True)
class _Version:
    pack_id: str
    version: int
    built_at: str
    sha256: str
    manifest: bytes

    def blobs(self) -> set[str]:
        return {self.sha256} | {entry.sha256 for entry in decode_manifest(self.manifest).entries}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def _versions(conn: aiosqlite.Connection) -> list[_Version]:
    rows = await conn.execute_fetchall(
        "SELECT pack_id, version, built_at, sha256, manifest FROM pack_versions ORDER BY pack_id, version"
    )
    return [_Version(row[0], row[1], row[2], row[3], bytes(row[4])) for row in rows]


def _expired(versions: list[_Version], current: dict[str, int], cutoff: str) -> list[_Version]:
    """Versions replaced (by the next one built) before ``cutoff``; built_at text compares as time.
    ``versions`` is ordered by pack, then version."""
    expired = []
    for version, following in itertools.pairwise(versions):
        if following.pack_id != version.pack_id or current.get(version.pack_id) == version.version:
            continue  # the newest of its pack, or the one served
        if following.built_at < cutoff:
            expired.append(version)
    return expired


async def _in_use(conn: aiosqlite.Connection, candidates: Iterable[str]) -> set[str]:
    """Those of ``candidates`` still used by a kept version, delta, pack or media (after the deletes)."""
    wanted = set(candidates)
    rows = await conn.execute_fetchall(
        "SELECT value FROM json_each(?) WHERE value IN (SELECT sha256 FROM pack_deltas)"
        " OR value IN (SELECT sha256 FROM pack_versions) OR value IN (SELECT sha256 FROM packs)",
        (json.dumps(sorted(wanted)),),
    )
    used = {row[0] for row in rows} | await media_blobs_among(conn, wanted)
    for version in await _versions(conn):
        used |= version.blobs() & wanted
    return used


async def prune_packs(db: Database, blobs: BlobStore, *, history_days: int, now: datetime) -> PruneReport:
    """Drop pack versions replaced more than ``history_days`` before ``now``, stale deltas, unused blobs."""
    cutoff = _iso(now - timedelta(days=history_days))
    async with db.write() as conn:
        current = {row[0]: row[1] for row in await conn.execute_fetchall("SELECT id, version FROM packs")}
        expired = _expired(await _versions(conn), current, cutoff)
        dropped = {(version.pack_id, version.version) for version in expired}
        delta_rows = [
            (row[0], row[1], row[2], row[3])
            for row in await conn.execute_fetchall(
                "SELECT d.pack_id, d.from_version, d.to_version, d.sha256, p.version FROM pack_deltas AS d"
                " LEFT JOIN packs AS p ON p.id = d.pack_id"
            )
            if row[4] is None or row[2] != row[4] or (row[0], row[1]) in dropped
        ]
        candidates = {row[3] for row in delta_rows}
        for version in expired:
            candidates |= version.blobs()
        await conn.executemany(
            "DELETE FROM pack_deltas WHERE pack_id = ? AND from_version = ? AND to_version = ?",
            [(row[0], row[1], row[2]) for row in delta_rows],
        )
        await conn.executemany(
            "DELETE FROM pack_versions WHERE pack_id = ? AND version = ?",
            [(version.pack_id, version.version) for version in expired],
        )
        unused = sorted(candidates - await _in_use(conn, candidates))
    removed = 0
    for sha256 in unused:
        removed += await blobs.delete(sha256)
    return PruneReport(versions=len(expired), deltas=len(delta_rows), blobs=removed)
