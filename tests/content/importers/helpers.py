"""Shared by the importer tests: a store in a temporary directory, feeds written on the fly, and
counts of what the store holds (rows, revisions, history) to prove what an import did or did not do."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from content.core.db import Database
from content.importers import ImportOptions, ImportReport, PictureFetcher, reader_for, run_import
from content.importers.model import SourceObject

__all__ = ["NOW", "collection", "feature", "geojson_objects", "import_objects", "snapshot", "state"]

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def feature(n: int, *, updated: str = "2026-01-01T00:00:00Z", **properties: Any) -> dict[str, Any]:
    """A plain GeoJSON feature, as another system would publish it."""
    props: dict[str, Any] = {
        "name": f"Lavoir n°{n}",
        "name:en": f"Wash house {n}",
        "category": "heritage",
        "description": "<p>Un lavoir <b>restauré</b>.</p>",
        "updated_at": updated,
    }
    props.update(properties)
    return {
        "type": "Feature",
        "id": f"L{n}",
        "geometry": {"type": "Point", "coordinates": [0.75 + n * 0.001, 48.53]},
        "properties": props,
    }


def collection(features: Iterable[dict[str, Any]]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def geojson_objects(features: Iterable[dict[str, Any]]) -> list[SourceObject]:
    return list(reader_for("geojson").parse(collection(features)))


async def import_objects(
    db: Database,
    objects: Iterable[SourceObject],
    *,
    format_name: str = "geojson",
    pictures: PictureFetcher | None = None,
    now: datetime = NOW,
    **options: Any,
) -> ImportReport:
    reader = reader_for(format_name)
    settings: dict[str, Any] = {"provider": format_name, "format": format_name, "table": reader.categories}
    settings.update(options)
    return await run_import(db, list(objects), ImportOptions(**settings), pictures=pictures, now=now)


def state(path: Path) -> dict[str, Any]:
    """What an import may change, to compare before and after."""
    conn = sqlite3.connect(path)
    try:
        return {
            "pois": conn.execute(
                "SELECT id, status, revision, updated_at, name, description, lat, lon FROM pois ORDER BY id"
            ).fetchall(),
            "history": conn.execute("SELECT count(*), max(id) FROM history").fetchone(),
            "sources": conn.execute("SELECT * FROM import_sources ORDER BY poi_id").fetchall(),
        }
    finally:
        conn.close()


def snapshot(path: Path, sql: str, *params: Any) -> list[Any]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
