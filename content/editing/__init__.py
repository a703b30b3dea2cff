"""The one editing workflow: every change to POIs, routes, producers, offers, offices and accounts goes
through these functions, whether it comes from the JSON API, the HTML back-office, an importer or a
loader on the command line. Callers only translate their input into a call; no rule lives twice.

How to call it (the JSON controllers in ``service/editor/`` do exactly this)::

    from content import editing
    from content.editing.aggregates import POIS

    session = editing.EditSession(db=db, events=events, principal=principal, now=clock())
    record = await editing.read(session, POIS, "eglise-saint-sauveur")          # editor view, any status
    etag = POIS.etag(record)                                                     # send it back as If-Match
    record = await editing.update(session, POIS, "eglise-saint-sauveur", PoiPatch(...), if_match=etag)
    record = await editing.set_status(session, POIS, "eglise-saint-sauveur", "published", if_match=etag)
    record = await editing.create(session, POIS, PoiInput(...), office_id=None)

Every write, in this order and in one write transaction:

1. loads the current record (``NotFound`` when it does not exist; ``Gone`` for a withdrawn offer);
2. checks that ``session.principal`` may change it (``content.accounts.permissions``: ``Forbidden``);
3. checks ``if_match`` (the ETag as read, e.g. ``'"r3-5f1c0a9e2b7d4c61"'``; an ``If-Match`` header
   value works as is) against the current revision: ``PreconditionRequired`` when missing,
   ``PreconditionFailed`` when stale;
4. runs the aggregate's change, which validates the whole result (``InvalidInput`` naming each bad
   field) before writing a row, and bumps the revision only when something changed;
5. appends the history entry (who, when, revision, the changed fields before and after);
6. names what changed for the ``ContentChanged`` event, emitted once the transaction has committed.

Any exception rolls everything back: nothing is half-written. ``update`` takes a patch Struct with
JSON Merge Patch semantics (RFC 7396, see ``content.editing.merge_patch``): absent fields stay, ``null``
clears, language maps are merged (``{"en": None}`` removes English), read-only fields may be echoed
back unchanged. ``principal=None`` is the command line or a loader: no permission check, history
``user_id`` null; pass ``if_match=UNCHECKED`` only there, for writes that answer no client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import aiosqlite
import msgspec

from content.accounts.permissions import (
    assign_office,
    require_create,
    require_edit,
    require_list,
    require_read,
)
from content.accounts.principal import Principal
from content.core.clock import rfc3339
from content.core.cursor import SortKey
from content.core.db import Database
from content.core.errors import NotFound
from content.core.events import EventHub, PendingChange
from content.core.model import Status
from content.core.paging import Keyset, Page, PageRequest, open_paging
from content.editing import history
from content.editing.changes import Change, Updated
from content.editing.etags import check_if_match, etag_for
from content.editing.history import HistoryEntry
from content.editing.merge_patch import strip_read_only

__all__ = [
    "STATUS_ACTIONS",
    "UNCHECKED",
    "Aggregate",
    "Created",
    "EditSession",
    "Owner",
    "builtins",
    "check_if_match",
    "create",
    "etag_for",
    "list_page",
    "read",
    "read_history",
    "readable",
    "require_listing",
    "set_status",
    "unchanged",
    "update",
    "write",
]

K = TypeVar("K")  # how an aggregate is addressed: an id, or (producer id, offer id)
R = TypeVar("R")  # its stored record (the editor representation)
T = TypeVar("T")  # an item of a list
B = TypeVar("B")  # its create body
P = TypeVar("P")  # its patch body

STATUS_ACTIONS: dict[str, str] = {
    "published": "publish",
    "draft": "unpublish",
    "archived": "archive",
    "withdrawn": "withdraw",
}
"""The history ``action`` of each status change."""


class _Unchecked:
    def __repr__(self) -> str:
        return "UNCHECKED"


UNCHECKED: Any = _Unchecked()
"""``if_match=UNCHECKED``: skip the ``If-Match`` check (loaders and the command line only)."""


@dataclass(frozen=True)
class EditSession:
    """Who is editing, and with what: one per request (or per command-line run)."""

    db: Database
    events: EventHub
    principal: Principal | None
    now: datetime
    joined: PendingChange | None = None
    """An open write transaction to run in (a loader writing many records all or nothing): writes then
    neither commit nor emit; whoever opened it does both."""

    @property
    def user_id(self) -> str | None:
        return None if self.principal is None else self.principal.id

    @property
    def stamp(self) -> str:
        return rfc3339(self.now)


@dataclass(frozen=True)
class Owner:
    """Whose a record is, for ``content.accounts.permissions``: its office, and for producers and
    offers the producer's id."""

    office_id: str | None
    producer_id: str | None = None


