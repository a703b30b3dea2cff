"""SQL for areas, packs, pack versions and the delta cache. Parameters are always bound."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

import aiosqlite
import msgspec

from content.places.geo import BBox
from packs.pack_id import PackId

__all__ = [
    "Area",
    "PackRow",
    "VersionRow",
    "add_area",
    "area_ids_meeting",
    "delete_pack",
    "get_area",
    "get_delta",
    "get_pack",
    "get_version",
    "latest_version",
    "list_areas",
    "list_packs",
    "mark_stale",
    "record_delta",
    "record_version",
    "set_fresh",
    "stale_pack_ids",
    "upsert_pack",
]

_lang_map = msgspec.json.Decoder(dict[str, str]).decode
_str_list = msgspec.json.Decoder(list[str]).decode


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    title: dict[str, str]
    bbox: BBox


@dataclass(frozen=True, slots=True)
class PackRow:
    """A pack as the catalogue lists it: its current version."""

    id: str
    kind: str
    title: dict[str, str]
    version: int
    sha256: str
    size: int
    built_at: str
    languages: list[str]
    bbox: BBox
    stale: bool


@dataclass(frozen=True, slots=True)
class VersionRow:
    pack_id: str
    version: int
    manifest: bytes
    signature: bytes
    sha256: str
    size: int
    built_at: str


_AREA_COLUMNS = "id, title, min_lon, min_lat, max_lon, max_lat"
_PACK_COLUMNS = (
    "id, kind, title, version, sha256, size, built_at, languages, min_lon, min_lat, max_lon, max_lat, stale"
)
_VERSION_COLUMNS = "pack_id, version, manifest, signature, sha256, size, built_at"
_LIST_AREAS = f"SELECT {_AREA_COLUMNS} FROM areas ORDER BY id"  # noqa: S608  # constant columns
_LIST_PACKS = f"SELECT {_PACK_COLUMNS} FROM packs ORDER BY id"  # noqa: S608


def _bbox(row: sqlite3.Row) -> BBox:
    return (row["min_lon"], row["min_lat"], row["max_lon"], row["max_lat"])


def _area(row: sqlite3.Row) -> Area:
    return Area(id=row["id"], title=_lang_map(row["title"]), bbox=_bbox(row))


def _pack(row: sqlite3.Row) -> PackRow:
    return PackRow(
        id=row["id"],
        kind=row["kind"],
        title=_lang_map(row["title"]),
        version=row["version"],
        sha256=row["sha256"],
        size=row["size"],
        built_at=row["built_at"],
        languages=_str_list(row["languages"]),
        bbox=_bbox(row),
        stale=bool(row["stale"]),
    )


def _version(row: sqlite3.Row) -> VersionRow:
    return VersionRow(**{key: row[key] for key in row.keys()})  # noqa: SIM118 -- sqlite3.Row needs keys()


async def add_area(
    conn: aiosqlite.Connection, area: Area, *, created_at: str, geometry: str | None = None
) -> None:
    """Create or redefine an area (its pack is rebuilt on the next build)."""
    min_lon, min_lat, max_lon, max_lat = area.bbox
    await conn.execute(
        "INSERT INTO areas (id, title, min_lon, min_lat, max_lon, max_lat, geometry, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET title = excluded.title, min_lon = excluded.min_lon,"
        " min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat,"
        " geometry = excluded.geometry",
        (
            area.id,
            json.dumps(area.title, sort_keys=True),
            min_lon,
            min_lat,
            max_lon,
            max_lat,
            geometry,
            created_at,
        ),
    )


async def get_area(conn: aiosqlite.Connection, area_id: str) -> Area | None:
    rows = list(await conn.execute_fetchall(f"SELECT {_AREA_COLUMNS} FROM areas WHERE id = ?", (area_id,)))  # noqa: S608
    return _area(rows[0]) if rows else None


async def list_areas(conn: aiosqlite.Connection) -> list[Area]:
    rows = await conn.execute_fetchall(_LIST_AREAS)
    return [_area(row) for row in rows]


async def area_ids_meeting(conn: aiosqlite.Connection, bbox: BBox) -> list[str]:
    """Areas whose box meets ``bbox`` (a route's box, or a point's degenerate box)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    rows = await conn.execute_fetchall(
        "SELECT id FROM areas WHERE min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ?"
        " ORDER BY id",
        (max_lon, min_lon, max_lat, min_lat),
    )
    return [row["id"] for row in rows]


