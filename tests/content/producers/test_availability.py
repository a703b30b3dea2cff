"""``offer_available_today``: availability, season (in Paris) and validity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest

from content.producers.availability import offer_available_today
from content.producers.model import OfferInput

NOW = datetime(2026, 5, 12, 8, 0, tzinfo=UTC)


def offer(**changes: Any) -> OfferInput:
    base = OfferInput(
        product={"fr": "Asperges"},
        category="vegetables",
        valid_until=NOW + timedelta(days=10),
        availability="available",
        season_months=[4, 5, 6],
    )
    return msgspec.structs.replace(base, **changes)


@pytest.mark.parametrize(
    ("availability", "expected"),
    [("available", True), ("limited", True), ("sold_out", False), ("on_request", False)],
)
def test_availability(availability: str, expected: bool) -> None:
    assert offer_available_today(offer(availability=availability), NOW) is expected


def test_out_of_season() -> None:
    assert not offer_available_today(offer(season_months=[9, 10]), NOW)


def test_empty_season_means_all_year() -> None:
    assert offer_available_today(offer(season_months=[]), NOW)


def test_wrapping_season() -> None:
    winter = offer(season_months=[11, 12, 1, 2], valid_until=datetime(2027, 1, 20, tzinfo=UTC))
    assert offer_available_today(winter, datetime(2027, 1, 5, 12, 0, tzinfo=UTC))
    assert not offer_available_today(winter, datetime(2026, 10, 5, 12, 0, tzinfo=UTC))


def test_past_valid_until() -> None:
    expiring = offer(valid_until=NOW)
    assert offer_available_today(expiring, NOW - timedelta(seconds=1))
    assert not offer_available_today(expiring, NOW)


def test_month_turns_at_midnight_in_paris() -> None:
    # 2026-05-31T22:30Z is already 1 June in Paris: a May-only offer is over there.
    may_only = offer(season_months=[5], valid_until=datetime(2026, 6, 30, tzinfo=UTC))
    assert offer_available_today(may_only, datetime(2026, 5, 31, 21, 30, tzinfo=UTC))
    assert not offer_available_today(may_only, datetime(2026, 5, 31, 22, 30, tzinfo=UTC))


def test_naive_now_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        offer_available_today(offer(), datetime(2026, 5, 12, 8, 0))
