"""Reading POIs: one by id, and keyset-paged lists filtered by place (bbox or near), category and text.

Each list is one SQL statement whose page comes back as one JSON value. ``near`` takes its candidates
from an R*Tree box around the point and keeps those within the exact haversine distance, sorted by it
(published POIs alone have their own micro-degree index, so the common "near me" never reads a row it
does not return); ``q`` matches the diacritics-folded FTS5 index and, without ``near``, sorts by
relevance; otherwise the order is by id.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import aiosqlite
import msgspec

from content.core.cursor import SortKey
from content.core.errors import InvalidParameter
from content.core.model import STATUSES, Status
from content.core.paging import DEFAULT_LIMIT, PUBLIC, Keyset, keyset, over_fetch
from content.places.geo import BBox, bbox_around
from content.places.place import Box, Near
from content.places.sql_math import (
    HAVERSINE_A_SQL,
    a_within,
    distance_of_a,
    ensure_math,
    haversine_a_params,
    haversine_a_sql,
)
from content.pois.model import PoiRecord
from content.pois.rows import (
    POI_COLUMNS,
    RECORD_JSON,
    PageEntry,
    decode_page,
    decode_records,
    page_entry_json,
    poi_from_row,
    record_of,
)
from content.text.text_search import fts_query

__all__ = ["PoiQuery", "get_poi", "list_poi_entries", "list_pois", "poi_records"]

# Name weighs most, then the place (commune, address), then the description.
_RANK = "bm25(pois_fts, 10.0, 1.0, 2.0)"
_encode = msgspec.json.Encoder().encode
_GET_POI = (
    f"SELECT {POI_COLUMNS} FROM pois AS p"  # noqa: S608  # a constant column list
    " WHERE p.id = ? AND p.status IN (SELECT value FROM json_each(?))"
)


class PoiQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters for :func:`list_pois`; ``after`` is the previous page's key."""

    statuses: tuple[Status, ...] = PUBLIC
    office_id: str | None = None
    bbox: Box | None = None
    near: Near | None = None
    category: str | None = None
    q: str | None = None
    updated_since: str | None = None  # RFC 3339 as stored: only POIs updated after it
    limit: int = DEFAULT_LIMIT
    after: SortKey | None = None


_RECORDS = (
    f"SELECT json_group_array({RECORD_JSON}) FROM (SELECT {POI_COLUMNS} FROM pois AS p"  # noqa: S608
    " WHERE p.id IN (SELECT value FROM json_each(?)))"
)


async def poi_records(conn: aiosqlite.Connection, poi_ids: Sequence[str]) -> list[PoiRecord]:
    """The POIs with these ids, whatever their status, in no particular order."""
    rows = list(await conn.execute_fetchall(_RECORDS, (_encode(list(poi_ids)).decode(),)))
    return decode_records(rows[0][0])


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

    def add(self, fragment: str, params: dict[str, Any] | None = None, /, **more: Any) -> None:
        self.where.append(fragment)
        self.params.update(params or {}, **more)

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
    if query.updated_since is not None:
        sql.add("p.updated_at > :updated_since", updated_since=query.updated_since)
    if match is not None and not fts_joined:
        sql.add("p.rowid IN (SELECT rowid FROM pois_fts WHERE pois_fts MATCH :match)", match=match)


def _in_box(alias: str, box: BBox, prefix: str) -> tuple[str, dict[str, Any]]:
    """R*Tree entries of ``alias`` that intersect ``box``, with parameters named ``prefix_…``."""
    fragment = (
        f"{alias}.max_lon >= :{prefix}_min_lon AND {alias}.min_lon <= :{prefix}_max_lon"
        f" AND {alias}.max_lat >= :{prefix}_min_lat AND {alias}.min_lat <= :{prefix}_max_lat"
    )
    names = ("min_lon", "min_lat", "max_lon", "max_lat")
    return fragment, {f"{prefix}_{name}": value for name, value in zip(names, box, strict=True)}


def _keyset(id_column: str) -> str:
    return f"(sort_value > :after_value OR (sort_value = :after_value AND {id_column} > :after_id))"


_PUBLIC_A = haversine_a_sql("(g.min_lat / 1000000.0)", "(g.min_lon / 1000000.0)")


def _is_plain_public_near(query: PoiQuery, match: str | None) -> bool:
    return (
        query.statuses == PUBLIC
        and query.office_id is None
        and query.category is None
        and query.bbox is None
        and query.updated_since is None
        and match is None
    )