@dataclass(frozen=True)
class Created(Generic[R]):
    """What an aggregate's insert returns: the new record and its fields for the history entry."""

    record: R
    fields: dict[str, Any]


Writer = Callable[[aiosqlite.Connection, R, EditSession], Awaitable[Updated[R]]]


@dataclass(frozen=True)
class Aggregate(Generic[K, R, B, P]):
    """What the workflow needs to know about one editable aggregate; each is declared once, in
    ``content.editing.aggregates``. ``kind`` names it in permissions, history (``entity_type``) and ETags.

    - ``load(conn, key)``: the record in any status, or None;
    - ``owner(record)``: for the permission checks;
    - ``insert(conn, body, session, owner)``: validate and insert, answering :class:`Created`;
    - ``apply_patch(conn, record, patch, session)``: validate and write a patch (``Updated``);
    - ``apply_status(conn, record, status, session)``: change the status (``Updated``);
    - ``touched(pending, before, after)``: name the public content that moved, for ``ContentChanged``
      (called only when something changed; ``before`` is None for a create);
    - ``present(conn, record)``: the representation answered (a route with its stops);
    - ``check_live(record)``: refuse writes to a record that is gone for good (a withdrawn offer);
    - ``parent_owner(conn, parent)``: for records created under another (offers under their
      producer), the owner that creating one needs.
    """

    kind: str
    noun: str
    load: Callable[[aiosqlite.Connection, K], Awaitable[R | None]]
    owner: Callable[[R], Owner]
    insert: Callable[[aiosqlite.Connection, B, EditSession, Owner], Awaitable[Created[R]]] | None = None
    apply_patch: Callable[[aiosqlite.Connection, R, P, EditSession], Awaitable[Updated[R]]] | None = None
    apply_status: Callable[[aiosqlite.Connection, R, str, EditSession], Awaitable[Updated[R]]] | None = None
    touched: Callable[[PendingChange, R | None, R], Awaitable[None]] | None = None
    present: Callable[[aiosqlite.Connection, R], Awaitable[R]] | None = None
    check_live: Callable[[R], None] | None = None
    parent_owner: Callable[[aiosqlite.Connection, Any], Awaitable[Owner]] | None = None

    def identity(self, record: R) -> tuple[str, int]:
        return getattr(record, "id"), getattr(record, "revision")  # noqa: B009 - every record has both

    def etag(self, record: R) -> str:
        """The record's strong revision ETag, quotes included (what ``if_match`` expects back)."""
        record_id, revision = self.identity(record)
        return etag_for(self.kind, record_id, revision)

    def describe(self, key: K) -> str:
        shown = "/".join(key) if isinstance(key, tuple) else str(key)
        return f"no {self.noun} {shown[:80]!r}"


@asynccontextmanager
async def _transaction(session: EditSession) -> AsyncIterator[PendingChange]:
    if session.joined is not None:
        yield session.joined
    else:
        async with session.events.write(session.db) as pending:
            yield pending


def _check(principal: Principal | None, check: Callable[..., None], kind: str, owner: Owner) -> None:
    if principal is not None:
        check(principal, kind, owner.office_id, owner.producer_id)


