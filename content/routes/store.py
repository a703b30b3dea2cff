"""Writing routes: create (with stops), partial update, stop list replacement, status. Writer connection only.

Every function runs inside the caller's ``db.write()`` transaction and checks everything before the first
row is written. Length, bbox and the languages a route is complete in are recomputed on every write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite
import msgspec

from content.core.errors import Conflict, FieldError, InvalidInput
from content.core.ids import new_uuid_id, unique_id
from content.core.model import STATUSES, Status
from content.core.paging import EVERY_STATUS
from content.core.references import check_office
from content.editing.changes import Change, Updated, current, diff_fields, reread, write_status
from content.editing.merge_patch import patched
from content.routes.model import RouteInput, RoutePatch, RouteRecord, StopInput, StopRecord
from content.routes.queries import get_route, get_stops
from content.routes.rows import INSERT_ROUTE, INSERT_STOP, route_params, stop_params
from content.routes.validate import (
    RouteValues,
    StopValues,
    check_route,
    check_route_references,
    check_stops,
    route_bbox,
    route_languages,
)

__all__ = ["create_route", "replace_stops", "set_route_status", "update_route"]

_UPDATE_ROUTE = """
UPDATE routes SET title = :title, summary = :summary, description = :description, theme = :theme,
    mode = :mode, difficulty = :difficulty, geometry = :geometry, length_m = :length_m,
    duration_min = :duration_min, min_lon = :min_lon, min_lat = :min_lat, max_lon = :max_lon,
    max_lat = :max_lat, cover = :cover, languages = :languages,
    revision = revision + 1, updated_at = :updated_at, updated_by = :updated_by
