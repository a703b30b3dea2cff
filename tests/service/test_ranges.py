from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.ranges import (
    ByteRange,
    Plan,
    RangeNotSatisfiable,
    _parse_any_range,
    parse_range,
    plan_response,
)

SIZE = 1000
ETAG = '"' + "ab" * 32 + '"'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=100-", ByteRange(100, 999)),
        ("bytes=-10", ByteRange(990, 999)),
        ("bytes=0-0", ByteRange(0, 0)),
        ("bytes=999-999", ByteRange(999, 999)),
        ("bytes=500-5000", ByteRange(500, 999)),  # last-pos past the end is clamped
        ("bytes=-5000", ByteRange(0, 999)),  # a suffix longer than the file is the whole file
        ("BYTES=1-2", ByteRange(1, 2)),  # the unit is case-insensitive
        ("bytes= 1-2 ", ByteRange(1, 2)),
        ("bytes=0-99, 5000-6000", None),  # several ranges, one satisfiable: served whole
        ("bytes=0-1,2-3", None),
        ("bytes=5-2", None),  # malformed: ignored
        ("bytes=1-2-3", None),
        ("bytes=-", None),
        ("bytes=a-b", None),
        ("bytes=+1-2", None),
        ("bytes=1 -2", None),
        ("bytes 0-99", None),
        ("items=0-5", None),
        ("", None),
        (None, None),
        ("bytes=" + ",".join(["0-1"] * 400), None),  # absurdly long: ignored
    ],
)
def test_parse_range(header: str | None, expected: ByteRange | None) -> None:
    assert parse_range(header, SIZE) == expected


@pytest.mark.parametrize(
    ("header", "size"),
    [
        ("bytes=1000-", 1000),
        ("bytes=1000-2000", 1000),
        ("bytes=-0", 1000),
        ("bytes=0-", 0),
        ("bytes=-5", 0),
        ("bytes=2000-3000, 4000-", 1000),
    ],
)
def test_unsatisfiable_ranges(header: str, size: int) -> None:
    with pytest.raises(RangeNotSatisfiable) as caught:
        parse_range(header, size)
    assert caught.value.size == size


def test_byte_range_helpers() -> None:
    byte_range = ByteRange(10, 19)
    assert byte_range.length == 10
    assert byte_range.content_range(SIZE) == "bytes 10-19/1000"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, Plan(200)),
        ({"range_header": "bytes=0-9"}, Plan(206, ByteRange(0, 9))),
        ({"range_header": "bytes=5000-"}, Plan(416)),
        ({"range_header": "bytes=0-1,5-6"}, Plan(200)),
        # If-Range: the range holds only for the current strong ETag.
        ({"range_header": "bytes=0-9", "if_range": ETAG}, Plan(206, ByteRange(0, 9))),
        ({"range_header": "bytes=0-9", "if_range": '"stale"'}, Plan(200)),
        ({"range_header": "bytes=0-9", "if_range": "W/" + ETAG}, Plan(200)),
        ({"range_header": "bytes=0-9", "if_range": "Wed, 21 Oct 2015 07:28:00 GMT"}, Plan(200)),
        ({"if_range": '"stale"'}, Plan(200)),
        # If-Match uses strong comparison and wins over everything else.
        ({"if_match": ETAG}, Plan(200)),
        ({"if_match": f'"other", {ETAG}'}, Plan(200)),
        ({"if_match": "*"}, Plan(200)),
        ({"if_match": '"stale"'}, Plan(412)),
        ({"if_match": "W/" + ETAG}, Plan(412)),
        ({"if_match": '"stale"', "range_header": "bytes=0-9"}, Plan(412)),
        ({"if_match": '"stale"', "if_none_match": ETAG}, Plan(412)),
        ({"if_match": ETAG, "range_header": "bytes=0-9"}, Plan(206, ByteRange(0, 9))),
        # If-None-Match uses weak comparison and beats Range.
        ({"if_none_match": ETAG}, Plan(304)),
        ({"if_none_match": "W/" + ETAG}, Plan(304)),
        ({"if_none_match": "*"}, Plan(304)),
        ({"if_none_match": '"stale"'}, Plan(200)),
        ({"if_none_match": ETAG, "range_header": "bytes=0-9"}, Plan(304)),
        ({"if_none_match": '"stale"', "range_header": "bytes=0-9"}, Plan(206, ByteRange(0, 9))),
    ],
)
def test_plan_response(headers: dict[str, str], expected: Plan) -> None:
    assert plan_response(size=SIZE, etag=ETAG, **headers) == expected


def _outcome(parse: Callable[[str, int], ByteRange | None], header: str, size: int) -> object:
    try:
        return parse(header, size)
    except RangeNotSatisfiable as exc:
        return ("416", exc.size)


_HEADER_PARTS = st.sampled_from(
    ["bytes=", "BYTES=", "bytes", "=", "-", ",", " ", "0", "1", "9", "12", "999", "٣", "a"]
)


@given(
    header=st.one_of(
        st.builds(lambda a, b: f"bytes={a}-{b}", st.integers(0, 3000), st.integers(0, 3000)),
        st.builds(lambda a: f"bytes={a}-", st.integers(0, 3000)),
        st.lists(_HEADER_PARTS, max_size=8).map("".join),
        st.text(max_size=20),
    ),
    size=st.integers(0, 2000),
)
def test_the_fast_shape_answers_as_the_general_parse(header: str, size: int) -> None:
    """parse_range reads "bytes=N-" and "bytes=N-M" without the general parse: the same answer for any
    header (``_parse_any_range`` is that general parse)."""
    if header and len(header) <= 1024:
        assert _outcome(parse_range, header, size) == _outcome(_parse_any_range, header, size)
