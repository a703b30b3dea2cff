"""What the producer and offer write functions share: who wrote, history shapes, media uses, new ids."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite
import msgspec

from content.core.errors import Conflict
from content.core.ids import slugify, unique_slug
from content.core.references import MediaUse

__all__ = ["builtins_of", "fresh_id", "image_uses"]

_TAKEN = {
    "producers": "SELECT id FROM producers WHERE id = ? OR id LIKE ? || '-%'",
    "offers": "SELECT id FROM offers WHERE id = ? OR id LIKE ? || '-%'",
}


def builtins_of(struct: msgspec.Struct) -> dict[str, Any]:
    # Field by field: the bodies omit defaults when encoded, and history must show every changed value.
    return {name: msgspec.to_builtins(getattr(struct, name)) for name in struct.__struct_fields__}


def image_uses(images: Sequence[str], field: str = "images") -> list[MediaUse]:
    return [(f"{field}[{index}]", media_id, "image") for index, media_id in enumerate(images)]


async def fresh_id(conn: aiosqlite.Connection, table: str, text: str, given: str | None) -> str:
    if given is not None:
        exact = (
            "SELECT 1 FROM producers WHERE id = ?"
            if table == "producers"
            else "SELECT 1 FROM offers WHERE id = ?"
        )
        if list(await conn.execute_fetchall(exact, (given,))):
            raise Conflict(f"id {given!r} is already taken")
        return given
    base = slugify(text) or "item"
    rows = await conn.execute_fetchall(_TAKEN[table], (base, base))
    return unique_slug(base, (row[0] for row in rows))
