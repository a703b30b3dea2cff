"""A per-process cache of public media variants, ``(media id, variant) -> VariantFile``, that is never stale.

Every entry is tagged with SQLite's ``PRAGMA data_version`` as read (on a dedicated read-only connection)
*before* the query that produced it, and is used only while that value is unchanged. ``data_version``
changes whenever any other connection, in this process or another worker, commits to the database: a
replaced or deleted variant therefore invalidates the cache before any later request can see the old row.
The check needs no disk I/O in WAL mode (it reads the shared-memory index header), takes a few
microseconds, and is made with a zero busy timeout: when the database is locked for recovery it fails
instead of waiting, and the caller then takes the ordinary query path in a worker thread.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from content.core.db import Database
from content.media.queries import VariantFile, find_public_variant

__all__ = ["VariantLookup"]

# A few thousand variants cover a territory's media many times; beyond that the cache simply starts over.
MAX_ENTRIES = 8192


class VariantLookup:
    """Cached :func:`~content.media.queries.find_public_variant` for one event loop (not thread-safe)."""

    def __init__(self, db: Database, *, max_entries: int = MAX_ENTRIES) -> None:
        self.db = db
        self.max_entries = max_entries
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._entries: dict[tuple[str, str], VariantFile] = {}
        # Moves whenever the cache is dropped (the database changed, or its version could not be read): what
        # callers keep about the variants they were given (open files) is to be dropped with it.
        self.generation = 0

    async def open(self) -> None:
        """Open the version connection (after the database file exists)."""
        self._conn = await asyncio.to_thread(self._connect, self.db.path)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._entries.clear()
        self._version = None
        self.generation += 1

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        # Used from the event loop's thread, opened in a worker thread: hence check_same_thread=False.
        return sqlite3.connect(
            f"file:{path}?mode=ro", uri=True, timeout=0, isolation_level=None, check_same_thread=False
        )

    def data_version(self) -> int | None:
        """The database's change counter as this connection sees it; None if it cannot be read now."""
        if self._conn is None:
            return None
        try:
            row = self._conn.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return None
        return int(row[0])

    def cached(self, media_id: str, variant: str) -> tuple[VariantFile | None, int | None]:
        """The cached variant if still current, and the version to tag a fresh lookup with."""
        version = self.data_version()
        if version is None or version != self._version:
            self._entries.clear()
            self._version = version
            self.generation += 1
            return None, version
        return self._entries.get((media_id, variant)), version

    async def find(self, media_id: str, variant: str) -> VariantFile:
        """Like ``find_public_variant`` (raises NotFound the same way), served from the cache when current."""
        found, version = self.cached(media_id, variant)
        if found is not None:
            return found
        async with self.db.read() as conn:
            found = await find_public_variant(conn, media_id, variant)
        self.remember(media_id, variant, found, version)
        return found

    def remember(self, media_id: str, variant: str, found: VariantFile, version: int | None) -> None:
        """Keep ``found`` (from a query that began after ``version`` was read) if nothing changed since."""
        if version is None or version != self._version:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[(media_id, variant)] = found
