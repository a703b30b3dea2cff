from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.core.cursor import CursorCodec
from content.core.errors import InvalidParameter

KEY = bytes(range(32))


def test_round_trip() -> None:
    codec = CursorCodec(KEY)
    token = codec.encode("pois:[]", (1234.5678, "eglise-notre-dame"))
    assert token.isascii()
    assert "=" not in token
    assert codec.decode(token, "pois:[]") == (1234.5678, "eglise-notre-dame")


def test_other_scope_other_key_or_tampering_are_refused() -> None:
    codec = CursorCodec(KEY)
    token = codec.encode("pois:[]", (0.0, "a"))
    for bad_token, scope, key in [
        (token, "pois:[1]", KEY),
        (token, "pois:[]", bytes(32)),
        (token[:-1], "pois:[]", KEY),
        (token + "A", "pois:[]", KEY),
        ("", "pois:[]", KEY),
        ("x" * 300, "pois:[]", KEY),
    ]:
        with pytest.raises(InvalidParameter) as caught:
            CursorCodec(key).decode(bad_token, scope)
        assert caught.value.errors[0].field == "cursor"


def test_a_valid_mac_over_a_bad_payload_is_still_refused() -> None:
    codec = CursorCodec(KEY)
    payload = b'[1e400,"a"]'
    forged = base64.urlsafe_b64encode(payload + codec._mac("s", payload)).rstrip(b"=").decode()
    with pytest.raises(InvalidParameter):
        codec.decode(forged, "s")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_is_refused_cleanly(text: str) -> None:
    with pytest.raises(InvalidParameter):
        CursorCodec(KEY).decode(text, "pois:[]")
