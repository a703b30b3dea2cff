"""The back-office's one door into the domain: every page calls the same ``content``/``packs``
functions as the JSON API, through this module only, so that when the editing workflow moves the
change is made here and nowhere else. No rule lives here: only calls, and the shapes pages need.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import msgspec

from content import editing
from content import worklist as worklist_queries
from content.accounts import (
    NewOffice,
    NewUser,
    Office,
    User,
    UserChanges,
    change_user,
    create_user,
    get_user,
    list_offices,
    list_users,
    login,
    logout,
    user_etag,
)
from content.accounts.login import SignedIn
from content.accounts.permissions import (
    can_create,
    can_edit,
    can_manage_users,
    can_upload_media,
    require_edit,
    require_list,
)
from content.accounts.principal import Principal
from content.analytics.params import parse_report_query
from content.analytics.recorder import AnalyticsRecorder, local_day
from content.analytics.report import Report, read_report
from content.analytics.titles import Titles, object_titles
from content.blobs import BlobStore
from content.core.clock import utc_now
from content.core.db import Database
from content.core.errors import Forbidden
from content.core.events import ContentChanged, EventHub
from content.core.hours import is_open, next_change, validate_opening_hours
from content.core.model import MediaRef, Status
from content.core.paging import EVERY_STATUS, MAX_LIMIT, Page, PageRequest, keyset, over_fetch
from content.core.settings import Settings
from content.editing import UNCHECKED, EditSession, etag_for
from content.editing.accounts import change_own_password
from content.editing.aggregates import (
    OFFERS,
    OFFICES,
    POIS,
    PRODUCERS,
    ROUTES,
    EditorRoute,
    poi_etag,
    poi_page,
    route_etag,
    route_page,
    set_stops,
)
from content.editing.history import HistoryEntry
from content.editing.producers import editor_offer, editor_offers, editor_producer, editor_producers
from content.importers.conflicts import PoiConflicts, list_conflicts, resolve_conflict
from content.media import ingest
from content.pois.model import PoiInput, PoiPatch, PoiRecord
from content.pois.queries import get_poi
from content.producers.model import OfferPatch, ProducerPatch
from content.producers.queries import expiring_offers
from content.producers.rows import OfferRecord, ProducerRecord
from content.routes.model import RouteInput, RoutePatch, RouteSummaryRecord, StopInput
from content.worklist import TodoList
from packs.pack_id import PackId
from packs.store import get_pack, stale_pack_ids

__all__ = [
    "EditorRoute",
    "HoursPreview",
    "OfferRecord",
    "Office",
    "PackStatus",
    "PoiConflicts",
    "PoiRecord",
    "ProducerRecord",
    "RouteSummaryRecord",
    "User",
    "Worklist",
    "add_office",
    "add_user",
    "can_create",
    "can_edit",
    "can_manage_users",
    "can_upload_media",
    "change_account",
    "change_password",
    "create_draft",
    "find_pois",
    "history",
    "hours_preview",
    "import_conflicts",
    "offer",
    "offers",
    "offers_expiring",
    "offices",
    "packs_being_rebuilt",
    "patch_poi",
    "patch_route",
    "poi_etag",
    "poi_for_editor",
    "pois",
    "producer",
    "producers",
    "rebuild_route_pack",
    "require_admin",
    "require_edit",
    "resolve_import_conflict",
    "route_etag",
    "route_for_editor",
    "route_pack",
    "routes",
    "save_offer",
    "save_poi",
    "save_producer",
    "save_route",
    "save_stops",
    "set_poi_status",
    "set_route_status",
    "sign_in",
    "sign_out",
    "upload",
    "usage_figures",
    "user_etag",
    "users",
    "worklist",
]

# Re-exported for the pages: they import the domain through this module only.
sign_in = login
sign_out = logout


def _session(
    events: EventHub | None, db: Database, principal: Principal, now: datetime | None = None
) -> EditSession:
    """The editing workflow's session for this request (``content.editing``); reads need no events."""
    return EditSession(db=db, events=events or EventHub(), principal=principal, now=now or utc_now())


async def change_password(
    db: Database,
    principal: Principal,
    *,
    current_password: str,
    new_password: str,
    address: str,
    now: datetime,
    ttl_s: int,
) -> SignedIn:
    """The signed-in account's own password (``content.editing.accounts.change_own_password``)."""
    return await change_own_password(
        _session(None, db, principal, now),
        current_password=current_password,
        new_password=new_password,
        address=address,
        ttl_s=ttl_s,
    )