WHERE id = :id
"""
_STOP_OWNERS = "SELECT id, route_id FROM stops WHERE id IN (SELECT value FROM json_each(?))"
_encode = msgspec.json.Encoder().encode


async def _current(conn: aiosqlite.Connection, route_id: str, expected_revision: int | None) -> RouteRecord:
    return await current(
        get_route(conn, route_id, statuses=EVERY_STATUS), "route", route_id, expected_revision
    )


async def _reread(conn: aiosqlite.Connection, route_id: str) -> RouteRecord:
    return await reread(get_route(conn, route_id, statuses=EVERY_STATUS))


async def _stop_ids(conn: aiosqlite.Connection, route_id: str, stops: Sequence[StopValues]) -> list[str]:
    """Given ids must not belong to another route; missing ones get a UUID."""
    given = [stop.id for stop in stops if stop.id is not None]
    owners = {}
    if given:
        rows = await conn.execute_fetchall(_STOP_OWNERS, (_encode(given).decode(),))
        owners = {row["id"]: row["route_id"] for row in rows}
    errors = [
        FieldError(f"stops[{index}].id", f"stop id {stop.id!r} belongs to another route")
        for index, stop in enumerate(stops)
        if stop.id is not None and owners.get(stop.id, route_id) != route_id
    ]
    if errors:
        raise InvalidInput(errors)
    return [stop.id if stop.id is not None else new_uuid_id() for stop in stops]


async def _write_stops(conn: aiosqlite.Connection, route_id: str, stops: Sequence[StopValues]) -> list[str]:
    ids = await _stop_ids(conn, route_id, stops)
    await conn.execute("DELETE FROM stops WHERE route_id = ?", (route_id,))
    rows = [
        stop_params(route_id, stop_id, position, stop)
        for position, (stop_id, stop) in enumerate(zip(ids, stops, strict=True), start=1)
    ]
    await conn.executemany(INSERT_STOP, rows)
    return ids


def _stop_values(stops: Sequence[StopRecord]) -> list[StopValues]:
    return [StopValues(**{f: getattr(stop, f) for f in StopValues.__struct_fields__}) for stop in stops]


def _stored_fields(record: RouteRecord) -> dict[str, Any]:
    names = [name for name in RouteValues.__struct_fields__ if name != "length_m"]
    return {name: msgspec.to_builtins(getattr(record, name)) for name in names}


def _derived(values: RouteValues, stops: Sequence[StopValues]) -> dict[str, Any]:
    return route_params(values, route_bbox(values, stops), route_languages(values.title, stops))


async def create_route(
    conn: aiosqlite.Connection,
    route: RouteInput,
    *,
    office_id: str | None,
    user_id: str | None,
    updated_at: str,
    status: Status = "draft",
) -> RouteRecord:
    """Insert a new route with its stops (positions 1..n) at revision 1. ``Conflict`` if the id is taken."""
    values, stops = check_route(route)
    await check_office(conn, office_id)
    await check_route_references(conn, values, stops)
    if route.id is not None:
        if await get_route(conn, route.id, statuses=EVERY_STATUS) is not None:
            raise Conflict(f"a route with id {route.id!r} already exists")
        route_id = route.id
    else:
        route_id = await unique_id(
            conn, "routes", values.title.get("fr") or next(iter(values.title.values()))
        )
    params = {
        "id": route_id,
        "office_id": office_id,
        "status": status,
        "updated_at": updated_at,
        "updated_by": user_id,
        **_derived(values, stops),
    }
    # Stop ids are checked before the route row exists, so a clash writes nothing.
    await _stop_ids(conn, route_id, stops)
    await conn.execute(INSERT_ROUTE, params)
    await _write_stops(conn, route_id, stops)
    return await _reread(conn, route_id)


async def update_route(
    conn: aiosqlite.Connection,
    route_id: str,
    patch: RoutePatch,
    *,
    user_id: str | None,
    updated_at: str,
    expected_revision: int | None = None,
) -> Updated[RouteRecord]:
    """Apply a JSON merge patch to the route (not its stops); bumps the revision only if something
    changed. Read-only fields in ``patch`` are ignored (the editing workflow checks them)."""
    record = await _current(conn, route_id, expected_revision)
    stops = await get_stops(conn, route_id)
    merged = patched(record.to_input([stop.to_input() for stop in stops]), patch)
    values, stop_values = check_route(merged)
    await check_route_references(conn, values, [])
    before, after = diff_fields(_stored_fields(record), values.fields())
    if not after:
        return Updated(record, Change(entity_id=route_id, revision=record.revision, before={}, after={}))
    params = {
        "id": route_id,
        "updated_at": updated_at,
        "updated_by": user_id,
        **_derived(values, stop_values),
    }
    await conn.execute(_UPDATE_ROUTE, params)
    updated = await _reread(conn, route_id)
    return Updated(updated, Change(entity_id=route_id, revision=updated.revision, before=before, after=after))


async def replace_stops(
    conn: aiosqlite.Connection,
    route_id: str,
    stops: Sequence[StopInput],
    *,
    user_id: str | None,
    updated_at: str,
    expected_revision: int | None = None,
) -> Updated[RouteRecord]:
    """Replace the ordered stop list (positions 1..n) in one go; errors name ``stops[i].field``.

    The change's ``before``/``after`` hold ``{"stops": [...]}`` in stored shape, with the ids assigned.
    """
    record = await _current(conn, route_id, expected_revision)
    new_stops = check_stops(stops)
    await check_route_references(conn, None, new_stops)
    old_stops = await get_stops(conn, route_id)
    await _write_stops(conn, route_id, new_stops)
    written = await get_stops(conn, route_id)
    before = [msgspec.to_builtins(stop) for stop in old_stops]
    after = [msgspec.to_builtins(stop) for stop in written]
    if before == after:
        return Updated(record, Change(entity_id=route_id, revision=record.revision, before={}, after={}))
    values = RouteValues(**{name: getattr(record, name) for name in RouteValues.__struct_fields__})
    derived = _derived(values, _stop_values(written))
    await conn.execute(
        _UPDATE_ROUTE, {"id": route_id, "updated_at": updated_at, "updated_by": user_id, **derived}
    )
    updated = await _reread(conn, route_id)
    change = Change(
        entity_id=route_id, revision=updated.revision, before={"stops": before}, after={"stops": after}
    )
    return Updated(updated, change)


async def set_route_status(
    conn: aiosqlite.Connection,
    route_id: str,
    status: Status,
    *,
    user_id: str | None,
    updated_at: str,
    expected_revision: int | None = None,
) -> Updated[RouteRecord]:
    """Publish, unpublish (draft) or archive; a no-op (same revision) if the status is already ``status``."""
    record = await _current(conn, route_id, expected_revision)
    return await write_status(
        conn, "routes", record, status, allowed=STATUSES, user_id=user_id, updated_at=updated_at,
        reread=lambda: _reread(conn, route_id),
    )  # fmt: skip
