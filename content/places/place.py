"""Where a list looks: a point with a radius (:class:`Near`) or a box (:class:`Box`).

Both are small frozen values checked when they are made, so a ``Near`` or a ``Box`` that exists is a
valid one: queries take them as they are. Their text forms (``near=lat,lon`` with ``radius_m``, and
``bbox=minLon,minLat,maxLon,maxLat``) are read by :meth:`Near.parse` and :meth:`Box.parse`, once, where
the text comes in (the HTTP parameters, the CLI). Every refusal is an ``InvalidParameter`` naming the
parameter (``near``, ``radius_m`` or ``bbox``). As JSON they are arrays in their text order (cursor scopes).
"""

from __future__ import annotations

import math
import re

import msgspec

from content.core.errors import FieldError, InvalidParameter
from content.places.geo import BBox, bbox_around

__all__ = ["DEFAULT_RADIUS_M", "MAX_RADIUS_M", "Box", "Near", "parse_number", "parse_place"]

DEFAULT_RADIUS_M = 10_000.0  # "what is around me" on a phone
MAX_RADIUS_M = 100_000.0

# Plain ASCII decimal numbers only: float() would also take " 1", "1_0", "nan", "inf" and "٣".
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")


def _bad(name: str, message: str) -> InvalidParameter:
    return InvalidParameter(FieldError(name, message))


def parse_number(text: str, name: str) -> float:
    """A finite decimal number, or ``InvalidParameter`` naming ``name``."""
    if not _NUMBER.fullmatch(text):
        raise _bad(name, f"{text[:40]!r} is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise _bad(name, "must be a finite number")
    return value


def _numbers(value: str, name: str, count: int, shape: str) -> list[float]:
    parts = value.split(",")
    if len(parts) != count:
        raise _bad(name, f"expected {shape}")
    return [parse_number(part, name) for part in parts]


def _check_lat_lon(lat: float, lon: float, name: str) -> None:
    if not -90 <= lat <= 90:
        raise _bad(name, f"latitude {lat} is outside [-90, 90]")
    if not -180 <= lon <= 180:
        raise _bad(name, f"longitude {lon} is outside [-180, 180]")


class Near(msgspec.Struct, frozen=True, array_like=True):
    """Within ``radius_m`` metres, (0, 100000], of the point (``lat``, ``lon``); 10 km unless said."""

    lat: float
    lon: float
    radius_m: float = DEFAULT_RADIUS_M

    def __post_init__(self) -> None:
        _check_lat_lon(self.lat, self.lon, "near")
        if not 0 < self.radius_m <= MAX_RADIUS_M:
            raise _bad("radius_m", f"must be more than 0 and at most {MAX_RADIUS_M:.0f}")

    @classmethod
    def parse(cls, near: str | None, radius_m: str | None) -> Near | None:
        """``near=lat,lon`` with an optional ``radius_m``; ``radius_m`` without ``near`` is refused,
        since it would silently mean nothing."""
        if near is None:
            if radius_m is not None:
                raise _bad("radius_m", "needs near=lat,lon")
            return None
        lat, lon = _numbers(near, "near", 2, "near=lat,lon")
        _check_lat_lon(lat, lon, "near")  # before reading radius_m, so a bad point is named first
        if radius_m is None:
            return cls(lat, lon)
        return cls(lat, lon, parse_number(radius_m, "radius_m"))

    @property
    def box(self) -> BBox:
        """A box holding the whole circle (for an R*Tree); exact filtering comes after."""
        return bbox_around(self.lat, self.lon, self.radius_m)


class Box(msgspec.Struct, frozen=True, array_like=True):
    """A WGS 84 box, each minimum at most its maximum (a point or a line is a box too)."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def __post_init__(self) -> None:
        _check_lat_lon(self.min_lat, self.min_lon, "bbox")
        _check_lat_lon(self.max_lat, self.max_lon, "bbox")
        if self.min_lon > self.max_lon or self.min_lat > self.max_lat:
            raise _bad("bbox", "each minimum must be at most its maximum (minLon,minLat,maxLon,maxLat)")

    @classmethod
    def parse(cls, bbox: str | None) -> Box | None:
        """``bbox=minLon,minLat,maxLon,maxLat`` (RFC 7946 order)."""
        if bbox is None:
            return None
        return cls(*_numbers(bbox, "bbox", 4, "bbox=minLon,minLat,maxLon,maxLat"))

    @property
    def bounds(self) -> BBox:
        """``(min_lon, min_lat, max_lon, max_lat)``, the geometry helpers' and the R*Tree's order."""
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)


def parse_place(near: str | None, radius_m: str | None, bbox: str | None) -> tuple[Near | None, Box | None]:
    """``near``/``radius_m`` or ``bbox``; both at once is refused (naming ``bbox``) as ambiguous."""
    where = Near.parse(near, radius_m)
    box = Box.parse(bbox)
    if where is not None and box is not None:
        raise _bad("bbox", "use either bbox or near, not both")
    return where, box
