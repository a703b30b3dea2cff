"""Route editing: list, read (with stops), create, partial update, stop-list replacement,
publish/unpublish/archive, history. Same transaction discipline as :mod:`content.editor.pois`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite
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
from content.errors import NotFound
from content.events import EventHub, PendingChange
from content.history import HistoryPage
from content.model import Status
from content.paging import EVERY_STATUS, Page
from content.routes.model import (
    RouteInput,
    RoutePatch,
    RouteRecord,
    RouteSummaryRecord,
    StopInput,
    StopRecord,
)
from content.routes.queries import RouteQuery, get_route, get_stops, list_routes
from content.routes.store import create_route, replace_stops, set_route_status, update_route

__all__ = [
    "EditorRoute",
    "RouteEditorPage",
    "archive_route",
    "change_route_status",
    "edit_route",
    "new_route",
    "route_etag",
    "route_for_editor",
    "route_history",
    "route_page",
    "set_stops",
]

_STATUS_ACTIONS: dict[Status, str] = {"published": "publish", "draft": "unpublish", "archived": "archive"}


class EditorRoute(RouteRecord, kw_only=True, frozen=True):
    """The editor representation of a route: the stored record and its ordered stops."""

    stops: list[StopRecord]


def route_etag(route: RouteRecord) -> str:
    return etag_for("route", route.id, route.revision)


def _existing(record: RouteRecord | None, route_id: str) -> RouteRecord:
    if record is None:
        raise NotFound(f"no route {route_id[:80]!r}")
    return record


async def _with_stops(conn: aiosqlite.Connection, record: RouteRecord) -> EditorRoute:
    fields = {name: getattr(record, name) for name in RouteRecord.__struct_fields__}
    return EditorRoute(**fields, stops=await get_stops(conn, record.id))


async def route_page(
    db: Database,
    principal: Principal,
    *,
    statuses: tuple[Status, ...] = EVERY_STATUS,
    office_id: str | None = None,
    limit: int,
    after: SortKey | None,
) -> Page[RouteSummaryRecord]:
    """Every route an editor may see (drafts and archived included), by id."""
    require_list(principal, "route")
    query = RouteQuery(statuses=statuses, office_id=office_id, limit=limit, after=after)
    async with db.read() as conn:
        return await list_routes(conn, query)


async def route_for_editor(db: Database, principal: Principal, route_id: str) -> EditorRoute:
    async with db.read() as conn:
        record = _existing(await get_route(conn, route_id, statuses=EVERY_STATUS), route_id)
        require_read(principal, "route", record.office_id)
        return await _with_stops(conn, record)


async def route_history(
    db: Database, principal: Principal, route_id: str, *, limit: int, cursor: str | None
) -> HistoryPage:
    async with db.read() as conn:
        record = _existing(await get_route(conn, route_id, statuses=EVERY_STATUS), route_id)
        require_edit(principal, "route", record.office_id)
        return await history.list_history(conn, "route", route_id, limit, cursor)


async def new_route(
    events: EventHub,
    db: Database,
    principal: Principal,
    route: RouteInput,
    *,
    office_id: str | None,
    now: datetime,
) -> EditorRoute:
    """A new draft with its stops, owned by the staff member's office (admins choose ``office_id``)."""
    require_create(principal, "route")
    owner = assign_office(principal, office_id)
    async with events.write(db) as change:
        record = await create_route(
            change.conn, route, office_id=owner, user_id=principal.id, updated_at=rfc3339(now)
        )
        created = await _with_stops(change.conn, record)
        after: dict[str, object] = msgspec.to_builtins(created)
        for name in ("id", "revision", "created_at", "updated_at", "updated_by", "stop_count"):
            after.pop(name, None)
        await history.record(
            change.conn,
            entity_type="route",
            entity_id=record.id,
            revision=record.revision,
            action="create",
            user_id=principal.id,
            before={},
            after=after,
            at=now,
        )
    return created


async def _locked(
    change: PendingChange, principal: Principal, route_id: str, if_match: str | None
) -> RouteRecord:
    record = _existing(await get_route(change.conn, route_id, statuses=EVERY_STATUS), route_id)
    require_edit(principal, "route", record.office_id)
    check_if_match(if_match, route_etag(record))
    return record


async def _finish(
    change: PendingChange,
    principal: Principal,
    before: RouteRecord,
    updated: Updated[RouteRecord],
    action: str,
    now: datetime,
) -> EditorRoute:
    if updated.change.changed:
        await history.record(
            change.conn,
            entity_type="route",
            entity_id=before.id,
            revision=updated.change.revision,
            action=action,
            user_id=principal.id,
            before=updated.change.before,
            after=updated.change.after,
            at=now,
        )
        if "published" in (before.status, updated.record.status):
            change.touch(routes={before.id})
    return await _with_stops(change.conn, updated.record)


async def edit_route(
    events: EventHub,
    db: Database,
    principal: Principal,
    route_id: str,
    patch: RoutePatch,
    *,
    if_match: str | None,
    now: datetime,
) -> EditorRoute:
    async with events.write(db) as change:
        record = await _locked(change, principal, route_id, if_match)
        updated = await update_route(
            change.conn,
            route_id,
            patch,
            user_id=principal.id,
            updated_at=rfc3339(now),
            expected_revision=record.revision,
        )
        return await _finish(change, principal, record, updated, "update", now)


async def set_stops(
    events: EventHub,
    db: Database,
    principal: Principal,
    route_id: str,
    stops: Sequence[StopInput],
    *,
    if_match: str | None,
    now: datetime,
) -> EditorRoute:
    """Replace the ordered stop list in one transaction: all of it is written, or none."""
    async with events.write(db) as change:
        record = await _locked(change, principal, route_id, if_match)
        updated = await replace_stops(
            change.conn,
            route_id,
            stops,
            user_id=principal.id,
            updated_at=rfc3339(now),
            expected_revision=record.revision,
        )
        return await _finish(change, principal, record, updated, "replace_stops", now)


async def change_route_status(
    events: EventHub,
    db: Database,
    principal: Principal,
    route_id: str,
    status: Status,
    *,
    if_match: str | None,
    now: datetime,
) -> EditorRoute:
    async with events.write(db) as change:
        record = await _locked(change, principal, route_id, if_match)
        updated = await set_route_status(
            change.conn,
            route_id,
            status,
            user_id=principal.id,
            updated_at=rfc3339(now),
            expected_revision=record.revision,
        )
        return await _finish(change, principal, record, updated, _STATUS_ACTIONS[status], now)


async def archive_route(
    events: EventHub,
    db: Database,
    principal: Principal,
    route_id: str,
    *,
    if_match: str | None,
    now: datetime,
) -> EditorRoute:
    return await change_route_status(events, db, principal, route_id, "archived", if_match=if_match, now=now)


class RouteEditorPage(msgspec.Struct, frozen=True):
    """A page of the editor's route list (summaries, without line and stops), ``next`` cursor or null."""

    items: list[RouteSummaryRecord]
    next: str | None
