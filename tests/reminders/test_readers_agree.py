"""Every reader of a rule says what the sweep does: found where copies of a rule had drifted
apart (the digest, the Reminders tab, the emails and the coach home each had their own), each
checked through what a coach or client sees."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from clients.models import Client, Contact, Touch
from dashboard.attention import OVERDUE_ACTION, attention_for
from dashboard.next_steps import next_steps
from goals.models import ActionItem
from interviews.models import Interview
from reminders.digest import digest_for
from reminders.models import Reminder
from reminders.selectors import upcoming_reminders
from reminders.sweep import run_sweep
from tests.factories import (
    ActionItemFactory,
    ClientFactory,
    CoachFactory,
    ContactFactory,
    InterviewFactory,
    TouchFactory,
    WeeklyTargetFactory,
)

pytestmark = pytest.mark.django_db

# Wednesday 10 June 2026, 06:30 UTC: 07:30 in London, when the coach's digest is due.
DIGEST_TIME = datetime(2026, 6, 10, 6, 30, tzinfo=UTC)


@pytest.fixture
def coach(db):
    return CoachFactory(timezone="Europe/London", name="Maya Okafor")


@pytest.fixture
def client(coach):
    return ClientFactory(coach=coach, timezone="Europe/London", name="Priya Shah")


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return run_sweep(moment)


def mail_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_the_digest_names_a_contact_with_two_outreach_messages_once(coach, client):
    contact = ContactFactory(client=client, name="Sam Okonkwo", stage=Contact.Stage.REACHED_OUT)
    TouchFactory(contact=contact, kind=Touch.Kind.OUTREACH, at=DIGEST_TIME - timedelta(days=12))
    TouchFactory(contact=contact, kind=Touch.Kind.OUTREACH, at=DIGEST_TIME - timedelta(days=9))

    sweep_at(DIGEST_TIME)

    (digest,) = mail_to(coach.email)
    assert digest.body.count("Sam Okonkwo") == 1
    assert digest.alternatives[0][0].count("Sam Okonkwo") == 1
    # ...as the coach home lists it once.
    stalled = [item for item in attention_for(coach, DIGEST_TIME).items if "Sam" in item.detail]
    assert len(stalled) == 1


def test_the_reminders_tab_shows_a_snoozed_follow_up_of_an_old_outreach_that_the_sweep_sends(
    client,
):
    now = DIGEST_TIME
    contact = ContactFactory(
        client=client,
        stage=Contact.Stage.REACHED_OUT,
        reminders_paused_until=now + timedelta(days=3),
    )
    # Older than the 45 days the tab used to look back.
    TouchFactory(contact=contact, kind=Touch.Kind.OUTREACH, at=now - timedelta(days=50))

    coming = [(found.key, found.due.at) for found in upcoming_reminders(client, now)]
    sweep_at(now + timedelta(days=3))

    sent = list(Reminder.objects.values_list("key", "due_at"))
    assert len(sent) == 1
    assert coming == sent


def test_a_snoozed_seven_day_follow_up_is_sent_as_the_seven_day_email(client):
    contact = ContactFactory(client=client, name="Sam Okonkwo", stage=Contact.Stage.REACHED_OUT)
    # Monday 1 June 10:00 London: 3 business days on Thursday, 7 on Wednesday 10 June.
    TouchFactory(
        contact=contact, kind=Touch.Kind.OUTREACH, at=datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    )
    sweep_at(datetime(2026, 6, 4, 9, 0, tzinfo=UTC))  # the 3-day email
    Contact.objects.filter(pk=contact.pk).update(
        reminders_paused_until=datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
    )
    mail.outbox.clear()

    sweep_at(datetime(2026, 6, 15, 9, 0, tzinfo=UTC))

    (email,) = mail_to(client.email)
    assert email.subject.startswith("Time for one polite follow-up to Sam Okonkwo")
    assert "Following up on my note" in email.body  # the 7-day draft, not "try someone else"


def test_a_snoozed_keep_in_touch_email_still_says_how_long_ago_the_last_touch_was(client):
    contact = ContactFactory(client=client, name="Sam Okonkwo", stage=Contact.Stage.THANKED)
    TouchFactory(
        contact=contact, kind=Touch.Kind.THANK_YOU, at=datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
    )
    Contact.objects.filter(pk=contact.pk).update(
        reminders_paused_until=datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
    )

    sweep_at(datetime(2026, 6, 10, 9, 0, tzinfo=UTC))

    (email,) = mail_to(client.email)
    assert "about 9 weeks ago" in email.body


@pytest.mark.parametrize(("days_ago", "listed"), [(10, True), (20, False)])
def test_the_coach_home_digest_and_next_steps_agree_on_an_overdue_thank_you(
    coach, client, days_ago, listed
):
    now = DIGEST_TIME
    interview = InterviewFactory(
        client=client,
        starts_at=now - timedelta(days=days_ago),
        status=Interview.Status.COMPLETED,
    )

    on_home = [i for i in attention_for(coach, now).items if i.kind == "overdue_thank_you"]
    in_digest = digest_for(coach, now).overdue_thank_yous
    in_next_steps = [
        overdue_interview
        for overdue_interview, _deadline, overdue in next_steps(client, now).thank_yous
        if overdue
    ]

    assert (bool(on_home), bool(in_digest), bool(in_next_steps)) == (listed, listed, listed)
    if listed:
        assert in_digest == in_next_steps == [interview]


# --- action items and weekly summaries ---------------------------------------------------------


def test_the_reminders_tab_shows_the_action_item_emails_the_sweep_then_sends(coach, client):
    sunday_night = datetime(2026, 6, 7, 21, 30, tzinfo=UTC)  # 22:30 in London
    with time_machine.travel(sunday_night, tick=False):
        item = ActionItemFactory(client=client, due_on=date(2026, 6, 10))
        ActionItemFactory(client=client, set_by="client", due_on=date(2026, 6, 9))
        coming = [(found.key, found.due.at) for found in upcoming_reminders(client, sunday_night)]

    # Monday 08:00 (the new item), Tuesday and Wednesday 08:00 (each due date), in London.
    for day in (8, 9, 10):
        sweep_at(datetime(2026, 6, day, 7, 0, tzinfo=UTC))

    sent = list(
        Reminder.objects.filter(client=client, status=Reminder.Status.SENT)
        .order_by("due_at")
        .values_list("key", "due_at")
    )
    assert coming == sent
    assert len(sent) == 3
    assert sent[0][0] == f"action_assigned:item-{item.pk}"


def test_the_reminders_tab_shows_the_weekly_summary_the_sweep_then_sends(client):
    WeeklyTargetFactory(client=client)
    friday = datetime(2026, 6, 5, 12, 0, tzinfo=UTC)

    coming = [(found.key, found.due.at) for found in upcoming_reminders(client, friday)]
    sweep_at(datetime(2026, 6, 8, 7, 0, tzinfo=UTC))  # Monday 08:00 in London

    assert coming == list(Reminder.objects.values_list("key", "due_at"))
    assert coming[0][0] == f"weekly_summary:client-{client.pk}:week-2026-06-01"


def test_the_digest_lists_the_overdue_items_of_the_rule_in_each_clients_timezone(coach):
    # 07:30 in London on Wednesday 10 June is already the afternoon in Auckland and still
    # Tuesday evening in Honolulu: an item due on Tuesday is overdue in London and Auckland.
    tuesday = date(2026, 6, 9)
    overdue = []
    for zone in ("Europe/London", "Pacific/Auckland", "Pacific/Honolulu"):
        client = ClientFactory(coach=coach, timezone=zone)
        item = ActionItemFactory(client=client, title=f"Due on Tuesday in {zone}", due_on=tuesday)
        if zone != "Pacific/Honolulu":
            overdue.append(item)
        ActionItemFactory(client=client, due_on=tuesday, done_at=DIGEST_TIME)  # done: not listed
    elsewhere = ClientFactory(timezone="Europe/London")  # another coach's client
    ActionItemFactory(client=elsewhere, due_on=tuesday)

    listed = digest_for(coach, DIGEST_TIME).overdue_actions

    assert {item.pk for item in listed} == {item.pk for item in overdue}
    caseload = Client.objects.filter(coach=coach)
    by_rule = ActionItem.objects.overdue(DIGEST_TIME).filter(client__in=caseload)
    assert sorted(item.pk for item in listed) == sorted(by_rule.values_list("pk", flat=True))
    # ...and the coach home lists the same items (in its own order: by when each became
    # overdue, among all it lists).
    on_home = [
        int(item.url.rsplit("#action-item-", 1)[1])
        for item in attention_for(coach, DIGEST_TIME).items
        if item.kind == OVERDUE_ACTION[1]
    ]
    assert sorted(on_home) == sorted(item.pk for item in listed)