async def poi_for_editor(db: Database, principal: Principal, poi_id: str) -> PoiRecord:
    return await editing.read(_session(None, db, principal), POIS, poi_id)


async def route_for_editor(db: Database, principal: Principal, route_id: str) -> EditorRoute:
    route = await editing.read(_session(None, db, principal), ROUTES, route_id)
    assert isinstance(route, EditorRoute)  # ROUTES presents routes with their stops
    return route


async def pois(
    db: Database,
    principal: Principal,
    *,
    statuses: tuple[Status, ...] = EVERY_STATUS,
    limit: int = 500,
    after_id: str | None = None,
) -> tuple[list[PoiRecord], str | None]:
    """A page of POIs by id, drafts included, after ``after_id``; and the last id when more follow."""
    after = None if after_id is None else (0.0, after_id)
    page = await poi_page(_session(None, db, principal), statuses=statuses, limit=limit, after=after)
    return page.items, None if page.next_key is None else str(page.next_key[1])


async def routes(
    db: Database,
    principal: Principal,
    *,
    statuses: tuple[Status, ...] = EVERY_STATUS,
    limit: int = 500,
    after_id: str | None = None,
) -> tuple[list[RouteSummaryRecord], str | None]:
    after = None if after_id is None else (0.0, after_id)
    page = await route_page(_session(None, db, principal), statuses=statuses, limit=limit, after=after)
    return page.items, None if page.next_key is None else str(page.next_key[1])


async def find_pois(
    db: Database,
    principal: Principal,
    *,
    text: str,
    statuses: tuple[Status, ...],
    category: str | None,
    after_id: str | None,
    limit: int = 50,
) -> tuple[list[PoiRecord], str | None]:
    """A page of POIs matching a search (accents folded) and a category, drafts included."""
    require_list(principal, "poi")
    async with db.read() as conn:
        ids = keyset(
            await worklist_queries.find_poi_ids(
                conn,
                text=text,
                statuses=statuses,
                category=category,
                after_id=after_id,
                limit=over_fetch(limit),
            ),
            limit,
            lambda poi_id: (0.0, poi_id),
        )
        records = [await get_poi(conn, poi_id, statuses=EVERY_STATUS) for poi_id in ids.items]
    found = [record for record in records if record is not None]
    return found, (None if ids.next_key is None else str(ids.next_key[1]))


@dataclass(frozen=True)
class Worklist:
    draft_pois: TodoList
    draft_routes: TodoList
    untranslated_pois: TodoList
    untranslated_routes: TodoList
    missing_narration: TodoList


async def _narrations(conn: Any, langs: tuple[str, ...], office: str | None) -> TodoList:
    items = await worklist_queries.stops_without_narration(conn, langs, office_id=office)
    return TodoList(items, len(items))


async def worklist(db: Database, principal: Principal, langs: tuple[str, ...]) -> Worklist:
    """What needs doing in the principal's office (every office for admins)."""
    require_list(principal, "poi")
    office = None if principal.role == "admin" else principal.office_id or "-"
    async with db.read() as conn:
        return Worklist(
            draft_pois=await worklist_queries.drafts(conn, "poi", office_id=office),
            draft_routes=await worklist_queries.drafts(conn, "route", office_id=office),
            untranslated_pois=await worklist_queries.untranslated(conn, "poi", langs, office_id=office),
            untranslated_routes=await worklist_queries.untranslated(conn, "route", langs, office_id=office),
            missing_narration=await _narrations(conn, langs, office),
        )


def patch_poi(fields: dict[str, Any]) -> PoiPatch:
    """A POI patch from the form's fields (the same type, hence the same checks, as the JSON API)."""
    return msgspec.convert(fields, PoiPatch)


def patch_route(fields: dict[str, Any]) -> RoutePatch:
    return msgspec.convert(fields, RoutePatch)


_DRAFTS: dict[str, tuple[Any, type[Any]]] = {"poi": (POIS, PoiInput), "route": (ROUTES, RouteInput)}


async def create_draft(
    events: EventHub,
    db: Database,
    principal: Principal,
    kind: Literal["poi", "route"],
    fields: dict[str, Any],
    *,
    office_id: str | None,
    now: datetime,
) -> str:
    """A new draft POI or route (no stops yet) from a form's fields, converted to the JSON API's create
    body (hence the same checks) and owned by the staff member's office (admins name one); its id."""
    aggregate, body_type = _DRAFTS[kind]
    body = msgspec.convert(fields, body_type)
    record = await editing.create(_session(events, db, principal, now), aggregate, body, office_id=office_id)
    return str(record.id)


