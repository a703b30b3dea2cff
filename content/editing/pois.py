"""The POI aggregate in the editing workflow (:mod:`content.editing`): how to load, create, patch
and re-status a POI, and which routes a change reaches. Lists stay here too (drafts included)."""

from __future__ import annotations

import aiosqlite
import msgspec

from content.core.cursor import SortKey
from content.core.events import PendingChange
from content.core.model import Status
from content.core.paging import EVERY_STATUS, Keyset
from content.editing import Aggregate, Created, EditSession, Owner, require_listing
from content.editing.affected import routes_affected_by_poi
from content.editing.changes import Updated
from content.pois.model import PoiInput, PoiPatch, PoiRecord
from content.pois.queries import PoiQuery, get_poi, list_pois
from content.pois.store import create_poi, set_poi_status, update_poi

__all__ = ["POIS", "poi_etag", "poi_page"]


async def _load(conn: aiosqlite.Connection, poi_id: str) -> PoiRecord | None:
    return await get_poi(conn, poi_id, statuses=EVERY_STATUS)


def _owner(record: PoiRecord) -> Owner:
    return Owner(record.office_id)


def _fields(record: PoiRecord) -> dict[str, object]:
    built: dict[str, object] = msgspec.to_builtins(record)
    for name in ("id", "revision", "created_at", "updated_at", "updated_by"):
        built.pop(name, None)
    return built


async def _insert(
    conn: aiosqlite.Connection, body: PoiInput, session: EditSession, owner: Owner
) -> Created[PoiRecord]:
    record = await create_poi(
        conn, body, office_id=owner.office_id, user_id=session.user_id, updated_at=session.stamp
    )
    return Created(record, _fields(record))


async def _patch(
    conn: aiosqlite.Connection, record: PoiRecord, patch: PoiPatch, session: EditSession
) -> Updated[PoiRecord]:
    return await update_poi(
        conn,
        record.id,
        patch,
        user_id=session.user_id,
        updated_at=session.stamp,
        expected_revision=record.revision,
    )


async def _status(
    conn: aiosqlite.Connection, record: PoiRecord, status: str, session: EditSession
) -> Updated[PoiRecord]:
    return await set_poi_status(
        conn, record.id, status, user_id=session.user_id, updated_at=session.stamp,  # type: ignore[arg-type]
        expected_revision=record.revision,
    )  # fmt: skip


async def _touched(pending: PendingChange, before: PoiRecord | None, after: PoiRecord) -> None:
    """A published POI (before or after) moves its own pack entry and the routes it reaches."""
    shown = [record for record in (before, after) if record is not None]
    if "published" not in {record.status for record in shown}:
        return
    positions = [(record.geometry.coordinates[1], record.geometry.coordinates[0]) for record in shown]
    routes = await routes_affected_by_poi(pending.conn, after.id, positions)
    pending.touch(pois={after.id}, routes=routes)


POIS: Aggregate[str, PoiRecord, PoiInput, PoiPatch] = Aggregate(
    kind="poi",
    noun="POI",
    load=_load,
    owner=_owner,
    insert=_insert,
    apply_patch=_patch,
    apply_status=_status,
    touched=_touched,
)
"""POIs: ``editing.create/read/update/set_status(session, POIS, …)``."""


def poi_etag(record: PoiRecord) -> str:
    return POIS.etag(record)


async def poi_page(
    session: EditSession,
    *,
    statuses: tuple[Status, ...] = EVERY_STATUS,
    office_id: str | None = None,
    limit: int,
    after: SortKey | None,
) -> Keyset[PoiRecord]:
    """Every POI an editor may see (drafts and archived included), by id."""
    require_listing(session.principal, "poi")
    query = PoiQuery(statuses=statuses, office_id=office_id, limit=limit, after=after)
    async with session.db.read() as conn:
        return await list_pois(conn, query)
