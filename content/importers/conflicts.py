"""Import conflicts as people see them: fields edited here that the source changed too, per POI, within
the reader's scope; and their resolution (keep the local value, or take the source's)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from content import editing
from content.accounts.permissions import require_edit, require_list
from content.accounts.principal import Principal
from content.core.db import Database
from content.core.errors import InvalidInput, NotFound
from content.core.events import EventHub
from content.core.paging import Page, PageRequest, keyset_page
from content.editing.aggregates import POIS
from content.importers.merge import merge_patch_document
from content.pois.model import PoiPatch, PoiRecord

__all__ = ["FieldConflict", "PoiConflicts", "list_conflicts", "resolve_conflict"]

_LIST = "import-conflicts"
_decode = msgspec.json.Decoder(dict[str, Any]).decode
_encode = msgspec.json.Encoder().encode


class FieldConflict(msgspec.Struct, frozen=True, kw_only=True):
    field: str
    local: Any
    source: Any
    detected_at: str


class PoiConflicts(msgspec.Struct, frozen=True, kw_only=True):
    """One imported POI whose local edits collide with its source."""

    poi_id: str
    revision: int
    name: dict[str, str]
    office_id: str | None
    provider: str
    external_id: str
    conflicts: list[FieldConflict]


def _conflicts(text: str) -> list[FieldConflict]:
    return [
        FieldConflict(
            field=name,
            local=entry.get("local"),
            source=entry.get("source"),
            detected_at=entry.get("detected_at", ""),
        )
        for name, entry in sorted(_decode(text).items())
    ]


async def list_conflicts(
    db: Database, principal: Principal, *, provider: str | None, page: PageRequest
) -> Page[PoiConflicts]:
    """POIs with open conflicts, by id; staff see their office's only."""
    require_list(principal, "poi")
    office = None if principal.role == "admin" else principal.office_id
    async with db.read() as conn:

        async def fetch(after: str | None, count: int) -> list[PoiConflicts]:
            rows = await conn.execute_fetchall(
                "SELECT s.poi_id, p.name, p.office_id, s.provider, s.external_id, s.conflicts, p.revision"
                " FROM import_sources s JOIN pois p ON p.id = s.poi_id"
                " WHERE s.conflicts <> '{}' AND s.poi_id > ? AND (? IS NULL OR s.provider = ?)"
                " AND (? IS NULL OR p.office_id = ?) ORDER BY s.poi_id LIMIT ?",
                (after or "", provider, provider, office, office, count),
            )
            return [
                PoiConflicts(
                    poi_id=row[0],
                    revision=row[6],
                    name=msgspec.json.decode(row[1], type=dict[str, str]),
                    office_id=row[2],
                    provider=row[3],
                    external_id=row[4],
                    conflicts=_conflicts(row[5]),
                )
                for row in rows
            ]

        scope = f"{_LIST}:{provider or ''}:{office or ''}"
        return await keyset_page(conn, page, scope, str, fetch, _poi_id)


def _poi_id(item: PoiConflicts) -> str:
    return item.poi_id


async def _open_conflicts(db: Database, poi_id: str) -> tuple[dict[str, Any], str | None]:
    async with db.read() as conn:
        rows = list(
            await conn.execute_fetchall(
                "SELECT s.conflicts, p.office_id FROM import_sources s JOIN pois p ON p.id = s.poi_id"
                " WHERE s.poi_id = ?",
                (poi_id,),
            )
        )
    if not rows:
        raise NotFound(f"no imported POI {poi_id[:80]!r}")
    return _decode(rows[0][0]), rows[0][1]


async def resolve_conflict(
    events: EventHub,
    db: Database,
    principal: Principal,
    poi_id: str,
    field: str,
    take: Literal["local", "source"],
    *,
    if_match: str | None,
    now: datetime,
) -> PoiRecord | None:
    """Close one conflict: keep the local value, or write the source's through the editing workflow
    (scope, ``If-Match``, history, event). Returns the POI when it was edited."""
    conflicts, office_id = await _open_conflicts(db, poi_id)
    require_edit(principal, "poi", office_id)
    if field not in conflicts:
        raise InvalidInput.field("field", f"no open conflict on {field!r} for this POI")
    record = None
    if take == "source":
        session = editing.EditSession(db=db, events=events, principal=principal, now=now)
        shown = await editing.read(session, POIS, poi_id)
        stored = {field: msgspec.to_builtins(getattr(shown, field, None))}
        document = merge_patch_document(stored, {field: conflicts[field].get("source")})
        record = await editing.update(
            session, POIS, poi_id, msgspec.convert(document, PoiPatch), if_match=if_match
        )
    async with db.write() as conn:
        rows = list(
            await conn.execute_fetchall("SELECT conflicts FROM import_sources WHERE poi_id = ?", (poi_id,))
        )
        current = _decode(rows[0][0]) if rows else {}
        current.pop(field, None)
        await conn.execute(
            "UPDATE import_sources SET conflicts = ? WHERE poi_id = ?", (_encode(current).decode(), poi_id)
        )
    return record
