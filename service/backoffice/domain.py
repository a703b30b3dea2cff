"""The back-office's one door into the domain: every page calls the same ``content``/``packs``
functions as the JSON API, through this module only, so that when the editing workflow moves the
change is made here and nowhere else. No rule lives here: only calls, and the shapes pages need.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from content import worklist as worklist_queries
from content.accounts import (
    NewOffice,
    NewUser,
    Office,
    User,
    UserChanges,
    change_user,
    create_office,
    create_user,
    get_user,
    list_offices,
    list_users,
    login,
    logout,
    user_etag,
)
from content.accounts.permissions import (
    can_edit,
    can_manage_users,
    can_upload_media,
    require_edit,
    require_list,
)
from content.accounts.principal import Principal
from content.blobs import BlobStore
from content.db import Database
from content.editor import (
    EditorRoute,
    change_poi_status,
    change_route_status,
    edit_poi,
    edit_route,
    poi_etag,
    poi_for_editor,
    poi_history,
    poi_page,
    route_etag,
    route_for_editor,
    route_history,
    route_page,
    set_stops,
)
from content.errors import Forbidden
from content.events import ContentChanged, EventHub
from content.history import HistoryPage
from content.hours import is_open, next_change, validate_opening_hours
from content.media import ingest
from content.model import MediaRef, Status
from content.paging import EVERY_STATUS
from content.pois.model import PoiPatch, PoiRecord
from content.pois.queries import get_poi
from content.producers.editor import editor_offer, editor_offers, editor_producer, editor_producers
from content.producers.model import OfferPatch, ProducerPatch
from content.producers.offer_store import update_offer
from content.producers.queries import expiring_offers
from content.producers.records import OfferRecord, ProducerRecord
from content.producers.store import update_producer
from content.routes.model import RoutePatch, RouteSummaryRecord, StopInput
from content.settings import Settings
from content.worklist import TodoList
from packs.store import get_pack, stale_pack_ids

__all__ = [
    "EditorRoute",
    "HoursPreview",
    "OfferRecord",
    "Office",
    "PackStatus",
    "PoiRecord",
    "ProducerRecord",
    "RouteSummaryRecord",
    "User",
    "Worklist",
    "add_office",
    "add_user",
    "can_edit",
    "can_manage_users",
    "can_upload_media",
    "change_account",
    "find_pois",
    "history",
    "hours_preview",
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
    "user_etag",
    "users",
    "worklist",
]

# Re-exported for the pages: they import the domain through this module only.
sign_in = login
sign_out = logout


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
    page = await poi_page(db, principal, statuses=statuses, limit=limit, after=after)
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
    page = await route_page(db, principal, statuses=statuses, limit=limit, after=after)
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
        ids = await worklist_queries.find_poi_ids(
            conn, text=text, statuses=statuses, category=category, after_id=after_id, limit=limit + 1
        )
        records = [await get_poi(conn, poi_id, statuses=EVERY_STATUS) for poi_id in ids[:limit]]
    found = [record for record in records if record is not None]
    return found, (ids[limit - 1] if len(ids) > limit else None)


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


_LANG_MAPS = frozenset({"name", "description", "title", "summary", "story", "product", "notes"})


def _replacing(fields: dict[str, Any]) -> dict[str, Any]:
    """Pages send merge-patch language maps (``None`` removes a language). Until the merge-patch
    workflow is on main, a map replaces the stored one: drop the removed languages and send the rest."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, dict):
            value = (
                {k: v for k, v in value.items() if v is not None} if key in _LANG_MAPS else _replacing(value)
            )
        out[key] = value
    return out


def patch_poi(fields: dict[str, Any]) -> PoiPatch:
    """A POI patch from the form's fields (the same type, hence the same checks, as the JSON API)."""
    return msgspec.convert(_replacing(fields), PoiPatch)


def patch_route(fields: dict[str, Any]) -> RoutePatch:
    return msgspec.convert(_replacing(fields), RoutePatch)


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
    return await edit_poi(events, db, principal, poi_id, patch_poi(fields), if_match=if_match, now=now)


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
    return await change_poi_status(events, db, principal, poi_id, status, if_match=if_match, now=now)


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
    return await edit_route(events, db, principal, route_id, patch_route(fields), if_match=if_match, now=now)


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
    return await set_stops(events, db, principal, route_id, inputs, if_match=if_match, now=now)


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
    return await change_route_status(events, db, principal, route_id, status, if_match=if_match, now=now)


async def history(db: Database, principal: Principal, kind: str, entity_id: str) -> HistoryPage:
    if kind == "poi":
        return await poi_history(db, principal, entity_id, limit=50, cursor=None)
    return await route_history(db, principal, entity_id, limit=50, cursor=None)


@dataclass(frozen=True)
class PackStatus:
    pack_id: str
    version: int | None
    size: int | None
    built_at: str | None
    stale: bool


async def route_pack(db: Database, route_id: str) -> PackStatus:
    pack_id = f"route:{route_id}"
    async with db.read() as conn:
        row = await get_pack(conn, pack_id)
        stale = pack_id in await stale_pack_ids(conn)
    if row is None:
        return PackStatus(pack_id, None, None, None, stale)
    return PackStatus(pack_id, row.version, row.size, row.built_at, stale or row.stale)


async def packs_being_rebuilt(db: Database) -> list[str]:
    async with db.read() as conn:
        return await stale_pack_ids(conn)


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
    from content.errors import InvalidInput

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
        page = await editor_producers(conn, principal, status=None, limit=500, cursor=None)
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
    patch = msgspec.convert(_replacing(fields), OfferPatch)
    async with events.write(db) as pending:
        record = await update_offer(
            pending.conn,
            producer_id,
            offer_id,
            patch,
            if_match=if_match,
            actor=principal,
            now=now,
            require_match=require_match,
        )
        pending.touch(producers={producer_id})
    return record


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
    patch = msgspec.convert(_replacing(fields), ProducerPatch)
    async with events.write(db) as pending:
        record = await update_producer(
            pending.conn, producer_id, patch, if_match=if_match, actor=principal, now=now
        )
        pending.touch(producers={record.id})
    return record


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
        return (await list_offices(conn, limit=500)).items


async def add_office(
    db: Database, principal: Principal, office_id: str, name: str, *, now: datetime
) -> Office:
    require_admin(principal)
    async with db.write() as conn:
        return await create_office(conn, NewOffice(id=office_id, name=name), actor_id=principal.id, now=now)


async def users(db: Database, principal: Principal) -> list[User]:
    require_admin(principal)
    async with db.read() as conn:
        return (await list_users(conn, limit=500)).items


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
