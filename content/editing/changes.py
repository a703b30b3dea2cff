"""What a write changed, field by field, so the caller can record history (who, when, before, after)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import aiosqlite
import msgspec

from content.core.errors import InvalidInput, NotFound, PreconditionFailed

__all__ = ["Change", "Updated", "current", "diff_fields", "reread", "write_status"]

T = TypeVar("T")


class Change(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of an update: the entity's new revision and the changed fields' old and new values.

    ``before`` and ``after`` hold stored (editor) shapes: multilingual fields as ``{lang: text}``, media
    as ids, geometry as GeoJSON. Both are empty when the update changed nothing (revision not bumped).
    """

    entity_id: str
    revision: int
    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def changed(self) -> bool:
        return bool(self.after)


def diff_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys of ``after`` whose values differ from ``before``, as ``(old values, new values)``."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for key, value in after.items():
        if before.get(key) != value:
            old[key] = before.get(key)
            new[key] = value
    return old, new


@dataclass(frozen=True)
class Updated(Generic[T]):
    """An update's result: the record as it now is, and what changed (for history)."""

    record: T
    change: Change


class _Stamped(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def revision(self) -> int: ...


S = TypeVar("S", bound=_Stamped)


async def current(found: Awaitable[S | None], noun: str, key: str, expected_revision: int | None) -> S:
    """The record a store write starts from (``found``: it read any status): ``NotFound`` if there is
    none, ``PreconditionFailed`` if ``expected_revision`` is given and stale."""
    record = await found
    if record is None:
        raise NotFound(f"no {noun} {key!r}")
    if expected_revision is not None and record.revision != expected_revision:
        raise PreconditionFailed(
            f"{noun} {key!r} is at revision {record.revision}, not {expected_revision}; read it again"
        )
    return record


async def reread(found: Awaitable[T | None]) -> T:
    """The record a store write just wrote, read back in the same transaction."""
    record = await found
    assert record is not None
    return record


# One statement per table with a status column; the table name is never taken from input.
_SET_STATUS = {
    table: f"UPDATE {table} SET status = :status, revision = revision + 1, updated_at = :updated_at,"  # noqa: S608
    " updated_by = :updated_by WHERE id = :id"
    for table in ("pois", "routes", "producers")
}


async def write_status(
    conn: aiosqlite.Connection,
    table: str,
    record: S,
    status: str,
    *,
    allowed: tuple[str, ...],
    user_id: str | None,
    updated_at: str,
    reread: Callable[[], Awaitable[S]],
) -> Updated[S]:
    """Move ``record`` (a row of ``table``) to ``status``; the same status again changes nothing."""
    if status not in allowed:
        raise InvalidInput.field("status", f"must be one of {', '.join(allowed)}")
    if record.status == status:
        return Updated(record, Change(entity_id=record.id, revision=record.revision, before={}, after={}))
    params = {"id": record.id, "status": status, "updated_at": updated_at, "updated_by": user_id}
    await conn.execute(_SET_STATUS[table], params)
    updated = await reread()
    before, after = {"status": record.status}, {"status": status}
    return Updated(
        updated, Change(entity_id=record.id, revision=updated.revision, before=before, after=after)
    )