# "Near me" first looks within half the radius, a quarter of the area: where POIs are dense enough for
# that disc to fill the page, the page is exactly the same (every POI outside it is farther than every
# POI in it) at a quarter of the distance computations, which dominate the query.
_FIRST_RADIUS_SHARE = 0.5


def _public_near_candidates(
    query: PoiQuery, radius_m: float, prefix: str, params: dict[str, Any], guard: str = ""
) -> str:
    """Published POIs within ``radius_m`` after the cursor, the page's worth closest first, from the
    micro-degree index alone; parameters are named ``prefix_…``; ``guard`` is a constant condition."""
    assert query.near is not None
    box = bbox_around(query.near.lat, query.near.lon, radius_m)
    params.update(
        {
            f"{prefix}_min_lon": math.floor(box[0] * 1e6),
            f"{prefix}_min_lat": math.floor(box[1] * 1e6),
            f"{prefix}_max_lon": math.ceil(box[2] * 1e6),
            f"{prefix}_max_lat": math.ceil(box[3] * 1e6),
            f"{prefix}_a_max": a_within(radius_m),
        }
    )
    keyset = ""
    if query.after is not None:
        keyset = " AND (sort_value > :after_value OR (sort_value = :after_value AND g.id > :after_id))"
    # The guard empties the box (1 <= lon <= 0) rather than filtering rows: the R*Tree then returns
    # nothing, where a plain WHERE term would still let it scan.
    min_lon = f"CASE WHEN {guard} THEN :{prefix}_min_lon ELSE 1 END" if guard else f":{prefix}_min_lon"
    max_lon = f"CASE WHEN {guard} THEN :{prefix}_max_lon ELSE 0 END" if guard else f":{prefix}_max_lon"
    return (
        f"SELECT g.id AS rid, {_PUBLIC_A} AS sort_value FROM pois_public_e6 AS g"  # noqa: S608
        f" WHERE g.max_lon >= {min_lon} AND g.min_lon <= {max_lon}"
        f" AND g.max_lat >= :{prefix}_min_lat AND g.min_lat <= :{prefix}_max_lat"
        f" AND sort_value <= :{prefix}_a_max{keyset}"
        " ORDER BY sort_value, g.id LIMIT :limit"
    )


def _public_near_statement(query: PoiQuery) -> tuple[str, dict[str, Any]]:
    """The hot path, "published POIs near me": candidates, exact distances, filter, order and page all
    come from the micro-degree index of published POIs; only the page's rows are read from ``pois``.

    One statement, two tries: the inner disc's page is kept when it is full (``limit + 1`` rows), else
    the whole radius is searched. The count is a constant subquery, evaluated once; when the inner page
    is full it empties the whole radius's box, so that branch costs nothing."""
    assert query.near is not None
    params: dict[str, Any] = {
        "limit": over_fetch(query.limit),
        **haversine_a_params(query.near.lat, query.near.lon),
    }
    if query.after is not None:
        params.update(after_value=query.after[0], after_id=query.after[1])
    inner = _public_near_candidates(query, query.near.radius_m * _FIRST_RADIUS_SHARE, "inner", params)
    whole = _public_near_candidates(
        query, query.near.radius_m, "whole", params, "NOT (SELECT full FROM inner_full)"
    )
    statement = (
        f"WITH inner_page AS MATERIALIZED ({inner}),"  # noqa: S608  # constant fragments
        " inner_full AS MATERIALIZED (SELECT count(*) >= :limit AS full FROM inner_page),"
        " n AS (SELECT rid, sort_value FROM inner_page WHERE (SELECT full FROM inner_full)"
        f" UNION ALL SELECT * FROM ({whole}))"
        f" SELECT {POI_COLUMNS}, n.sort_value, n.rid FROM n"
        " CROSS JOIN pois AS p ON p.rowid = n.rid ORDER BY n.sort_value, n.rid"
    )
    return statement, params


