"""JSON Merge Patch (RFC 7396) for every editor ``PATCH``, and the read-only fields a body may echo.

A patch is a partial document: a member absent from it leaves the stored value alone, ``null``
removes the stored member, an object is merged member by member into the stored object (so
``{"description": {"fr": "…"}}`` changes the French text and keeps every other language, and
``{"description": {"en": null}}`` removes the English one), and anything else (text, number, array)
replaces the stored value whole. :func:`patched` applies a typed patch Struct to a stored Struct and
decodes the result into the stored type, so the aggregate then validates it like a create.

Patch Structs default every field to ``UNSET`` (absent) and type their language maps as
``{lang: text | null}`` (:data:`LangPatch`), so ``msgspec.to_builtins(patch)`` *is* the merge patch
document. Nested objects that a patch may change member by member get their own patch Struct.

Editor representations carry fields the server computes (``id``, ``revision``, ``updated_at``…). A
client that reads a resource and sends it back unchanged must succeed, so patch Structs declare those
fields too (:class:`Stamps` and friends); :func:`strip_read_only` accepts them when they equal the
stored value and refuses any other value with a 422 naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

from content.core.errors import FieldError, InvalidInput
from content.core.inputs import convert_input, prefixed

__all__ = [
    "MERGE_PATCH_DOC",
    "LangPatch",
    "Stamps",
    "merge_patch",
    "patch_document",
    "patched",
    "strip_read_only",
    "writable_fields",
]

S = TypeVar("S", bound=msgspec.Struct)
P = TypeVar("P", bound=msgspec.Struct)

LangPatch = dict[str, str | None]
"""A language map in a patch: ``{"fr": "…"}`` sets French, ``{"en": null}`` removes English."""

MERGE_PATCH_DOC = (
    "JSON Merge Patch (RFC 7396): absent fields stay as they are; `null` clears a field (or, inside a"
    " language map, removes that language); a language map or other object is merged into the stored"
    ' one member by member (`{"description": {"en": null}}` removes the English description and keeps'
    " the others); arrays and text replace the stored value. Read-only fields (id, revision, status,"
    " timestamps…) may be sent back unchanged as read; a different value is refused (422)."
)
"""The sentence every editor ``PATCH`` puts in its OpenAPI description."""


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 section 2, ``MergePatch(Target, Patch)``, on JSON-like builtins (never mutates)."""
    if not isinstance(patch, Mapping):
        return patch
    merged: dict[str, Any] = dict(target) if isinstance(target, Mapping) else {}
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = merge_patch(merged.get(name), value)
    return merged


def patch_document(patch: msgspec.Struct) -> dict[str, Any]:
    """The merge patch document a patch Struct stands for (``UNSET`` members left out)."""
    document: dict[str, Any] = msgspec.to_builtins(patch)
    return document


def patched(current: S, patch: msgspec.Struct | Mapping[str, Any], *, prefix: str = "") -> S:
    """``current`` with ``patch`` merged in, decoded as ``type(current)``.

    ``InvalidInput`` names the field when the result is not a valid value of that type (a required
    field set to ``null``, say); the aggregate's own rules run afterwards, on the whole result.
    """
    document = patch if isinstance(patch, Mapping) else patch_document(patch)
    merged = merge_patch(msgspec.to_builtins(current), document)
    return convert_input(merged, type(current), prefix=prefix)


def writable_fields(patch_type: type[msgspec.Struct]) -> tuple[str, ...]:
    """The fields of a patch Struct a client may change (its read-only echoes left out)."""
    read_only = set(getattr(patch_type, "read_only", ()))
    return tuple(name for name in patch_type.__struct_fields__ if name not in read_only)


def strip_read_only(patch: P, record: object, *, prefix: str = "") -> P:
    """``patch`` without its read-only fields, once each one sent equals the value ``record`` holds.

    The read-only names are ``type(patch).read_only`` (see :class:`Stamps`). A differing value raises
    ``InvalidInput`` naming every such field, so nothing is written.
    """
    errors: list[FieldError] = []
    cleared: dict[str, UnsetType] = {}
    for name in getattr(type(patch), "read_only", ()):
        sent = getattr(patch, name, UNSET)
        if sent is UNSET:
            continue
        cleared[name] = UNSET
        if msgspec.to_builtins(sent) != msgspec.to_builtins(getattr(record, name, None)):
            errors.append(
                FieldError(prefixed(prefix, name), "is read-only: send it back as read, or leave it out")
            )
    if errors:
        raise InvalidInput(errors)
    return msgspec.structs.replace(patch, **cleared) if cleared else patch


class Stamps(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Read-only fields every editor representation carries; a patch Struct inherits them so that a
    body read with GET can be sent back. Accepted when unchanged, 422 otherwise (``read_only`` lists
    them; subclasses add their own computed fields)."""

    read_only: ClassVar[tuple[str, ...]] = (
        "id", "status", "revision", "office_id", "created_at", "updated_at", "updated_by",
    )  # fmt: skip

    id: str | UnsetType = UNSET
    status: str | UnsetType = UNSET
    revision: int | UnsetType = UNSET
    office_id: str | UnsetType | None = UNSET
    created_at: str | UnsetType = UNSET
    updated_at: str | UnsetType = UNSET
    updated_by: str | UnsetType | None = UNSET
