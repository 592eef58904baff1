"""Progress against weekly targets, counted from touches, interviews and debriefs built for it:
each kind counts what it should and not its neighbours, in the client's own weeks."""

from datetime import date, timedelta

import pytest

from clients.models import Touch
from goals.models import WeeklyTarget
from goals.progress import (
    Pace,
    TargetProgress,
    caseload_on_track,
    expected_by,
    progress_history,
    week_progress,
)
from tests.factories import (
    ClientFactory,
    CoachFactory,
    ContactFactory,
    DebriefFactory,
    InterviewFactory,
    TouchFactory,
    WeeklyTargetFactory,
)

pytestmark = pytest.mark.django_db

Kind = WeeklyTarget.Kind
MONDAY = date(2026, 6, 8)  # an ordinary week, no DST change anywhere near
WEEK = timedelta(days=7)


def actual(client, monday, kind):
    return next(row.actual for row in week_progress(client, monday) if row.kind == kind)


def on(monday, weekday, hour, minute=0):
    """(date, hour, minute) of a weekday (0 = Monday) of the week starting on `monday`."""
    day = monday + timedelta(days=weekday)
    return day.year, day.month, day.day, hour, minute


@pytest.fixture
def london(local):
    """A client in London and a way to say "at this local time in their week"."""
    client = ClientFactory(timezone="Europe/London")

    def at(weekday, hour, minute=0, monday=MONDAY):
        return local(client.timezone, *on(monday, weekday, hour, minute))

    return client, at


def completed_interview(client, starts_at, **kwargs):
    return InterviewFactory(client=client, starts_at=starts_at, status="completed", **kwargs)


# --- outreach --------------------------------------------------------------------------------


def test_outreach_counts_each_person_reached_once_and_never_follow_ups(london):
    client, at = london
    asked_twice, asked_once, followed_up = (ContactFactory(client=client) for _ in range(3))
    TouchFactory(contact=asked_twice, kind=Touch.Kind.OUTREACH, at=at(0, 10))
    TouchFactory(contact=asked_twice, kind=Touch.Kind.OUTREACH, at=at(2, 10))
    TouchFactory(contact=asked_once, kind=Touch.Kind.OUTREACH, at=at(4, 18))
    # Reached the week before; this week only a follow-up and their reply.
    TouchFactory(contact=followed_up, kind=Touch.Kind.OUTREACH, at=at(3, 9) - WEEK)
    TouchFactory(contact=followed_up, kind=Touch.Kind.FOLLOW_UP, at=at(1, 9))
    TouchFactory(contact=followed_up, kind=Touch.Kind.REPLY, at=at(1, 15))
    # Another client's outreach the same week.
    TouchFactory(kind=Touch.Kind.OUTREACH, at=at(2, 12))

    assert actual(client, MONDAY, Kind.OUTREACH) == 2
    assert actual(client, MONDAY - WEEK, Kind.OUTREACH) == 1
    assert actual(client, MONDAY + WEEK, Kind.OUTREACH) == 0


@pytest.mark.parametrize(
    ("zone", "sunday"),
    [
        ("Pacific/Auckland", date(2026, 4, 5)),  # the Sunday NZDT ends
        ("Pacific/Auckland", date(2026, 6, 14)),
        ("America/Los_Angeles", date(2026, 3, 8)),  # the Sunday PDT starts
        ("America/Los_Angeles", date(2026, 6, 14)),
    ],
)
def test_an_outreach_at_23_30_on_sunday_counts_for_the_week_before(zone, sunday, local):
    client = ClientFactory(timezone=zone)
    monday_before, next_monday = sunday - timedelta(days=6), sunday + timedelta(days=1)
    TouchFactory(
        contact=ContactFactory(client=client),
        kind=Touch.Kind.OUTREACH,
        at=local(zone, sunday.year, sunday.month, sunday.day, 23, 30),
    )
    TouchFactory(
        contact=ContactFactory(client=client),
        kind=Touch.Kind.OUTREACH,
        at=local(zone, next_monday.year, next_monday.month, next_monday.day, 0, 0),
    )

    assert actual(client, monday_before, Kind.OUTREACH) == 1
    assert actual(client, next_monday, Kind.OUTREACH) == 1


# --- conversations ---------------------------------------------------------------------------


def test_only_completed_interviews_are_conversations_held(london):
    client, at = london
    completed_interview(client, at(1, 10))
    completed_interview(client, at(6, 23, 30))  # late on Sunday: still this week
    for status in ("cancelled", "no_show", "scheduled"):
        InterviewFactory(client=client, starts_at=at(2, 10), status=status)
    completed_interview(client, at(0, 0, 0, monday=MONDAY + WEEK))
    completed_interview(ClientFactory(timezone="Europe/London"), at(3, 10))

    assert actual(client, MONDAY, Kind.CONVERSATIONS) == 2
    assert actual(client, MONDAY + WEEK, Kind.CONVERSATIONS) == 1