def _near_statement(query: PoiQuery, inner: _Sql) -> tuple[str, dict[str, Any]]:
    """Near with other filters: candidates from the R*Tree box, exact haversine filter and order on
    their coordinates, then the full rows of the page. Ties break by row number, as on the hot path.
    CROSS JOIN fixes the join order: SQLite would otherwise start from the status index and probe the
    R*Tree once per POI."""
    assert query.near is not None
    near = query.near
    if query.bbox is not None:
        inner.add(*_in_box("r", query.bbox.bounds, "bbox"))
    inner.add(*_in_box("r", near.box, "near"))
    inner.add("sort_value <= :a_max", a_max=a_within(near.radius_m), **haversine_a_params(near.lat, near.lon))
    if query.after is not None:
        inner.add(_keyset("p.rowid"), after_value=query.after[0], after_id=query.after[1])
    statement = (
        f"SELECT {POI_COLUMNS}, n.sort_value, n.rid FROM ("  # noqa: S608  # constant fragments
        f" SELECT p.rowid AS rid, {HAVERSINE_A_SQL} AS sort_value"
        f" FROM pois_rtree AS r CROSS JOIN pois AS p ON p.rowid = r.id WHERE {inner.clause}"
        " ORDER BY sort_value, p.rowid LIMIT :limit"
        ") AS n CROSS JOIN pois AS p ON p.rowid = n.rid ORDER BY n.sort_value, n.rid"
    )
    return statement, {**inner.params, "limit": over_fetch(query.limit)}


def _statement(query: PoiQuery, match: str | None) -> tuple[str, dict[str, Any]]:
    """One statement per shape of query: near (by distance), text (by rank), or by id."""
    if query.near is not None and _is_plain_public_near(query, match):
        return _public_near_statement(query)
    inner = _Sql()
    ranked = query.near is None and match is not None
    _common_filters(query, inner, match, fts_joined=ranked)
    if query.near is not None:
        return _near_statement(query, inner)
    if ranked:
        if query.bbox is not None:
            fragment, params = _in_box("b", query.bbox.bounds, "bbox")
            inner.add(f"p.rowid IN (SELECT b.id FROM pois_rtree AS b WHERE {fragment})", **params)  # noqa: S608
        inner.add("pois_fts MATCH :match", match=match)
        outer = _Sql()
        if query.after is not None:
            outer.add(_keyset("id"), after_value=query.after[0], after_id=query.after[1])
        statement = (
            f"SELECT * FROM (SELECT {POI_COLUMNS}, {_RANK} AS sort_value"  # noqa: S608  # constant fragments
            f" FROM pois_fts CROSS JOIN pois AS p ON p.rowid = pois_fts.rowid WHERE {inner.clause})"
            f" WHERE {outer.clause} ORDER BY sort_value, id LIMIT :limit"
        )
        return statement, {**inner.params, **outer.params, "limit": over_fetch(query.limit)}
    source = "pois AS p"
    if query.bbox is not None:
        inner.add(*_in_box("r", query.bbox.bounds, "bbox"))
        source = "pois_rtree AS r CROSS JOIN pois AS p ON p.rowid = r.id"
    # Id order: a direct bound on the indexed id, so deep pages cost no more than the first.
    if query.after is not None:
        inner.add("p.id > :after_id", after_id=query.after[1])
    statement = (
        f"SELECT {POI_COLUMNS}, 0.0 AS sort_value FROM {source} WHERE {inner.clause}"  # noqa: S608
        " ORDER BY p.id LIMIT :limit"
    )
    return statement, {**inner.params, "limit": over_fetch(query.limit)}


async def list_poi_entries(
    conn: aiosqlite.Connection, query: PoiQuery, *, every_record: bool = True
) -> Keyset[PageEntry]:
    """One page of POIs matching ``query``, records still as JSON (without ``every_record``, only those
    that show media); ``InvalidParameter`` (``q``) if the text has no word. One statement, whose page
    comes back as one JSON value."""
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
    entry_json = page_entry_json("rid" if query.near is not None else "id", every_record=every_record)
    page_sql = f"SELECT json_group_array({entry_json}) FROM ({statement})"  # noqa: S608
    rows = list(await conn.execute_fetchall(page_sql, params))
    # The aggregate's order is not guaranteed by SQLite; the page's own keys restore it.
    keyed = sorted((entry.sort_value, entry.tie, entry) for entry in decode_page(rows[0][0]))
    found = keyset(keyed, query.limit, lambda item: (item[0], item[1]))
    distances = [distance_of_a(value) for value, _, _ in found.items] if query.near is not None else None
    return Keyset(
        items=[entry for _, _, entry in found.items], next_key=found.next_key, distances_m=distances
    )


async def list_pois(conn: aiosqlite.Connection, query: PoiQuery) -> Keyset[PoiRecord]:
    """One page of POIs matching ``query``; ``InvalidParameter`` (``q``) if the text has no word."""
    page = await list_poi_entries(conn, query)
    return Keyset(
        items=[record_of(entry) for entry in page.items],
        next_key=page.next_key,
        distances_m=page.distances_m,
    )
