"""OpenStreetMap ``opening_hours``: validation with the parser's own message, and open/closed at an instant.

Opening hours are wall-clock times of the place, so every evaluation happens in the territory's time
zone (Europe/Paris) with French public holidays for ``PH``; the instant asked about may be in any offset.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours

from content.core.errors import InvalidInput

__all__ = [
    "MAX_OPENING_HOURS_LENGTH",
    "TERRITORY_COUNTRY",
    "TERRITORY_TIMEZONE",
    "is_open",
    "next_change",
    "validate_opening_hours",
]

TERRITORY_COUNTRY = "FR"  # the public-holiday calendar behind ``PH``
TERRITORY_TIMEZONE = "Europe/Paris"
# OSM caps every tag value at 255 characters; anything longer cannot be a real opening_hours value.
MAX_OPENING_HOURS_LENGTH = 255

# The package's stubs (2.1.x) omit ParserError although the module raises it; name it in one place.
_ParserError: type[Exception] = opening_hours.ParserError  # type: ignore[attr-defined]
_TZ = ZoneInfo(TERRITORY_TIMEZONE)
# Sun events move by seconds per kilometre: parsed objects are shared by places within ~1 km.
_COORD_DECIMALS = 2
# Changes further apart than a year count as "never"; this bounds next_change's search.
_MAX_INTERVAL_DAYS = 366
_POSITION = re.compile(r"-->\s*(\d+):(\d+)")
_EXPECTED = re.compile(r"^\s*=\s*(.+?)\s*$", re.MULTILINE)


def validate_opening_hours(value: str, field: str) -> str:
    """Check an OSM ``opening_hours`` string and return it without surrounding blanks.

    Raises:
        InvalidInput: naming ``field``, with the parser's explanation, for an empty, over-long or
            unparsable value.
    """
    text = value.strip()
    if not text:
        # The parser reads a blank string as "24/7", which is never what an editor meant.
        raise InvalidInput.field(field, "opening hours must not be empty")
    if len(text) > MAX_OPENING_HOURS_LENGTH:
        raise InvalidInput.field(field, f"opening hours are limited to {MAX_OPENING_HOURS_LENGTH} characters")
    if any(ord(char) < 0x20 for char in text):
        raise InvalidInput.field(field, "opening hours must be on one line")
    try:
        opening_hours.OpeningHours(text, auto_country=False, auto_timezone=False)
    except _ParserError as exc:
        raise InvalidInput.field(field, _describe(str(exc))) from None
    return text


def is_open(value: str, at: datetime, *, lat: float, lon: float) -> bool:
    """Whether a place with these hours, at (lat, lon), is open at the instant ``at``.

    ``at`` must carry a UTC offset. The "unknown" state (``|| unknown "sur rendez-vous"``) counts as
    closed: the app only promises what the producer stated. Note that the parser reads a rule made of a
    comment alone (``Sa "sur rendez-vous"``) as open, so appointment-only hours need ``unknown``.
    """
    return _parsed(value, *_coords(lat, lon)).is_open(_local(at))


def next_change(value: str, at: datetime, *, lat: float, lon: float) -> datetime | None:
    """The next instant (in UTC) when the open/closed state changes, or None if not within a year."""
    change = _parsed(value, *_coords(lat, lon)).next_change(_local(at))
    if change is None:
        return None
    if change.tzinfo is None:
        change = change.replace(tzinfo=_TZ)
    return change.astimezone(UTC)


@lru_cache(maxsize=1024)
def _parsed(value: str, lat: float, lon: float) -> opening_hours.OpeningHours:
    return opening_hours.OpeningHours(
        value,
        timezone=_TZ,
        country=TERRITORY_COUNTRY,
        coords=(lat, lon),
        auto_country=False,
        auto_timezone=False,
        max_interval_days=_MAX_INTERVAL_DAYS,
    )


def _coords(lat: float, lon: float) -> tuple[float, float]:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"coordinates out of range: {lat}, {lon}")
    return round(lat, _COORD_DECIMALS), round(lon, _COORD_DECIMALS)


def _local(at: datetime) -> datetime:
    # The library needs a ZoneInfo (it reads its key), not datetime.timezone.utc as msgspec decodes "Z";
    # converting to the territory's zone first also makes every DST rule explicit.
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("the instant must carry a UTC offset (RFC 3339)")
    return at.astimezone(_TZ)


def _describe(message: str) -> str:
    """Turn the parser's multi-line report into one line: where it stopped and what it expected."""
    position = _POSITION.search(message)
    expected = _EXPECTED.search(message)
    if position and expected:
        return f"not valid OSM opening_hours at character {position.group(2)}: {expected.group(1)}"
    return "not valid OSM opening_hours: " + " ".join(message.split())
