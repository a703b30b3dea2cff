"""Reading POIs: one by id, and keyset-paged lists filtered by place (bbox or near), category and text.

Each list is one SQL statement. ``near`` takes its candidates from the R*Tree box around the point and
keeps those within the exact haversine distance, sorted by it; ``q`` matches the diacritics-folded
FTS5 index and, without ``near``, sorts by relevance; otherwise the order is by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite
import msgspec

from content.cursor import SortKey
from content.errors import InvalidParameter
from content.geo import BBox, bbox_around
from content.model import STATUSES, Status
from content.paging import DEFAULT_LIMIT, PUBLIC, Page
from content.pois.model import PoiRecord
from content.pois.rows import POI_COLUMNS, poi_from_row
from content.sql_math import HAVERSINE_SQL, ensure_math, haversine_params
from content.text_search import fts_query

__all__ = ["DEFAULT_RADIUS_M", "PoiQuery", "get_poi", "list_pois"]

DEFAULT_RADIUS_M = 10_000.0
# Name weighs most, then the place (commune, address), then the description.
_RANK = "bm25(pois_fts, 10.0, 1.0, 2.0)"
_encode = msgspec.json.Encoder().encode
_GET_POI = (
    f"SELECT {POI_COLUMNS} FROM pois AS p"  # noqa: S608  # a constant column list
    " WHERE p.id = ? AND p.status IN (SELECT value FROM json_each(?))"
)


class PoiQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters for :func:`list_pois`. ``near`` is ``(lat, lon)``; ``after`` is the previous page's key."""

    statuses: tuple[Status, ...] = PUBLIC
    office_id: str | None = None
    bbox: BBox | None = None
    near: tuple[float, float] | None = None
    radius_m: float = DEFAULT_RADIUS_M
    category: str | None = None
    q: str | None = None
    limit: int = DEFAULT_LIMIT
    after: SortKey | None = None


async def get_poi(
    conn: aiosqlite.Connection, poi_id: str, *, statuses: Sequence[Status] = PUBLIC
) -> PoiRecord | None:
    """The POI if it exists with one of ``statuses`` (public readers see only published ones)."""
    rows = list(
        await conn.execute_fetchall(
            _GET_POI,
            (poi_id, _encode(list(statuses)).decode()),
        )
    )
    return poi_from_row(rows[0]) if rows else None


class _Sql:
    """A WHERE clause built from fixed fragments; every value is a named, bound parameter."""

    def __init__(self) -> None:
        self.where: list[str] = []
        self.params: dict[str, Any] = {}

    def add(self, fragment: str, **params: Any) -> None:
        self.where.append(fragment)
        self.params.update(params)

    @property
    def clause(self) -> str:
        return " AND ".join(self.where) if self.where else "1"


def _common_filters(query: PoiQuery, sql: _Sql, match: str | None, *, fts_joined: bool) -> None:
    if len(query.statuses) == 1:
        sql.add("p.status = :status", status=query.statuses[0])
    else:
        statuses = _encode(query.statuses).decode()
        sql.add("p.status IN (SELECT value FROM json_each(:statuses))", statuses=statuses)
    if query.office_id is not None:
        sql.add("p.office_id = :office_id", office_id=query.office_id)
    if query.category is not None:
        sql.add("p.category = :category", category=query.category)
    if match is not None and not fts_joined:
        sql.add("p.rowid IN (SELECT rowid FROM pois_fts WHERE pois_fts MATCH :match)", match=match)


def _in_box(alias: str, box: BBox, prefix: str) -> tuple[str, dict[str, float]]:
    """R*Tree entries of ``alias`` that intersect ``box``, with parameters named ``prefix_…``."""
    fragment = (
        f"{alias}.max_lon >= :{prefix}_min_lon AND {alias}.min_lon <= :{prefix}_max_lon"
        f" AND {alias}.max_lat >= :{prefix}_min_lat AND {alias}.min_lat <= :{prefix}_max_lat"
    )
    names = ("min_lon", "min_lat", "max_lon", "max_lat")
    return fragment, {f"{prefix}_{name}": value for name, value in zip(names, box, strict=True)}


_KEYSET = "(sort_value > :after_value OR (sort_value = :after_value AND id > :after_id))"


def _statement(query: PoiQuery, match: str | None) -> tuple[str, dict[str, Any]]:
    inner = _Sql()
    outer = _Sql()
    _common_filters(query, inner, match, fts_joined=query.near is None and match is not None)
    if query.bbox is not None:
        fragment, params = _in_box("b", query.bbox, "bbox")
        inner.add(f"p.rowid IN (SELECT b.id FROM pois_rtree AS b WHERE {fragment})", **params)  # noqa: S608
    if query.near is not None:
        lat, lon = query.near
        fragment, params = _in_box("r", bbox_around(lat, lon, query.radius_m), "near")
        inner.add(fragment, **params)
        inner.params.update(haversine_params(lat, lon))
        source = "pois_rtree AS r JOIN pois AS p ON p.rowid = r.id"
        sort_value = HAVERSINE_SQL
        outer.add("sort_value <= :radius_m", radius_m=query.radius_m)
    elif match is not None:
        inner.add("pois_fts MATCH :match", match=match)
        source = "pois_fts JOIN pois AS p ON p.rowid = pois_fts.rowid"
        sort_value = _RANK
    else:
        source = "pois AS p"
        sort_value = "0.0"
    if query.after is not None:
        if query.near is None and match is None:
            # Plain id order: a direct bound on the indexed id, so deep pages cost no more than the first.
            inner.add("p.id > :after_id", after_id=query.after[1])
        else:
            outer.add(_KEYSET, after_value=query.after[0], after_id=query.after[1])
    statement = (
        f"SELECT * FROM (SELECT {POI_COLUMNS}, {sort_value} AS sort_value FROM {source} WHERE {inner.clause})"  # noqa: S608  # fragments are constants
        f" WHERE {outer.clause} ORDER BY sort_value, id LIMIT :limit"
    )
    return statement, {**inner.params, **outer.params, "limit": query.limit + 1}


async def list_pois(conn: aiosqlite.Connection, query: PoiQuery) -> Page[PoiRecord]:
    """One page of POIs matching ``query``; ``InvalidParameter`` (``q``) if the text has no word."""
    if not set(query.statuses) <= set(STATUSES) or not query.statuses:
        raise ValueError(f"statuses must be among {STATUSES}")
    match = None
    if query.q is not None:
        match = fts_query(query.q)
        if match is None:
            raise InvalidParameter.field("q", "needs at least one letter or digit")
    if query.near is not None:
        await ensure_math(conn)
    statement, params = _statement(query, match)
    rows = list(await conn.execute_fetchall(statement, params))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    items = [poi_from_row(row) for row in rows]
    next_key = (float(rows[-1]["sort_value"]), rows[-1]["id"]) if more and rows else None
    distances = [float(row["sort_value"]) for row in rows] if query.near is not None else None
    return Page(items=items, next_key=next_key, distances_m=distances)
