"""Entity ids: stable opaque strings (slugs or UUID hex), validated and generated the same way everywhere."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable
from typing import Annotated, Literal

import aiosqlite
import msgspec

__all__ = [
    "ID_PATTERN",
    "EntityId",
    "IdTable",
    "is_valid_id",
    "new_uuid_id",
    "slugify",
    "unique_id",
    "unique_slug",
]

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
_ID = re.compile(ID_PATTERN)
_MAX_LENGTH = 64

# An id as it appears in input bodies; msgspec checks the pattern and OpenAPI shows it.
EntityId = Annotated[str, msgspec.Meta(pattern=ID_PATTERN, description="a slug or a UUID in hex")]

IdTable = Literal["pois", "routes", "stops"]
# Fixed statements per table: table names are never formatted from input.
_TAKEN_SQL: dict[str, str] = {
    "pois": "SELECT id FROM pois WHERE id = ? OR id LIKE ? || '-%'",
    "routes": "SELECT id FROM routes WHERE id = ? OR id LIKE ? || '-%'",
    "stops": "SELECT id FROM stops WHERE id = ? OR id LIKE ? || '-%'",
}


def is_valid_id(value: str) -> bool:
    return _ID.fullmatch(value) is not None


def new_uuid_id() -> str:
    return uuid.uuid4().hex


# Letters that do not decompose into an ASCII base letter plus accents.
_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"}
)


def slugify(text: str, max_length: int = 48) -> str:
    """ASCII slug of ``text``: ``Église Notre-Dame`` → ``eglise-notre-dame``; may be empty."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    folded = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug[:max_length].rstrip("-")


def unique_slug(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is not in ``taken``; always a valid id."""
    used = taken if isinstance(taken, set | frozenset) else set(taken)  # no copy of a large set
    base = base[:_MAX_LENGTH].rstrip("-") or new_uuid_id()
    if base not in used:
        return base
    counter = 2
    while True:
        suffix = f"-{counter}"
        candidate = base[: _MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in used:
            return candidate
        counter += 1


async def unique_id(conn: aiosqlite.Connection, table: IdTable, text: str | None) -> str:
    """A fresh id for ``table``: the slug of ``text`` made unique, or a UUID hex when there is no slug."""
    base = slugify(text or "")
    if not base:
        return new_uuid_id()
    rows = await conn.execute_fetchall(_TAKEN_SQL[table], (base, base))
    return unique_slug(base, (row[0] for row in rows))
