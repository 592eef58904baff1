"""Weeks in the client's timezone: Monday 00:00 local to the next Monday, DST weeks included.

The properties hold for every zone a client may pick and any instant from 1900 to 2100;
Hypothesis leans on the zones that break naive code (half- and quarter-hour offsets, the date
line, the southern hemisphere, midnight DST changes) and draws from all the others too."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.timezones import timezone_names
from goals.weeks import (
    day_start,
    local_date,
    week_bounds,
    week_start,
    weeks_back,
    zones_by_local_date,
)

ZONES = [
    "Pacific/Auckland",
    "America/New_York",
    "Europe/London",
    "Asia/Kolkata",
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/Los_Angeles",
    "Asia/Kathmandu",  # +05:45
    "Australia/Lord_Howe",  # a 30-minute DST change
    "Pacific/Kiritimati",  # +14
    "Pacific/Pago_Pago",  # -11
    "Asia/Tehran",  # DST began at midnight (2021-03-22 was a Monday)
    "America/Santiago",  # DST changes at midnight
    "America/Toronto",  # 1919: a jump from 23:30 Sunday to 00:30 Monday
    "Pacific/Apia",  # skipped 30 December 2011 altogether
]

zones = st.one_of(st.sampled_from(ZONES), st.sampled_from(timezone_names()))
instants = st.datetimes(
    min_value=datetime(1900, 1, 8), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
days = st.dates(min_value=date(1900, 1, 8), max_value=date(2100, 1, 1))

EXAMPLES = 1000
WEEK = timedelta(days=7)


def hours(span: timedelta) -> float:
    return span.total_seconds() / 3600


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=EXAMPLES)
@given(instant=instants, zone=zones)
def test_an_instant_lies_in_the_week_of_the_monday_its_local_date_names(instant, zone):
    monday = week_start(instant, zone)
    start, end = week_bounds(monday, zone)

    assert monday.weekday() == 0
    assert monday <= local_date(instant, zone) < monday + WEEK
    assert start <= instant < end


@settings(max_examples=EXAMPLES)
@given(day=days, zone=zones)
def test_consecutive_weeks_meet_so_every_instant_is_in_exactly_one(day, zone):
    monday = week_start(day, zone)

    _, end = week_bounds(monday, zone)
    next_start, _ = week_bounds(monday + WEEK, zone)

    assert end == next_start


@settings(max_examples=EXAMPLES)
@given(day=days, zone=zones)
def test_a_day_starts_at_its_first_instant(day, zone):
    start = day_start(day, zone)

    assert local_date(start, zone) >= day
    assert local_date(start - timedelta(seconds=1), zone) < day


@settings(max_examples=EXAMPLES)
@given(today=days, n=st.integers(min_value=1, max_value=60))
def test_weeks_back_are_consecutive_mondays_ending_with_this_week(today, n):
    mondays = weeks_back(today, n)

    assert len(mondays) == n
    assert all(monday.weekday() == 0 for monday in mondays)
    assert [later - earlier for earlier, later in zip(mondays, mondays[1:], strict=False)] == [
        WEEK
    ] * (n - 1)
    assert mondays[-1] <= today < mondays[-1] + WEEK


@settings(max_examples=200)
@given(instant=instants)
def test_every_zone_is_on_one_of_three_dates_around_utcs(instant):
    groups = zones_by_local_date(instant)

    assert set(groups) <= {instant.date() + timedelta(days=n) for n in (-1, 0, 1)}
    assert sorted(name for names in groups.values() for name in names) == list(timezone_names())


# --- cases ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "sunday"),
    [
        ("Pacific/Auckland", date(2026, 4, 5)),  # NZDT ends that morning
        ("Pacific/Auckland", date(2026, 9, 27)),  # NZDT starts that morning
        ("America/Los_Angeles", date(2026, 3, 8)),  # PDT starts
        ("America/New_York", date(2026, 11, 1)),  # EDT ends
        ("Europe/London", date(2026, 3, 29)),  # BST starts
        ("Europe/London", date(2026, 10, 25)),  # BST ends
        ("Asia/Kolkata", date(2026, 6, 14)),
        ("Pacific/Chatham", date(2026, 6, 14)),
        ("UTC", date(2026, 6, 14)),
    ],
)
def test_a_moment_at_23_30_on_sunday_counts_for_the_week_before(zone, sunday, local):
    late_sunday = local(zone, sunday.year, sunday.month, sunday.day, 23, 30)
    monday_before = sunday - timedelta(days=6)
    next_monday = sunday + timedelta(days=1)

    assert week_start(late_sunday, zone) == monday_before
    start, end = week_bounds(monday_before, zone)
    assert start <= late_sunday < end
    assert end == local(zone, next_monday.year, next_monday.month, next_monday.day)
    assert week_start(end, zone) == next_monday


@pytest.mark.parametrize(
    ("zone", "monday", "length"),
    [
        ("Europe/London", date(2026, 3, 23), 167),  # clocks go forward on Sunday 29 March
        ("Europe/London", date(2026, 10, 19), 169),  # and back on Sunday 25 October
        ("America/New_York", date(2026, 3, 2), 167),  # forward on Sunday 8 March
        ("America/New_York", date(2026, 10, 26), 169),  # back on Sunday 1 November
        ("Pacific/Auckland", date(2026, 9, 21), 167),  # forward on Sunday 27 September
        ("Pacific/Auckland", date(2026, 3, 30), 169),  # back on Sunday 5 April
        ("Europe/London", date(2026, 6, 8), 168),
        ("Asia/Kolkata", date(2026, 3, 23), 168),  # no DST at all
    ],
)
def test_a_week_with_a_dst_change_is_an_hour_shorter_or_longer(zone, monday, length, local):
    start, end = week_bounds(monday, zone)

    assert hours(end - start) == length
    assert start == local(zone, monday.year, monday.month, monday.day)


def test_a_week_that_starts_in_a_midnight_dst_gap_starts_when_the_clocks_jump():
    # Tehran, Monday 22 March 2021: clocks jumped from 00:00 to 01:00 (+03:30 to +04:30).
    start, end = week_bounds(date(2021, 3, 22), "Asia/Tehran")

    assert start == datetime(2021, 3, 21, 20, 30, tzinfo=UTC)
    assert start.astimezone(zoneinfo.ZoneInfo("Asia/Tehran")).hour == 1
    assert hours(end - start) == 167


def test_a_day_whose_midnight_fell_in_a_gap_opened_the_evening_before_starts_at_the_jump():
    # Toronto, 30 March 1919: clocks jumped from 23:30 on Sunday to 00:30 on Monday.
    start = day_start(date(1919, 3, 31), "America/Toronto")

    assert start == datetime(1919, 3, 31, 4, 30, tzinfo=UTC)
    assert start.astimezone(zoneinfo.ZoneInfo("America/Toronto")).time().isoformat() == "00:30:00"


def test_a_date_is_already_local_so_its_week_needs_no_timezone_to_place_it():
    assert week_start(date(2026, 6, 14), "Pacific/Auckland") == date(2026, 6, 8)
    assert week_start(date(2026, 6, 15), "America/Los_Angeles") == date(2026, 6, 15)


def test_week_bounds_refuse_a_day_that_is_not_a_monday():
    with pytest.raises(ValueError, match="not a Monday"):
        week_bounds(date(2026, 6, 9), "UTC")


def test_a_naive_datetime_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="aware"):
        week_start(datetime(2026, 6, 9, 12, 0), "UTC")
