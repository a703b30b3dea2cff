"""Loading a whole territory (offices, POIs, routes with stops) from one JSON document, idempotently.

Used by ``odyssee demo``. Every write goes through the editing workflow (``content.editing``), as an
edit from the API would, so it is validated the same way and recorded in the history (``user_id`` null
from the command line). What is missing is created (as a draft, then given the file's status). An item
that exists is brought to the file only if nobody else ever changed it (no history entry by another
account, no other ``updated_by``); an item someone edited is left exactly as it is, so a re-run never
reverts an edit. Loading twice leaves one copy, and an unchanged item keeps its revision. Offices are only
ever created, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal, TypeVar

import aiosqlite
import msgspec

from content import editing
from content.accounts.offices import NewOffice, office_exists
from content.accounts.principal import Principal
from content.core.db import Database
from content.core.errors import FieldError, InvalidInput
from content.core.events import EventHub, PendingChange
from content.core.ids import EntityId
from content.core.inputs import decode_input, prefixed
from content.core.model import Status
from content.core.paging import EVERY_STATUS
from content.editing import UNCHECKED, EditSession
from content.editing.accounts import OFFICES
from content.editing.merge_patch import writable_fields
from content.editing.pois import POIS
from content.editing.routes import ROUTES, set_stops
from content.pois.model import PoiInput, PoiPatch
from content.pois.queries import get_poi
from content.routes.model import RouteInput, RoutePatch
from content.routes.queries import get_route

__all__ = [
    "LoadReport",
    "Territory",
    "TerritoryOffice",
    "TerritoryPoi",
    "TerritoryRoute",
    "edited_by_others",
    "load_territory",
]

# Someone other than the loader changed this item at least once.
_EDITED_BY_OTHERS = """
SELECT EXISTS (
    SELECT 1 FROM history
    WHERE entity_type = ? AND entity_id = ? AND user_id IS NOT NULL AND user_id IS NOT ?
)
"""

# What loading one item did; "kept": someone else edited it, so the loader left it as it is.
Outcome = Literal["created", "updated", "unchanged", "kept"]
B = TypeVar("B", bound=msgspec.Struct)


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

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

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


def _conn(session: EditSession) -> aiosqlite.Connection:
    assert session.joined is not None
    return session.joined.conn


def _body(item: msgspec.Struct, body_type: type[B]) -> B:
    return body_type(**{name: getattr(item, name) for name in body_type.__struct_fields__})


async def _add_office(session: EditSession, office: TerritoryOffice) -> None:
    """Only a missing office is created: an office an admin renamed keeps its name."""
    if not await office_exists(_conn(session), office.id):
        await editing.create(session, OFFICES, NewOffice(id=office.id, name=office.name))


async def _load_poi(session: EditSession, poi: TerritoryPoi) -> Outcome:
    """Create the POI, or bring it to the file unless someone else edited it (then nothing is written)."""
    assert poi.id is not None
    existing = await get_poi(_conn(session), poi.id, statuses=EVERY_STATUS)
    if existing is None:
        await editing.create(session, POIS, _body(poi, PoiInput), office_id=poi.office_id)
        await editing.set_status(session, POIS, poi.id, poi.status, if_match=UNCHECKED)
        return "created"
    if await edited_by_others(_conn(session), "poi", poi.id, existing.updated_by, loader_id=session.user_id):
        return "kept"
    patch = PoiPatch(**{name: getattr(poi, name) for name in writable_fields(PoiPatch)})
    await editing.update(session, POIS, poi.id, patch, if_match=UNCHECKED)
    record = await editing.set_status(session, POIS, poi.id, poi.status, if_match=UNCHECKED)
    return "unchanged" if record.revision == existing.revision else "updated"


async def _load_route(session: EditSession, route: TerritoryRoute) -> Outcome:
    """Create the route with its stops, or bring it to the file unless someone else edited it."""
    assert route.id is not None
    existing = await get_route(_conn(session), route.id, statuses=EVERY_STATUS)
    if existing is None:
        await editing.create(session, ROUTES, _body(route, RouteInput), office_id=route.office_id)
        await editing.set_status(session, ROUTES, route.id, route.status, if_match=UNCHECKED)
        return "created"
    loader = session.user_id
    if await edited_by_others(_conn(session), "route", route.id, existing.updated_by, loader_id=loader):
        return "kept"
    patch = RoutePatch(**{name: getattr(route, name) for name in writable_fields(RoutePatch)})
    await editing.update(session, ROUTES, route.id, patch, if_match=UNCHECKED)
    await set_stops(session, route.id, route.stops, if_match=UNCHECKED)
    record = await editing.set_status(session, ROUTES, route.id, route.status, if_match=UNCHECKED)
    return "unchanged" if record.revision == existing.revision else "updated"


async def load_territory(
    db: Database, territory: Territory, *, updated_at: str, principal: Principal | None = None
) -> LoadReport:
    """Create what is missing and update what nobody else edited, through the editing workflow (history
    included; ``principal`` None is the command line), in one transaction: all of it, or nothing."""
    report = LoadReport()
    async with db.write() as conn:
        # One transaction for the whole load, joined by every write of the editing workflow. No event:
        # ``odyssee demo`` builds the packs itself once the load has committed.
        now = datetime.fromisoformat(updated_at)
        session = EditSession(
            db=db, events=EventHub(), principal=principal, now=now, joined=PendingChange(conn)
        )
        for office in territory.offices:
            await _add_office(session, office)
        for index, poi in enumerate(territory.pois):
            try:
                report.count(await _load_poi(session, poi))
            except InvalidInput as exc:
                raise _prefix_errors(exc, f"pois[{index}]") from None
        for index, route in enumerate(territory.routes):
            try:
                report.count(await _load_route(session, route))
            except InvalidInput as exc:
                raise _prefix_errors(exc, f"routes[{index}]") from None
    return report
