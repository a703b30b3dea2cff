""" "Near me" without SQLite: each process keeps the published POIs' positions in memory, in bands of
latitude sorted by longitude (and a grid of counts, for the density around a point).

The hot query, published POIs near a point (no other filter), costs a round trip to a reader thread, an
R*Tree search and a JSON page built by SQLite; the in-memory grid answers it in the event loop, page for
page what :func:`content.pois.queries.list_poi_entries` returns: the same candidates (the R*Tree's box
at micro-degrees), the same haversine term computed with the same C library functions in the same order
(so the same bits: sort values, cursors and distances are equal, not close), the same order (by that
term, then row number), the same half-radius first try and the same keyset.

Freshness, checked on every query: ``PRAGMA data_version`` on a connection of the index's own (a look
at the WAL index in shared memory, microseconds) says whether any other connection committed since the
last look; only then is ``poi_generation`` read, a counter that every change to ``pois`` bumps
(migration 0037). An index built at another generation is never used: the query goes to SQLite while a
new index is built in a worker thread. An edit committed by any process is thus seen by the next query.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

import msgspec

from content.core.paging import PUBLIC, Keyset, keyset, over_fetch
from content.places.geo import EARTH_RADIUS_M, bbox_around
from content.places.place import Near
from content.places.sql_math import a_within, haversine_a_params
from content.pois.queries import PoiQuery
from content.pois.rendered import RenderedFeature
from content.pois.rows import PageEntry
from content.text.localize import LanguageChoice

__all__ = ["NearIndex", "NearSnapshot", "read_snapshot"]

_log = logging.getLogger("odyssee.pois")

# Grid cells of 0.01° (about 1.1 km of latitude), smaller where POIs are denser: a few POIs per cell on
# average, so that a query looks at about as many POIs whatever the territory's size and density.
_CELL_E6 = 10_000
_MIN_CELL_E6 = 100
_POINTS_PER_CELL = 6
# The first disc should hold the page this many times over (Poisson: it falls short about once in 500).
_ROOM = 1.5
_MAX_CHOICES = 16
_FREEZE_FROM = 50_000
# Bands of latitude a grid cell high / this: the finer, the closer the bands follow the disc's edge, and
# the more bisections a query makes (at 100,000 POIs, 1 costs least: 0.5 to 1.4 are within 10 %).
_BANDS_PER_CELL = 1
# The bound on a band's longitudes is widened by these (relative) so that rounding never narrows it.
_OVER, _UNDER = 1 + 1e-9, 1 - 1e-9
_TINY = 1e-12
_RAD = math.pi / 180
# As content.pois.queries: the first try covers half the radius (a quarter of the area).
_FIRST_RADIUS_SHARE = 0.5
_NULL = msgspec.Raw(b"null")
_M_PER_DEGREE = EARTH_RADIUS_M * _RAD
_TWO_R = 2 * EARTH_RADIUS_M  # as in distance_of_a

_GENERATION = "SELECT n FROM poi_generation WHERE id = 1"
_PUBLISHED = (
    "SELECT g.id, g.min_lat, g.min_lon, p.id, p.revision, p.created_at, p.updated_at,"
    " (p.images <> '[]' OR p.audio <> '{}')"
    " FROM pois_public_e6 AS g CROSS JOIN pois AS p ON p.rowid = g.id"
)

# (lat_e6, lon_e6, row number, lat°, lon°, cos(lat), entry)
_Point = tuple[int, int, int, float, float, float, PageEntry]
# One band of latitude: its POIs' longitudes (micro-degrees, ascending) and the POIs in that order.
_Band = tuple[list[int], list[_Point]]


@dataclass(frozen=True, slots=True)
class NearSnapshot:
    """The published POIs at one ``generation`` of ``pois``, by grid cell."""

    generation: int
    cells: dict[tuple[int, int], int]  # POIs per grid cell, for the density around a point
    bands: dict[int, _Band]  # the POIs by band of latitude, each by longitude
    count: int
    cell_e6: int = _CELL_E6  # the grid's step, in micro-degrees
    band_e6: int = _CELL_E6 // _BANDS_PER_CELL  # a band's height, in micro-degrees
    _rendered: dict[tuple[LanguageChoice, str], dict[int, RenderedFeature]] = field(default_factory=dict)
    _around: dict[tuple[int, int], int] = field(default_factory=dict)  # POIs in the 5 × 5 cells around one

    def rendered(self, choice: LanguageChoice, default: str) -> dict[int, RenderedFeature]:
        """Features rendered in this language choice, by row number, for the callers to fill: within
        a snapshot a row number names one version of a POI. Bounded: clients choose the languages."""
        table = self._rendered.get((choice, default))
        if table is None:
            if len(self._rendered) >= _MAX_CHOICES:
                return {}
            table = self._rendered[(choice, default)] = {}
        return table

    def page(self, query: PoiQuery) -> Keyset[PageEntry] | None:
        """The page :func:`~content.pois.queries.list_poi_entries` gives for ``query`` (plain public
        "near me"), entries without their record; ``None`` when the query is not one this answers."""
        if not _plain_public_near(query) or query.near is None:
            return None
        after = query.after
        if after is not None and (not isinstance(after[1], int) or isinstance(after[1], bool)):
            return None
        wanted = over_fetch(query.limit)
        # A first disc expected to hold the page with room to spare, from the local density; when it
        # does hold ``wanted`` POIs, they are the page (every POI outside it is farther), else the
        # whole radius is searched, as SQLite does after its half-radius try.
        near = query.near
        first = min(near.radius_m * _FIRST_RADIUS_SHARE, self._radius_for(near, wanted))
        found = self._within(query, first, wanted)
        if len(found) < wanted:
            found = self._within(query, near.radius_m, wanted)
        page = keyset(found, query.limit, lambda item: (item[0], item[1]))
        # distance_of_a, inlined: 0 <= a <= a_max <= 1 here, so its clamps change nothing.
        asin, sqrt = math.asin, math.sqrt
        return Keyset(
            items=list(map(_third, page.items)),
            next_key=page.next_key,
            distances_m=[_TWO_R * asin(sqrt(a)) for a, _, _ in page.items],
        )

    def _radius_for(self, near: Near, wanted: int) -> float:
        """A radius whose disc around ``near`` should hold ``wanted`` POIs with room, from the POIs in
        the 5 × 5 cells around it (infinite where they are too few to tell)."""
        step = self.cell_e6
        centre = (math.floor(near.lat * 1e6) // step, math.floor(near.lon * 1e6) // step)
        count = self._around.get(centre)
        if count is None:
            row, column = centre
            cells = self.cells
            count = 0
            for r in range(row - 2, row + 3):
                for c in range(column - 2, column + 3):
                    count += cells.get((r, c), 0)
            if len(self._around) < len(cells) + _MAX_CHOICES:  # bounded: clients choose the points
                self._around[centre] = count
        if count < 2 * wanted:
            return math.inf
        cell_lat_m = step / 1e6 * _M_PER_DEGREE
        area_m2 = 25 * cell_lat_m * cell_lat_m * max(0.01, math.cos(near.lat * _RAD))
        return math.sqrt(_ROOM * wanted * area_m2 / (math.pi * count))

    def _within(self, query: PoiQuery, radius_m: float, wanted: int) -> list[tuple[float, int, PageEntry]]:
        """As the SQL candidates: in the micro-degree box around the point, haversine term within the
        radius, after the cursor, the first ``wanted`` by (term, row number).

        Band by band of latitude, only the POIs whose longitude can be within the radius at that band's
        latitudes are looked at (two bisections): about the disc's POIs rather than its box's. That
        bound has a margin; the exact test is the term's, computed as SQLite computes it."""
        assert query.near is not None
        lat0, lon0 = query.near.lat, query.near.lon
        box = bbox_around(lat0, lon0, radius_m)
        min_lon, min_lat = math.floor(box[0] * 1e6), math.floor(box[1] * 1e6)
        max_lon, max_lat = math.ceil(box[2] * 1e6), math.ceil(box[3] * 1e6)
        a_max = a_within(radius_m)
        params = haversine_a_params(lat0, lon0)
        half_rad, cos_lat0 = params["half_rad"], params["cos_lat0"]
        sin, cos, pow_, asin, sqrt = math.sin, math.cos, math.pow, math.asin, math.sqrt
        after_value, after_id = (query.after[0], query.after[1]) if query.after is not None else (None, 0)
        found: list[tuple[float, int, PageEntry]] = []
        bands, height = self.bands, self.band_e6
        lat0_e6 = lat0 * 1e6
        # Within half a turn of the centre's longitude, the term grows with the gap in longitude: the
        # bound below holds (a box of the whole world does not keep to that: no bound then).
        bounded = max_lon - min_lon <= 180_000_000
        span = range(min_lat // height, max_lat // height + 1)
        numbers: Iterable[int] = span
        if len(span) > len(bands):  # a radius far larger than the territory: only the bands it has
            numbers = sorted(band for band in bands if band in span)
        for band in numbers:
            here = bands.get(band)
            if here is None:
                continue
            longitudes, points = here
            low, high = band * height, band * height + height - 1  # its latitudes, in micro-degrees
            # The widest the disc is in longitude at this band's latitudes: where the band comes
            # nearest the centre's latitude, with the band's smallest cos(latitude).
            nearest = 0.0 if low <= lat0_e6 <= high else min(abs(low - lat0_e6), abs(high - lat0_e6))
            rest = a_max * _OVER - pow_(sin(nearest * 1e-6 * half_rad), 2) * _UNDER
            if rest < 0:
                continue
            cos_min = min(cos(low * 1e-6 * _RAD), cos(high * 1e-6 * _RAD)) * _UNDER * cos_lat0
            share = rest / cos_min if cos_min > _TINY else 2.0
            if share >= 1 or not bounded:
                west, east = min_lon, max_lon
            else:
                reach = asin(sqrt(share)) / half_rad * 1e6 * _OVER + 2  # in micro-degrees
                west = max(min_lon, math.floor(lon0 * 1e6 - reach))
                east = min(max_lon, math.ceil(lon0 * 1e6 + reach))
            first = bisect_left(longitudes, west)
            last = bisect_right(longitudes, east, first)
            if first == last:
                continue
            whole = low >= min_lat and high <= max_lat
            # The same expression, operation for operation, as haversine_a_sql over the index.
            inside = [
                (a, rid, entry)
                for lat_e6, _, rid, lat, lon, cos_lat, entry in points[first:last]
                if (whole or min_lat <= lat_e6 <= max_lat)
                and (
                    a := pow_(sin((lat - lat0) * half_rad), 2)
                    + cos_lat0 * cos_lat * pow_(sin((lon - lon0) * half_rad), 2)
                )
                <= a_max
            ]
            if after_value is not None:
                inside = [
                    item
                    for item in inside
                    if item[0] > after_value or (item[0] == after_value and item[1] > after_id)  # type: ignore[operator]
                ]
            found += inside
        # By term, then row number: two sorts on plain keys (the second is stable) cost less than one on
        # the tuples.
        found.sort(key=_second)
        found.sort(key=_first)
        return found[:wanted]


_first, _second, _third = itemgetter(0), itemgetter(1), itemgetter(2)


def _plain_public_near(query: PoiQuery) -> bool:
    return (
        query.near is not None
        and query.statuses == PUBLIC
        and query.office_id is None
        and query.category is None
        and query.bbox is None
        and query.q is None
        and query.updated_since is None
    )


def read_snapshot(conn: sqlite3.Connection) -> NearSnapshot:
    """The published POIs as they are now (one read transaction), on a connection of the caller's."""
    conn.execute("BEGIN")
    try:
        generation = conn.execute(_GENERATION).fetchone()[0]
        rows = conn.execute(_PUBLISHED).fetchall()
    finally:
        conn.execute("COMMIT")
    shared: dict[str, str] = {}  # imports give many POIs the same timestamps: keep one string each
    points: list[_Point] = []
    for rid, lat_e6, lon_e6, poi_id, revision, created_at, updated_at, has_media in rows:
        lat = lat_e6 / 1000000.0
        lon = lon_e6 / 1000000.0
        entry = PageEntry(
            _NULL,
            "",
            rid,
            poi_id,
            revision,
            shared.setdefault(created_at, created_at),
            shared.setdefault(updated_at, updated_at),
            has_media,
        )
        points.append((lat_e6, lon_e6, rid, lat, lon, math.cos(lat * _RAD), entry))
    step = _CELL_E6
    cells = _grid(points, step)
    for _ in range(4):  # dense territories: finer cells, until they hold a few POIs each on average
        per_cell = len(points) / max(1, len(cells))
        if per_cell <= 2 * _POINTS_PER_CELL or step <= _MIN_CELL_E6:
            break
        step = max(_MIN_CELL_E6, int(step / math.sqrt(per_cell / _POINTS_PER_CELL)))
        cells = _grid(points, step)
    height = max(1, int(step / _BANDS_PER_CELL))
    return NearSnapshot(
        generation=generation,
        cells=cells,
        bands=_bands(points, height),
        count=len(points),
        cell_e6=step,
        band_e6=height,
    )


def _grid(points: list[_Point], step: int) -> dict[tuple[int, int], int]:
    cells: dict[tuple[int, int], int] = {}
    for point in points:
        key = (point[0] // step, point[1] // step)
        cells[key] = cells.get(key, 0) + 1
    return cells


def _bands(points: list[_Point], height: int) -> dict[int, _Band]:
    grouped: dict[int, list[_Point]] = {}
    for point in points:
        grouped.setdefault(point[0] // height, []).append(point)
    bands: dict[int, _Band] = {}
    for band, members in grouped.items():
        members.sort(key=_second)  # by longitude (lon_e6)
        bands[band] = ([point[1] for point in members], members)
    return bands


def _connect(path: Path) -> sqlite3.Connection:
    # Used by one thread at a time (the event loop's), which need not be the one that opened it.
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
    )
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def _build(path: Path) -> NearSnapshot:
    conn = _connect(path)
    try:
        return read_snapshot(conn)
    finally:
        conn.close()


class NearIndex:
    """One process's index of published POIs for "near me", kept current with the database at
    ``path``. :meth:`current` gives the snapshot when it is the database's present state."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._snapshot: NearSnapshot | None = None
        self._checker: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._generation: int | None = None
        self._building: asyncio.Task[None] | None = None

    def current(self) -> NearSnapshot | None:
        """The snapshot if nothing changed ``pois`` since it was read, else ``None`` (and, in an event
        loop, a new one is being built). Runs on the caller's thread: two tiny reads at most."""
        try:
            generation = self._present_generation()
        except sqlite3.Error:
            _log.warning("cannot check the near-me index's generation", exc_info=True)
            self.close()
            return None
        snapshot = self._snapshot
        if snapshot is not None and snapshot.generation == generation:
            return snapshot
        self._start_building()
        return None

    def build_now(self) -> NearSnapshot:
        """Build the snapshot here and now (tests, warm-up)."""
        self._snapshot = _build(self.path)
        return self._snapshot

    def warm(self) -> None:
        """Start building the snapshot (in an event loop), so that the first queries find it."""
        self._start_building()

    def close(self) -> None:
        if self._checker is not None:
            self._checker.close()
            self._checker = None
        self._data_version = self._generation = None

    def _present_generation(self) -> int:
        if self._checker is None:
            self._checker = _connect(self.path)
        # data_version first: a commit between the two reads is then seen again by the next check.
        data_version = self._checker.execute("PRAGMA data_version").fetchone()[0]
        if data_version != self._data_version or self._generation is None:
            self._generation = self._checker.execute(_GENERATION).fetchone()[0]
            self._data_version = data_version
        return self._generation

    def _start_building(self) -> None:
        if self._building is not None and not self._building.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._building = loop.create_task(self._rebuild())

    async def _rebuild(self) -> None:
        # The build makes a few objects per POI (millions at 1,000,000 POIs), and the cyclic collector,
        # counting them, would run full passes over them meanwhile: pauses of the event loop, tens to
        # hundreds of milliseconds each, that showed in the latency's tail. None run during the build;
        # a big index then leaves the collector's reach at once (gc.freeze) before it runs again.
        collecting = gc.isenabled()
        gc.disable()
        try:
            try:
                snapshot = await asyncio.to_thread(_build, self.path)
            except (sqlite3.Error, OSError):
                _log.warning("cannot build the near-me index", exc_info=True)
                return
            if self._snapshot is None or snapshot.generation >= self._snapshot.generation:
                self._snapshot = snapshot
                if snapshot.count >= _FREEZE_FROM:
                    # Hundreds of thousands of long-lived objects (the index, rendered features): out
                    # of the cyclic collector's full passes, whose pauses would show in the latency's
                    # tail.
                    gc.freeze()
        finally:
            if collecting:
                gc.enable()
