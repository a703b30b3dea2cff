"""The floor of an import's writes, for the import benchmark: the rows an import of new POIs writes (each
POI, with its R*Tree and FTS5 rows by the schema's triggers, one history row and one source row) inserted
with plain ``sqlite3`` ``executemany``, one transaction per batch, with nothing decided or checked."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from content.pois.rows import INSERT_POI

__all__ = ["PlainRow", "plain_insert"]

# (the pois row's parameters as INSERT_POI names them, the imported fields as JSON, the external id)
PlainRow = tuple[dict[str, Any], str, str]

_HISTORY = (
    "INSERT INTO history (entity_type, entity_id, revision, action, user_id, at, before, after)"
    " VALUES ('poi', ?, 1, 'import', NULL, ?, '{}', ?)"
)
_SOURCE = (
    "INSERT INTO import_sources (poi_id, provider, external_id, source_updated_at, digest, baseline,"
    " pictures, conflicts, unpublished_missing, imported_at)"
    " VALUES (?, ?, ?, NULL, ?, ?, '{}', '{}', 0, ?)"
)


def plain_insert(
    db_path: Path, batches: Iterable[list[PlainRow]], *, provider: str, at: str, digest: str
) -> None:
    """Insert every batch into the store at ``db_path`` (migrated), one transaction each, with the import
    command's settings (no memory-mapped reads, a 64 MiB page cache)."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        for pragma in ("synchronous = NORMAL", "mmap_size = 0", "cache_size = -65536", "foreign_keys = ON"):
            conn.execute(f"PRAGMA {pragma}")
        for rows in batches:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(INSERT_POI, (poi for poi, _, _ in rows))
            conn.executemany(_HISTORY, ((poi["id"], at, fields) for poi, fields, _ in rows))
            conn.executemany(
                _SOURCE, ((poi["id"], provider, ext, digest, fields, at) for poi, fields, ext in rows)
            )
            conn.execute("COMMIT")
    finally:
        conn.close()
