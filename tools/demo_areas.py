"""The demo's area pack: the whole Perche, so the catalogue offers one pack for the territory besides
the route packs. Defined the way ``odyssee areas add`` would, and only when it is missing or differs, so
a re-run of ``odyssee demo`` writes nothing."""

from __future__ import annotations

from content.core.clock import rfc3339, utc_now
from content.core.db import Database
from content.core.settings import Settings
from packs.store import Area, add_area, get_area

__all__ = ["PERCHE", "ensure_demo_areas"]

PERCHE = Area(
    id="perche",
    title={"fr": "Le Perche", "en": "The Perche"},
    bbox=(0.35, 48.15, 1.35, 48.65),
)


async def ensure_demo_areas(settings: Settings) -> list[str]:
    """Create or redefine the demo areas in the store of ``settings``; the ids actually written."""
    written = []
    async with Database(settings.db_path, readers=1) as db, db.write() as conn:
        for area in (PERCHE,):
            if await get_area(conn, area.id) == area:
                continue
            await add_area(conn, area, created_at=rfc3339(utc_now()))
            written.append(area.id)
    return written
