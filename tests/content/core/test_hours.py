"""Opening hours at fixed instants: weekdays, lunch breaks, French public holidays, seasons, DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from content.core.errors import InvalidInput
from content.core.hours import MAX_OPENING_HOURS_LENGTH, is_open, next_change, validate_opening_hours

# Nogent-le-Rotrou
LAT, LON = 48.3217, 0.8224
WEEKDAYS = "Mo-Fr 09:00-12:00,14:00-18:30; PH off"
SEASONAL = "Apr-Oct: Sa 09:00-12:30; PH off"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def open_at(value: str, at: datetime) -> bool:
    return is_open(value, at, lat=LAT, lon=LON)


# 2026-07-15 is a Wednesday, summer time (UTC+2).
@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (utc(2026, 7, 15, 6, 59), False),  # 08:59 Paris
        (utc(2026, 7, 15, 7, 0), True),  # 09:00 opens
        (utc(2026, 7, 15, 9, 59), True),  # 11:59
        (utc(2026, 7, 15, 10, 0), False),  # 12:00 lunch break
        (utc(2026, 7, 15, 11, 30), False),  # 13:30 still lunch
        (utc(2026, 7, 15, 12, 0), True),  # 14:00 afternoon
        (utc(2026, 7, 15, 16, 29), True),  # 18:29
        (utc(2026, 7, 15, 16, 30), False),  # 18:30 closes
        (utc(2026, 7, 18, 8, 0), False),  # Saturday
    ],
)
def test_weekday_hours_with_lunch_break(at: datetime, expected: bool) -> None:
    assert open_at(WEEKDAYS, at) is expected


@pytest.mark.parametrize(
    "holiday",
    [
        utc(2026, 7, 14, 8, 0),  # Bastille Day, a Tuesday
        utc(2026, 11, 11, 9, 0),  # Armistice, a Wednesday (winter time: 10:00 Paris)
        utc(2027, 3, 29, 8, 0),  # Easter Monday 2027 (winter time: 09:00 Paris)
        utc(2026, 5, 25, 8, 0),  # Whit Monday 2026
    ],
)
def test_french_public_holidays_close_ph_off(holiday: datetime) -> None:
    assert not open_at(WEEKDAYS, holiday)
    # Same weekday and time a week later is an ordinary working day.
    assert open_at(WEEKDAYS, holiday + timedelta(days=7))


def test_ph_without_off_opens_on_holidays() -> None:
    assert open_at("PH 10:00-12:00", utc(2026, 7, 14, 8, 30))
    assert not open_at("PH 10:00-12:00", utc(2026, 7, 15, 8, 30))


def test_seasonal_rule_boundary() -> None:
    # Saturday 2026-10-24, 10:00 Paris (still summer time): inside Apr-Oct.
    assert open_at(SEASONAL, utc(2026, 10, 24, 8, 0))
    # Saturday 2026-10-31, the last Saturday of the season, 10:00 Paris (winter time since the 25th).
    assert open_at(SEASONAL, utc(2026, 10, 31, 9, 0))
    # Saturday 2026-11-07: season over.
    assert not open_at(SEASONAL, utc(2026, 11, 7, 9, 0))
    # Saturday 2026-03-28: not yet; Saturday 2026-04-04: the season has begun.
    assert not open_at(SEASONAL, utc(2026, 3, 28, 9, 0))
    assert open_at(SEASONAL, utc(2026, 4, 4, 8, 0))


def test_dst_same_utc_time_differs_between_summer_and_winter() -> None:
    # 07:30Z is 09:30 in Paris in summer (open) but 08:30 in winter (closed).
    assert open_at(WEEKDAYS, utc(2026, 6, 17, 7, 30))
    assert not open_at(WEEKDAYS, utc(2026, 1, 14, 7, 30))
    # 09:30 Paris in winter is 08:30Z.
    assert open_at(WEEKDAYS, utc(2026, 1, 14, 8, 30))


def test_dst_switch_weekends() -> None:
    # Clocks go forward on Sunday 2026-03-29: Friday 07:30Z is 08:30 CET, Monday 07:30Z is 09:30 CEST.
    assert not open_at(WEEKDAYS, utc(2026, 3, 27, 7, 30))
    assert open_at(WEEKDAYS, utc(2026, 3, 30, 7, 30))
    # Clocks go back on Sunday 2026-10-25: Friday 07:30Z is 09:30 CEST, Monday 07:30Z is 08:30 CET.
    assert open_at(WEEKDAYS, utc(2026, 10, 23, 7, 30))
    assert not open_at(WEEKDAYS, utc(2026, 10, 26, 7, 30))


def test_instant_with_any_offset_is_the_same_instant() -> None:
    new_york = timezone(timedelta(hours=-4))
    at = datetime(2026, 7, 15, 3, 30, tzinfo=new_york)  # 07:30Z, 09:30 Paris
    assert open_at(WEEKDAYS, at)


def test_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        open_at(WEEKDAYS, datetime(2026, 7, 15, 9, 30))


def test_out_of_range_coordinates_are_refused() -> None:
    with pytest.raises(ValueError, match="coordinates"):
        is_open(WEEKDAYS, utc(2026, 7, 15, 7, 30), lat=95.0, lon=0.0)


def test_unknown_state_counts_as_closed() -> None:
    hours = 'Mo-Fr 09:00-12:00 || unknown "sur rendez-vous"'
    assert open_at(hours, utc(2026, 7, 15, 8, 0))
    assert not open_at(hours, utc(2026, 7, 18, 8, 0))


def test_next_change_is_utc() -> None:
    # Wednesday 09:30 Paris in summer: closes for lunch at 12:00 Paris = 10:00Z.
    assert next_change(WEEKDAYS, utc(2026, 7, 15, 7, 30), lat=LAT, lon=LON) == utc(2026, 7, 15, 10, 0)
    # Monday 13 July 2026 evening: Tuesday is Bastille Day, so the next opening is Wednesday 09:00.
    assert next_change(WEEKDAYS, utc(2026, 7, 13, 18, 0), lat=LAT, lon=LON) == utc(2026, 7, 15, 7, 0)
    # Last Saturday of the season, after closing: reopens the first Saturday of April 2027 (summer time).
    assert next_change(SEASONAL, utc(2026, 10, 31, 12, 0), lat=LAT, lon=LON) == utc(2027, 4, 3, 7, 0)


def test_next_change_none_when_never_changes() -> None:
    assert next_change("24/7", utc(2026, 7, 15, 7, 30), lat=LAT, lon=LON) is None


@pytest.mark.parametrize(
    "value",
    [
        "Mo-Fr 09:00-12:00,14:00-18:30; PH off",
        "Apr-Oct: Sa 09:00-12:30; PH off",
        "  Sa 08:00-12:30  ",
        "24/7",
        "sunrise-sunset",
        'Tu,Fr 16:30-19:00; Jul-Aug Mo-Sa 10:00-19:00; PH off "visites sur réservation"',
    ],
)
def test_valid_strings_come_back_stripped(value: str) -> None:
    assert validate_opening_hours(value, "opening_hours") == value.strip()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Mo-Xx 25:00", "character 4: expected wday"),
        ("garbage", "character 1: expected"),
        ("Mo 25:00-26:00", "character 4"),
        ("", "must not be empty"),
        ("   \t ", "must not be empty"),
        ("Mo 09:00-12:00\nTu 09:00-12:00", "one line"),
        ("Mo 09:00-12:00; " * 20, f"limited to {MAX_OPENING_HOURS_LENGTH}"),
    ],
)
def test_invalid_strings_name_the_field(value: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_opening_hours(value, "pickup_points[0].opening_hours")
    (error,) = caught.value.errors
    assert error.field == "pickup_points[0].opening_hours"
    assert message in error.message
    assert "\n" not in error.message
