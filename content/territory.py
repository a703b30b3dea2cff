"""Loading a whole territory (offices, POIs, routes with stops) from one JSON document, idempotently.

Used by ``odyssee demo``. Every item goes through the same input Structs and write functions as the
editing API; an item that already exists (same id) is updated in place, so loading twice leaves one copy
and an unchanged item keeps its revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import aiosqlite
import msgspec

from content.changes import Change
from content.db import Database
from content.errors import FieldError, InvalidInput
from content.ids import EntityId
from content.inputs import decode_input, prefixed
from content.merge_patch import writable_fields
from content.model import Status
from content.paging import EVERY_STATUS
from content.pois.model import PoiInput, PoiPatch
from content.pois.queries import get_poi
from content.pois.store import create_poi, set_poi_status, update_poi
from content.routes.model import RouteInput, RoutePatch
from content.routes.queries import get_route
from content.routes.store import create_route, replace_stops, set_route_status, update_route

__all__ = ["LoadReport", "Territory", "TerritoryOffice", "TerritoryPoi", "TerritoryRoute", "load_territory"]

_UPSERT_OFFICE = """
INSERT INTO offices (id, name, created_at) VALUES (?, ?, ?)
ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE name != excluded.name
"""


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
    """How many items were created, changed, or already as in the file."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, created: bool, changes: list[Change]) -> None:
        if created:
            self.created += 1
        elif any(change.changed for change in changes):
            self.updated += 1
        else:
            self.unchanged += 1


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


async def _load_poi(
    conn: aiosqlite.Connection, poi: TerritoryPoi, at: str, user_id: str | None
) -> tuple[bool, list[Change]]:
    assert poi.id is not None
    if await get_poi(conn, poi.id, statuses=EVERY_STATUS) is None:
        await create_poi(
            conn, poi, office_id=poi.office_id, user_id=user_id, updated_at=at, status=poi.status
        )
        return True, []
    patch = PoiPatch(**{name: getattr(poi, name) for name in writable_fields(PoiPatch)})
    updated = await update_poi(conn, poi.id, patch, user_id=user_id, updated_at=at)
    status = await set_poi_status(conn, poi.id, poi.status, user_id=user_id, updated_at=at)
    return False, [updated.change, status.change]


async def _load_route(
    conn: aiosqlite.Connection, route: TerritoryRoute, at: str, user_id: str | None
) -> tuple[bool, list[Change]]:
    assert route.id is not None
    if await get_route(conn, route.id, statuses=EVERY_STATUS) is None:
        await create_route(
            conn, route, office_id=route.office_id, user_id=user_id, updated_at=at, status=route.status
        )
        return True, []
    patch = RoutePatch(**{name: getattr(route, name) for name in writable_fields(RoutePatch)})
    updated = await update_route(conn, route.id, patch, user_id=user_id, updated_at=at)
    stops = await replace_stops(conn, route.id, route.stops, user_id=user_id, updated_at=at)
    status = await set_route_status(conn, route.id, route.status, user_id=user_id, updated_at=at)
    return False, [updated.change, stops.change, status.change]


async def load_territory(
    db: Database, territory: Territory, *, updated_at: str, user_id: str | None = None
) -> LoadReport:
    """Create or update everything in ``territory`` in one transaction: all of it, or nothing."""
    report = LoadReport()
    async with db.write() as conn:
        for office in territory.offices:
            await conn.execute(_UPSERT_OFFICE, (office.id, office.name, updated_at))
        for index, poi in enumerate(territory.pois):
            try:
                report.count(*await _load_poi(conn, poi, updated_at, user_id))
            except InvalidInput as exc:
                raise _prefix_errors(exc, f"pois[{index}]") from None
        for index, route in enumerate(territory.routes):
            try:
                report.count(*await _load_route(conn, route, updated_at, user_id))
            except InvalidInput as exc:
                raise _prefix_errors(exc, f"routes[{index}]") from None
    return report
