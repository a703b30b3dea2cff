"""Which routes a POI change reaches: those whose stops link to it, and those passing within 500 m
(their packs carry nearby POIs)."""

from __future__ import annotations

import aiosqlite

from content.core.paging import EVERY_STATUS, MAX_LIMIT
from content.places.place import Near
from content.routes.queries import RouteQuery, list_routes

__all__ = ["NEARBY_ROUTE_M", "routes_affected_by_poi"]

NEARBY_ROUTE_M = 500.0


async def routes_affected_by_poi(
    conn: aiosqlite.Connection, poi_id: str, positions: list[tuple[float, float]]
) -> set[str]:
    """Route ids linked to ``poi_id`` by a stop, or passing within :data:`NEARBY_ROUTE_M` of any of
    ``positions`` (``(lat, lon)``: where the POI was and where it is now)."""
    rows = await conn.execute_fetchall("SELECT DISTINCT route_id FROM stops WHERE poi_id = ?", (poi_id,))
    affected = {str(row[0]) for row in rows}
    for lat, lon in set(positions):
        after = None
        while True:
            query = RouteQuery(
                statuses=EVERY_STATUS, near=Near(lat, lon, NEARBY_ROUTE_M), limit=MAX_LIMIT, after=after
            )
            page = await list_routes(conn, query)
            affected.update(route.id for route in page.items)
            if page.next_key is None:
                break
            after = page.next_key
    return affected
