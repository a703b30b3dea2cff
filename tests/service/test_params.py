"""Pure parsing of the public lists' query parameters."""

from __future__ import annotations

import pytest

from content.core.errors import InvalidParameter
from content.places.place import Box, Near
from service.params import parse_bbox, parse_language, parse_limit, parse_near, parse_number, parse_place


def field_of(exc: pytest.ExceptionInfo[InvalidParameter]) -> str:
    return exc.value.errors[0].field


@pytest.mark.parametrize("text", ["1", "-1.5", "+2.", ".5", "1e3", "48.123456789", "-0"])
def test_numbers(text: str) -> None:
    assert parse_number(text, "x") == float(text)


@pytest.mark.parametrize(
    "text", ["", " 1", "1 ", "1_0", "nan", "inf", "-inf", "0x10", "1e400", "1,5", "٣", "1e"]
)
def test_not_numbers(text: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        parse_number(text, "near")
    assert field_of(caught) == "near"


def test_near_and_radius() -> None:
    assert parse_near(None, None) is None
    assert parse_near("48.5,0.6", None) == Near(48.5, 0.6, 10_000.0)
    assert parse_near("-90,180", "100000") == Near(-90.0, 180.0, 100_000.0)
    assert parse_near("48.5,0.6", "0.5") == Near(48.5, 0.6, 0.5)
    for near, radius, field in [
        ("91,0", None, "near"),
        ("0,-180.1", None, "near"),
        ("1,2,3", None, "near"),
        ("48.5,0.6", "0", "radius_m"),
        ("48.5,0.6", "100000.5", "radius_m"),
        (None, "5", "radius_m"),
    ]:
        with pytest.raises(InvalidParameter) as caught:
            parse_near(near, radius)
        assert field_of(caught) == field


def test_bbox() -> None:
    assert parse_bbox("-0.9,48.1,1.9,48.95") == Box(-0.9, 48.1, 1.9, 48.95)
    assert parse_bbox("1,48,1,48") == Box(1.0, 48.0, 1.0, 48.0)
    for text in ["1,48,0,49", "0,49,1,48", "0,48,1", "0,-91,1,48", "a,b,c,d"]:
        with pytest.raises(InvalidParameter) as caught:
            parse_bbox(text)
        assert field_of(caught) == "bbox"
    with pytest.raises(InvalidParameter) as both:
        parse_place("48,1", None, "0,48,1,49")
    assert field_of(both) == "bbox"


def test_limit() -> None:
    assert parse_limit(None) == 50
    assert parse_limit("500") == 500
    for text in ["0", "501", "100000", "-1", "1.0", "", "9" * 30]:
        with pytest.raises(InvalidParameter) as caught:
            parse_limit(text)
        assert field_of(caught) == "limit"


def test_language() -> None:
    choice, only = parse_language("en-gb", "fr")
    assert (choice.preferred, only) == (("en-GB",), "en-GB")
    every, none = parse_language("*", None)
    assert every.every
    assert none is None
    header, only = parse_language(None, "xx, de-CH;q=0.9, en;q=0.8, *;q=0.1, garbage;;q=")
    assert (header.preferred, only) == (("de-CH", "en"), None)
    with pytest.raises(InvalidParameter) as caught:
        parse_language("xx", None)
    assert field_of(caught) == "lang"
