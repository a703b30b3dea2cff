"""Media refs as the API and packs show them (API.md, "media ref"): public variants only."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

import aiosqlite

from content.core.model import MediaRef, MediaVariant
from content.media.profiles import PUBLIC_VARIANTS

__all__ = ["load_media_refs", "media_kinds", "variant_url"]

_PUBLIC_JSON = json.dumps(PUBLIC_VARIANTS)
_VARIANT_ORDER = {name: index for index, name in enumerate(PUBLIC_VARIANTS)}
_SQL = (
    "SELECT m.id, m.kind, m.width, m.height, m.duration_s, m.placeholder, m.credit, m.licence, m.alt,"
    " v.name AS variant, v.sha256, v.size, v.type, v.width AS variant_width, v.height AS variant_height"
    " FROM media AS m"
    " LEFT JOIN media_variants AS v"
    " ON v.media_id = m.id AND v.name IN (SELECT value FROM json_each(?))"
    " WHERE m.id IN (SELECT value FROM json_each(?))"
)


def variant_url(media_id: str, variant: str) -> str:
    return f"/api/v1/media/{quote(media_id, safe='')}/{variant}"


async def load_media_refs(conn: aiosqlite.Connection, ids: Iterable[str]) -> dict[str, MediaRef]:
    """Refs for the given media ids in one query; ids that name no media are left out of the result.

    Images carry ``alt``, ``width``, ``height`` (as displayed) and ``placeholder`` (a base64 ThumbHash);
    audio carries ``caption`` and ``duration_s``. The stored alt text is the image's ``alt`` or the
    narration's ``caption``.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    cursor = await conn.execute(_SQL, (_PUBLIC_JSON, json.dumps(wanted)))
    media: dict[str, dict[str, Any]] = {}
    variants: dict[str, list[tuple[int, str, MediaVariant]]] = {}
    for row in await cursor.fetchall():
        media.setdefault(row["id"], dict(row))
        if row["variant"] is not None:
            variant = MediaVariant(
                url=variant_url(row["id"], row["variant"]),
                sha256=row["sha256"],
                size=row["size"],
                type=row["type"],
                width=row["variant_width"],
                height=row["variant_height"],
            )
            variants.setdefault(row["id"], []).append(
                (_VARIANT_ORDER[row["variant"]], row["variant"], variant)
            )
    return {
        media_id: _ref(media[media_id], variants.get(media_id, []))
        for media_id in wanted
        if media_id in media
    }


def _ref(row: dict[str, Any], variants: list[tuple[int, str, MediaVariant]]) -> MediaRef:
    ordered = {name: variant for _, name, variant in sorted(variants)}
    if row["kind"] == "image":
        return MediaRef(
            id=row["id"],
            kind="image",
            variants=ordered,
            credit=row["credit"],
            licence=row["licence"],
            alt=row["alt"],
            width=row["width"],
            height=row["height"],
            placeholder=row["placeholder"],
        )
    return MediaRef(
        id=row["id"],
        kind="audio",
        variants=ordered,
        credit=row["credit"],
        licence=row["licence"],
        caption=row["alt"],
        duration_s=row["duration_s"],
    )


async def media_kinds(conn: aiosqlite.Connection, ids: Iterable[str]) -> dict[str, str]:
    """``{id: "image" | "audio"}`` for the ids that exist (one query), to check references before writing."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    cursor = await conn.execute(
        "SELECT id, kind FROM media WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(wanted),)
    )
    return {row["id"]: row["kind"] for row in await cursor.fetchall()}