async def save_poi(
    events: EventHub,
    db: Database,
    principal: Principal,
    poi_id: str,
    fields: dict[str, Any],
    *,
    if_match: str,
    now: datetime,
) -> PoiRecord:
    return await editing.update(
        _session(events, db, principal, now), POIS, poi_id, patch_poi(fields), if_match=if_match
    )


async def set_poi_status(
    events: EventHub,
    db: Database,
    principal: Principal,
    poi_id: str,
    status: Status,
    *,
    if_match: str,
    now: datetime,
) -> PoiRecord:
    return await editing.set_status(
        _session(events, db, principal, now), POIS, poi_id, status, if_match=if_match
    )


async def save_route(
    events: EventHub,
    db: Database,
    principal: Principal,
    route_id: str,
    fields: dict[str, Any],
    *,
    if_match: str,
    now: datetime,
) -> EditorRoute:
    route = await editing.update(
        _session(events, db, principal, now), ROUTES, route_id, patch_route(fields), if_match=if_match
    )
    assert isinstance(route, EditorRoute)
    return route


async def save_stops(
    events: EventHub,
    db: Database,
    principal: Principal,
    route_id: str,
    stops: list[dict[str, Any]],
    *,
    if_match: str,
    now: datetime,
) -> EditorRoute:
    inputs = msgspec.convert(stops, list[StopInput])
    return await set_stops(_session(events, db, principal, now), route_id, inputs, if_match=if_match)


async def set_route_status(
    events: EventHub,
    db: Database,
    principal: Principal,
    route_id: str,
    status: Status,
    *,
    if_match: str,
    now: datetime,
) -> EditorRoute:
    route = await editing.set_status(
        _session(events, db, principal, now), ROUTES, route_id, status, if_match=if_match
    )
    assert isinstance(route, EditorRoute)
    return route


async def history(db: Database, principal: Principal, kind: str, entity_id: str) -> Page[HistoryEntry]:
    session = _session(None, db, principal)
    if kind == "poi":
        return await editing.read_history(session, POIS, entity_id, PageRequest())
    return await editing.read_history(session, ROUTES, entity_id, PageRequest())


@dataclass(frozen=True)
class PackStatus:
    pack_id: str
    version: int | None
    size: int | None
    built_at: str | None
    stale: bool


async def route_pack(db: Database, route_id: str) -> PackStatus:
    pack_id = PackId.route(route_id)
    async with db.read() as conn:
        row = await get_pack(conn, pack_id)
        stale = pack_id in await stale_pack_ids(conn)
    if row is None:
        return PackStatus(str(pack_id), None, None, None, stale)
    return PackStatus(str(pack_id), row.version, row.size, row.built_at, stale or row.stale)


async def packs_being_rebuilt(db: Database) -> list[str]:
    async with db.read() as conn:
        return [str(pack_id) for pack_id in await stale_pack_ids(conn)]


def rebuild_route_pack(events: EventHub, principal: Principal, route: EditorRoute) -> None:
    """Ask the pack rebuilder for this route's pack, as an edit would."""
    if not can_edit(principal, "route", route.office_id):
        raise Forbidden("you may not rebuild this route's pack")
    events.emit(ContentChanged(routes=frozenset({route.id})))


@dataclass(frozen=True)
class HoursPreview:
    valid: bool
    open_now: bool = False
    next_change: datetime | None = None
    error: str | None = None


def hours_preview(text: str, at: datetime, *, lat: float, lon: float) -> HoursPreview:
    """ "Open now / opens at" for an opening-hours string, with the same parser as the API."""
    from content.core.errors import InvalidInput

    try:
        value = validate_opening_hours(text, "opening_hours")
    except InvalidInput as exc:
        return HoursPreview(valid=False, error=exc.errors[0].message if exc.errors else exc.detail)
    return HoursPreview(
        valid=True,
        open_now=is_open(value, at, lat=lat, lon=lon),
        next_change=next_change(value, at, lat=lat, lon=lon),
    )


# Producers and offers


async def producers(db: Database, principal: Principal) -> list[ProducerRecord]:
    async with db.read() as conn:
        page = await editor_producers(conn, principal, status=None, page=PageRequest(MAX_LIMIT))
    return page.items


async def producer(db: Database, principal: Principal, producer_id: str) -> ProducerRecord:
    async with db.read() as conn:
        return await editor_producer(conn, principal, producer_id)


async def offers(db: Database, principal: Principal, producer_id: str) -> list[OfferRecord]:
    async with db.read() as conn:
        return (await editor_offers(conn, principal, producer_id, include_withdrawn=False)).items


