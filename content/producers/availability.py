"""Whether an offer can be bought today: the rule behind ``available=today``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from content.core.hours import TERRITORY_TIMEZONE

__all__ = ["BUYABLE_AVAILABILITIES", "OfferTimes", "offer_available_today"]

BUYABLE_AVAILABILITIES = frozenset({"available", "limited"})
_TZ = ZoneInfo(TERRITORY_TIMEZONE)


class OfferTimes(Protocol):
    """What the rule reads from an offer; the editor body and the stored offer both have it."""

    @property
    def availability(self) -> str: ...

    @property
    def season_months(self) -> Sequence[int]: ...

    @property
    def valid_until(self) -> datetime: ...


def offer_available_today(offer: OfferTimes, now: datetime) -> bool:
    """True when the offer is buyable, in season this month (in Paris) and not past ``valid_until``.

    An empty ``season_months`` means all year. ``now`` must carry a UTC offset.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must carry a UTC offset")
    if offer.availability not in BUYABLE_AVAILABILITIES:
        return False
    if now >= offer.valid_until:
        return False
    # The month turns at midnight in the territory, not in UTC.
    month = now.astimezone(_TZ).month
    return not offer.season_months or month in offer.season_months
