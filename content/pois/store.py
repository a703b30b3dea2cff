"""Writing POIs: create, partial update, status change, and bulk insert (import). Writer connection only.

Every function runs inside the caller's ``db.write()`` transaction and raises a domain error before any
row is touched when the input is invalid, so nothing is ever half-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite
import msgspec

from content.core.errors import Conflict, FieldError, InvalidInput
from content.core.ids import slugify, unique_id, unique_slug
from content.core.model import STATUSES, Status
from content.core.paging import EVERY_STATUS
from content.core.references import check_media, check_office
from content.editing.changes import Change, Updated, current, diff_fields, reread, write_status
from content.editing.merge_patch import patched
from content.pois.model import PoiInput, PoiPatch, PoiRecord
from content.pois.queries import get_poi
from content.pois.rows import INSERT_POI, insert_params, poi_params
from content.pois.validate import PoiValues, check_poi, check_poi_references, poi_media_uses

__all__ = ["create_poi", "insert_checked_pois", "insert_pois", "set_poi_status", "update_poi"]

_UPDATE_POI = """
UPDATE pois SET category = :category, name = :name, description = :description, lat = :lat, lon = :lon,
    address = :address, commune = :commune, opening_hours = :opening_hours, contact = :contact,
    accessibility = :accessibility, images = :images, audio = :audio,
    revision = revision + 1, updated_at = :updated_at, updated_by = :updated_by
