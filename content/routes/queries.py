"""Reading routes: one by id with its ordered stops, and keyset-paged summaries (theme, language, near).

``near`` takes candidates whose box meets the circle's box (R*Tree), then keeps those whose line passes
within ``radius_m`` of the point, nearest first. Routes are few, so that last step runs in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite
import msgspec

from content.core.cursor import SortKey
from content.core.model import STATUSES, Status
from content.core.paging import DEFAULT_LIMIT, PUBLIC, Keyset, keyset, over_fetch
from content.places.geo import point_to_line_m
from content.places.geojson import LineString
from content.places.place import Near
from content.routes.model import RouteRecord, RouteSummaryRecord, StopRecord
from content.routes.rows import (
    ROUTE_COLUMNS,
    ROUTE_SUMMARY_COLUMNS,
    STOP_COLUMNS,
    route_from_row,
    stop_from_row,
    summary_from_row,
)

__all__ = ["RouteQuery", "get_public_stops", "get_route", "get_stops", "list_routes"]

_encode = msgspec.json.Encoder().encode
_line = msgspec.json.Decoder(LineString).decode

_GET_ROUTE = (
    f"SELECT {ROUTE_COLUMNS} FROM routes AS r"  # noqa: S608  # constant column list
    " WHERE r.id = ? AND r.status IN (SELECT value FROM json_each(?))"
)
_GET_STOPS = f"SELECT {STOP_COLUMNS} FROM stops WHERE route_id = ? ORDER BY position"  # noqa: S608
_SUMMARIES_BY_ID = (
    f"SELECT {ROUTE_SUMMARY_COLUMNS} FROM routes AS r"  # noqa: S608
    " WHERE r.id IN (SELECT value FROM json_each(?))"
)
# A route written in "en" serves a request for "en-GB", and one in "en-GB" a request for "en".
_HAS_LANGUAGE = (
    "EXISTS (SELECT 1 FROM json_each(r.languages) AS l"
    " WHERE l.value = :lang OR l.value = :lang_primary OR l.value LIKE :lang_primary || '-%')"
)


class RouteQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters for :func:`list_routes`; ``lang`` keeps routes complete in it."""

    statuses: tuple[Status, ...] = PUBLIC
    office_id: str | None = None
    near: Near | None = None
    theme: str | None = None
    lang: str | None = None
    updated_since: str | None = None  # RFC 3339 as stored: only routes updated after it
    limit: int = DEFAULT_LIMIT
    after: SortKey | None = None


async def get_route(
    conn: aiosqlite.Connection, route_id: str, *, statuses: Sequence[Status] = PUBLIC
) -> RouteRecord | None:
    rows = list(await conn.execute_fetchall(_GET_ROUTE, (route_id, _encode(list(statuses)).decode())))
    return route_from_row(rows[0]) if rows else None


async def get_stops(conn: aiosqlite.Connection, route_id: str) -> list[StopRecord]:
    """The route's stops in order (positions 1..n)."""
    return [stop_from_row(row) for row in await conn.execute_fetchall(_GET_STOPS, (route_id,))]


async def get_public_stops(conn: aiosqlite.Connection, route_id: str) -> list[StopRecord]:
    """The stops as the public sees them (API and packs): a ``poi_id`` naming a POI that is not
    published (a draft, possibly another office's, or an archived one) is left out, so a public route
    never links to a POI that answers 404. The link comes back once the POI is published."""
    stops = await get_stops(conn, route_id)
    linked = sorted({stop.poi_id for stop in stops if stop.poi_id is not None})
    if not linked:
        return stops
    rows = await conn.execute_fetchall(
        "SELECT id FROM pois WHERE status = 'published' AND id IN (SELECT value FROM json_each(?))",
        (_encode(linked).decode(),),
    )
    published = {row[0] for row in rows}
    hidden = {stop.poi_id for stop in stops if stop.poi_id is not None} - published
    return [msgspec.structs.replace(stop, poi_id=None) if stop.poi_id in hidden else stop for stop in stops]


def _filters(query: RouteQuery) -> tuple[list[str], dict[str, Any]]:
    where = ["r.status IN (SELECT value FROM json_each(:statuses))"]
    params: dict[str, Any] = {"statuses": _encode(list(query.statuses)).decode()}
    if query.office_id is not None:
        where.append("r.office_id = :office_id")
        params["office_id"] = query.office_id
    if query.theme is not None:
        where.append("r.theme = :theme")
        params["theme"] = query.theme
    if query.lang is not None:
        where.append(_HAS_LANGUAGE)
        params.update(lang=query.lang, lang_primary=query.lang.split("-")[0])
    if query.updated_since is not None:
        where.append("r.updated_at > :updated_since")
        params["updated_since"] = query.updated_since
    return where, params


async def list_routes(conn: aiosqlite.Connection, query: RouteQuery) -> Keyset[RouteSummaryRecord]:
    if not query.statuses or not set(query.statuses) <= set(STATUSES):
        raise ValueError(f"statuses must be among {STATUSES}")
    if query.near is not None:
        return await _list_near(conn, query)
    where, params = _filters(query)
    if query.after is not None:
        where.append("r.id > :after_id")
        params["after_id"] = query.after[1]
    statement = (
        f"SELECT {ROUTE_SUMMARY_COLUMNS} FROM routes AS r WHERE {' AND '.join(where)}"  # noqa: S608
        " ORDER BY r.id LIMIT :limit"
    )
    rows = await conn.execute_fetchall(statement, {**params, "limit": over_fetch(query.limit)})
    return keyset([summary_from_row(row) for row in rows], query.limit, lambda item: (0.0, item.id))


async def _list_near(conn: aiosqlite.Connection, query: RouteQuery) -> Keyset[RouteSummaryRecord]:
    assert query.near is not None
    near = query.near
    where, params = _filters(query)
    box = near.box
    where.append(
        "t.max_lon >= :min_lon AND t.min_lon <= :max_lon AND t.max_lat >= :min_lat AND t.min_lat <= :max_lat"
    )
    params.update(min_lon=box[0], min_lat=box[1], max_lon=box[2], max_lat=box[3])
    statement = (
        "SELECT r.id, r.geometry FROM routes_rtree AS t JOIN routes AS r ON r.rowid = t.id"  # noqa: S608
        f" WHERE {' AND '.join(where)}"
    )
    ranked: list[SortKey] = []
    for row in await conn.execute_fetchall(statement, params):
        distance = point_to_line_m(near.lat, near.lon, _line(row["geometry"]).coordinates)
        if distance <= near.radius_m:
            ranked.append((distance, row["id"]))
    ranked.sort()
    if query.after is not None:
        ranked = [key for key in ranked if key > query.after]
    page = keyset(ranked, query.limit, lambda key: key)
    page_keys = page.items
    rows = await conn.execute_fetchall(_SUMMARIES_BY_ID, (_encode([key[1] for key in page_keys]).decode(),))
    by_id = {row["id"]: summary_from_row(row) for row in rows}
    # A route deleted between the two statements is skipped rather than failing the page.
    found = [key for key in page_keys if key[1] in by_id]
    return Keyset(
        items=[by_id[key[1]] for key in found], next_key=page.next_key, distances_m=[key[0] for key in found]
    )
