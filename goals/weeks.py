"""Client-local dates and weeks: pure functions, no database.

A week starts on Monday at 00:00 in the client's timezone and ends at the next Monday's 00:00.
An instant belongs to the week whose bounds (`week_bounds`, aware UTC datetimes) contain it, and
`week_start` names that week by its Monday: the two agree for every instant in every zone
(tests/goals/test_weeks.py states it as a property, across DST and odd offsets). So a touch at
23:30 on a Sunday, local time, counts for the week that began six days before, whatever the
zone; a week with a daylight-saving change is 167 or 169 hours long (167.5 or 168.5 on Lord
Howe Island, whose clocks move by half an hour).

The rest of the goals app reads time through these: `local_date` is a client's "today",
`zones_by_local_date` lets a query compare a date column with each client's own today
(goals.models.ActionItemQuerySet.overdue).
"""

import zoneinfo
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from accounts.timezones import timezone_names

WEEK = timedelta(days=7)
_SECOND = timedelta(seconds=1)


@cache
def _zone(timezone_name: str) -> zoneinfo.ZoneInfo:
    # ZoneInfo keeps only a few zones strongly and reads the others from disk again (about
    # 0.1 ms each); a caseload's zones, or all of them for `zones_by_local_date`, stay here.
    return zoneinfo.ZoneInfo(timezone_name)


def local_date(moment: datetime, timezone_name: str) -> date:
    """The calendar date of an aware instant in the timezone (a client's "today")."""
    if moment.tzinfo is None:
        raise ValueError("local_date needs an aware datetime")
    return moment.astimezone(_zone(timezone_name)).date()


def week_start(moment_or_date: datetime | date, timezone_name: str) -> date:
    """The Monday of the local week holding an aware instant, or holding a date that is already
    local (then the timezone is not needed to place it)."""
    if isinstance(moment_or_date, datetime):
        return monday_of(local_date(moment_or_date, timezone_name))
    return monday_of(moment_or_date)


def monday_of(day: date) -> date:
    """The Monday of the week holding a local date."""
    return day - timedelta(days=day.weekday())


def day_start(day: date, timezone_name: str) -> datetime:
    """The first instant (UTC) of a local calendar day.

    Usually local midnight. Where midnight is read twice (clocks go back at 01:00 to 00:00) it is
    the first reading; where midnight is skipped (clocks jump at 00:00 to 01:00, as in Tehran
    until 2022) it is the jump. A jump that opened before midnight (Toronto, 30 March 1919:
    23:30 to 00:30) is found by bisection, to the second. `accounts.timezones.local_to_utc`
    refuses a time in a gap, which is right for a time a person typed and wrong here: every
    day has a first instant.
    """
    zone = _zone(timezone_name)
    midnight = datetime.combine(day, time.min)
    start = midnight.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the earlier reading
    if (start - _SECOND).astimezone(zone).date() < day:
        return start
    # Midnight fell inside a gap that opened the evening before: the day began at the jump,
    # after the later-offset reading of midnight (which lies before the jump) and before this.
    before = midnight.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = int(before.timestamp()), int(start.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).date() < day:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


def week_bounds(monday: date, timezone_name: str) -> tuple[datetime, datetime]:
    """The week starting on this local Monday as [start, end) in UTC: from Monday's first
    instant to the next Monday's. 168 hours, or 167/169 in a week with a one-hour DST change."""
    if monday.weekday() != 0:
        raise ValueError(f"{monday} is not a Monday")
    return day_start(monday, timezone_name), day_start(monday + WEEK, timezone_name)


def weeks_back(today: date, n: int) -> list[date]:
    """The Mondays of the last `n` weeks, oldest first, ending with the week holding `today`
    (a local date)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    this_monday = monday_of(today)
    return [this_monday - WEEK * back for back in range(n - 1, -1, -1)]


def days_into_week(today: date) -> int:
    """1 on Monday ... 7 on Sunday: the days of the week begun, today included."""
    return today.isoweekday()


def zones_by_local_date(now: datetime) -> dict[date, list[str]]:
    """Every timezone a client may have (accounts.timezones), grouped by its local date at
    `now`. At any instant there are at most three dates (UTC's, the day before, the day after);
    a query uses the groups to compare a date column with each client's own today."""
    groups = defaultdict(list)
    for name in timezone_names():
        groups[local_date(now, name)].append(name)
    return dict(sorted(groups.items()))
