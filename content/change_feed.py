"""What the edits after a given history row touched, for the pack rebuilder.

Every edit of public content writes its history row inside its own transaction, so "which routes, POIs and
producers changed since row N" can always be answered again from the database, after a restart or a crash,
and by another process than the one that made the edit. Only changes that reach public content count: the
entity is published now, or the row moved it in or out of ``published``. An offer counts as its producer.
Where a POI or producer was before it moved, and the box a route covered before it changed, come from the
row's ``before``, so the packs it left are found too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import aiosqlite
import msgspec

from content.places.geo import BBox, bbox_of

__all__ = ["HistoryChanges", "changes_after", "latest_history_id", "route_boxes"]

_decode = msgspec.json.Decoder(dict[str, Any]).decode
_TABLES = {"poi": "pois", "route": "routes", "producer": "producers"}


@dataclass(frozen=True, slots=True)
class HistoryChanges:
    """The public changes in the history rows after ``after_id`` up to ``last_id`` (both ids of rows)."""

    last_id: int
    routes: frozenset[str] = frozenset()
    pois: frozenset[str] = frozenset()
    producers: frozenset[str] = frozenset()
    former_points: tuple[tuple[float, float], ...] = ()
    """``(lon, lat)`` where a changed POI or producer stood before the change."""
    former_boxes: tuple[BBox, ...] = ()
    """Boxes of changed routes' lines before the change."""

    def __bool__(self) -> bool:
        return bool(self.routes or self.pois or self.producers)


async def latest_history_id(conn: aiosqlite.Connection) -> int:
    rows = list(await conn.execute_fetchall("SELECT coalesce(max(id), 0) FROM history"))
    return int(rows[0][0])


async def _statuses(conn: aiosqlite.Connection, table: str, ids: Iterable[str]) -> dict[str, str]:
    if table not in _TABLES.values():
        raise ValueError(f"no statuses in table {table!r}")
    rows = await conn.execute_fetchall(
        f"SELECT id, status FROM {table} WHERE id IN (SELECT value FROM json_each(?))",  # noqa: S608
        (json.dumps(sorted(set(ids))),),
    )
    return {row[0]: row[1] for row in rows}


async def _offer_producers(conn: aiosqlite.Connection, offer_ids: Iterable[str]) -> dict[str, str]:
    rows = await conn.execute_fetchall(
        "SELECT id, producer_id FROM offers WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(offer_ids))),),
    )
    return {row[0]: row[1] for row in rows}


def _former_place(before: Mapping[str, Any]) -> tuple[list[tuple[float, float]], list[BBox]]:
    """The point or line box a changed entity had before, read from the row's ``before`` fields."""
    points: list[tuple[float, float]] = []
    boxes: list[BBox] = []
    geometry = before.get("geometry")
    if isinstance(geometry, dict):
        coordinates = geometry.get("coordinates")
        try:
            if geometry.get("type") == "Point":
                points.append((float(coordinates[0]), float(coordinates[1])))  # type: ignore[index]
            elif geometry.get("type") == "LineString" and coordinates:
                boxes.append(bbox_of(coordinates))
        except (TypeError, ValueError, IndexError, KeyError):
            pass
    lon, lat = before.get("lon"), before.get("lat")
    if isinstance(lon, int | float) and isinstance(lat, int | float):
        points.append((float(lon), float(lat)))
    return points, boxes


async def changes_after(conn: aiosqlite.Connection, after_id: int, *, limit: int = 2000) -> HistoryChanges:
    """The public changes recorded in the (at most ``limit``) history rows following row ``after_id``."""
    rows = list(
        await conn.execute_fetchall(
            "SELECT id, entity_type, entity_id, before, after FROM history WHERE id > ? ORDER BY id LIMIT ?",
            (after_id, limit),
        )
    )
    if not rows:
        return HistoryChanges(last_id=after_id)
    touched: dict[str, set[str]] = {"poi": set(), "route": set(), "producer": set(), "offer": set()}
    went_public: dict[str, set[str]] = {kind: set() for kind in touched}
    points: list[tuple[float, float]] = []
    boxes: list[BBox] = []
    for row in rows:
        kind = row["entity_type"]
        if kind not in touched:
            continue
        touched[kind].add(row["entity_id"])
        before, after = _decode(row["before"]), _decode(row["after"])
        if "published" in (before.get("status"), after.get("status")):
            went_public[kind].add(row["entity_id"])
        found_points, found_boxes = _former_place(before)
        points += found_points
        boxes += found_boxes
    offer_owner = await _offer_producers(conn, touched["offer"])
    touched["producer"] |= set(offer_owner.values())
    public: dict[str, set[str]] = {}
    for kind, table in _TABLES.items():
        statuses = await _statuses(conn, table, touched[kind])
        public[kind] = {
            ident
            for ident in touched[kind]
            if statuses.get(ident) == "published" or ident in went_public[kind]
        }
    return HistoryChanges(
        last_id=int(rows[-1]["id"]),
        routes=frozenset(public["route"]),
        pois=frozenset(public["poi"]),
        producers=frozenset(public["producer"]),
        former_points=tuple(points),
        former_boxes=tuple(boxes),
    )


async def route_boxes(conn: aiosqlite.Connection, route_ids: Iterable[str]) -> list[BBox]:
    """The boxes of the routes' lines as stored now (any status)."""
    rows = await conn.execute_fetchall(
        "SELECT min_lon, min_lat, max_lon, max_lat FROM routes WHERE id IN (SELECT value FROM json_each(?))"
        " ORDER BY id",
        (json.dumps(sorted(set(route_ids))),),
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]
