"""The edit flow shared by the POI and route pages: save what the user changed, then publish,
unpublish or archive (the last two after a confirmation), and on 412 show what the other person
changed next to what this user typed, keeping every typed value."""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from content.errors import FieldError, InvalidInput, PreconditionFailed, PreconditionRequired
from content.history import HistoryEntry, HistoryPage
from content.model import Status
from service.backoffice.pages._forms import field_errors, text
from service.backoffice.pages._values import (
    Shape,
    base_values,
    changed_paths,
    flat_values,
    patch_fields,
    typed_values,
)

__all__ = ["ConflictView", "EditOutcome", "apply_edit", "fold", "list_filter", "notice_for"]

T = TypeVar("T")
_STATUS_OF: dict[str, Status] = {"publish": "published", "unpublish": "draft", "archive": "archived"}


@dataclass(frozen=True)
class ConflictView:
    """One row per field either person changed: its value before, theirs now, and what was typed."""

    rows: list[tuple[str, str, str, str]]
    mine: list[str]
    theirs: list[str]
    by: list[HistoryEntry]


@dataclass
class EditOutcome:
    record: Any
    done: str | None = None
    confirm: str | None = None
    values: dict[str, str] | None = None
    errors: list[FieldError] = field(default_factory=list)
    conflict: ConflictView | None = None
    status_code: int = 200


async def apply_edit(
    form: dict[str, list[str]],
    *,
    shape: Shape,
    record: Any,
    etag: str,
    history: Callable[[], Awaitable[HistoryPage]],
    save: Callable[[dict[str, Any], str], Awaitable[Any]],
    set_status: Callable[[Status, str], Awaitable[Any]],
    etag_of: Callable[[Any], str],
) -> EditOutcome:
    action = text(form, "action") or "save"
    if action not in ("save", *_STATUS_OF):
        action = "save"
    sent_etag = text(form, "etag")
    current = msgspec.to_builtins(record)
    current_flat = flat_values(shape, current)
    typed = typed_values(shape, form) if text(form, "fields") == "1" else None
    try:
        tag = sent_etag
        updated = record
        if typed is not None:
            paths = changed_paths(current_flat, typed)
            if paths:
                updated = await save(patch_fields(shape, current, typed, paths), sent_etag)
                tag = etag_of(updated)
        if action in _STATUS_OF:
            if action != "publish" and text(form, "confirm") != "1":
                return EditOutcome(record=updated, confirm=action)
            await set_status(_STATUS_OF[action], tag)
        return EditOutcome(record=updated, done="saved" if action == "save" else action)
    except (PreconditionFailed, PreconditionRequired):
        entries = (await history()).items
        try:
            base_revision = int(text(form, "revision"))
        except ValueError:
            base_revision = record.revision
        base = base_values(shape, current, entries, base_revision)
        mine = changed_paths(base, typed) if typed is not None else []
        theirs = changed_paths(base, current_flat)
        values = {**current_flat, **{path: typed[path] for path in mine}} if typed is not None else None
        rows = [
            (path, base.get(path, ""), current_flat.get(path, ""), (typed or current_flat).get(path, ""))
            for path in sorted(set(mine) | set(theirs))
        ]
        by = [entry for entry in entries if entry.revision > base_revision]
        return EditOutcome(
            record=record, values=values, conflict=ConflictView(rows, mine, theirs, by), status_code=409
        )
    except (InvalidInput, msgspec.ValidationError) as exc:
        return EditOutcome(record=record, values=typed, errors=field_errors(exc), status_code=422)


def fold(value: str) -> str:
    """Lower case without accents, for the lists' search box (``eglise`` finds ``Église``)."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def list_filter(
    items: Sequence[T],
    *,
    q: str,
    status: str,
    names: Callable[[T], Iterable[str]],
    extra: Callable[[T], bool],
) -> list[T]:
    needle = fold(q.strip())
    return [
        item
        for item in items
        if (not status or getattr(item, "status", None) == status)
        and extra(item)
        and (not needle or any(needle in fold(name) for name in (*names(item), getattr(item, "id", ""))))
    ]


def notice_for(_: Callable[[str], str], done: str) -> str | None:
    messages = {
        "saved": _("Saved."),
        "publish": _("Published: it is now visible in the app."),
        "unpublish": _("Unpublished: it is back to draft."),
        "archive": _("Archived."),
        "stops": _("Stops saved. The route's pack will be rebuilt."),
        "uploaded": _("File added."),
        "rebuild": _("The pack is being rebuilt."),
    }
    return messages.get(done)
