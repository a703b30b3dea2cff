"""The SQLite store: one serialised writer, a pool of concurrent readers, numbered migrations."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

from content.core.gate import Gate
from content.core.private_files import private_dir, private_file

__all__ = ["Database", "apply_migrations", "migration_files", "prepare_file"]

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_files() -> list[tuple[int, str, str]]:
    """``(number, name, sql)`` for every packaged migration, in order."""
    found = []
    for entry in resources.files("content.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if len(numbers) != len(set(numbers)):
        raise RuntimeError(f"duplicate migration numbers: {numbers}")
    return found


def apply_migrations(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations, each in one transaction together with its record. Returns their names."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))"
    )
    applied = {row[0] for row in conn.execute("SELECT number FROM schema_migrations")}
    done = []
    for number, name, sql in migration_files():
        if number in applied:
            continue
        # executescript() would commit on its own; run statement by statement inside one transaction.
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _split_statements(sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations (number, name) VALUES (?, ?)", (number, name))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        done.append(name)
    return done


def _split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (trigger bodies contain semicolons)."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not current.strip():
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        raise RuntimeError(f"incomplete SQL statement in migration: {current[:80]!r}")
    return statements


# Memory-mapped reads: readers share the OS page cache instead of each paging through a 2 MB cache
# with a system call per page, which dominates spatial queries that touch scattered rows.
_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA mmap_size = 268435456",
)


def prepare_file(path: Path) -> list[str]:
    """Create the file if needed, switch it to WAL and apply pending migrations (blocking)."""
    private_dir(path.parent)
    # SQLite gives the WAL and shared-memory files the database file's own mode: 0600 for all three.
    private_file(path)
    for companion in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists():
            private_file(companion)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        for pragma in _PRAGMAS:
            conn.execute(pragma)
        return apply_migrations(conn)
    finally:
        conn.close()


async def _connect(target: str | Path, *, uri: bool = False) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(target, uri=uri, isolation_level=None)
    conn.row_factory = sqlite3.Row
    for pragma in _PRAGMAS:
        await conn.execute(pragma)
    return conn


class Database:
    """SQLite in WAL mode. Writes go through one connection under a lock; reads use a pool."""

    def __init__(self, path: Path, readers: int = 4) -> None:
        self.path = path
        self._reader_count = max(1, readers)
        self._writer: aiosqlite.Connection | None = None
        # Gates rather than asyncio.Lock/Queue: the store may be used from more than one event loop.
        self._write_gate = Gate(1)
        self._reader_gate = Gate(self._reader_count)
        self._idle_readers: list[aiosqlite.Connection] = []
        self._all_readers: list[aiosqlite.Connection] = []

    async def open(self) -> None:
        await asyncio.to_thread(prepare_file, self.path)
        self._writer = await _connect(self.path)
        for _ in range(self._reader_count):
            reader = await _connect(f"file:{self.path}?mode=ro", uri=True)
            self._all_readers.append(reader)
            self._idle_readers.append(reader)

    async def close(self) -> None:
        for reader in self._all_readers:
            await reader.close()
        self._all_readers.clear()
        self._idle_readers.clear()
        if self._writer is not None:
            await self._writer.close()
            self._writer = None

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A reader connection; each statement sees a consistent snapshot."""
        await self._reader_gate.acquire()
        # The gate guarantees an idle reader; list.pop/append are atomic under the GIL.
        reader = self._idle_readers.pop()
        try:
            yield reader
        finally:
            try:
                if reader.in_transaction:
                    await reader.rollback()
            finally:
                self._idle_readers.append(reader)
                self._reader_gate.release()

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[aiosqlite.Connection]:
        """A reader inside one read transaction, for several queries that must agree."""
        async with self.read() as reader:
            await reader.execute("BEGIN")
            try:
                yield reader
            finally:
                await reader.execute("COMMIT")

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """The writer, inside ``BEGIN IMMEDIATE``; commits on success, rolls back on any error."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._write_gate:
            writer = self._writer
            await writer.execute("BEGIN IMMEDIATE")
            try:
                yield writer
            except BaseException:
                await writer.execute("ROLLBACK")
                raise
            await writer.execute("COMMIT")
