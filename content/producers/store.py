"""Writing producers: create, patch, status. Writer connection only, inside the caller's transaction.

These are the aggregate's writers; who may call them, the ``If-Match`` check, the history entry and the
change event belong to the editing workflow (``content.editing``, producers declared in
``content.editing.producers``). Each checks the body obeys every rule and the media it names exist
before it writes, so a refused write changes nothing. Offers: ``content.producers.offer_store``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from content.core.clock import rfc3339
from content.core.model import STATUSES, Status
from content.core.paging import EVERY_STATUS
from content.core.references import check_media, check_office
from content.editing import history
from content.editing.changes import Change, Updated, reread, write_status
from content.editing.merge_patch import patch_document, patched
from content.producers._writes import builtins_of, fresh_id, image_uses
from content.producers.model import ProducerInput, ProducerPatch
from content.producers.queries import get_producer
from content.producers.rows import ProducerRecord, producer_params
from content.producers.validate import validate_producer

__all__ = ["create_producer", "producer_fields", "set_producer_status", "update_producer"]

_INSERT_PRODUCER = """
INSERT INTO producers (id, office_id, status, name, description, lat, lon, address, commune, contact, labels,
                       opening_hours, pickup_points, images, created_at, updated_at, updated_by)
VALUES (:id, :office_id, :status, :name, :description, :lat, :lon, :address, :commune, :contact, :labels,
        :opening_hours, :pickup_points, :images, :now, :now, :user_id)
"""
_UPDATE_PRODUCER = """
UPDATE producers SET name = :name, description = :description, lat = :lat, lon = :lon, address = :address,
    commune = :commune, contact = :contact, labels = :labels, opening_hours = :opening_hours,
    pickup_points = :pickup_points, images = :images,
    revision = revision + 1, updated_at = :now, updated_by = :user_id
WHERE id = :id
"""


async def _reread(conn: aiosqlite.Connection, producer_id: str) -> ProducerRecord:
    return await reread(get_producer(conn, producer_id, statuses=EVERY_STATUS))


def producer_fields(record: ProducerRecord) -> dict[str, Any]:
    """A new producer's fields, as its ``create`` history entry shows them."""
    return {**builtins_of(record.to_input()), "status": record.status, "office_id": record.office_id}


async def create_producer(
    conn: aiosqlite.Connection,
    body: ProducerInput,
    *,
    now: datetime,
    user_id: str | None = None,
    office_id: str | None = None,
    producer_id: str | None = None,
    status: Status = "draft",
) -> ProducerRecord:
    """Insert a producer at revision 1 (a draft unless told). ``Conflict`` if ``producer_id`` is taken."""
    profile = validate_producer(body)
    await check_office(conn, office_id)
    await check_media(conn, image_uses(profile.images))
    new_id = await fresh_id(conn, "producers", profile.name, producer_id)
    params = {"id": new_id, "office_id": office_id, "status": status, "now": rfc3339(now), "user_id": user_id}
    await conn.execute(_INSERT_PRODUCER, {**params, **producer_params(profile)})
    return await _reread(conn, new_id)


async def update_producer(
    conn: aiosqlite.Connection,
    record: ProducerRecord,
    patch: ProducerPatch,
    *,
    now: datetime,
    user_id: str | None = None,
) -> Updated[ProducerRecord]:
    """Apply a JSON merge patch to the profile; only the fields it sends are checked again, and the
    revision moves only if something changed."""
    profile = patched(record.to_input(), patch)
    profile = validate_producer(profile, only=patch_document(patch).keys())
    await check_media(conn, image_uses(profile.images))
    before, after = history.changed_fields(builtins_of(record.to_input()), builtins_of(profile))
    if not after:
        return Updated(record, Change(entity_id=record.id, revision=record.revision, before={}, after={}))
    params = {"id": record.id, "now": rfc3339(now), "user_id": user_id, **producer_params(profile)}
    await conn.execute(_UPDATE_PRODUCER, params)
    updated = await _reread(conn, record.id)
    return Updated(
        updated, Change(entity_id=record.id, revision=updated.revision, before=before, after=after)
    )


async def set_producer_status(
    conn: aiosqlite.Connection,
    record: ProducerRecord,
    status: str,
    *,
    now: datetime,
    user_id: str | None = None,
) -> Updated[ProducerRecord]:
    """Publish, unpublish (back to draft) or archive; nothing changes if already so."""
    return await write_status(
        conn, "producers", record, status, allowed=STATUSES, user_id=user_id, updated_at=rfc3339(now),
        reread=lambda: _reread(conn, record.id),
    )  # fmt: skip
