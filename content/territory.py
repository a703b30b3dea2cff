"""Loading a whole territory (offices, POIs, routes with stops) from one JSON document, idempotently.

Used by ``odyssee demo``. Every item goes through the same input Structs and write functions as the
editing API, and every write is recorded in the history like an edit (``user_id`` is the loader's, null
from the command line). What is missing is created. An item that exists is brought to the file only if
nobody else ever changed it (no history entry by another account, no other ``updated_by``); an item
someone edited is left exactly as it is, so a re-run never reverts an edit. Loading twice leaves one
copy, and an unchanged item keeps its revision. Offices are only ever created, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import aiosqlite
import msgspec

from content.core.db import Database
from content.core.errors import FieldError, InvalidInput
from content.core.ids import EntityId
from content.core.inputs import decode_input, prefixed
from content.core.model import Status
from content.core.paging import EVERY_STATUS
from content.editing import history
from content.editing.changes import Change, Updated
from content.editing.merge_patch import writable_fields
from content.pois.model import PoiInput, PoiPatch
from content.pois.queries import get_poi
from content.pois.store import create_poi, set_poi_status, update_poi
from content.routes.model import RouteInput, RoutePatch
from content.routes.queries import get_route
from content.routes.store import create_route, replace_stops, set_route_status, update_route

__all__ = [
    "LoadReport",
    "Territory",
    "TerritoryOffice",
    "TerritoryPoi",
    "TerritoryRoute",
    "edited_by_others",
    "load_territory",
]

# An office an admin renamed keeps its name: the loader only adds the offices that are missing.
_ADD_OFFICE = "INSERT INTO offices (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING"

# Someone other than the loader changed this item at least once.
_EDITED_BY_OTHERS = """
SELECT EXISTS (
    SELECT 1 FROM history
    WHERE entity_type = ? AND entity_id = ? AND user_id IS NOT NULL AND user_id IS NOT ?
)
"""

_STATUS_ACTIONS: dict[Status, str] = {"published": "publish", "draft": "unpublish", "archived": "archive"}


class TerritoryOffice(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: EntityId
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class TerritoryPoi(PoiInput, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A POI input plus where it belongs and whether it is public; ``id`` is required here."""

    office_id: EntityId | None = None
    status: Status = "published"


class TerritoryRoute(RouteInput, kw_only=True, frozen=True, forbid_unknown_fields=True):
    office_id: EntityId | None = None
    status: Status = "published"


