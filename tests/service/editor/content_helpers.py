"""Bodies and small helpers for the POI and route editor tests."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from content.core.db import Database

__all__ = ["POIS", "ROUTES", "new_poi", "new_route", "new_stop", "table_state", "upload"]

POIS = "/api/v1/editor/pois"
ROUTES = "/api/v1/editor/routes"


def new_poi(**fields: Any) -> dict[str, Any]:
    return {
        "category": "church_abbey",
        "name": {"fr": "Église Saint-Sauveur", "en": "Saint-Sauveur church"},
        "description": {"fr": "Une église du XVe siècle."},
        "commune": "Bellême",
        "geometry": {"type": "Point", "coordinates": [0.5634, 48.3752]},
        **fields,
    }


def new_stop(title: str, lon: float, lat: float, **fields: Any) -> dict[str, Any]:
    return {"title": {"fr": title}, "geometry": {"type": "Point", "coordinates": [lon, lat]}, **fields}


def new_route(**fields: Any) -> dict[str, Any]:
    return {
        "title": {"fr": "Légendes de la forêt", "en": "Forest legends"},
        "summary": {"fr": "Une boucle entre chênes géants."},
        "theme": "legends",
        "mode": "walk",
        "difficulty": "easy",
        "duration_min": 90,
        "geometry": {"type": "LineString", "coordinates": [[0.5634, 48.3752], [0.5655, 48.3838]]},
        "stops": [new_stop("La porte", 0.5634, 48.3752), new_stop("La fontaine", 0.5655, 48.3838)],
        **fields,
    }


async def table_state(db: Database, table: str) -> list[tuple[Any, ...]]:
    """Every row of a content table, to show that a refused request changed nothing."""
    assert table in {"pois", "routes", "stops", "history", "media", "media_variants"}
    async with db.read() as conn:
        rows = await conn.execute_fetchall(f"SELECT * FROM {table} ORDER BY rowid")
    return [tuple(row) for row in rows]


async def upload(client: AsyncTestClient[Litestar], headers: dict[str, str], path: Path, **texts: str) -> Any:
    return await client.post(
        "/api/v1/editor/media",
        files={"file": (path.name, await asyncio.to_thread(path.read_bytes))},
        data=texts,
        headers=headers,
    )
