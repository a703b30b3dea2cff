"""The route aggregate in the editing workflow (:mod:`content.editing`): a route is answered with its
ordered stops, and its stop list is replaced whole with :func:`set_stops`. Lists stay here too."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite
import msgspec

from content.core.cursor import SortKey
from content.core.errors import NotFound
from content.core.events import PendingChange
from content.core.model import Status
from content.core.paging import EVERY_STATUS, Keyset
from content.editing import Aggregate, Created, EditSession, Owner, require_listing, write
from content.editing.changes import Updated
from content.editing.merge_patch import patched, strip_read_only
from content.routes.model import (
    RouteInput,
    RoutePatch,
    RouteRecord,
    RouteSummaryRecord,
    StopInput,
    StopPatch,
    StopRecord,
)
from content.routes.queries import RouteQuery, get_route, get_stops, list_routes
from content.routes.store import create_route, replace_stops, set_route_status, update_route

__all__ = [
    "ROUTES",
    "EditorRoute",
    "edit_stop",
    "route_etag",
    "route_page",
    "set_stops",
]


class EditorRoute(RouteRecord, kw_only=True, frozen=True):
    """The editor representation of a route: the stored record and its ordered stops."""

    stops: list[StopRecord]


async def _load(conn: aiosqlite.Connection, route_id: str) -> RouteRecord | None:
    return await get_route(conn, route_id, statuses=EVERY_STATUS)


def _owner(record: RouteRecord) -> Owner:
    return Owner(record.office_id)


async def _with_stops(conn: aiosqlite.Connection, record: RouteRecord) -> EditorRoute:
    if isinstance(record, EditorRoute):
        return record
    fields = {name: getattr(record, name) for name in RouteRecord.__struct_fields__}
    return EditorRoute(**fields, stops=await get_stops(conn, record.id))


async def _insert(
    conn: aiosqlite.Connection, body: RouteInput, session: EditSession, owner: Owner
) -> Created[RouteRecord]:
    record = await create_route(
        conn, body, office_id=owner.office_id, user_id=session.user_id, updated_at=session.stamp
    )
    created = await _with_stops(conn, record)
    fields: dict[str, object] = msgspec.to_builtins(created)
    for name in ("id", "revision", "created_at", "updated_at", "updated_by", "stop_count"):
        fields.pop(name, None)
    return Created(created, fields)


async def _patch(
    conn: aiosqlite.Connection, record: RouteRecord, patch: RoutePatch, session: EditSession
) -> Updated[RouteRecord]:
    return await update_route(
        conn, record.id, patch, user_id=session.user_id, updated_at=session.stamp,
        expected_revision=record.revision,
    )  # fmt: skip


async def _status(
    conn: aiosqlite.Connection, record: RouteRecord, status: str, session: EditSession
) -> Updated[RouteRecord]:
    return await set_route_status(
        conn, record.id, status, user_id=session.user_id, updated_at=session.stamp,  # type: ignore[arg-type]
        expected_revision=record.revision,
    )  # fmt: skip


async def _touched(pending: PendingChange, before: RouteRecord | None, after: RouteRecord) -> None:
    if "published" in {record.status for record in (before, after) if record is not None}:
        pending.touch(routes={after.id})


ROUTES: Aggregate[str, RouteRecord, RouteInput, RoutePatch] = Aggregate(
    kind="route",
    noun="route",
    load=_load,
    owner=_owner,
    insert=_insert,
    apply_patch=_patch,
    apply_status=_status,
    touched=_touched,
    present=_with_stops,
)
"""Routes: ``editing.create/read/update/set_status(session, ROUTES, …)`` answer :class:`EditorRoute`."""


def route_etag(route: RouteRecord) -> str:
    return ROUTES.etag(route)


async def set_stops(
    session: EditSession, route_id: str, stops: Sequence[StopInput], *, if_match: str | None
) -> EditorRoute:
    """Replace the ordered stop list in one transaction: all of it is written, or none."""

    async def change(
        conn: aiosqlite.Connection, record: RouteRecord, session: EditSession
    ) -> Updated[RouteRecord]:
        return await replace_stops(
            conn, record.id, stops, user_id=session.user_id, updated_at=session.stamp,
            expected_revision=record.revision,
        )  # fmt: skip

    route = await write(session, ROUTES, route_id, if_match=if_match, action="replace_stops", change=change)
    assert isinstance(route, EditorRoute)
    return route


async def edit_stop(
    session: EditSession, route_id: str, stop_id: str, patch: StopPatch, *, if_match: str | None
) -> EditorRoute:
    """Merge-patch one stop (``content.editing.merge_patch``); the route's ETag guards it, and the route's
    history records the stop list before and after, like a whole replacement."""

    async def change(
        conn: aiosqlite.Connection, record: RouteRecord, session: EditSession
    ) -> Updated[RouteRecord]:
        stops = await get_stops(conn, record.id)
        index = next((i for i, stop in enumerate(stops) if stop.id == stop_id), None)
        if index is None:
            raise NotFound(f"route {route_id!r} has no stop {stop_id[:80]!r}")
        writable = strip_read_only(patch, stops[index])
        inputs = [stop.to_input() for stop in stops]
        inputs[index] = patched(inputs[index], writable, prefix=f"stops[{index}]")
        return await replace_stops(
            conn, record.id, inputs, user_id=session.user_id, updated_at=session.stamp,
            expected_revision=record.revision,
        )  # fmt: skip

    route = await write(session, ROUTES, route_id, if_match=if_match, action="update_stop", change=change)
    assert isinstance(route, EditorRoute)
    return route


async def route_page(
    session: EditSession,
    *,
    statuses: tuple[Status, ...] = EVERY_STATUS,
    office_id: str | None = None,
    limit: int,
    after: SortKey | None,
) -> Keyset[RouteSummaryRecord]:
    """Every route an editor may see (drafts and archived included), by id."""
    require_listing(session.principal, "route")
    query = RouteQuery(statuses=statuses, office_id=office_id, limit=limit, after=after)
    async with session.db.read() as conn:
        return await list_routes(conn, query)