class Territory(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    offices: list[TerritoryOffice] = []
    pois: list[TerritoryPoi] = []
    routes: list[TerritoryRoute] = []


@dataclass
class LoadReport:
    """How many items were created, changed, already as in the file, or kept because someone edited them."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0

    def count(self, created: bool, changes: list[Change] | None) -> None:
        if created:
            self.created += 1
        elif changes is None:
            self.kept += 1
        elif any(change.changed for change in changes):
            self.updated += 1
        else:
            self.unchanged += 1

    def summary(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.kept:
            text += f", {self.kept} kept as edited (the loader never overwrites an edit)"
        return text


def parse_territory(data: bytes) -> Territory:
    """Decode and shape-check a territory document; errors name the item (``pois[2].category``)."""
    territory = decode_input(data, Territory)
    missing = [f"pois[{i}].id" for i, poi in enumerate(territory.pois) if poi.id is None]
    missing += [f"routes[{i}].id" for i, route in enumerate(territory.routes) if route.id is None]
    errors = [FieldError(field, "an id is required in a territory file") for field in missing]
    if errors:
        raise InvalidInput(errors)
    return territory


def _prefix_errors(exc: InvalidInput, prefix: str) -> InvalidInput:
    return InvalidInput([FieldError(prefixed(prefix, e.field), e.message) for e in exc.errors])


async def edited_by_others(
    conn: aiosqlite.Connection,
    entity_type: str,
    entity_id: str,
    updated_by: str | None,
    *,
    loader_id: str | None = None,
) -> bool:
    """Whether anyone but the loader (``loader_id``, null from the command line) ever changed the item:
    its last writer ``updated_by`` or any history entry names another account."""
    if updated_by is not None and updated_by != loader_id:
        return True
    cursor = await conn.execute(_EDITED_BY_OTHERS, (entity_type, entity_id, loader_id))
    row = await cursor.fetchone()
    await cursor.close()
    return bool(row and row[0])


class _Writer:
    """The loader's writes on one transaction: each one recorded in the history, as an edit is."""

    def __init__(self, conn: aiosqlite.Connection, at: str, user_id: str | None) -> None:
        self.conn = conn
        self.at = at
        self.when = datetime.fromisoformat(at)
        self.user_id = user_id

    async def edited_by_others(self, entity_type: str, entity_id: str, updated_by: str | None) -> bool:
        return await edited_by_others(self.conn, entity_type, entity_id, updated_by, loader_id=self.user_id)

    async def created(self, entity_type: str, entity_id: str, item: msgspec.Struct) -> None:
        after: dict[str, Any] = msgspec.to_builtins(item)
        after.pop("id", None)
        await self._record(entity_type, entity_id, 1, "create", {}, after)

    async def changed(self, entity_type: str, updated: Updated[Any], action: str) -> Change:
        change = updated.change
        if change.changed:
            await self._record(
                entity_type, change.entity_id, change.revision, action, change.before, change.after
            )
        return change

    async def _record(
        self,
        entity_type: str,
        entity_id: str,
        revision: int,
        action: str,
        before: dict[str, Any],
        after: dict[str, Any],
    ) -> None:
        await history.record(
            self.conn,
            entity_type=entity_type,
            entity_id=entity_id,
            revision=revision,
            action=action,
            user_id=self.user_id,
            before=before,
            after=after,
            at=self.when,
        )


async def _load_poi(write: _Writer, poi: TerritoryPoi) -> tuple[bool, list[Change] | None]:
    """Create the POI, or bring it to the file; ``None`` (nothing written) if someone else edited it."""
    assert poi.id is not None
    conn, at, user_id = write.conn, write.at, write.user_id
    existing = await get_poi(conn, poi.id, statuses=EVERY_STATUS)
    if existing is None:
        await create_poi(
            conn, poi, office_id=poi.office_id, user_id=user_id, updated_at=at, status=poi.status
        )
        await write.created("poi", poi.id, poi)
        return True, []
    if await write.edited_by_others("poi", poi.id, existing.updated_by):
        return False, None
    patch = PoiPatch(**{name: getattr(poi, name) for name in writable_fields(PoiPatch)})
    updated = await update_poi(conn, poi.id, patch, user_id=user_id, updated_at=at)
    status = await set_poi_status(conn, poi.id, poi.status, user_id=user_id, updated_at=at)
    return False, [
        await write.changed("poi", updated, "update"),
        await write.changed("poi", status, _STATUS_ACTIONS[poi.status]),
    ]


async def _load_route(write: _Writer, route: TerritoryRoute) -> tuple[bool, list[Change] | None]:
    """Create the route with its stops, or bring it to the file; ``None`` if someone else edited it."""
    assert route.id is not None
    conn, at, user_id = write.conn, write.at, write.user_id
    existing = await get_route(conn, route.id, statuses=EVERY_STATUS)
    if existing is None:
        await create_route(
            conn, route, office_id=route.office_id, user_id=user_id, updated_at=at, status=route.status
        )
        await write.created("route", route.id, route)
        return True, []
    if await write.edited_by_others("route", route.id, existing.updated_by):
        return False, None
    patch = RoutePatch(**{name: getattr(route, name) for name in writable_fields(RoutePatch)})
    updated = await update_route(conn, route.id, patch, user_id=user_id, updated_at=at)
    stops = await replace_stops(conn, route.id, route.stops, user_id=user_id, updated_at=at)
    status = await set_route_status(conn, route.id, route.status, user_id=user_id, updated_at=at)
    return False, [
        await write.changed("route", updated, "update"),
        await write.changed("route", stops, "replace_stops"),
        await write.changed("route", status, _STATUS_ACTIONS[route.status]),
    ]


async def load_territory(
    db: Database, territory: Territory, *, updated_at: str, user_id: str | None = None
) -> LoadReport:
    """Create what is missing and update what nobody else edited, in one transaction: all of it, or
    nothing."""
    report = LoadReport()
    async with db.write() as conn:
        write = _Writer(conn, updated_at, user_id)
        for office in territory.offices:
            await conn.execute(_ADD_OFFICE, (office.id, office.name, updated_at))
        for index, poi in enumerate(territory.pois):
            try:
                report.count(*await _load_poi(write, poi))
            except InvalidInput as exc:
                raise _prefix_errors(exc, f"pois[{index}]") from None
        for index, route in enumerate(territory.routes):
            try:
                report.count(*await _load_route(write, route))
            except InvalidInput as exc:
                raise _prefix_errors(exc, f"routes[{index}]") from None
    return report