async def _load(conn: aiosqlite.Connection, aggregate: Aggregate[K, R, Any, Any], key: K) -> R:
    record = await aggregate.load(conn, key)
    if record is None:
        raise NotFound(aggregate.describe(key))
    return record


async def _present(conn: aiosqlite.Connection, aggregate: Aggregate[K, R, Any, Any], record: R) -> R:
    return record if aggregate.present is None else await aggregate.present(conn, record)


def readable(principal: Principal | None, aggregate: Aggregate[Any, R, Any, Any], record: R) -> R:
    """``record`` if ``principal`` may read it in the editor, else ``Forbidden``."""
    _check(principal, require_read, aggregate.kind, aggregate.owner(record))
    return record


async def read(session: EditSession, aggregate: Aggregate[K, R, Any, Any], key: K) -> R:
    """The editor representation (drafts and archived included) if the principal may read it."""
    async with session.db.read() as conn:
        record = readable(session.principal, aggregate, await _load(conn, aggregate, key))
        return await _present(conn, aggregate, record)


HistoryReader = Callable[[aiosqlite.Connection, R, PageRequest], Awaitable[Page[HistoryEntry]]]


async def read_history(
    session: EditSession,
    aggregate: Aggregate[K, R, Any, Any],
    key: K,
    page: PageRequest,
    *,
    reader: HistoryReader[R] | None = None,
) -> Page[HistoryEntry]:
    """A record's history, newest first, for those who may edit the record. ``reader`` reads it when
    the record's history is more than its own entries (a producer's includes its offers')."""
    async with session.db.read() as conn:
        record = await _load(conn, aggregate, key)
        _check(session.principal, require_edit, aggregate.kind, aggregate.owner(record))
        if reader is not None:
            return await reader(conn, record, page)
        record_id, _ = aggregate.identity(record)
        return await history.list_history(conn, aggregate.kind, record_id, page)


async def list_page(
    session: EditSession,
    page: PageRequest,
    scope: str,
    lister: Callable[[int, SortKey | None], Awaitable[Keyset[T]]],
) -> Page[T]:
    """A page of an editor list: ``lister(limit, after)`` reads it after the position the cursor names
    (checked against ``scope``, the list and its filters), and the next page's cursor is signed."""
    async with session.db.read() as conn:
        paging = await open_paging(conn, page, scope)
    return paging.page(await lister(paging.limit, paging.after))


def require_listing(principal: Principal | None, kind: str) -> None:
    """``Forbidden`` unless ``principal`` may open the editor list of ``kind`` at all."""
    if principal is not None:
        require_list(principal, kind)  # type: ignore[arg-type]


async def write(
    session: EditSession,
    aggregate: Aggregate[K, R, Any, Any],
    key: K,
    *,
    if_match: str | None,
    action: str | Callable[[Change], str],
    change: Writer[R],
) -> R:
    """The workflow itself (steps 1 to 6 above) around ``change``, which validates and writes.

    ``update`` and ``set_status`` are this with the aggregate's own writers; call it directly for
    an aggregate-specific write (a route's stop list).
    """
    async with _transaction(session) as pending:
        before = await _load(pending.conn, aggregate, key)
        _check(session.principal, require_edit, aggregate.kind, aggregate.owner(before))
        if aggregate.check_live is not None:
            aggregate.check_live(before)
        if if_match is not UNCHECKED:
            check_if_match(if_match, aggregate.etag(before))
        updated = await change(pending.conn, before, session)
        if updated.change.changed:
            named = action if isinstance(action, str) else action(updated.change)
            await _record(pending.conn, session, aggregate, updated.record, named, updated.change)
            if aggregate.touched is not None:
                await aggregate.touched(pending, before, updated.record)
        return await _present(pending.conn, aggregate, updated.record)


