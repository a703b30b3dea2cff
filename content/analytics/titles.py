"""Names for the objects in a report, in one language (falling back to any), for charts and tables."""

from __future__ import annotations

import json

import aiosqlite
import msgspec

__all__ = ["Titles", "object_titles"]


class Titles(msgspec.Struct, frozen=True):
    objects: dict[str, str]  # "route:<id>", "producer:<id>", "pack:<id>" -> name
    stops: dict[str, str]  # stop id -> title


def _text(raw: object, lang: str) -> str:
    try:
        texts = json.loads(str(raw))
    except ValueError:
        return str(raw)
    if isinstance(texts, dict):
        return str(texts.get(lang) or texts.get("fr") or next(iter(texts.values()), ""))
    return str(texts)


# POIs are left out: no chart names one, and a territory has tens of thousands of them, which every route
# page's usage panel read and decoded (50 ms of its time at 10,000 POIs).
_OBJECTS = """
SELECT 'route', id, title FROM routes UNION ALL SELECT 'producer', id, name FROM producers
UNION ALL SELECT 'pack', id, title FROM packs
"""


async def object_titles(conn: aiosqlite.Connection, lang: str) -> Titles:
    objects = {f"{r[0]}:{r[1]}": _text(r[2], lang) for r in await conn.execute_fetchall(_OBJECTS)}
    stops = {str(r[0]): _text(r[1], lang) for r in await conn.execute_fetchall("SELECT id, title FROM stops")}
    return Titles(objects=objects, stops=stops)
