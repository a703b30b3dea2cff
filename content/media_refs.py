"""Media references for the public API: media ids stored on content → ``MediaRef`` with variant URLs.

One query per call whatever the number of ids, so a list page resolves all its pictures at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import aiosqlite
import msgspec

from content.model import MediaRef, MediaVariant

__all__ = ["PRIVATE_VARIANTS", "load_media_refs", "media_kinds", "variant_url"]

# Originals are never public (they may carry metadata); only derived variants get a URL.
PRIVATE_VARIANTS = frozenset({"original", "source"})

_REFS_SQL = """
SELECT m.id, m.kind, m.width, m.height, m.duration_s, m.placeholder, m.credit, m.licence, m.alt,
       v.name AS variant, v.sha256, v.size, v.type, v.width AS variant_width, v.height AS variant_height
FROM media AS m
LEFT JOIN media_variants AS v ON v.media_id = m.id
WHERE m.id IN (SELECT value FROM json_each(?))
ORDER BY m.id, v.name
"""
_KINDS_SQL = "SELECT id, kind FROM media WHERE id IN (SELECT value FROM json_each(?))"
_encode = msgspec.json.Encoder().encode


def variant_url(media_id: str, variant: str) -> str:
    return f"/api/v1/media/{media_id}/{variant}"


def _unique(ids: Iterable[str]) -> list[str]:
    return sorted({i for i in ids if i})


async def load_media_refs(conn: aiosqlite.Connection, ids: Iterable[str]) -> dict[str, MediaRef]:
    """Refs for the ids that exist; unknown ids are simply absent from the result."""
    wanted = _unique(ids)
    if not wanted:
        return {}
    rows = await conn.execute_fetchall(_REFS_SQL, (_encode(wanted).decode(),))
    variants: dict[str, dict[str, MediaVariant]] = {}
    heads: dict[str, sqlite3.Row] = {}
    for row in rows:
        media_id = row["id"]
        heads.setdefault(media_id, row)
        found = variants.setdefault(media_id, {})
        name = row["variant"]
        if name is not None and name not in PRIVATE_VARIANTS:
            found[name] = MediaVariant(
                url=variant_url(media_id, name),
                sha256=row["sha256"],
                size=row["size"],
                type=row["type"],
                width=row["variant_width"],
                height=row["variant_height"],
            )
    refs = {}
    for media_id, head in heads.items():
        is_image = head["kind"] == "image"
        refs[media_id] = MediaRef(
            id=media_id,
            kind=head["kind"],
            variants=variants[media_id],
            credit=head["credit"],
            licence=head["licence"],
            # Images describe themselves with alt text; for narration the same text reads as a caption.
            alt=head["alt"] if is_image else None,
            caption=None if is_image else head["alt"],
            width=head["width"] if is_image else None,
            height=head["height"] if is_image else None,
            placeholder=head["placeholder"] if is_image else None,
            duration_s=None if is_image else head["duration_s"],
        )
    return refs


async def media_kinds(conn: aiosqlite.Connection, ids: Iterable[str]) -> dict[str, str]:
    """``{id: kind}`` for the ids that exist, to check references before writing them."""
    wanted = _unique(ids)
    if not wanted:
        return {}
    rows = await conn.execute_fetchall(_KINDS_SQL, (_encode(wanted).decode(),))
    return {row[0]: row[1] for row in rows}
