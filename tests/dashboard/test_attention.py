"""The coach's "needs attention" rules, each against data built for it, boundaries included."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from clients.models import Contact, Touch
from dashboard import attention as attention_module
from dashboard.attention import PER_RULE, attention_for
from interviews.models import Debrief, Interview
from reminders import candidates, rules
from reminders.models import Reminder
from tests.factories import (
    ActionItemFactory,
    ClientFactory,
    CoachFactory,
    ContactFactory,
    InterviewFactory,
    TouchFactory,
)

pytestmark = pytest.mark.django_db

# Wednesday 10 June 2026, 12:00 UTC.
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def coach(db):
    return CoachFactory(timezone="Europe/London")


@pytest.fixture
def client(coach):
    return ClientFactory(coach=coach, timezone="Europe/London")


def kinds(coach):
    return [item.kind for item in attention_for(coach, NOW).items]


def ended_hours_ago(client, hours, **extra):
    return InterviewFactory(
        client=client,
        starts_at=NOW - timedelta(hours=hours, minutes=30),
        status=Interview.Status.COMPLETED,
        **extra,
    )


def test_a_thank_you_is_overdue_at_49_hours_not_at_47(coach, client):
    ended_hours_ago(client, 47)
    assert "overdue_thank_you" not in kinds(coach)

    ended_hours_ago(client, 49)
    assert kinds(coach).count("overdue_thank_you") == 1


def test_an_overdue_thank_you_says_how_late_in_hours_then_in_days(coach, client):
    ended_hours_ago(client, 49)
    ended_hours_ago(client, 312)

    details = [item.detail for item in attention_for(coach, NOW).items]

    assert [d.split("ended ")[1] for d in details] == [
        "13 days ago, no thank-you yet",
        "49 h ago, no thank-you yet",
    ]


def test_a_thank_you_marked_sent_is_not_overdue(coach, client):
    interview = ended_hours_ago(client, 60)
    Debrief.objects.create(interview=interview, thank_you_sent_at=NOW - timedelta(hours=30))

    assert "overdue_thank_you" not in kinds(coach)


def test_a_cancelled_interview_never_needs_a_thank_you(coach, client):
    ended_hours_ago(client, 60).__class__.objects.update(status=Interview.Status.CANCELLED)

    assert "overdue_thank_you" not in kinds(coach)


def test_failed_reminders_are_listed_with_their_error(coach, client):
    Reminder.objects.create(
        kind=Reminder.Kind.PREP,
        key="prep:x",
        client=client,
        recipient_email=client.email,
        due_at=NOW - timedelta(hours=3),
        window_ends_at=NOW - timedelta(hours=1),
        next_attempt_at=NOW,
        status=Reminder.Status.FAILED,
        last_error="550 mailbox unavailable",
    )

    items = attention_for(coach, NOW).items

    assert items[0].kind == "failed_reminder"
    assert "550 mailbox unavailable" in items[0].detail


def outreach(client, at):
    contact = ContactFactory(client=client, stage=Contact.Stage.REACHED_OUT)
    TouchFactory(contact=contact, kind=Touch.Kind.OUTREACH, at=at)
    return contact


def test_outreach_counts_business_days_over_a_weekend(coach, client):
    # Friday 5 June 10:00 London: Wednesday 10 June 11:00 is 3 business days later (due 10:00).
    outreach(client, datetime(2026, 6, 5, 9, 0, tzinfo=UTC))
    # Monday 8 June: only 2 business days by Wednesday.
    outreach(client, datetime(2026, 6, 8, 9, 0, tzinfo=UTC))
    # Friday 29 May: 8 business days.
    outreach(client, datetime(2026, 5, 29, 9, 0, tzinfo=UTC))

    found = kinds(coach)

    assert found.count("follow_up_3") == 1
    assert found.count("follow_up_7") == 1


def test_a_reply_takes_the_contact_off_the_list(coach, client):
    contact = outreach(client, datetime(2026, 5, 29, 9, 0, tzinfo=UTC))
    contact.stage = Contact.Stage.REPLIED
    contact.save()

    assert "follow_up_7" not in kinds(coach)


def test_interviews_today_and_this_week_use_the_coachs_timezone(client):
    coach = CoachFactory(timezone="Asia/Tokyo")
    tokyo_client = ClientFactory(coach=coach, timezone="Europe/London")
    # 10 June 23:30 UTC is 11 June 08:30 in Tokyo: "this week" (Thursday), not today.
    InterviewFactory(client=tokyo_client, starts_at=datetime(2026, 6, 10, 23, 30, tzinfo=UTC))
    # 10 June 13:00 UTC is 22:00 in Tokyo: today.
    InterviewFactory(client=tokyo_client, starts_at=datetime(2026, 6, 10, 13, 0, tzinfo=UTC))
    # Monday 15 June: next week, not listed.
    InterviewFactory(client=tokyo_client, starts_at=datetime(2026, 6, 15, 3, 0, tzinfo=UTC))

    found = kinds(coach)

    assert found.count("interview_today") == 1
    assert found.count("interview_this_week") == 1


def test_a_client_quiet_for_14_days_is_listed_and_an_active_one_is_not(coach):
    with time_machine.travel(NOW - timedelta(days=20), tick=False):
        quiet = ClientFactory(coach=coach, name="Quiet Quinn")
        busy = ClientFactory(coach=coach, name="Busy Bea")
    TouchFactory(contact=ContactFactory(client=busy), at=NOW - timedelta(days=2))
    TouchFactory(contact=ContactFactory(client=quiet), at=NOW - timedelta(days=15))
    Contact.objects.update(updated_at=NOW - timedelta(days=20))
    type(quiet).objects.update(updated_at=NOW - timedelta(days=20))

    items = [i for i in attention_for(coach, NOW).items if i.kind == "quiet_client"]

    assert [i.client.name for i in items] == ["Quiet Quinn"]


def test_an_action_item_is_overdue_the_day_after_its_due_date_until_it_is_done(coach, client):
    # NOW is Wednesday 10 June, 13:00 in London.
    late = ActionItemFactory(client=client, title="Polish the CV", due_on=NOW.date() - DAY)
    ActionItemFactory(client=client, title="Due today", due_on=NOW.date())
    ActionItemFactory(client=client, title="Someday", due_on=None)
    ActionItemFactory(client=ClientFactory(), title="Not this coach's", due_on=NOW.date() - DAY)

    items = [item for item in attention_for(coach, NOW).items if item.kind == "overdue_action"]

    assert [item.detail for item in items] == ["Polish the CV (due Tue 09 Jun)"]
    # Overdue since Wednesday began in London.
    assert items[0].when == datetime(2026, 6, 9, 23, 0, tzinfo=UTC)
    late.done_at = NOW
    late.save()
    assert "overdue_action" not in kinds(coach)


def test_an_archived_clients_overdue_items_are_not_listed(coach, client):
    ActionItemFactory(client=client, due_on=NOW.date() - DAY)
    client.status = client.Status.ARCHIVED
    client.save()

    assert "overdue_action" not in kinds(coach)


def test_the_list_is_most_urgent_first_and_only_the_coachs_own(coach, client):
    other_coach = CoachFactory()
    ended_hours_ago(ClientFactory(coach=other_coach), 60)
    InterviewFactory(client=client, starts_at=NOW + timedelta(hours=2))
    ended_hours_ago(client, 60)

    found = kinds(coach)

    assert found[:2] == ["overdue_thank_you", "interview_today"]
    assert len([k for k in found if k == "overdue_thank_you"]) == 1


def test_a_long_interview_is_overdue_48_hours_after_its_end_not_its_start(coach, client):
    def four_hours_started_ago(hours):
        return InterviewFactory(
            client=client,
            starts_at=NOW - timedelta(hours=hours),
            duration_minutes=240,
            status=Interview.Status.COMPLETED,
        )

    four_hours_started_ago(50)  # ended 46 h ago
    assert "overdue_thank_you" not in kinds(coach)

    four_hours_started_ago(53)  # ended 49 h ago
    assert kinds(coach) == ["overdue_thank_you"]


# Long lists: each rule shows its PER_RULE most urgent items and counts the others exactly.


def failed_reminder(client, due_at):
    return Reminder.objects.create(
        kind=Reminder.Kind.PREP,
        key=f"prep:{client.pk}:{due_at.isoformat()}",
        client=client,
        recipient_email=client.email,
        due_at=due_at,
        window_ends_at=due_at + timedelta(hours=2),
        next_attempt_at=due_at,
        status=Reminder.Status.FAILED,
        last_error="550 mailbox unavailable",
    )


def quiet_since(coach, days):
    quiet = ClientFactory(coach=coach)
    type(quiet).objects.filter(pk=quiet.pk).update(updated_at=NOW - timedelta(days=days))
    return quiet


def fill_every_rule(coach, client, n):
    """n items for every rule of the list, all for `coach`."""
    for i in range(n):
        # Longer interviews start earlier but end later: the most overdue is the earliest end.
        ended_hours_ago(client, 49 + i, duration_minutes=30 + 60 * (i % 3))
        failed_reminder(client, NOW - timedelta(hours=3 + i))
        InterviewFactory(client=client, starts_at=NOW + timedelta(minutes=30 + 20 * i))
        InterviewFactory(client=client, starts_at=NOW + timedelta(days=1, hours=i))
        outreach(client, NOW - timedelta(days=13, hours=i))  # past 7 business days
        outreach(client, NOW - timedelta(days=7, hours=i))  # past 3, not 7
        ActionItemFactory(client=client, due_on=NOW.date() - timedelta(days=1 + i))
        quiet_since(coach, 20 + i)


def test_each_rule_shows_its_most_urgent_items_and_counts_the_rest_exactly(coach, client):
    fill_every_rule(coach, client, PER_RULE + 3)

    attention = attention_for(coach, NOW)

    by_kind = {}
    for item in attention.items:
        by_kind.setdefault(item.kind, []).append(item)
    assert {kind: len(items) for kind, items in by_kind.items()} == {
        "overdue_thank_you": PER_RULE,
        "failed_reminder": PER_RULE,
        "interview_today": PER_RULE,
        "interview_this_week": PER_RULE,
        "follow_up_7": PER_RULE,
        "follow_up_3": PER_RULE,
        "overdue_action": PER_RULE,
        "quiet_client": PER_RULE,
    }
    assert attention.hidden == {
        "Thank-you overdue": 3,
        "Reminder failed": 3,
        "Interview today": 3,
        "No reply after 7 business days": 3,
        "No reply after 3 business days": 3,
        "Action item overdue": 3,
        "No activity for 14 days": 3,
        "Interview this week": 3,
    }
    assert attention.total == 8 * (PER_RULE + 3)
    # The most urgent: the earliest end, failure, start, outreach, last activity.
    for items in by_kind.values():
        assert [item.when for item in items] == sorted(item.when for item in items)
    overdue = Interview.objects.filter(status=Interview.Status.COMPLETED)
    ends = sorted(interview.ends_at for interview in overdue)
    assert [item.when for item in by_kind["overdue_thank_you"]] == ends[:PER_RULE]
    assert by_kind["failed_reminder"][0].when == NOW - timedelta(hours=3 + PER_RULE + 2)
    assert by_kind["interview_today"][0].when == NOW + timedelta(minutes=30)
    assert by_kind["interview_this_week"][-1].when == NOW + timedelta(days=1, hours=PER_RULE - 1)
    assert by_kind["follow_up_7"][0].when == NOW - timedelta(days=13, hours=PER_RULE + 2)
    assert by_kind["follow_up_3"][-1].when == NOW - timedelta(days=7, hours=3)
    assert by_kind["quiet_client"][0].when == NOW - timedelta(days=20 + PER_RULE + 2)
    assert by_kind["overdue_action"][0].detail.endswith(f"(due {NOW - 18 * DAY:%a %d %b})")


def test_links_are_built_only_for_the_items_shown(coach, client, monkeypatch):
    fill_every_rule(coach, client, PER_RULE + 3)
    built = []
    monkeypatch.setattr(attention_module, "reverse", lambda *args, **kwargs: built.append(1))

    attention = attention_for(coach, NOW)

    assert len(built) == len(attention.items) == 8 * PER_RULE


@pytest.mark.parametrize("n", [2, PER_RULE + 5])
def test_the_list_costs_a_fixed_number_of_queries_whatever_its_length(
    coach, client, django_assert_max_num_queries, n
):
    fill_every_rule(coach, client, n)

    with django_assert_max_num_queries(7):
        attention = attention_for(coach, NOW)

    assert attention.total == 8 * n


STALLED_ZONES = [
    "Europe/London",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Pacific/Kiritimati",  # UTC+14
    "Pacific/Pago_Pago",  # UTC-11
]


def follow_up_at_now(sent, timezone_name):
    """What the 3B7 rule itself says at NOW: the answer the list must agree with."""
    for step in (7, 3):
        due = rules.follow_up_due(outreach_at=sent, step=step, timezone_name=timezone_name)
        if due.at <= NOW:
            return f"follow_up_{step}"
    return None


def test_stalled_outreach_follows_the_3b7_rule_in_each_clients_timezone_and_counts_exactly(
    coach,
):
    clients = [ClientFactory(coach=coach, timezone=zone) for zone in STALLED_ZONES]
    expected = {"follow_up_7": [], "follow_up_3": [], None: []}
    # One outreach every 4.9 h from 3 to 29.5 days ago, through every band, in every zone.
    for i in range(130):
        client = clients[i % len(clients)]
        sent = NOW - timedelta(days=3) - timedelta(hours=4.9 * i)
        contact = outreach(client, sent)
        expected[follow_up_at_now(sent, client.timezone)].append((sent, contact.name))

    attention = attention_for(coach, NOW)

    for kind, label in [
        ("follow_up_7", "No reply after 7 business days"),
        ("follow_up_3", "No reply after 3 business days"),
    ]:
        oldest_first = sorted(expected[kind])
        shown = [
            (item.when, item.detail.split(" at ")[0])
            for item in attention.items
            if item.kind == kind
        ]
        assert shown == oldest_first[:PER_RULE]
        assert attention.hidden[label] == len(oldest_first) - PER_RULE


@pytest.mark.parametrize(
    "zone",
    [
        *STALLED_ZONES,
        "America/New_York",
        "Australia/Lord_Howe",  # a 30-minute daylight-saving change
        "Antarctica/Troll",  # a two-hour one
        "Asia/Kolkata",
    ],
)
def test_sql_decides_stalled_outreach_by_calendar_days_only_where_the_rule_agrees(zone):
    """Whenever an outreach is sent, in any timezone, daylight-saving changes included, its 7
    business days end between NEVER_PAST_7 and SURELY_PAST_7 later and its 3 business days
    within SURELY_PAST_3."""
    assert candidates.SURELY_PAST_3 <= candidates.NEVER_PAST_7
    for start in [datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 9, 25, tzinfo=UTC)]:
        for minutes in range(0, 46 * 24 * 60, 53):
            sent = start + timedelta(minutes=minutes)
            seven = rules.follow_up_due(outreach_at=sent, step=7, timezone_name=zone).at - sent
            three = rules.follow_up_due(outreach_at=sent, step=3, timezone_name=zone).at - sent
            assert candidates.NEVER_PAST_7 <= seven <= candidates.SURELY_PAST_7
            assert three <= candidates.SURELY_PAST_3
