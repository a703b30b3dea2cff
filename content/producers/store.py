"""Writing producers: create, partial update, publish/unpublish. Writer connection only, inside the
caller's transaction (offers: ``content.producers.offer_store``).

Each function checks, in order: the resource exists, the actor may touch it
(``content.accounts.permissions``), the ``If-Match`` ETag is current, the body obeys every rule, and
the media it names exist; only then does it write, bump the revision and append the history entry in
the same transaction, so a refused request changes nothing. ``actor=None`` is the command line (no
permission check); ``require_match=False`` is for loaders that are not answering a client.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from content import history
from content.accounts.permissions import require_create, require_edit
from content.accounts.principal import Principal
from content.clock import rfc3339
from content.editing import check_if_match
from content.errors import InvalidInput, NotFound
from content.model import STATUSES, Status
from content.paging import EVERY_STATUS
from content.producers._writes import builtins_of, fresh_id, image_uses, user_of
from content.producers.model import ProducerInput, ProducerPatch
from content.producers.queries import get_producer
from content.producers.records import ProducerRecord, producer_params
from content.producers.validation import apply_producer_patch, validate_producer, validate_producer_patch
from content.references import check_media, check_office

__all__ = ["create_producer", "editable_producer", "set_producer_status", "update_producer"]

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
_PRODUCER_STATUS = """
UPDATE producers SET status = :status, revision = revision + 1, updated_at = :now, updated_by = :user_id
WHERE id = :id
"""


async def editable_producer(
    conn: aiosqlite.Connection, producer_id: str, actor: Principal | None
) -> ProducerRecord:
    """The producer (any status) if ``actor`` may edit it: ``NotFound``, or ``Forbidden``."""
    record = await get_producer(conn, producer_id, statuses=EVERY_STATUS)
    if record is None:
        raise NotFound(f"no producer {producer_id!r}")
    if actor is not None:
        require_edit(actor, "producer", record.office_id, record.id)
    return record


async def _reread(conn: aiosqlite.Connection, producer_id: str) -> ProducerRecord:
    record = await get_producer(conn, producer_id, statuses=EVERY_STATUS)
    assert record is not None
    return record


async def create_producer(
    conn: aiosqlite.Connection,
    body: ProducerInput,
    *,
    actor: Principal | None,
    now: datetime,
    office_id: str | None = None,
    producer_id: str | None = None,
    status: Status = "draft",
) -> ProducerRecord:
    """Insert a producer at revision 1 (a draft unless told). ``Conflict`` if ``producer_id`` is taken."""
    if actor is not None:
        require_create(actor, "producer")
    profile = validate_producer(body)
    await check_office(conn, office_id)
    await check_media(conn, image_uses(profile.images))
    new_id = await fresh_id(conn, "producers", profile.name, producer_id)
    user_id = user_of(actor)
    params = {"id": new_id, "office_id": office_id, "status": status, "now": rfc3339(now), "user_id": user_id}
    await conn.execute(_INSERT_PRODUCER, {**params, **producer_params(profile)})
    after = {**builtins_of(profile), "status": status, "office_id": office_id}
    await history.record(
        conn, entity_type="producer", entity_id=new_id, revision=1, action="create", user_id=user_id,
        before={}, after=after, at=now,
    )  # fmt: skip
    return await _reread(conn, new_id)


async def update_producer(
    conn: aiosqlite.Connection,
    producer_id: str,
    patch: ProducerPatch,
    *,
    if_match: str | None,
    actor: Principal | None,
    now: datetime,
    require_match: bool = True,
) -> ProducerRecord:
    """Apply a partial profile update; the revision moves only if something changed."""
    record = await editable_producer(conn, producer_id, actor)
    if require_match:
        check_if_match(if_match, record.etag)
    checked = validate_producer_patch(patch)
    profile = apply_producer_patch(record.to_input(), checked)
    await check_media(conn, image_uses(profile.images))
    before, after = history.changed_fields(builtins_of(record.to_input()), builtins_of(profile))
    if not after:
        return record
    user_id = user_of(actor)
    params = {"id": producer_id, "now": rfc3339(now), "user_id": user_id, **producer_params(profile)}
    await conn.execute(_UPDATE_PRODUCER, params)
    await history.record(
        conn, entity_type="producer", entity_id=producer_id, revision=record.revision + 1,
        action="update", user_id=user_id, before=before, after=after, at=now,
    )  # fmt: skip
    return await _reread(conn, producer_id)


async def set_producer_status(
    conn: aiosqlite.Connection,
    producer_id: str,
    status: Status,
    *,
    if_match: str | None,
    actor: Principal | None,
    now: datetime,
    require_match: bool = True,
) -> ProducerRecord:
    """Publish, unpublish (back to draft) or archive; nothing changes if already so."""
    if status not in STATUSES:
        raise InvalidInput.field("status", f"must be one of {', '.join(STATUSES)}")
    record = await editable_producer(conn, producer_id, actor)
    if require_match:
        check_if_match(if_match, record.etag)
    if record.status == status:
        return record
    user_id = user_of(actor)
    await conn.execute(
        _PRODUCER_STATUS, {"id": producer_id, "status": status, "now": rfc3339(now), "user_id": user_id}
    )
    action = {"published": "publish", "draft": "unpublish", "archived": "archive"}[status]
    await history.record(
        conn, entity_type="producer", entity_id=producer_id, revision=record.revision + 1, action=action,
        user_id=user_id, before={"status": record.status}, after={"status": status}, at=now,
    )  # fmt: skip
    return await _reread(conn, producer_id)
