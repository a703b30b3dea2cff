"""SQL over ``import_sources``: where each imported POI came from and what the import last wrote."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import aiosqlite
import msgspec

from content.pois.model import PoiSource as ImportSource

__all__ = [
    "ImportSource",
    "SkipState",
    "Tracked",
    "TrackedState",
    "forget_skips",
    "insert_tracked",
    "provider_pois_after",
    "remember_skips",
    "set_unpublished_missing",
    "skip_states",
    "source_of",
    "tracked_by_external_id",
    "tracked_states",
    "update_tracked",
]

_encode = msgspec.json.Encoder().encode
_fields = msgspec.json.Decoder(dict[str, Any]).decode
_pictures = msgspec.json.Decoder(dict[str, str]).decode


class Tracked(msgspec.Struct, kw_only=True):
    poi_id: str
    provider: str
    external_id: str
    source_updated_at: str | None
    digest: str
    baseline: dict[str, Any]
    pictures: dict[str, str]
    conflicts: dict[str, Any]
    unpublished_missing: bool


_COLUMNS = (
    "poi_id, provider, external_id, source_updated_at, digest, baseline, pictures, conflicts,"
    " unpublished_missing"
)


def _tracked(row: Any) -> Tracked:
    return Tracked(
        poi_id=row[0],
        provider=row[1],
        external_id=row[2],
        source_updated_at=row[3],
        digest=row[4],
        baseline=_fields(row[5]),
        pictures=_pictures(row[6]),
        conflicts=_fields(row[7]),
        unpublished_missing=bool(row[8]),
    )


async def tracked_by_external_id(
    conn: aiosqlite.Connection, provider: str, external_ids: Sequence[str]
) -> dict[str, Tracked]:
    """The tracked POIs of ``provider`` among ``external_ids``, by external id."""
    rows = await conn.execute_fetchall(
        f"SELECT {_COLUMNS} FROM import_sources WHERE provider = ?"  # noqa: S608 - constant columns
        " AND external_id IN (SELECT value FROM json_each(?))",
        (provider, _encode(list(external_ids)).decode()),
    )
    return {row[2]: _tracked(row) for row in rows}


class TrackedState(NamedTuple):
    """What deciding "unchanged" needs, without decoding what the import last wrote."""

    poi_id: str
    source_updated_at: str | None
    digest: str
    unpublished_missing: bool


async def tracked_states(
    conn: aiosqlite.Connection, provider: str, external_ids: Sequence[str]
) -> dict[str, TrackedState]:
    rows = await conn.execute_fetchall(
        "SELECT external_id, poi_id, source_updated_at, digest, unpublished_missing FROM import_sources"
        " WHERE provider = ? AND external_id IN (SELECT value FROM json_each(?))",
        (provider, _encode(list(external_ids)).decode()),
    )
    return {row[0]: TrackedState(row[1], row[2], row[3], bool(row[4])) for row in rows}


async def provider_pois_after(
    conn: aiosqlite.Connection, provider: str, after: str, limit: int
) -> list[tuple[str, str, str, float, float]]:
    """``(poi_id, external_id, status, lat, lon)`` of the POIs imported from ``provider`` whose id
    sorts after ``after``, ``limit`` of them in id order (``""``: from the first)."""
    rows = await conn.execute_fetchall(
        "SELECT s.poi_id, s.external_id, p.status, p.lat, p.lon FROM import_sources s"
        # ``+s.provider``: walk the poi_id index from ``after`` (the provider index would read and sort
        # every POI of the provider for each page).
        " JOIN pois p ON p.id = s.poi_id WHERE +s.provider = ? AND s.poi_id > ? ORDER BY s.poi_id LIMIT ?",
        (provider, after, limit),
    )
    return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]


async def source_of(conn: aiosqlite.Connection, poi_id: str) -> ImportSource | None:
    rows = list(
        await conn.execute_fetchall(
            "SELECT provider, external_id, source_updated_at FROM import_sources WHERE poi_id = ?", (poi_id,)
        )
    )
    if not rows:
        return None
    return ImportSource(provider=rows[0][0], external_id=rows[0][1], updated_at=rows[0][2])


_INSERT = (
    "INSERT INTO import_sources (poi_id, provider, external_id, source_updated_at, digest, baseline,"
    " pictures, conflicts, unpublished_missing, imported_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE = (
    "UPDATE import_sources SET source_updated_at = ?, digest = ?, baseline = ?, pictures = ?, conflicts = ?,"
    " unpublished_missing = ?, imported_at = ? WHERE poi_id = ?"
)


def _row(tracked: Tracked) -> tuple[Any, ...]:
    return (
        tracked.source_updated_at,
        tracked.digest,
        _encode(tracked.baseline).decode(),
        _encode(tracked.pictures).decode(),
        _encode(tracked.conflicts).decode(),
        int(tracked.unpublished_missing),
    )


# Many rows as one JSON array read by one statement, which SQLite runs without the GIL.
_INSERT_JSON = (
    "INSERT INTO import_sources (poi_id, provider, external_id, source_updated_at, digest, baseline,"
    " pictures, conflicts, unpublished_missing, imported_at)"
    " SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,"
    " value ->> 7, value ->> 8, ? FROM json_each(?)"
)


async def insert_tracked(conn: aiosqlite.Connection, rows: Iterable[Tracked], imported_at: str) -> None:
    encoded = [(t.poi_id, t.provider, t.external_id, *_row(t)) for t in rows]
    if len(encoded) > 1:
        await conn.execute(_INSERT_JSON, (imported_at, _encode(encoded).decode()))
    elif encoded:
        await conn.execute(_INSERT, (*encoded[0], imported_at))


async def update_tracked(conn: aiosqlite.Connection, rows: Iterable[Tracked], imported_at: str) -> None:
    await conn.executemany(_UPDATE, ((*_row(t), imported_at, t.poi_id) for t in rows))


async def set_unpublished_missing(conn: aiosqlite.Connection, poi_ids: Iterable[str], flag: bool) -> None:
    await conn.executemany(
        "UPDATE import_sources SET unpublished_missing = ? WHERE poi_id = ?",
        ((int(flag), poi_id) for poi_id in poi_ids),
    )


class SkipState(NamedTuple):
    source_updated_at: str | None
    digest: str
    fingerprint: str
    reason: str
    kind: str


async def skip_states(
    conn: aiosqlite.Connection, provider: str, external_ids: Sequence[str]
) -> dict[str, SkipState]:
    """Objects of ``provider`` among ``external_ids`` that an earlier run skipped."""
    rows = await conn.execute_fetchall(
        "SELECT external_id, source_updated_at, digest, fingerprint, reason, kind FROM import_skips"
        " WHERE provider = ? AND external_id IN (SELECT value FROM json_each(?))",
        (provider, _encode(list(external_ids)).decode()),
    )
    return {row[0]: SkipState(row[1], row[2], row[3], row[4], row[5]) for row in rows}


async def remember_skips(
    conn: aiosqlite.Connection, provider: str, skips: Iterable[tuple[str, SkipState]]
) -> None:
    await conn.executemany(
        "INSERT INTO import_skips"
        " (provider, external_id, source_updated_at, digest, fingerprint, reason, kind)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider, external_id) DO UPDATE SET"
        " source_updated_at = excluded.source_updated_at, digest = excluded.digest,"
        " fingerprint = excluded.fingerprint, reason = excluded.reason, kind = excluded.kind",
        [(provider, external_id, *state) for external_id, state in skips],
    )


async def forget_skips(conn: aiosqlite.Connection, provider: str, external_ids: Sequence[str]) -> None:
    await conn.execute(
        "DELETE FROM import_skips WHERE provider = ? AND external_id IN (SELECT value FROM json_each(?))",
        (provider, _encode(list(external_ids)).decode()),
    )
