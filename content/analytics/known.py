"""Which of the ids a batch names exist and are public: figures are kept for published content only."""

from __future__ import annotations

import json

import aiosqlite
import msgspec

from content.analytics.counters import Kind

__all__ = ["KnownIds", "Published", "known_ids", "published_objects"]


class KnownIds(msgspec.Struct):
    routes: set[str]
    stops: set[tuple[str, str]]
    pois: set[str]
    producers: set[str]
    pack_versions: dict[str, int]

    def knows(self, kind: Kind, object_id: str, stop_id: str = "", version: int | None = None) -> bool:
        if kind == "route":
            return object_id in self.routes and (not stop_id or (object_id, stop_id) in self.stops)
        if kind == "poi":
            return object_id in self.pois
        if kind == "producer":
            return object_id in self.producers
        current = self.pack_versions.get(object_id)
        return current is not None and (version is None or version <= current)


# One statement, every id bound as one JSON array per kind.
_KNOWN = """
SELECT 'route', id, '' FROM routes WHERE status = 'published' AND id IN (SELECT value FROM json_each(?1))
UNION ALL
SELECT 'stop', stops.route_id, stops.id FROM stops JOIN routes ON routes.id = stops.route_id
 WHERE routes.status = 'published' AND stops.route_id IN (SELECT value FROM json_each(?1))
UNION ALL
SELECT 'poi', id, '' FROM pois WHERE status = 'published' AND id IN (SELECT value FROM json_each(?2))
UNION ALL
SELECT 'producer', id, '' FROM producers
 WHERE status = 'published' AND id IN (SELECT value FROM json_each(?3))
UNION ALL
SELECT 'pack', id, version FROM packs WHERE id IN (SELECT value FROM json_each(?4))
"""


async def known_ids(conn: aiosqlite.Connection, wanted: dict[Kind, set[str]]) -> KnownIds:
    found = KnownIds(routes=set(), stops=set(), pois=set(), producers=set(), pack_versions={})
    if not any(wanted.values()):
        return found
    params = [json.dumps(sorted(wanted[kind])) for kind in ("route", "poi", "producer", "pack")]
    async with conn.execute(_KNOWN, params) as cursor:
        async for what, object_id, extra in cursor:
            if what == "route":
                found.routes.add(object_id)
            elif what == "stop":
                found.stops.add((object_id, extra))
            elif what == "poi":
                found.pois.add(object_id)
            elif what == "producer":
                found.producers.add(object_id)
            else:
                found.pack_versions[object_id] = int(extra)
    return found


class Published(msgspec.Struct, frozen=True):
    """Every published object figures can be about; routes with their stop ids in order."""

    routes: dict[str, list[str]]
    pois: list[str]
    producers: list[str]
    packs: dict[str, int]


async def published_objects(conn: aiosqlite.Connection) -> Published:
    routes: dict[str, list[str]] = {}
    rows = await conn.execute_fetchall(
        "SELECT routes.id, stops.id FROM routes JOIN stops ON stops.route_id = routes.id"
        " WHERE routes.status = 'published' ORDER BY routes.id, stops.position"
    )
    for route_id, stop_id in rows:
        routes.setdefault(str(route_id), []).append(str(stop_id))
    pois = [
        str(r[0])
        for r in await conn.execute_fetchall("SELECT id FROM pois WHERE status = 'published' ORDER BY id")
    ]
    producers = [
        str(r[0])
        for r in await conn.execute_fetchall(
            "SELECT id FROM producers WHERE status = 'published' ORDER BY id"
        )
    ]
    packs = {
        str(r[0]): int(r[1]) for r in await conn.execute_fetchall("SELECT id, version FROM packs ORDER BY id")
    }
    return Published(routes=routes, pois=pois, producers=producers, packs=packs)