async def update(
    session: EditSession, aggregate: Aggregate[K, R, Any, P], key: K, patch: P, *, if_match: str | None
) -> R:
    """Apply a merge patch (``content.editing.merge_patch``); a patch that changes nothing writes nothing."""
    apply_patch = aggregate.apply_patch
    if apply_patch is None:
        raise TypeError(f"{aggregate.kind} has no patch")

    async def change(conn: aiosqlite.Connection, record: R, session: EditSession) -> Updated[R]:
        writable: Any = patch
        if isinstance(writable, msgspec.Struct) and hasattr(type(writable), "read_only"):
            shown: Any = await _present(conn, aggregate, record)
            writable = strip_read_only(writable, shown)
        return await apply_patch(conn, record, writable, session)

    return await write(session, aggregate, key, if_match=if_match, action="update", change=change)


async def set_status(
    session: EditSession,
    aggregate: Aggregate[K, R, Any, Any],
    key: K,
    status: Status | str,
    *,
    if_match: str | None,
) -> R:
    """Publish (``published``), unpublish (``draft``), archive (``archived``) or withdraw an offer
    (``withdrawn``); the same status again changes nothing."""
    apply_status = aggregate.apply_status
    if apply_status is None:
        raise TypeError(f"{aggregate.kind} has no status")

    async def change(conn: aiosqlite.Connection, record: R, session: EditSession) -> Updated[R]:
        return await apply_status(conn, record, status, session)

    return await write(
        session, aggregate, key, if_match=if_match, action=STATUS_ACTIONS[status], change=change
    )


async def create(
    session: EditSession,
    aggregate: Aggregate[Any, R, B, Any],
    body: B,
    *,
    office_id: str | None = None,
    parent: Any = None,
) -> R:
    """Insert a new record (a draft for content); its history entry is ``create``.

    POIs, routes and producers: staff create for their own office, admins choose ``office_id`` (or
    none). Offers: ``parent`` is the producer's id, whose owner the permission check uses.
    """
    insert = aggregate.insert
    if insert is None:
        raise TypeError(f"{aggregate.kind} cannot be created here")
    async with _transaction(session) as pending:
        owner = await _creation_owner(pending.conn, session.principal, aggregate, office_id, parent)
        created = await insert(pending.conn, body, session, owner)
        record_id, revision = aggregate.identity(created.record)
        change = Change(entity_id=record_id, revision=revision, before={}, after=created.fields)
        await _record(pending.conn, session, aggregate, created.record, "create", change)
        if aggregate.touched is not None:
            await aggregate.touched(pending, None, created.record)
        return await _present(pending.conn, aggregate, created.record)


async def _creation_owner(
    conn: aiosqlite.Connection,
    principal: Principal | None,
    aggregate: Aggregate[Any, Any, Any, Any],
    office_id: str | None,
    parent: Any,
) -> Owner:
    kind: Any = aggregate.kind
    if aggregate.parent_owner is not None:
        owner = await aggregate.parent_owner(conn, parent)
        if principal is not None:
            require_create(principal, kind, owner_office_id=owner.office_id, producer_id=owner.producer_id)
        return owner
    if principal is None:
        return Owner(office_id)
    require_create(principal, kind)
    return Owner(assign_office(principal, office_id))


async def _record(
    conn: aiosqlite.Connection,
    session: EditSession,
    aggregate: Aggregate[Any, R, Any, Any],
    record: R,
    action: str,
    change: Change,
) -> None:
    await history.record(
        conn,
        entity_type=aggregate.kind,
        entity_id=change.entity_id,
        revision=change.revision,
        action=action,
        user_id=session.user_id,
        before=change.before,
        after=change.after,
        at=session.now,
    )


def unchanged(record: R, record_id: str, revision: int) -> Updated[R]:
    """The ``Updated`` of a write that changed nothing (no revision bump, no history, no event)."""
    return Updated(record, Change(entity_id=record_id, revision=revision, before={}, after={}))


def builtins(struct: msgspec.Struct, names: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Fields of ``struct`` as JSON builtins, defaults included (history must show every value)."""
    return {
        name: msgspec.to_builtins(getattr(struct, name))
        for name in (names if names is not None else struct.__struct_fields__)
    }
