"""When each reminder is due: pure functions from an event to (due_at, window_ends_at).

All times are aware datetimes in UTC, shaped by the recipient's timezone: "waking hours" are
08:00–20:00 local, business days Monday to Friday. Nothing here touches the database, so each
rule is unit-tested on its own, daylight-saving changes included (tests/reminders/test_rules.py).
"""

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from interviews.models import THANK_YOU_WINDOW

WAKING_START = time(8, 0)
WAKING_END = time(20, 0)

PREP_LEAD = timedelta(hours=24)
THANK_YOU_AFTER = timedelta(hours=24)
# The same 48 h the prep page shows as the thank-you deadline.
THANK_YOU_CAP = THANK_YOU_WINDOW
OVERDUE_WINDOW = timedelta(days=3)
FOLLOW_UP_STEPS = (3, 7)  # the 3B7 routine, in business days after the outreach
# After 3 business days the client tries someone else at the company; after 7, one polite
# follow-up to the contact.
TRY_SOMEONE_ELSE_STEP, POLITE_FOLLOW_UP_STEP = FOLLOW_UP_STEPS
NO_RESPONSE_AFTER_DAYS = 14  # business days after the outreach: the contact has gone quiet
FOLLOW_UP_WINDOW = timedelta(days=2)
KEEP_IN_TOUCH_WINDOW = timedelta(days=7)
DIGEST_AT = time(7, 30)
DIGEST_WINDOW = timedelta(hours=4)
# Telling a client about a new action item is news for a day; after that the item is simply on
# their list.
ACTION_ASSIGNED_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class Due:
    at: datetime
    window_ends_at: datetime

    def is_open(self, now: datetime) -> bool:
        return self.at <= now < self.window_ends_at


def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _wall_to_utc(day, wall: time, zone: zoneinfo.ZoneInfo) -> datetime:
    """A local wall-clock time on `day` as UTC. A time in a DST gap moves forward by the gap
    (the same instant zoneinfo gives for fold=0 read back), which is what a person means."""
    local = datetime.combine(day, wall).replace(tzinfo=zone)
    return local.astimezone(UTC)


def into_waking_hours(moment: datetime, timezone_name: str) -> datetime:
    """`moment` if it falls in 08:00–20:00 local time, else the next 08:00 local."""
    zone = _zone(timezone_name)
    local = moment.astimezone(zone)
    if local.time() < WAKING_START:
        return _wall_to_utc(local.date(), WAKING_START, zone)
    if local.time() >= WAKING_END:
        return _wall_to_utc(local.date() + timedelta(days=1), WAKING_START, zone)
    return moment


def is_business_day(day) -> bool:
    return day.weekday() < 5


def next_business_day(day):
    day += timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def into_business_hours(moment: datetime, timezone_name: str) -> datetime:
    """`moment` if it falls on a business day in waking hours, local time; else 08:00 local on
    the next business day that still has waking hours ahead of it (an evening moment moves to
    the next business morning, never to a Saturday)."""
    zone = _zone(timezone_name)
    local = moment.astimezone(zone)
    day = local.date()
    if is_business_day(day) and local.time() < WAKING_START:
        return _wall_to_utc(day, WAKING_START, zone)
    if is_business_day(day) and local.time() < WAKING_END:
        return moment
    return _wall_to_utc(next_business_day(day), WAKING_START, zone)


def add_business_days(moment: datetime, days: int, timezone_name: str) -> datetime:
    """The same local wall time `days` business days later (Saturdays and Sundays skipped),
    then moved into the business hours of that day or the next business morning: always a
    weekday between 08:00 and 20:00 local, never earlier than `days` business days after."""
    zone = _zone(timezone_name)
    local = moment.astimezone(zone)
    day = local.date()
    # Counting starts on the next business day: an outreach on Friday + 3 is Wednesday.
    for _ in range(days):
        day = next_business_day(day)
    wall = local.time().replace(tzinfo=None)
    return into_business_hours(_wall_to_utc(day, wall, zone), timezone_name)