WHERE id = :id
"""
_MAX_REPORTED_ERRORS = 50


def _name_for_id(values: PoiValues) -> str:
    return values.name.get("fr") or next(iter(values.name.values()))


async def _current(conn: aiosqlite.Connection, poi_id: str, expected_revision: int | None) -> PoiRecord:
    return await current(get_poi(conn, poi_id, statuses=EVERY_STATUS), "POI", poi_id, expected_revision)


async def _reread(conn: aiosqlite.Connection, poi_id: str) -> PoiRecord:
    return await reread(get_poi(conn, poi_id, statuses=EVERY_STATUS))


async def create_poi(
    conn: aiosqlite.Connection,
    poi: PoiInput,
    *,
    office_id: str | None,
    user_id: str | None,
    updated_at: str,
    status: Status = "draft",
) -> PoiRecord:
    """Insert a new POI at revision 1 and return it. ``Conflict`` if ``poi.id`` is taken."""
    values = check_poi(poi)
    await check_office(conn, office_id)
    await check_poi_references(conn, values)
    if poi.id is not None:
        if await get_poi(conn, poi.id, statuses=EVERY_STATUS) is not None:
            raise Conflict(f"a POI with id {poi.id!r} already exists")
        poi_id = poi.id
    else:
        poi_id = await unique_id(conn, "pois", _name_for_id(values))
    params = insert_params(
        poi_id, values, office_id=office_id, status=status, user_id=user_id, updated_at=updated_at
    )
    await conn.execute(INSERT_POI, params)
    return await _reread(conn, poi_id)


async def update_poi(
    conn: aiosqlite.Connection,
    poi_id: str,
    patch: PoiPatch,
    *,
    user_id: str | None,
    updated_at: str,
    expected_revision: int | None = None,
) -> Updated[PoiRecord]:
    """Apply a JSON merge patch (``content.editing.merge_patch``), validated as a whole; bumps the revision
    only if something changed.

    ``NotFound`` for an unknown id, ``PreconditionFailed`` if ``expected_revision`` is stale.
    """
    record = await _current(conn, poi_id, expected_revision)
    values = check_poi(patched(record.to_input(), patch))
    await check_poi_references(conn, values)
    before, after = diff_fields(_stored_fields(record), values.fields())
    if not after:
        return Updated(record, Change(entity_id=poi_id, revision=record.revision, before={}, after={}))
    await conn.execute(
        _UPDATE_POI, {"id": poi_id, "updated_at": updated_at, "updated_by": user_id, **poi_params(values)}
    )
    updated = await _reread(conn, poi_id)
    return Updated(updated, Change(entity_id=poi_id, revision=updated.revision, before=before, after=after))


def _stored_fields(record: PoiRecord) -> dict[str, Any]:
    """The record in the same shape as ``PoiValues.fields()``, to diff against."""
    return {name: msgspec.to_builtins(getattr(record, name)) for name in PoiValues.__struct_fields__}


async def set_poi_status(
    conn: aiosqlite.Connection,
    poi_id: str,
    status: Status,
    *,
    user_id: str | None,
    updated_at: str,
    expected_revision: int | None = None,
) -> Updated[PoiRecord]:
    """Publish, unpublish (draft) or archive; a no-op (same revision) if the status is already ``status``."""
    record = await _current(conn, poi_id, expected_revision)
    return await write_status(
        conn, "pois", record, status, allowed=STATUSES, user_id=user_id, updated_at=updated_at,
        reread=lambda: _reread(conn, poi_id),
    )  # fmt: skip


async def insert_pois(
    conn: aiosqlite.Connection,
    pois: Sequence[PoiInput],
    *,
    office_id: str | None,
    user_id: str | None,
    updated_at: str,
    status: Status = "published",
    page_cache_kib: int | None = 262144,
) -> list[str]:
    """Insert many new POIs in one statement batch (import); returns their ids in input order.

    Everything is checked first; errors name the item as ``[index].field`` (``[12].category``) and
    nothing is inserted. Given ids must be new; missing ids are generated from the names. The page
    cache is raised to ``page_cache_kib`` for the batch (None: left as the caller set it).
    """
    errors: list[FieldError] = []
    checked: list[PoiValues | None] = []
    for index, poi in enumerate(pois):
        try:
            checked.append(check_poi(poi, prefix=f"[{index}]"))
        except InvalidInput as exc:
            errors.extend(exc.errors)
            checked.append(None)
        if len(errors) >= _MAX_REPORTED_ERRORS:
            break
    if errors:
        raise InvalidInput(errors[:_MAX_REPORTED_ERRORS])
    all_values = [v for v in checked if v is not None]
    await check_office(conn, office_id)
    uses = [use for index, v in enumerate(all_values) for use in poi_media_uses(v, prefix=f"[{index}]")]
    await check_media(conn, uses)
    ids = await _assign_ids(conn, [poi.id for poi in pois], all_values)
    # A large page cache for the batch: each row also updates three indexes, two R*Trees and the
    # text index, and their pages would otherwise be evicted and re-read over and over.
    if page_cache_kib is None:
        await _insert_values(conn, ids, all_values, office_id, status, user_id, updated_at)
        return ids
    cache_rows = list(await conn.execute_fetchall("PRAGMA cache_size"))
    await conn.execute(f"PRAGMA cache_size = {-int(page_cache_kib)}")
    await _insert_values(conn, ids, all_values, office_id, status, user_id, updated_at)
    await conn.execute(f"PRAGMA cache_size = {int(cache_rows[0][0])}")
    return ids


async def insert_checked_pois(
    conn: aiosqlite.Connection,
    values: Sequence[PoiValues],
    *,
    office_id: str | None,
    user_id: str | None,
    updated_at: str,
    status: Status = "published",
) -> list[str]:
    """:func:`insert_pois` for values that :func:`check_poi` already returned, whose office was checked
    and which point at no media (a bulk import's batch): ids are generated from the names.

    The rows go in by id order, as one JSON array read by a single statement (:data:`_INSERT_POIS_JSON`)."""
    ids = await _assign_ids(conn, [None] * len(values), values)
    rows = _json_rows(ids, values, office_id, status, user_id, updated_at)
    if rows is None:
        await _insert_values(conn, ids, values, office_id, status, user_id, updated_at)
    else:
        await conn.execute(_INSERT_POIS_JSON, (rows,))
    return ids


# A batch of new rows as one JSON array and one statement: SQLite then inserts the whole batch without
# the GIL (``executemany`` binds every row in Python, and between rows the writer thread waits for the GIL
# while the import's other threads parse the feed). By id order, the id-keyed indexes are walked once,
# in order, per batch. Coordinates travel as integer micro-degrees and are stored as their quotient by
# 1e6, which is exactly the rounded float that check_poi made (the text of a float would go through
# SQLite's own number parser instead).
_INSERT_POIS_JSON = """
INSERT INTO pois (id, office_id, status, category, name, description, lat, lon, address, commune,
                  opening_hours, contact, accessibility, images, audio, created_at, updated_at, updated_by)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
       (value ->> 6) / 1000000.0, (value ->> 7) / 1000000.0, value ->> 8, value ->> 9, value ->> 10,
       value ->> 11, value ->> 12, value ->> 13, value ->> 14, value ->> 15, value ->> 15, value ->> 16
FROM json_each(?)
"""
_MICRO = 1_000_000


def _micro(value: float) -> int | None:
    """``value`` as integer micro-degrees when that is exact, else None."""
    micro = round(value * _MICRO)
    return micro if micro / _MICRO == value else None


def _json_rows(
    ids: Sequence[str],
    values: Sequence[PoiValues],
    office_id: str | None,
    status: Status,
    user_id: str | None,
    updated_at: str,
) -> str | None:
    """The rows of :data:`_INSERT_POIS_JSON`, by id; None when a coordinate is not a whole number of
    micro-degrees (then the batch goes through ``executemany``)."""
    rows = []
    for poi_id, poi_values in sorted(zip(ids, values, strict=True), key=lambda pair: pair[0]):
        params = poi_params(poi_values)
        lat, lon = _micro(params["lat"]), _micro(params["lon"])
        if lat is None or lon is None:
            return None
        rows.append(
            (
                poi_id, office_id, status, params["category"], params["name"], params["description"],
                lat, lon, params["address"], params["commune"], params["opening_hours"],
                params["contact"], params["accessibility"], params["images"], params["audio"],
                updated_at, user_id,
            )
        )  # fmt: skip
    return _encode_ids(rows).decode()


async def _insert_values(
    conn: aiosqlite.Connection,
    ids: Sequence[str],
    values: Sequence[PoiValues],
    office_id: str | None,
    status: Status,
    user_id: str | None,
    updated_at: str,
) -> None:
    await conn.executemany(
        INSERT_POI,
        (
            insert_params(
                poi_id, poi_values, office_id=office_id, status=status, user_id=user_id, updated_at=updated_at
            )
            for poi_id, poi_values in zip(ids, values, strict=True)
        ),
    )


# The ids a batch could collide with: the given ones, and each name's slug with or without a ``-n``
# suffix (a range on the id index: '.' is the character after '-'), never the whole table.
_TAKEN_IDS = (
    "SELECT id FROM pois WHERE id IN (SELECT value FROM json_each(:ids))"
    " UNION ALL SELECT p.id FROM json_each(:bases) AS b JOIN pois AS p"
    " ON p.id > b.value || '-' AND p.id < b.value || '.'"
)
_encode_ids = msgspec.json.Encoder().encode


async def _assign_ids(
    conn: aiosqlite.Connection, given_ids: Sequence[str | None], values: Sequence[PoiValues]
) -> list[str]:
    bases = [
        slugify(_name_for_id(v)) for v, given_id in zip(values, given_ids, strict=True) if given_id is None
    ]
    wanted = [given_id for given_id in given_ids if given_id is not None] + [b for b in bases if b]
    params = {"ids": _encode_ids(wanted).decode(), "bases": _encode_ids(sorted(set(bases) - {""})).decode()}
    taken = {row[0] for row in await conn.execute_fetchall(_TAKEN_IDS, params)}
    errors = []
    given: set[str] = set()
    for index, poi_id in enumerate(given_ids):
        if poi_id is None:
            continue
        if poi_id in taken:
            errors.append(FieldError(f"[{index}].id", f"a POI with id {poi_id!r} already exists"))
        elif poi_id in given:
            errors.append(FieldError(f"[{index}].id", f"id {poi_id!r} appears twice in the import"))
        given.add(poi_id)
        if len(errors) >= _MAX_REPORTED_ERRORS:
            break
    if errors:
        raise InvalidInput(errors)
    taken |= given
    ids = []
    generated = iter(bases)
    for poi_id in given_ids:
        if poi_id is not None:
            ids.append(poi_id)
            continue
        new_id = unique_slug(next(generated), taken)
        taken.add(new_id)
        ids.append(new_id)
    return ids
