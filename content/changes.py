"""What a write changed, field by field, so the caller can record history (who, when, before, after)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec

__all__ = ["Change", "Updated", "diff_fields"]

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
