"""Exact great-circle distance inside SQL, so "near me" filters, sorts and pages in one statement.

SQL computes the haversine term ``a`` (``d = 2R·asin(√a)``), which grows with the distance: filtering
and sorting on ``a`` is exact, and the square root and arc sine are left for the rows finally returned.
SQLite builds with ``SQLITE_ENABLE_MATH_FUNCTIONS`` (the default since 3.35) provide ``sin``, ``pow``…
natively; on a build without them the same names are registered from Python once per connection, so the
queries stay identical, only slower.
"""

from __future__ import annotations

import math
import sqlite3
import weakref
from collections.abc import Callable

import aiosqlite

from content.places.geo import EARTH_RADIUS_M

__all__ = [
    "HAVERSINE_A_SQL",
    "a_within",
    "distance_of_a",
    "ensure_math",
    "haversine_a_params",
    "haversine_a_sql",
    "native_math",
]

_FUNCTIONS: dict[str, tuple[int, Callable[..., float]]] = {
    "sin": (1, math.sin),
    "cos": (1, math.cos),
    "pow": (2, math.pow),
}


def haversine_a_sql(lat: str, lon: str) -> str:
    """The haversine term from (:lat0, :lon0) to the SQL expressions ``lat``, ``lon`` (degrees; constants
    of the caller, never input); see geo.haversine_m."""
    return (
        f"(pow(sin(({lat} - :lat0) * :half_rad), 2)"
        f" + :cos_lat0 * cos({lat} * :rad) * pow(sin(({lon} - :lon0) * :half_rad), 2))"
    )


HAVERSINE_A_SQL = haversine_a_sql("p.lat", "p.lon")


def native_math() -> bool:
    """Whether this SQLite library has the math functions built in."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("SELECT sin(1), cos(1), pow(2, 2)")
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()
    return True


_NATIVE = native_math()
_ready: weakref.WeakSet[aiosqlite.Connection] = weakref.WeakSet()


async def ensure_math(conn: aiosqlite.Connection, *, force: bool = False) -> None:
    """Make the math functions callable on ``conn`` (a no-op when SQLite has them built in)."""
    if (_NATIVE and not force) or conn in _ready:
        return
    for name, (arity, function) in _FUNCTIONS.items():
        await conn.create_function(name, arity, function, deterministic=True)
    _ready.add(conn)


def haversine_a_params(lat: float, lon: float) -> dict[str, float]:
    """Bound parameters for :data:`HAVERSINE_A_SQL` measured from (lat, lon)."""
    rad = math.pi / 180
    return {"lat0": lat, "lon0": lon, "rad": rad, "half_rad": rad / 2, "cos_lat0": math.cos(lat * rad)}


def a_within(radius_m: float) -> float:
    """The haversine term of a distance: ``distance ≤ radius_m`` exactly when ``a ≤ a_within(radius_m)``."""
    return math.sin(min(math.pi / 2, radius_m / (2 * EARTH_RADIUS_M))) ** 2


def distance_of_a(a: float) -> float:
    """Metres for a haversine term computed by :data:`HAVERSINE_A_SQL`."""
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(max(0.0, a))))
