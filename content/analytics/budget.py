"""How much one address may add to the figures in a day, kept in memory only and never written anywhere.

Addresses are held as keyed hashes (a key drawn when the process starts), and the whole table is
forgotten when the day changes. Past ``max_addresses`` distinct addresses in a day, newcomers share
one budget, so a flood of fresh addresses cannot grow memory or the figures without bound.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import Counter

__all__ = ["AddressBudget"]

_OVERFLOW = b"overflow"


class _Spent:
    __slots__ = ("per_figure", "total")

    def __init__(self) -> None:
        self.total = 0
        self.per_figure: Counter[tuple[str, str, str]] = Counter()


class AddressBudget:
    """At most ``per_figure`` units to any one figure (type, object, stop) and ``per_day`` units in all,
    per address and per day. Called from the event loop only."""

    def __init__(self, per_figure: int, per_day: int, max_addresses: int = 100_000) -> None:
        self.per_figure = per_figure
        self.per_day = per_day
        self.max_addresses = max_addresses
        self._key = secrets.token_bytes(32)
        self._day = ""
        self._spent: dict[bytes, _Spent] = {}

    def _account(self, address: str, day: str) -> _Spent:
        if day != self._day:
            self._day, self._spent = day, {}
        tag = hmac.new(self._key, address.encode("utf-8", "replace"), hashlib.sha256).digest()[:16]
        spent = self._spent.get(tag)
        if spent is None:
            if len(self._spent) >= self.max_addresses:
                tag = _OVERFLOW
                spent = self._spent.get(tag)
            if spent is None:
                spent = self._spent[tag] = _Spent()
        return spent

    def take(self, address: str, today: str, figure: tuple[str, str, str], units: int) -> bool:
        """Spend ``units`` on ``figure`` for ``address`` (its budget for ``today``); False if over."""
        spent = self._account(address, today)
        if spent.total + units > self.per_day or spent.per_figure[figure] + units > self.per_figure:
            return False
        spent.total += units
        spent.per_figure[figure] += units
        return True
