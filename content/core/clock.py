"""Wall-clock time, injectable: token expiry and login throttling take ``now`` from a ``Clock``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["Clock", "parse_rfc3339", "rfc3339", "utc_now"]

Clock = Callable[[], datetime]
"""Returns the current time as an aware UTC datetime; tests pass one they can move forward."""

_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_now() -> datetime:
    return datetime.now(UTC)


def rfc3339(moment: datetime) -> str:
    """Second precision, always ``Z``: the fixed width keeps stored timestamps comparable as text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime; pass an aware UTC time")
    return moment.astimezone(UTC).strftime(_FORMAT)


def parse_rfc3339(text: str) -> datetime:
    """Read back what :func:`rfc3339` wrote."""
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)
