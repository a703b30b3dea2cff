"""Exact great-circle distance inside SQL, so "near me" filters, sorts and pages in one statement.

SQLite builds with ``SQLITE_ENABLE_MATH_FUNCTIONS`` (the default since 3.35) provide ``sin``, ``asin``…
natively. On a build without them the same names are registered from Python once per connection, so the
queries stay identical, only slower.
"""

from __future__ import annotations

import math
import sqlite3
import weakref
from collections.abc import Callable

import aiosqlite

from content.geo import EARTH_RADIUS_M

__all__ = ["HAVERSINE_SQL", "ensure_math", "haversine_params", "native_math"]

_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "sin": math.sin,
    "cos": math.cos,
    "asin": math.asin,
    "sqrt": math.sqrt,
    "radians": math.radians,
}

# Haversine from the named parameters (:phi, :lmb, :cos_phi, :earth_2r) to the columns lat and lon;
# the same formula as content.geo.haversine_m.
HAVERSINE_SQL = """(:earth_2r * asin(min(1.0, sqrt(
    sin((radians(lat) - :phi) / 2) * sin((radians(lat) - :phi) / 2)
    + :cos_phi * cos(radians(lat)) * sin((radians(lon) - :lmb) / 2) * sin((radians(lon) - :lmb) / 2)))))"""


def native_math() -> bool:
    """Whether this SQLite library has the math functions built in."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("SELECT asin(0.5), sin(1), cos(1), sqrt(2), radians(1)")
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
    for name, function in _FUNCTIONS.items():
        await conn.create_function(name, 1, function, deterministic=True)
    _ready.add(conn)


def haversine_params(lat: float, lon: float) -> dict[str, float]:
    """Bound parameters for :data:`HAVERSINE_SQL` measured from (lat, lon)."""
    phi = math.radians(lat)
    return {"phi": phi, "lmb": math.radians(lon), "cos_phi": math.cos(phi), "earth_2r": 2 * EARTH_RADIUS_M}