async def get_pack(conn: aiosqlite.Connection, pack_id: PackId) -> PackRow | None:
    statement = f"SELECT {_PACK_COLUMNS} FROM packs WHERE id = ?"  # noqa: S608  # constant columns
    rows = list(await conn.execute_fetchall(statement, (str(pack_id),)))
    return _pack(rows[0]) if rows else None


async def list_packs(conn: aiosqlite.Connection) -> list[PackRow]:
    rows = await conn.execute_fetchall(_LIST_PACKS)
    return [_pack(row) for row in rows]


async def get_version(conn: aiosqlite.Connection, pack_id: PackId, version: int) -> VersionRow | None:
    rows = list(
        await conn.execute_fetchall(
            f"SELECT {_VERSION_COLUMNS} FROM pack_versions WHERE pack_id = ? AND version = ?",  # noqa: S608
            (str(pack_id), version),
        )
    )
    return _version(rows[0]) if rows else None


async def latest_version(conn: aiosqlite.Connection, pack_id: PackId) -> VersionRow | None:
    """The newest version kept, even of a pack out of the catalogue (its next version follows it)."""
    rows = list(
        await conn.execute_fetchall(
            f"SELECT {_VERSION_COLUMNS} FROM pack_versions WHERE pack_id = ?"  # noqa: S608
            " ORDER BY version DESC LIMIT 1",
            (str(pack_id),),
        )
    )
    return _version(rows[0]) if rows else None


async def record_version(conn: aiosqlite.Connection, pack: PackRow, version: VersionRow) -> None:
    """Keep ``version`` and make ``pack`` the one served, in the caller's transaction."""
    await conn.execute(
        f"INSERT INTO pack_versions ({_VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
        (
            version.pack_id,
            version.version,
            version.manifest,
            version.signature,
            version.sha256,
            version.size,
            version.built_at,
        ),
    )
    await upsert_pack(conn, pack)


async def upsert_pack(conn: aiosqlite.Connection, pack: PackRow) -> None:
    min_lon, min_lat, max_lon, max_lat = pack.bbox
    await conn.execute(
        f"INSERT INTO packs ({_PACK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"  # noqa: S608
        " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title,"
        " version = excluded.version, sha256 = excluded.sha256, size = excluded.size,"
        " built_at = excluded.built_at, languages = excluded.languages, min_lon = excluded.min_lon,"
        " min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat, stale = 0",
        (
            pack.id,
            pack.kind,
            json.dumps(pack.title, sort_keys=True),
            pack.version,
            pack.sha256,
            pack.size,
            pack.built_at,
            json.dumps(pack.languages),
            min_lon,
            min_lat,
            max_lon,
            max_lat,
            0,
        ),
    )


async def set_fresh(conn: aiosqlite.Connection, pack_id: PackId) -> None:
    await conn.execute("UPDATE packs SET stale = 0 WHERE id = ?", (str(pack_id),))


async def mark_stale(conn: aiosqlite.Connection, pack_ids: list[PackId]) -> None:
    ids = json.dumps([str(pack_id) for pack_id in pack_ids])
    await conn.execute("UPDATE packs SET stale = 1 WHERE id IN (SELECT value FROM json_each(?))", (ids,))


async def stale_pack_ids(conn: aiosqlite.Connection) -> list[PackId]:
    rows = await conn.execute_fetchall("SELECT id FROM packs WHERE stale = 1 ORDER BY id")
    return [PackId.parse(row["id"]) for row in rows]


async def delete_pack(conn: aiosqlite.Connection, pack_id: PackId) -> None:
    """Take a pack out of the catalogue (its route was unpublished); its versions stay for history."""
    await conn.execute("DELETE FROM packs WHERE id = ?", (str(pack_id),))


async def get_delta(
    conn: aiosqlite.Connection, pack_id: PackId, from_version: int, to_version: int
) -> tuple[str, int] | None:
    rows = list(
        await conn.execute_fetchall(
            "SELECT sha256, size FROM pack_deltas WHERE pack_id = ? AND from_version = ? AND to_version = ?",
            (str(pack_id), from_version, to_version),
        )
    )
    return (rows[0]["sha256"], rows[0]["size"]) if rows else None


async def record_delta(
    conn: aiosqlite.Connection, pack_id: PackId, from_version: int, to_version: int, sha256: str, size: int
) -> None:
    await conn.execute(
        "INSERT OR REPLACE INTO pack_deltas (pack_id, from_version, to_version, sha256, size)"
        " VALUES (?, ?, ?, ?, ?)",
        (str(pack_id), from_version, to_version, sha256, size),
    )
