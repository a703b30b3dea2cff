"""What left the public lists: POIs, routes and producers that were published once and are not any more
(unpublished, archived, or unpublished by an import because they left its feed).

The public lists' ``updated_since`` returns what is public and changed after an instant; a phone that
syncs that way also needs what it must drop, which is this list. An item is listed when it is not
published now, its history shows it published at some point (so a draft that was never public does
not reveal its id), and it changed after ``since``. ``removed_at`` is its last change: when it left the
public lists, or a later edit of the draft. Ordered by ``removed_at``, then kind and id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import aiosqlite
import msgspec

from content.core.errors import FieldError, InvalidParameter
from content.core.paging import Page, PageRequest, cursor_scope, keyset_page

__all__ = ["REMOVAL_KINDS", "Removal", "RemovalKind", "RemovalQuery", "removals"]

RemovalKind = Literal["poi", "route", "producer"]
REMOVAL_KINDS: tuple[RemovalKind, ...] = ("poi", "route", "producer")


class Removal(msgspec.Struct, frozen=True):
    """One item a phone must drop: its kind, its id and when it last changed (RFC 3339, UTC)."""

    kind: RemovalKind
    id: str
    removed_at: str


@dataclass(frozen=True)
class RemovalQuery:
    since: str | None = None  # RFC 3339 as stored: only what changed after it
    kind: RemovalKind | None = None


# Each arm: not published now, published once (its history says so), changed after :since.
_GONE = """
SELECT kind, id, at FROM (
  SELECT 'poi' AS kind, t.id AS id, t.updated_at AS at FROM pois t
  WHERE t.status != 'published' AND (:since IS NULL OR t.updated_at > :since)
    AND EXISTS (SELECT 1 FROM history h WHERE h.entity_type = 'poi' AND h.entity_id = t.id
                AND json_extract(h.after, '$.status') = 'published')
  UNION ALL
  SELECT 'route' AS kind, t.id AS id, t.updated_at AS at FROM routes t
  WHERE t.status != 'published' AND (:since IS NULL OR t.updated_at > :since)
    AND EXISTS (SELECT 1 FROM history h WHERE h.entity_type = 'route' AND h.entity_id = t.id
                AND json_extract(h.after, '$.status') = 'published')
  UNION ALL
  SELECT 'producer' AS kind, t.id AS id, t.updated_at AS at FROM producers t
  WHERE t.status != 'published' AND (:since IS NULL OR t.updated_at > :since)
    AND EXISTS (SELECT 1 FROM history h WHERE h.entity_type = 'producer' AND h.entity_id = t.id
                AND json_extract(h.after, '$.status') = 'published')
)
WHERE (:kind IS NULL OR kind = :kind)
  AND (:after_at IS NULL OR at > :after_at OR (at = :after_at AND (kind, id) > (:after_kind, :after_id)))
ORDER BY at, kind, id LIMIT :limit
"""
_SEP = " "  # printable (cursor keys must be), and in none of the three parts


def _key(item: Removal) -> str:
    return _SEP.join((item.removed_at, item.kind, item.id))


async def removals(conn: aiosqlite.Connection, query: RemovalQuery, page: PageRequest) -> Page[Removal]:
    """One page of what left the public lists (see the module)."""

    async def fetch(after: str | None, count: int) -> list[Removal]:
        after_at = after_kind = after_id = None
        if after is not None:
            parts = after.split(_SEP, 2)
            if len(parts) != 3:
                raise InvalidParameter(
                    FieldError("cursor", "not a cursor from this list; start again without it")
                )
            after_at, after_kind, after_id = parts
        params = {
            "since": query.since,
            "kind": query.kind,
            "after_at": after_at,
            "after_kind": after_kind,
            "after_id": after_id,
            "limit": count,
        }
        rows = await conn.execute_fetchall(_GONE, params)
        return [Removal(kind=row["kind"], id=row["id"], removed_at=row["at"]) for row in rows]

    scope = cursor_scope("removed", query.since, query.kind)
    return await keyset_page(conn, page, scope, str, fetch, _key)