async def offer(db: Database, principal: Principal, producer_id: str, offer_id: str) -> OfferRecord:
    async with db.read() as conn:
        return await editor_offer(conn, principal, producer_id, offer_id)


async def save_offer(
    events: EventHub,
    db: Database,
    principal: Principal,
    producer_id: str,
    offer_id: str,
    fields: dict[str, Any],
    *,
    if_match: str | None,
    now: datetime,
    require_match: bool = True,
) -> OfferRecord:
    patch = msgspec.convert(fields, OfferPatch)
    session = _session(events, db, principal, now)
    expected = if_match if require_match else UNCHECKED
    return await editing.update(session, OFFERS, (producer_id, offer_id), patch, if_match=expected)


async def save_producer(
    events: EventHub,
    db: Database,
    principal: Principal,
    producer_id: str,
    fields: dict[str, Any],
    *,
    if_match: str,
    now: datetime,
) -> ProducerRecord:
    patch = msgspec.convert(fields, ProducerPatch)
    return await editing.update(
        _session(events, db, principal, now), PRODUCERS, producer_id, patch, if_match=if_match
    )


async def offers_expiring(db: Database, *, now: datetime, days: int = 7) -> list[Any]:
    async with db.read() as conn:
        return await expiring_offers(conn, now=now, until=now + timedelta(days=days))


# Admin


def require_admin(principal: Principal) -> None:
    if not can_manage_users(principal):
        raise Forbidden("this needs the role admin")


async def offices(db: Database, principal: Principal) -> list[Office]:
    require_admin(principal)
    async with db.read() as conn:
        return (await list_offices(conn, PageRequest(MAX_LIMIT))).items


async def add_office(
    db: Database, principal: Principal, office_id: str, name: str, *, now: datetime
) -> Office:
    require_admin(principal)
    return await editing.create(
        _session(None, db, principal, now), OFFICES, NewOffice(id=office_id, name=name)
    )


async def users(db: Database, principal: Principal) -> list[User]:
    require_admin(principal)
    async with db.read() as conn:
        return (await list_users(conn, PageRequest(MAX_LIMIT))).items


async def add_user(db: Database, principal: Principal, fields: dict[str, Any], *, now: datetime) -> User:
    require_admin(principal)
    return await create_user(db, msgspec.convert(fields, NewUser), actor_id=principal.id, now=now)


async def change_account(
    db: Database, principal: Principal, user_id: str, fields: dict[str, Any], *, now: datetime
) -> User:
    require_admin(principal)
    async with db.read() as conn:
        current = await get_user(conn, user_id)
    changes = msgspec.convert(fields, UserChanges)
    return await change_user(
        db, user_id, changes, if_match=user_etag(current), actor_id=principal.id, now=now
    )


async def upload(
    db: Database,
    blobs: BlobStore,
    settings: Settings,
    principal: Principal,
    path: Path,
    *,
    credit: str | None,
    licence: str | None,
    alt: str | None,
) -> MediaRef:
    if not can_upload_media(principal):
        raise Forbidden("your role cannot upload media")
    return await ingest(
        db, blobs, settings, path, credit=credit, licence=licence, alt=alt, user_id=principal.id
    )


async def usage_figures(
    recorder: AnalyticsRecorder,
    principal: Principal,
    start: str | None,
    end: str | None,
    granularity: str | None,
    lang: str,
    *,
    route_id: str | None = None,
) -> tuple[Report, Titles]:
    """Usage figures the principal may see (suppressed below 5 unless admin), and names to show them by."""
    today = local_day(recorder.clock())
    query = parse_report_query(today, start, end, granularity, route_id)
    await recorder.flush()
    report = await read_report(
        recorder.db,
        query,
        principal,
        today=today,
        retention_months=recorder.retention_months,
        cache=recorder.figures,
    )
    async with recorder.db.read() as conn:
        titles = await object_titles(conn, lang)
    return report, titles


async def import_conflicts(db: Database, principal: Principal) -> list[PoiConflicts]:
    """Imported POIs whose edits here collide with their source (the first 500, by id)."""
    page = await list_conflicts(db, principal, provider=None, page=PageRequest(MAX_LIMIT))
    return page.items


async def resolve_import_conflict(
    events: EventHub,
    db: Database,
    principal: Principal,
    poi_id: str,
    field: str,
    take: Literal["local", "source"],
    *,
    revision: int,
    now: datetime,
) -> None:
    """Keep the local value, or take the source's (an edit of the revision the page showed)."""
    tag = etag_for("poi", poi_id, revision)
    await resolve_conflict(events, db, principal, poi_id, field, take, if_match=tag, now=now)
