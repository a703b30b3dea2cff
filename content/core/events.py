"""An in-process "content changed" hub: writers announce which routes, POIs and producers changed
once their transaction has committed; the pack builder listens and marks packs stale.

Write through :meth:`EventHub.write` and the event cannot escape a rolled-back transaction::

    async with events.write(db) as change:
        await update_poi(change.conn, ...)
        change.touch(pois={poi_id})
    # emitted here, after COMMIT; nothing is emitted if the block raised
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiosqlite

from content.core.db import Database

__all__ = ["ContentChanged", "EventHub", "Listener", "PendingChange"]

log = logging.getLogger("odyssee.events")


@dataclass(frozen=True)
class ContentChanged:
    """Ids whose public content (or visibility) changed. Offers count as their producer, stops as
    their route."""

    routes: frozenset[str] = frozenset()
    pois: frozenset[str] = frozenset()
    producers: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.routes or self.pois or self.producers)

    def merge(self, other: ContentChanged) -> ContentChanged:
        """Both sets of changes, for listeners that debounce several events into one rebuild."""
        return ContentChanged(
            routes=self.routes | other.routes,
            pois=self.pois | other.pois,
            producers=self.producers | other.producers,
        )


Listener = Callable[[ContentChanged], None]
"""Called on the event loop right after a commit: must be quick and must not block (set a flag,
put on a queue, schedule a task)."""


@dataclass
class PendingChange:
    """The write connection of one transaction, and what it has changed so far."""

    conn: aiosqlite.Connection
    _routes: set[str] = field(default_factory=set)
    _pois: set[str] = field(default_factory=set)
    _producers: set[str] = field(default_factory=set)

    def touch(
        self, *, routes: Iterable[str] = (), pois: Iterable[str] = (), producers: Iterable[str] = ()
    ) -> None:
        self._routes.update(routes)
        self._pois.update(pois)
        self._producers.update(producers)

    def event(self) -> ContentChanged:
        return ContentChanged(frozenset(self._routes), frozenset(self._pois), frozenset(self._producers))


class EventHub:
    """One per app (``app.state.events``, injectable as ``events``)."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Start calling ``listener``; returns the function that stops it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def emit(self, event: ContentChanged) -> None:
        """Tell every listener. Only call this after the change is committed (or use :meth:`write`).

        A failing listener is logged and skipped: the change is already durable, and the caller's
        request must not fail because a listener did.
        """
        if not event:
            return
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("content-changed listener %r failed", listener)

    @asynccontextmanager
    async def write(self, db: Database) -> AsyncIterator[PendingChange]:
        """``db.write()`` that emits what the block touched once the transaction has committed."""
        async with db.write() as conn:
            change = PendingChange(conn)
            yield change
        self.emit(change.event())
