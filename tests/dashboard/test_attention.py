"""The coach's "needs attention" rules, each against data built for it, boundaries included."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from clients.models import Contact, Touch
from dashboard.attention import needs_attention
from interviews.models import Debrief, Interview
from reminders.models import Reminder
from tests.factories import (
    ClientFactory,
    CoachFactory,
    ContactFactory,
    InterviewFactory,
    TouchFactory,
)

pytestmark = pytest.mark.django_db

# Wednesday 10 June 2026, 12:00 UTC.
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def coach(db):
    return CoachFactory(timezone="Europe/London")


@pytest.fixture
def client(coach):
    return ClientFactory(coach=coach, timezone="Europe/London")


def kinds(coach):
    return [item.kind for item in needs_attention(coach, NOW)]


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
        occurrence="x",
        recipient_email=client.email,
        due_at=NOW - timedelta(hours=3),
        window_ends_at=NOW - timedelta(hours=1),
        next_attempt_at=NOW,
        status=Reminder.Status.FAILED,
        last_error="550 mailbox unavailable",
    )

    items = needs_attention(coach, NOW)

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

    items = [i for i in needs_attention(coach, NOW) if i.kind == "quiet_client"]

    assert [i.client.name for i in items] == ["Quiet Quinn"]


def test_the_list_is_most_urgent_first_and_only_the_coachs_own(coach, client):
    other_coach = CoachFactory()
    ended_hours_ago(ClientFactory(coach=other_coach), 60)
    InterviewFactory(client=client, starts_at=NOW + timedelta(hours=2))
    ended_hours_ago(client, 60)

    found = kinds(coach)

    assert found[:2] == ["overdue_thank_you", "interview_today"]
    assert len([k for k in found if k == "overdue_thank_you"]) == 1
