"""GeoJSON geometries (RFC 7946, ``[lon, lat]``) as they come in and go out, and their validation."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated

import msgspec

from content.core.errors import FieldError, InvalidInput

__all__ = [
    "COORDINATE_DECIMALS",
    "MAX_LINE_POINTS",
    "LineString",
    "Point",
    "check_line",
    "check_point",
    "line_of",
    "point_of",
]

# Six decimals is about 0.1 m: finer than any phone GPS, and it keeps payloads small.
COORDINATE_DECIMALS = 6
MAX_LINE_POINTS = 20_000

Position = Annotated[
    list[float],
    msgspec.Meta(
        min_length=2, max_length=3, description="[lon, lat] or [lon, lat, alt]", examples=[[0.5634, 48.3752]]
    ),
]


class Point(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type", tag="Point"):
    """A GeoJSON Point; an altitude, if sent, is accepted and dropped."""

    coordinates: Position


class LineString(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type", tag="LineString"):
    """A GeoJSON LineString of at least two positions."""

    coordinates: Annotated[
        list[Position],
        msgspec.Meta(
            min_length=2, max_length=MAX_LINE_POINTS, examples=[[[0.5634, 48.3752], [0.5655, 48.3838]]]
        ),
    ]


def _position_error(position: Sequence[float]) -> str | None:
    lon, lat = position[0], position[1]
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return "coordinates must be finite numbers"
    if not -180 <= lon <= 180:
        return f"longitude {lon} is outside [-180, 180] (GeoJSON order is [lon, lat])"
    if not -90 <= lat <= 90:
        return f"latitude {lat} is outside [-90, 90] (GeoJSON order is [lon, lat])"
    return None


def check_point(point: Point, field: str) -> tuple[float, float]:
    """``(lon, lat)`` of a valid point, rounded to 1e-6°, or ``InvalidInput`` naming ``field.coordinates``.

    Stored coordinates are rounded so that the micro-degree spatial index holds them exactly.
    """
    message = _position_error(point.coordinates)
    if message:
        raise InvalidInput.field(f"{field}.coordinates", message)
    return _round(point.coordinates[0]), _round(point.coordinates[1])


def check_line(line: LineString, field: str) -> list[tuple[float, float]]:
    """The ``(lon, lat)`` positions of a valid line, rounded to 1e-6°, or ``InvalidInput`` naming the bad
    position."""
    errors = []
    positions: list[tuple[float, float]] = []
    for index, position in enumerate(line.coordinates):
        message = _position_error(position)
        if message:
            errors.append(FieldError(f"{field}.coordinates[{index}]", message))
        else:
            positions.append((_round(position[0]), _round(position[1])))
    if errors:
        raise InvalidInput(errors[:20])
    if len(set(positions)) < 2:
        raise InvalidInput.field(f"{field}.coordinates", "a line needs at least two distinct positions")
    return positions


def _round(value: float) -> float:
    return round(value, COORDINATE_DECIMALS)


def point_of(lon: float, lat: float) -> Point:
    return Point(coordinates=[_round(lon), _round(lat)])


def line_of(positions: Sequence[Sequence[float]]) -> LineString:
    return LineString(coordinates=[[_round(p[0]), _round(p[1])] for p in positions])
