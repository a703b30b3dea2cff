"""The public route reads, whole: query, resolve media in one batch, render in the asked language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping

import aiosqlite

from content.core.cursor import SortKey
from content.core.errors import NotFound
from content.media import load_media_refs
from content.routes.features import (
    PackInfo,
    RouteDetail,
    RouteList,
    render_route,
    render_routes,
    route_media_ids,
)
from content.routes.queries import RouteQuery, get_public_stops, get_route, list_routes
from content.text.localize import Localizer

__all__ = ["PackInfos", "public_route", "public_routes"]

PackInfos = Callable[[aiosqlite.Connection, Iterable[str]], Awaitable[Mapping[str, PackInfo]]]
"""How route reads learn each route's offline pack: given by the service layer (``packs.route_packs``);
without it routes carry no ``pack``."""


async def public_routes(
    conn: aiosqlite.Connection,
    query: RouteQuery,
    localizer: Localizer,
    cursor_of: Callable[[SortKey], str],
    pack_infos: PackInfos | None = None,
) -> RouteList:
    """A page of published route summaries; ``cursor_of`` turns the next key into ``next``."""
    page = await list_routes(conn, query)
    media = await load_media_refs(conn, route_media_ids(page.items))
    packs = {} if pack_infos is None else await pack_infos(conn, [route.id for route in page.items])
    next_cursor = cursor_of(page.next_key) if page.next_key is not None else None
    return render_routes(
        page.items, media, localizer, next_cursor=next_cursor, distances_m=page.distances_m, packs=packs
    )


async def public_route(
    conn: aiosqlite.Connection, route_id: str, localizer: Localizer, pack_infos: PackInfos | None = None
) -> RouteDetail:
    """A published route with its stops; ``NotFound`` for drafts, archived and unknown ids alike.

    Run it on a snapshot (``db.snapshot()``) so the route and its stops come from the same state.
    """
    route = await get_route(conn, route_id)
    if route is None:
        raise NotFound(f"no published route {route_id!r}")
    stops = await get_public_stops(conn, route_id)
    media = await load_media_refs(conn, route_media_ids([route], stops))
    packs = {} if pack_infos is None else await pack_infos(conn, [route_id])
    return render_route(route, stops, media, localizer, packs.get(route_id))
