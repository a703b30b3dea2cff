"""Checks that what an input points at exists before it is written: offices, media (of the right kind), POIs.

Foreign keys would catch some of these too, but as an opaque integrity error; these name the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import aiosqlite
import msgspec

from content.core.errors import FieldError, InvalidInput
from content.media import media_kinds

__all__ = ["MEDIA_ID_PATTERN", "MediaId", "MediaUse", "check_media", "check_office", "existing_poi_ids"]

# Media ids are minted by the media pipeline; accept any conservative token and check existence.
MEDIA_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"
MediaId = Annotated[str, msgspec.Meta(pattern=MEDIA_ID_PATTERN, description="id of an uploaded media")]

MediaUse = tuple[str, str, str]  # (field, media id, expected kind "image" | "audio")
_encode = msgspec.json.Encoder().encode


async def check_office(conn: aiosqlite.Connection, office_id: str | None, field: str = "office_id") -> None:
    if office_id is None:
        return
    rows = list(await conn.execute_fetchall("SELECT 1 FROM offices WHERE id = ?", (office_id,)))
    if not rows:
        raise InvalidInput.field(field, f"unknown office {office_id!r}")


async def check_media(conn: aiosqlite.Connection, uses: Sequence[MediaUse]) -> None:
    """Every referenced media exists and has the kind its field needs; all problems reported at once."""
    if not uses:
        return
    kinds = await media_kinds(conn, (media_id for _, media_id, _ in uses))
    errors = []
    for field, media_id, expected in uses:
        kind = kinds.get(media_id)
        if kind is None:
            errors.append(FieldError(field, f"unknown media {media_id!r}"))
        elif kind != expected:
            errors.append(FieldError(field, f"media {media_id!r} is {kind}, {expected} expected"))
    if errors:
        raise InvalidInput(errors)


async def existing_poi_ids(conn: aiosqlite.Connection, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    rows = await conn.execute_fetchall(
        "SELECT id FROM pois WHERE id IN (SELECT value FROM json_each(?))",
        (_encode(sorted(set(ids))).decode(),),
    )
    return {row[0] for row in rows}
