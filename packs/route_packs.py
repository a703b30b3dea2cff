"""The offline pack of each route, as route summaries show it (``pack``: ``{id, version, size, sha256}``).

Read from the pack side's own table; the service layer hands it to the public route reads
(``content.routes.public``), which know nothing of packs."""

from __future__ import annotations

import json
from collections.abc import Iterable

import aiosqlite

from content.routes.features import PackInfo
from packs.pack_id import PackId

__all__ = ["route_packs"]


async def route_packs(conn: aiosqlite.Connection, route_ids: Iterable[str]) -> dict[str, PackInfo]:
    """``{route_id: PackInfo}`` for the routes whose pack is built (one query); others are left out."""
    pack_ids = [str(PackId.route(route_id)) for route_id in dict.fromkeys(route_ids)]
    if not pack_ids:
        return {}
    rows = await conn.execute_fetchall(
        "SELECT id, version, size, sha256 FROM packs WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(pack_ids),),
    )
    return {
        PackId.parse(row["id"]).key: PackInfo(
            id=row["id"], version=row["version"], size=row["size"], sha256=row["sha256"]
        )
        for row in rows
    }
