"""What every list query shares: status sets, and a keyset page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from content.cursor import SortKey
from content.model import Status

__all__ = ["DEFAULT_LIMIT", "EVERY_STATUS", "MAX_LIMIT", "PUBLIC", "Page"]

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
PUBLIC: tuple[Status, ...] = ("published",)
EVERY_STATUS: tuple[Status, ...] = ("draft", "published", "archived")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; ``next_key`` is None on the last page. ``distances_m`` is set for ``near``."""

    items: list[T]
    next_key: SortKey | None
    distances_m: list[float] | None = None
