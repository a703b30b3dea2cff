"""POI editing: list, read, create, partial update, publish/unpublish/archive, history.

Each write reads the POI inside the write transaction, checks scope then ``If-Match`` against it, writes,
records history and names what changed for the ``ContentChanged`` event, emitted after COMMIT.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from content import history
from content.accounts.permissions import (
    assign_office,
    require_create,
    require_edit,
    require_list,
    require_read,
)
from content.accounts.principal import Principal
from content.changes import Updated
from content.clock import rfc3339
from content.cursor import SortKey
from content.db import Database
from content.editing import check_if_match, etag_for
from content.editor.affected import routes_affected_by_poi
from content.errors import NotFound
from content.events import EventHub, PendingChange
from content.history import HistoryPage
from content.model import Status
from content.paging import EVERY_STATUS, Page
from content.pois.model import PoiInput, PoiPatch, PoiRecord
from content.pois.queries import PoiQuery, get_poi, list_pois
from content.pois.store import create_poi, set_poi_status, update_poi

__all__ = [
    "PoiEditorPage",
    "archive_poi",
    "change_poi_status",
    "edit_poi",
    "new_poi",
    "poi_etag",
    "poi_for_editor",
    "poi_history",
    "poi_page",
]

_STATUS_ACTIONS: dict[Status, str] = {"published": "publish", "draft": "unpublish", "archived": "archive"}


def poi_etag(record: PoiRecord) -> str:
    return etag_for("poi", record.id, record.revision)


async def poi_page(
    db: Database,
    principal: Principal,
    *,
    statuses: tuple[Status, ...] = EVERY_STATUS,
    office_id: str | None = None,
    limit: int,
    after: SortKey | None,
) -> Page[PoiRecord]:
    """Every POI an editor may see (drafts and archived included), by id."""
    require_list(principal, "poi")
    query = PoiQuery(statuses=statuses, office_id=office_id, limit=limit, after=after)
    async with db.read() as conn:
        return await list_pois(conn, query)


def _existing(record: PoiRecord | None, poi_id: str) -> PoiRecord:
    if record is None:
        raise NotFound(f"no POI {poi_id[:80]!r}")
    return record


async def poi_for_editor(db: Database, principal: Principal, poi_id: str) -> PoiRecord:
    async with db.read() as conn:
        record = _existing(await get_poi(conn, poi_id, statuses=EVERY_STATUS), poi_id)
    require_read(principal, "poi", record.office_id)
    return record


async def poi_history(
    db: Database, principal: Principal, poi_id: str, *, limit: int, cursor: str | None
) -> HistoryPage:
    """Newest first. Follows the edit scope: staff see the history of their own office's POIs."""
    async with db.read() as conn:
        record = _existing(await get_poi(conn, poi_id, statuses=EVERY_STATUS), poi_id)
        require_edit(principal, "poi", record.office_id)
        return await history.list_history(conn, "poi", poi_id, limit, cursor)


async def new_poi(
    events: EventHub,
    db: Database,
    principal: Principal,
    poi: PoiInput,
    *,
    office_id: str | None,
    now: datetime,
) -> PoiRecord:
    """A new draft owned by the staff member's office (admins choose ``office_id``)."""
    require_create(principal, "poi")
    owner = assign_office(principal, office_id)
    async with events.write(db) as change:
        record = await create_poi(
            change.conn, poi, office_id=owner, user_id=principal.id, updated_at=rfc3339(now)
        )
        await history.record(
            change.conn,
            entity_type="poi",
            entity_id=record.id,
            revision=record.revision,
            action="create",
            user_id=principal.id,
            before={},
            after=_fields(record),
            at=now,
        )
    return record


def _fields(record: PoiRecord) -> dict[str, object]:
    built: dict[str, object] = msgspec.to_builtins(record)
    for name in ("id", "revision", "created_at", "updated_at", "updated_by"):
        built.pop(name, None)
    return built


async def _locked(
    change: PendingChange, principal: Principal, poi_id: str, if_match: str | None
) -> PoiRecord:
    record = _existing(await get_poi(change.conn, poi_id, statuses=EVERY_STATUS), poi_id)
    require_edit(principal, "poi", record.office_id)
    check_if_match(if_match, poi_etag(record))
    return record


async def _finish(
    change: PendingChange,
    principal: Principal,
    before: PoiRecord,
    updated: Updated[PoiRecord],
    action: str,
    now: datetime,
) -> PoiRecord:
    """History for a real change, and the event when published content moved."""
    if not updated.change.changed:
        return updated.record
    await history.record(
        change.conn,
        entity_type="poi",
        entity_id=before.id,
        revision=updated.change.revision,
        action=action,
        user_id=principal.id,
        before=updated.change.before,
        after=updated.change.after,
        at=now,
    )
    if "published" in (before.status, updated.record.status):
        positions = [
            (record.geometry.coordinates[1], record.geometry.coordinates[0])
            for record in (before, updated.record)
        ]
        routes = await routes_affected_by_poi(change.conn, before.id, positions)
        change.touch(pois={before.id}, routes=routes)
    return updated.record


async def edit_poi(
    events: EventHub,
    db: Database,
    principal: Principal,
    poi_id: str,
    patch: PoiPatch,
    *,
    if_match: str | None,
    now: datetime,
) -> PoiRecord:
    """Partial update; 403 outside scope, 428/412 on a missing/stale ``If-Match``; nothing written then."""
    async with events.write(db) as change:
        record = await _locked(change, principal, poi_id, if_match)
        updated = await update_poi(
            change.conn,
            poi_id,
            patch,
            user_id=principal.id,
            updated_at=rfc3339(now),
            expected_revision=record.revision,
        )
        return await _finish(change, principal, record, updated, "update", now)


async def change_poi_status(
    events: EventHub,
    db: Database,
    principal: Principal,
    poi_id: str,
    status: Status,
    *,
    if_match: str | None,
    now: datetime,
) -> PoiRecord:
    """Publish (``published``), unpublish (``draft``) or archive (``archived``)."""
    async with events.write(db) as change:
        record = await _locked(change, principal, poi_id, if_match)
        updated = await set_poi_status(
            change.conn,
            poi_id,
            status,
            user_id=principal.id,
            updated_at=rfc3339(now),
            expected_revision=record.revision,
        )
        return await _finish(change, principal, record, updated, _STATUS_ACTIONS[status], now)


async def archive_poi(
    events: EventHub, db: Database, principal: Principal, poi_id: str, *, if_match: str | None, now: datetime
) -> PoiRecord:
    return await change_poi_status(events, db, principal, poi_id, "archived", if_match=if_match, now=now)


class PoiEditorPage(msgspec.Struct, frozen=True):
    """A page of the editor's POI list: full editor representations, ``next`` cursor or null."""

    items: list[PoiRecord]
    next: str | None
