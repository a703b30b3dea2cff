"""The edit flow shared by the POI and route pages: save what the user changed, then publish,
unpublish or archive (the last two after a confirmation), and on 412 show what the other person
changed next to what this user typed, keeping every typed value."""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from content.core.errors import FieldError, InvalidInput, PreconditionFailed, PreconditionRequired
from content.core.model import Status
from content.core.paging import EVERY_STATUS, Page
from content.editing.history import HistoryEntry
from service.backoffice.pages._forms import field_errors, text
from service.backoffice.pages._values import (
    Shape,
    base_values,
    changed_paths,
    flat_values,
    patch_fields,
    typed_values,
)

__all__ = ["ConflictView", "EditOutcome", "apply_edit", "fold", "notice_for", "scan", "statuses_of"]

T = TypeVar("T")
_STATUSES: dict[str, Status] = {"draft": "draft", "published": "published", "archived": "archived"}
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
    history: Callable[[], Awaitable[Page[HistoryEntry]]],
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


async def scan(
    fetch: Callable[[str | None, int], Awaitable[tuple[list[T], str | None]]],
    keep: Callable[[T], bool] | None,
    *,
    after: str | None,
    want: int = 50,
    chunk: int = 500,
) -> tuple[list[T], str | None]:
    """One page of a list (``want`` items after the id ``after``), filtered by ``keep`` if given: the
    store is read in chunks until the page is full. Returns the page and where the next one starts."""
    if keep is None:
        return await fetch(after, want)
    found: list[T] = []
    cursor = after
    while True:
        items, following = await fetch(cursor, chunk)
        for item in items:
            if keep(item):
                found.append(item)
                if len(found) == want:
                    last = str(getattr(item, "id", ""))
                    return found, (last if item is not items[-1] or following else None)
        if following is None:
            return found, None
        cursor = following


def statuses_of(status: str) -> tuple[Status, ...]:
    """The list filter's statuses: one, or every status when the filter is empty or unknown."""
    chosen = _STATUSES.get(status)
    return (chosen,) if chosen else EVERY_STATUS


def notice_for(_: Callable[[str], str], done: str) -> str | None:
    messages = {
        "saved": _("Saved."),
        "created": _("Draft created. Complete it, then publish it when it is ready."),
        "publish": _("Published: it is now visible in the app."),
        "unpublish": _("Unpublished: it is back to draft."),
        "archive": _("Archived."),
        "stops": _("Stops saved. The route's pack will be rebuilt."),
        "uploaded": _("File added."),
        "rebuild": _("The pack is being rebuilt."),
    }
    return messages.get(done)
