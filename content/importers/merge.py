"""Local edits win: which imported fields to overwrite, which to keep, and which conflict (pure logic).

The import remembers what it last wrote (the *baseline*). A field whose current value still equals the
baseline was not touched by a person and takes the source's new value; a field that differs was edited
here and is kept. When the source changed such a field too, that is a conflict: both values are reported
and the local one stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["IMPORTED_FIELDS", "Merged", "merge_fields", "merge_patch_document"]

# The fields an import writes. ``audio`` is never imported: narration is made here.
IMPORTED_FIELDS = (
    "category",
    "name",
    "description",
    "address",
    "commune",
    "opening_hours",
    "contact",
    "accessibility",
    "images",
    "geometry",
)


@dataclass
class Merged:
    """``patch`` holds the fields to write; ``conflicts`` maps a field to ``(local, source)``."""

    patch: dict[str, Any] = field(default_factory=dict)
    conflicts: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def merge_fields(
    baseline: Mapping[str, Any], current: Mapping[str, Any], incoming: Mapping[str, Any]
) -> Merged:
    """Decide, field by field, between the stored POI (``current``) and the source (``incoming``)."""
    merged = Merged()
    for name in IMPORTED_FIELDS:
        if name not in incoming:
            continue
        new, now = incoming[name], current.get(name)
        if name not in baseline or now == baseline[name]:
            if new != now:
                merged.patch[name] = new
        elif new != baseline[name] and new != now:
            merged.conflicts[name] = (now, new)
    return merged


# The POI fields a JSON Merge Patch merges member by member (content.merge_patch); the rest it replaces.
_MERGED_OBJECTS = {"name", "description", "contact", "accessibility"}


def _object_patch(current: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The RFC 7396 document turning ``current`` into ``new``: removed members become ``null``."""
    patch: dict[str, Any] = {key: None for key in current if key not in new}
    for key, value in new.items():
        old = current.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            patch[key] = _object_patch(old, value)
        elif value != old:
            patch[key] = value
    return patch


def merge_patch_document(current: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """``patch`` (whole new values per field) as a merge patch: a language the source dropped is
    removed instead of kept, as a whole-value replacement would."""
    document: dict[str, Any] = {}
    for name, value in patch.items():
        old = current.get(name)
        if name in _MERGED_OBJECTS and isinstance(value, dict) and isinstance(old, dict):
            document[name] = _object_patch(old, value)
        else:
            document[name] = value
    return document