# --- thank-yous on time ----------------------------------------------------------------------


def test_a_thank_you_counts_only_within_48_hours_of_the_end(london):
    client, at = london
    thanked = {}
    for hours_after in (2, 47, 48, 49):
        interview = completed_interview(client, at(0, 9) - timedelta(hours=1), duration_minutes=60)
        thanked[hours_after] = DebriefFactory(
            interview=interview, thank_you_sent_at=at(0, 9) + timedelta(hours=hours_after)
        )
    DebriefFactory(interview=completed_interview(client, at(1, 9)), thank_you_sent_at=None)

    # Sent 2 h, 47 h and exactly 48 h after the end: on time. At 49 h: late.
    assert actual(client, MONDAY, Kind.THANK_YOUS) == 3


def test_a_thank_you_counts_in_the_week_it_was_sent_not_the_week_of_the_interview(london):
    client, at = london
    saturday_evening = completed_interview(client, at(5, 18))
    DebriefFactory(interview=saturday_evening, thank_you_sent_at=at(0, 9, monday=MONDAY + WEEK))

    assert actual(client, MONDAY, Kind.THANK_YOUS) == 0
    assert actual(client, MONDAY + WEEK, Kind.THANK_YOUS) == 1
    assert actual(client, MONDAY, Kind.CONVERSATIONS) == 1


# --- targets ---------------------------------------------------------------------------------


def test_each_kind_shows_its_target_its_count_and_whether_it_was_met(london):
    client, at = london
    WeeklyTargetFactory(client=client, kind=Kind.OUTREACH, per_week=2)
    WeeklyTargetFactory(client=client, kind=Kind.CONVERSATIONS, per_week=1)
    for weekday in (0, 3):
        TouchFactory(contact=ContactFactory(client=client), kind="outreach", at=at(weekday, 10))

    assert week_progress(client, MONDAY) == [
        TargetProgress(kind=Kind.OUTREACH, target=2, actual=2),
        TargetProgress(kind=Kind.CONVERSATIONS, target=1, actual=0),
        TargetProgress(kind=Kind.THANK_YOUS, target=None, actual=0),
    ]
    assert [row.met for row in week_progress(client, MONDAY)] == [True, False, False]


def test_weeks_before_a_target_began_have_no_target():
    client = ClientFactory()
    WeeklyTargetFactory(client=client, kind=Kind.OUTREACH, per_week=4, since=MONDAY)

    history = progress_history(client, weeks=3, today=MONDAY + timedelta(days=2))
    outreach = [week.targets[0] for week in history]

    assert [week.monday for week in history] == [MONDAY - 2 * WEEK, MONDAY - WEEK, MONDAY]
    assert [row.target for row in outreach] == [None, None, 4]
    assert [week.has_targets for week in history] == [False, False, True]


def test_week_progress_refuses_a_day_that_is_not_a_monday():
    with pytest.raises(ValueError, match="not a Monday"):
        week_progress(ClientFactory(), MONDAY + timedelta(days=1))


# --- history ---------------------------------------------------------------------------------


def build_weeks_of_work(client, at, weeks):
    """One outreach, one conversation and one prompt thank-you in each of the last weeks."""
    for back in range(weeks):
        monday = MONDAY - back * WEEK
        contact = ContactFactory(client=client)
        TouchFactory(contact=contact, kind="outreach", at=at(1, 10, monday=monday))
        interview = completed_interview(client, at(2, 10, monday=monday), contact=contact)
        DebriefFactory(interview=interview, thank_you_sent_at=at(3, 10, monday=monday))


def test_history_has_one_row_per_week_oldest_first_with_each_weeks_own_counts(london):
    client, at = london
    build_weeks_of_work(client, at, weeks=3)
    TouchFactory(contact=ContactFactory(client=client), kind="outreach", at=at(6, 22))

    history = progress_history(client, weeks=5, today=MONDAY + timedelta(days=6))

    assert [week.monday for week in history] == [MONDAY - n * WEEK for n in range(4, -1, -1)]
    assert [[row.actual for row in week.targets] for week in history] == [
        [0, 0, 0],
        [0, 0, 0],
        [1, 1, 1],
        [1, 1, 1],
        [2, 1, 1],
    ]


