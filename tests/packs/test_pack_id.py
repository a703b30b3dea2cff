"""Pack ids: parsed once into a value, text again only through ``str()`` and ``stem``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.core.errors import InvalidParameter
from packs.pack_id import PackId


def test_kinds_text_and_file_stem() -> None:
    route = PackId.route("mortagne-cite-perchee")
    assert (route.kind, route.key) == ("route", "mortagne-cite-perchee")
    assert str(route) == "route:mortagne-cite-perchee"
    assert route.stem == "route-mortagne-cite-perchee"
    assert PackId.parse("area:belleme") == PackId.area("belleme")
    assert PackId.parse("route:a:b").key == "a:b"  # only the first ':' separates


@pytest.mark.parametrize("text", ["", "route", "route:", ":x", "pack:x", "Route:x", "area"])
def test_malformed_ids_name_pack_id(text: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        PackId.parse(text)
    assert caught.value.errors[0].field == "pack_id"


ids = st.builds(PackId, st.sampled_from(["route", "area"]), st.text(min_size=1, max_size=40))


@given(ids, ids)
def test_text_round_trips_and_sorts_as_its_text(one: PackId, other: PackId) -> None:
    """The rebuilder sorts ids; as values they keep the order they had as text."""
    assert PackId.parse(str(one)) == one
    assert (one < other) == (str(one) < str(other))
