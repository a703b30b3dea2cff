"""The place values: a ``Near`` or a ``Box`` that exists is valid, and its text form is read once."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.core.errors import InvalidParameter
from content.places.geo import haversine_m
from content.places.place import DEFAULT_RADIUS_M, MAX_RADIUS_M, Box, Near, parse_number, parse_place


def field_of(call: object, *args: object) -> str:
    assert callable(call)
    with pytest.raises(InvalidParameter) as caught:
        call(*args)
    return caught.value.errors[0].field


def test_near_defaults_its_radius_once() -> None:
    assert Near(48.5, 0.6).radius_m == DEFAULT_RADIUS_M
    assert Near.parse("48.5,0.6", None) == Near(48.5, 0.6, DEFAULT_RADIUS_M)
    assert Near.parse("48.5,0.6", "250") == Near(48.5, 0.6, 250.0)
    assert Near.parse(None, None) is None


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((91.0, 0.0), "near"),
        ((0.0, -180.5), "near"),
        ((float("nan"), 0.0), "near"),
        ((48.0, 0.0, 0.0), "radius_m"),
        ((48.0, 0.0, -1.0), "radius_m"),
        ((48.0, 0.0, MAX_RADIUS_M + 1), "radius_m"),
        ((48.0, 0.0, float("inf")), "radius_m"),
    ],
)
def test_an_invalid_near_cannot_be_made(args: tuple[float, ...], field: str) -> None:
    assert field_of(Near, *args) == field


@pytest.mark.parametrize(
    ("near", "radius", "field"),
    [
        ("48.5", None, "near"),
        ("48.5,0.5,1", None, "near"),
        ("48.5, 0.5", None, "near"),
        ("91,0", "x", "near"),  # the point is named before the radius
        ("48.5,0.5", "ten", "radius_m"),
        (None, "100", "radius_m"),
    ],
)
def test_near_text(near: str | None, radius: str | None, field: str) -> None:
    assert field_of(Near.parse, near, radius) == field


def test_box() -> None:
    box = Box.parse("-0.9,48.1,1.9,48.95")
    assert box == Box(-0.9, 48.1, 1.9, 48.95)
    assert box is not None
    assert box.bounds == (-0.9, 48.1, 1.9, 48.95)
    assert Box(1, 48, 1, 48).bounds == (1, 48, 1, 48)  # a point is a box
    assert Box.parse(None) is None
    for args in [(1, 48, 0, 49), (0, 49, 1, 48), (-181, 48, 0, 49), (0, 48, 1, 90.5)]:
        assert field_of(Box, *args) == "bbox"
    for text in ["0,48,1", "0,48,1,x", "0,48,1,49,2", ""]:
        assert field_of(Box.parse, text) == "bbox"


def test_near_or_box_not_both() -> None:
    assert parse_place(None, None, None) == (None, None)
    assert parse_place("48,1", "50", None) == (Near(48, 1, 50), None)
    assert parse_place(None, None, "0,48,1,49") == (None, Box(0, 48, 1, 49))
    assert field_of(parse_place, "48,1", None, "0,48,1,49") == "bbox"


def test_values_are_frozen_hashable_and_encode_in_text_order() -> None:
    near = Near(48.5, 0.6, 300)
    with pytest.raises(AttributeError):
        near.radius_m = 5  # type: ignore[misc]
    assert len({near, Near(48.5, 0.6, 300.0)}) == 1
    assert msgspec.json.encode(near) == b"[48.5,0.6,300]"
    assert msgspec.json.encode(Box(0, 48, 1, 49)) == b"[0,48,1,49]"


def test_numbers_are_plain_decimals() -> None:
    assert parse_number("-1.5e2", "x") == -150.0
    for text in [" 1", "1_0", "nan", "inf", "1e400", "٣"]:
        assert field_of(parse_number, text, "radius_m") == "radius_m"


@given(
    lat=st.floats(-89.9, 89.9),
    lon=st.floats(-180, 180),
    radius=st.floats(1, MAX_RADIUS_M),
    bearing_lat=st.floats(-1, 1),
    bearing_lon=st.floats(-1, 1),
)
def test_the_box_holds_the_circle(
    lat: float, lon: float, radius: float, bearing_lat: float, bearing_lon: float
) -> None:
    """Every point within the radius lies in ``Near.box`` (the R*Tree prefilter never drops one)."""
    near = Near(lat, lon, radius)
    min_lon, min_lat, max_lon, max_lat = near.box
    point_lat = max(-90.0, min(90.0, lat + bearing_lat * radius / 111_000))
    point_lon = lon + bearing_lon * radius / 111_000
    if not -180 <= point_lon <= 180 or haversine_m(lat, lon, point_lat, point_lon) > radius:
        return
    assert min_lat <= point_lat <= max_lat
    assert min_lon <= point_lon <= max_lon