@pytest.mark.parametrize("weeks", [4, 12])
def test_history_costs_the_same_few_queries_for_4_or_12_weeks(
    london, weeks, django_assert_max_num_queries
):
    client, at = london
    for kind in Kind:
        WeeklyTargetFactory(client=client, kind=kind, per_week=3)
    build_weeks_of_work(client, at, weeks=weeks)

    with django_assert_max_num_queries(4):
        history = progress_history(client, weeks=weeks, today=MONDAY)

    assert len(history) == weeks
    assert all(row.actual == 1 and row.target == 3 for week in history for row in week.targets)


# --- pace ------------------------------------------------------------------------------------


def test_a_target_is_expected_in_shares_of_the_days_begun_rounded_down():
    week = [MONDAY + timedelta(days=n) for n in range(7)]

    assert [expected_by(3, day) for day in week] == [0, 0, 1, 1, 2, 2, 3]
    assert [expected_by(7, day) for day in week] == [1, 2, 3, 4, 5, 6, 7]
    assert expected_by(50, week[-1]) == 50


def test_the_caseload_shows_who_is_on_track_who_is_behind_and_who_has_no_targets(local):
    coach = CoachFactory()
    on_track, behind, none, not_yet = (
        ClientFactory(coach=coach, timezone="Europe/London") for _ in range(4)
    )
    thursday_noon = local("Europe/London", *on(MONDAY, 3, 12))
    for client, outreach in ((on_track, 4), (behind, 3)):
        WeeklyTargetFactory(client=client, kind=Kind.OUTREACH, per_week=7)
        WeeklyTargetFactory(client=client, kind=Kind.CONVERSATIONS, per_week=1)  # 0 expected
        for n in range(outreach):
            TouchFactory(
                contact=ContactFactory(client=client),
                kind="outreach",
                at=local("Europe/London", *on(MONDAY, n % 4, 9)),
            )
    WeeklyTargetFactory(client=not_yet, kind=Kind.OUTREACH, since=MONDAY + WEEK)

    paces = caseload_on_track([on_track, behind, none, not_yet], now=thursday_noon)

    # Thursday is day 4: 7 a week asks for 4 by its end.
    assert paces[on_track.pk].pace == Pace.ON_TRACK
    assert paces[behind.pk].pace == Pace.BEHIND
    assert paces[none.pk].pace == Pace.NO_TARGETS
    assert paces[not_yet.pk].pace == Pace.NO_TARGETS
    assert paces[behind.pk].targets == [
        TargetProgress(kind=Kind.OUTREACH, target=7, actual=3),
        TargetProgress(kind=Kind.CONVERSATIONS, target=1, actual=0),
    ]


def test_each_client_is_judged_in_their_own_week(local):
    """At 13:00 UTC on a Sunday it is already Monday in Auckland (a new week, nothing expected
    yet) and still Sunday morning in Los Angeles (the whole target is expected)."""
    auckland = ClientFactory(timezone="Pacific/Auckland")
    los_angeles = ClientFactory(timezone="America/Los_Angeles")
    for client in (auckland, los_angeles):
        WeeklyTargetFactory(client=client, kind=Kind.OUTREACH, per_week=2)
        # One outreach on Saturday, local time: the week now ending has half its target.
        TouchFactory(
            contact=ContactFactory(client=client),
            kind="outreach",
            at=local(client.timezone, 2026, 6, 13, 12, 0),
        )
    now = local("UTC", 2026, 6, 14, 13, 0)

    paces = caseload_on_track([auckland, los_angeles], now=now)

    assert paces[auckland.pk].pace == Pace.ON_TRACK
    assert paces[auckland.pk].targets[0].actual == 0
    assert paces[los_angeles.pk].pace == Pace.BEHIND
    assert paces[los_angeles.pk].targets[0].actual == 1


@pytest.mark.parametrize("size", [5, 50])
def test_the_caseload_pace_costs_the_same_few_queries_for_5_or_50_clients(
    size, local, django_assert_max_num_queries
):
    coach = CoachFactory()
    zones = ["Europe/London", "Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata"]
    clients = [ClientFactory(coach=coach, timezone=zones[n % len(zones)]) for n in range(size)]
    for client in clients:
        for kind in Kind:
            WeeklyTargetFactory(client=client, kind=kind, per_week=1)
        contact = ContactFactory(client=client)
        TouchFactory(contact=contact, kind="outreach", at=local(client.timezone, *on(MONDAY, 0, 9)))
        interview = completed_interview(client, local(client.timezone, *on(MONDAY, 1, 9)))
        DebriefFactory(interview=interview, thank_you_sent_at=interview.starts_at + WEEK / 7)
    now = local("UTC", *on(MONDAY, 3, 12))

    with django_assert_max_num_queries(4):
        paces = caseload_on_track(clients, now=now)

    assert len(paces) == size
    assert {pace.pace for pace in paces.values()} == {Pace.ON_TRACK}
    assert all(row.actual == 1 for pace in paces.values() for row in pace.targets)