def prep_due(*, starts_at: datetime, scheduled_at: datetime, timezone_name: str) -> Due | None:
    """24 h before the interview, in waking hours; at scheduling time if that is later. None when
    no useful moment is left before the start."""
    at = into_waking_hours(max(starts_at - PREP_LEAD, scheduled_at), timezone_name)
    if at >= starts_at:
        at = max(starts_at - PREP_LEAD, scheduled_at)
        if at >= starts_at:
            return None
    return Due(at=at, window_ends_at=starts_at)


def thank_you_due(*, ends_at: datetime, timezone_name: str) -> Due:
    """24 h after the end, moved into the client's waking hours, never past end + 48 h."""
    cap = ends_at + THANK_YOU_CAP
    at = min(into_waking_hours(ends_at + THANK_YOU_AFTER, timezone_name), cap)
    return Due(at=at, window_ends_at=cap)


def thank_you_overdue_due(*, ends_at: datetime) -> Due:
    """To the coach at end + 48 h, when the thank-you is still not marked sent."""
    at = ends_at + THANK_YOU_CAP
    return Due(at=at, window_ends_at=at + OVERDUE_WINDOW)


def follow_up_due(*, outreach_at: datetime, step: int, timezone_name: str) -> Due:
    """Step 3: no reply after 3 business days — try another contact at the company.
    Step 7: no reply after 7 business days — one polite follow-up."""
    at = add_business_days(outreach_at, step, timezone_name)
    return Due(at=at, window_ends_at=at + FOLLOW_UP_WINDOW)


def no_response_at(*, outreach_at: datetime, timezone_name: str) -> datetime:
    """After the two follow-ups, silence for this long closes the contact as "no response"."""
    return add_business_days(outreach_at, NO_RESPONSE_AFTER_DAYS, timezone_name)


def keep_in_touch_due(*, last_touch_at: datetime, weeks: int, timezone_name: str) -> Due:
    at = into_waking_hours(last_touch_at + timedelta(weeks=weeks), timezone_name)
    return Due(at=at, window_ends_at=at + KEEP_IN_TOUCH_WINDOW)


def digest_due(*, local_date, timezone_name: str) -> Due:
    """The coach's daily digest at 07:30 in the coach's timezone."""
    at = _wall_to_utc(local_date, DIGEST_AT, _zone(timezone_name))
    return Due(at=at, window_ends_at=at + DIGEST_WINDOW)


def action_assigned_due(*, assigned_at: datetime, timezone_name: str) -> Due:
    """When the coach sets the client an action item: at once, moved into the client's waking
    hours."""
    at = into_waking_hours(assigned_at, timezone_name)
    return Due(at=at, window_ends_at=at + ACTION_ASSIGNED_WINDOW)


def action_due_due(*, due_on: date, set_at: datetime, timezone_name: str) -> Due | None:
    """The morning of the due date: 08:00 client-local, and sent that day while waking hours
    last (the next day the item is overdue, which the coach's digest says). None for an item
    set after that morning: whoever set it knows, and the coach's "new action item" email says
    when it is due."""
    zone = _zone(timezone_name)
    at = _wall_to_utc(due_on, WAKING_START, zone)
    if set_at >= at:
        return None
    return Due(at=at, window_ends_at=_wall_to_utc(due_on, WAKING_END, zone))


def weekly_summary_due(*, monday: date, timezone_name: str) -> Due:
    """The summary of the week that starts on `monday` (client-local): the next Monday at 08:00
    client-local, sent that day while waking hours last."""
    if monday.weekday() != 0:
        raise ValueError(f"{monday} is not a Monday")
    zone = _zone(timezone_name)
    next_monday = monday + timedelta(weeks=1)
    return Due(
        at=_wall_to_utc(next_monday, WAKING_START, zone),
        window_ends_at=_wall_to_utc(next_monday, WAKING_END, zone),
    )


def paused(due: Due, paused_until: datetime | None) -> Due:
    """A snoozed contact's reminder moves to the end of the pause, keeping its window length."""
    if paused_until is None or paused_until <= due.at:
        return due
    return Due(at=paused_until, window_ends_at=paused_until + (due.window_ends_at - due.at))
