from __future__ import annotations

import pytest

from content.core.errors import PreconditionFailed, PreconditionRequired
from content.editing import check_if_match, etag_for


def test_etag_is_strong_stable_and_specific() -> None:
    tag = etag_for("poi", "abbaye-de-la-trappe", 3)
    assert tag == etag_for("poi", "abbaye-de-la-trappe", 3)
    assert tag.startswith('"r3-')
    assert tag.endswith('"')
    assert tag != etag_for("poi", "abbaye-de-la-trappe", 4)
    assert tag != etag_for("route", "abbaye-de-la-trappe", 3)
    assert tag != etag_for("poi", "manoir-de-courboyer", 3)


@pytest.mark.parametrize("header", [None, "", "  ", " , ", "*"])
def test_missing_if_match_is_precondition_required(header: str | None) -> None:
    with pytest.raises(PreconditionRequired):
        check_if_match(header, etag_for("poi", "p", 1))


@pytest.mark.parametrize("header", ['"r1-0000000000000000"', "r2-x", 'W/"r1-0000000000000000"', '"a", "b"'])
def test_other_etags_are_precondition_failed(header: str) -> None:
    with pytest.raises(PreconditionFailed):
        check_if_match(header, etag_for("poi", "p", 2))


def test_current_etag_passes_alone_weak_or_in_a_list() -> None:
    current = etag_for("route", "r", 7)
    check_if_match(current, current)
    check_if_match(f"W/{current}", current)
    check_if_match(f'"r6-old", {current}', current)
