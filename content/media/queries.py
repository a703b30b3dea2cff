"""SQL for the ``media`` and ``media_variants`` tables. Parameters are always bound."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from content.core.errors import NotFound
from content.media.profiles import PUBLIC_VARIANTS

__all__ = [
    "MediaRecord",
    "VariantFile",
    "VariantRecord",
    "encode_probe",
    "find_public_variant",
    "insert_media",
    "media_blobs_among",
    "media_by_source",
    "upsert_variant",
    "variants_of",
]


@dataclass(frozen=True, slots=True)
class MediaRecord:
    id: str
    kind: str
    source_sha256: str
    source_type: str
    source_size: int
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    placeholder: str | None = None
    probe: str = "{}"
    credit: str | None = None
    licence: str | None = None
    alt: str | None = None
    created_at: str = ""
    created_by: str | None = None


@dataclass(frozen=True, slots=True)
class VariantRecord:
    media_id: str
    name: str
    profile: str
    sha256: str
    size: int
    type: str
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None


@dataclass(frozen=True, slots=True)
class VariantFile:
    """What serving a variant needs: which blob, how big, what type."""

    sha256: str
    size: int
    type: str


_SELECT_MEDIA = (
    "SELECT id, kind, source_sha256, source_type, source_size, width, height, duration_s, placeholder, probe,"
    " credit, licence, alt, created_at, created_by FROM media"
)
_INSERT_MEDIA = (
    "INSERT INTO media (id, kind, source_sha256, source_type, source_size, width, height, duration_s,"
    " placeholder, probe, credit, licence, alt, created_at, created_by)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SELECT_VARIANTS = (
    "SELECT media_id, name, profile, sha256, size, type, width, height, duration_s FROM media_variants"
)
_UPSERT_VARIANT = (
    "INSERT INTO media_variants (media_id, name, profile, sha256, size, type, width, height, duration_s)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (media_id, name) DO UPDATE SET profile = excluded.profile, sha256 = excluded.sha256,"
    " size = excluded.size, type = excluded.type, width = excluded.width, height = excluded.height,"
    " duration_s = excluded.duration_s"
)


def _media(row: sqlite3.Row) -> MediaRecord:
    return MediaRecord(**{key: row[key] for key in row.keys()})  # noqa: SIM118 -- sqlite3.Row needs keys()


def _variant(row: sqlite3.Row) -> VariantRecord:
    return VariantRecord(**{key: row[key] for key in row.keys()})  # noqa: SIM118


async def media_by_source(conn: aiosqlite.Connection, source_sha256: str) -> MediaRecord | None:
    cursor = await conn.execute(_SELECT_MEDIA + " WHERE source_sha256 = ?", (source_sha256,))
    row = await cursor.fetchone()
    return _media(row) if row is not None else None


async def variants_of(conn: aiosqlite.Connection, media_id: str) -> dict[str, VariantRecord]:
    cursor = await conn.execute(_SELECT_VARIANTS + " WHERE media_id = ? ORDER BY name", (media_id,))
    return {row["name"]: _variant(row) for row in await cursor.fetchall()}


async def insert_media(conn: aiosqlite.Connection, media: MediaRecord) -> None:
    values: tuple[Any, ...] = tuple(getattr(media, name) for name in MediaRecord.__slots__)
    await conn.execute(_INSERT_MEDIA, values)


async def upsert_variant(conn: aiosqlite.Connection, variant: VariantRecord) -> None:
    """Record a variant, replacing the row of an older profile (its blob stays for packs that use it)."""
    values: tuple[Any, ...] = tuple(getattr(variant, name) for name in VariantRecord.__slots__)
    await conn.execute(_UPSERT_VARIANT, values)


async def find_public_variant(conn: aiosqlite.Connection, media_id: str, variant: str) -> VariantFile:
    """The blob behind ``/api/v1/media/{media_id}/{variant}``. Originals and unknown names are NotFound."""
    if variant not in PUBLIC_VARIANTS:
        raise NotFound(f"media variant {variant!r} does not exist; variants are {', '.join(PUBLIC_VARIANTS)}")
    cursor = await conn.execute(
        "SELECT sha256, size, type FROM media_variants WHERE media_id = ? AND name = ?", (media_id, variant)
    )
    row = await cursor.fetchone()
    if row is None:
        raise NotFound(f"media {media_id!r} has no {variant} variant")
    return VariantFile(sha256=row["sha256"], size=row["size"], type=row["type"])


def encode_probe(probe: dict[str, Any]) -> str:
    return json.dumps(probe, sort_keys=True, separators=(",", ":"))


async def media_blobs_among(conn: aiosqlite.Connection, candidates: Iterable[str]) -> set[str]:
    """Those of the blob hashes ``candidates`` that a media source or variant still uses."""
    rows = await conn.execute_fetchall(
        "SELECT value FROM json_each(?) WHERE value IN (SELECT sha256 FROM media_variants)"
        " OR value IN (SELECT source_sha256 FROM media)",
        (json.dumps(sorted(set(candidates))),),
    )
    return {row[0] for row in rows}
