"""The sweep runs every minute on the whole installation: each step reads and writes in a fixed
number of queries, however many contacts, touches or reminders there are, and still picks
exactly the same contacts and reminders. (How long the queries take is measured in bench/.)"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from clients.models import Client, Contact, Touch
from clients.services import contacts_close_no_response
from interviews.models import Interview, Referral
from reminders import occurrences
from reminders.sweep import (
    NO_RESPONSE_NOTE,
    SweepResult,
    claim_due_reminders,
    close_silent_contacts,
    deliver,
    record_due_reminders,
)
from reminders.sweep.due import (
    due_action_assigned_occurrences,
    due_action_due_occurrences,
    due_keep_in_touch_occurrences,
    due_weekly_summary_occurrences,
)
from tests.factories import (
    ActionItemFactory,
    ClientFactory,
    CoachFactory,
    ContactFactory,
    DebriefFactory,
    InterviewFactory,
    TouchFactory,
    WeeklyTargetFactory,
)

pytestmark = pytest.mark.django_db

# The read, then a savepoint, the locking re-read, the UPDATE, the INSERT and the release.
CLOSE_QUERIES = 6
# The claim (a savepoint, the locking SELECT, the UPDATE, the release, the batch with its
# referrals), then delivery (fresh state, the claim renewed and read back)...
THANK_YOU_BATCH_QUERIES = 9
# ...and one UPDATE per message, committed the moment the server accepted it (exactly once).


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def waiting_contact(client, outreach_at) -> Contact:
    contact = ContactFactory(client=client, stage=Contact.Stage.REACHED_OUT)
    TouchFactory(contact=contact, kind=Touch.Kind.OUTREACH, at=outreach_at)
    return contact


def no_response() -> set[int]:
    return set(Contact.objects.filter(stage=Contact.Stage.NO_RESPONSE).values_list("pk", flat=True))


def closed_at(clock, now) -> set[int]:
    """The contacts closed once the sweep has run at `now`, with the clock there too."""
    clock.move_to(now)
    close_silent_contacts(now)
    return no_response()


# --- Contacts that went quiet ------------------------------------------------------------------

# Friday 5 June 2026, 23:30 UTC: Friday 16:30 in Los Angeles, already Saturday 00:30 in London.
LATE_FRIDAY = datetime(2026, 6, 5, 23, 30, tzinfo=UTC)
# 14 business days later in London: Thursday 25 June, moved to 08:00 London (07:00 UTC).
LONDON_DEADLINE = datetime(2026, 6, 25, 7, 0, tzinfo=UTC)
# In Los Angeles: Thursday 25 June, 16:30 local (23:30 UTC).
LOS_ANGELES_DEADLINE = datetime(2026, 6, 25, 23, 30, tzinfo=UTC)


def test_a_silent_contact_is_closed_at_its_deadline_and_not_a_minute_before(clock):
    client = ClientFactory(timezone="Europe/London")
    contact = waiting_contact(client, LATE_FRIDAY)

    assert closed_at(clock, LONDON_DEADLINE - timedelta(minutes=1)) == set()
    assert closed_at(clock, LONDON_DEADLINE) == {contact.pk}


def test_each_contact_is_closed_at_the_deadline_in_its_clients_timezone(clock):
    in_london = waiting_contact(ClientFactory(timezone="Europe/London"), LATE_FRIDAY)
    in_los_angeles = waiting_contact(ClientFactory(timezone="America/Los_Angeles"), LATE_FRIDAY)

    assert closed_at(clock, LONDON_DEADLINE) == {in_london.pk}
    assert closed_at(clock, LOS_ANGELES_DEADLINE - timedelta(minutes=1)) == {in_london.pk}
    assert closed_at(clock, LOS_ANGELES_DEADLINE) == {in_london.pk, in_los_angeles.pk}


def test_only_the_contacts_silent_since_their_latest_outreach_are_closed(clock):
    client = ClientFactory(timezone="Europe/London")
    silent = waiting_contact(client, LATE_FRIDAY)
    followed_up = waiting_contact(client, LATE_FRIDAY)
    TouchFactory(contact=followed_up, kind=Touch.Kind.FOLLOW_UP, at=LATE_FRIDAY + timedelta(days=5))
    replied = waiting_contact(client, LATE_FRIDAY)
    TouchFactory(contact=replied, kind=Touch.Kind.REPLY, at=LATE_FRIDAY + timedelta(days=12))
    written_again = waiting_contact(client, LATE_FRIDAY)
    TouchFactory(
        contact=written_again, kind=Touch.Kind.OUTREACH, at=LATE_FRIDAY + timedelta(days=3)
    )
    archived = waiting_contact(ClientFactory(status=Client.Status.ARCHIVED), LATE_FRIDAY)

    # Follow-ups do not count as an answer; a reply and a newer outreach do (the newer one
    # starts its own 14 days); an archived client's contacts are left as they are.
    assert closed_at(clock, LONDON_DEADLINE) == {silent.pk, followed_up.pk}
    archived.refresh_from_db()
    assert archived.stage == Contact.Stage.REACHED_OUT


def test_closing_a_contact_logs_why_as_closing_it_by_hand_does(clock):
    contact = waiting_contact(ClientFactory(timezone="Europe/London"), LATE_FRIDAY)

    closed_at(clock, LONDON_DEADLINE)

    contact.refresh_from_db()
    assert contact.stage == Contact.Stage.NO_RESPONSE
    assert contact.updated_at == LONDON_DEADLINE
    latest = contact.touches.first()
    assert (latest.kind, latest.channel, latest.at, latest.logged_by) == (
        Touch.Kind.OTHER,
        Touch.Channel.OTHER,
        LONDON_DEADLINE,
        None,
    )
    assert latest.note == "No reply after the outreach and two follow-up reminders."


@pytest.mark.parametrize("n", [2, 12])
def test_closing_silent_contacts_takes_the_same_queries_for_2_or_12(
    clock, django_assert_max_num_queries, n
):
    client = ClientFactory(timezone="Europe/London")
    silent = {waiting_contact(client, LATE_FRIDAY).pk for _ in range(n)}
    for _ in range(n):  # and as many still waiting, whose deadline is still to come
        waiting_contact(client, LATE_FRIDAY + timedelta(days=7))
    clock.move_to(LONDON_DEADLINE)

    with django_assert_max_num_queries(CLOSE_QUERIES):
        assert close_silent_contacts(LONDON_DEADLINE) == n

    assert no_response() == silent


def test_with_no_contact_past_its_deadline_nothing_is_written(clock, django_assert_max_num_queries):
    waiting_contact(ClientFactory(timezone="Europe/London"), LATE_FRIDAY)
    clock.move_to(LONDON_DEADLINE - timedelta(minutes=1))

    with django_assert_max_num_queries(1):
        assert close_silent_contacts(LONDON_DEADLINE - timedelta(minutes=1)) == 0


def test_a_contact_that_replied_after_it_was_read_is_not_closed(clock):
    contact = waiting_contact(ClientFactory(timezone="Europe/London"), LATE_FRIDAY)
    clock.move_to(LONDON_DEADLINE)
    # The reply is logged between the sweep's read and its write.
    Contact.objects.filter(pk=contact.pk).update(stage=Contact.Stage.REPLIED)

    assert contacts_close_no_response(contact_ids=[contact.pk], note=NO_RESPONSE_NOTE) == []
    contact.refresh_from_db()
    assert contact.stage == Contact.Stage.REPLIED
    assert not contact.touches.filter(kind=Touch.Kind.OTHER).exists()


# --- Keep-in-touch candidates ------------------------------------------------------------------

# Monday 27 July 2026, 10:00 in London: 8 weeks after Monday 1 June, 10:00.
KEEP_IN_TOUCH_NOW = datetime(2026, 7, 27, 9, 0, tzinfo=UTC)
EIGHT_WEEKS_AGO = KEEP_IN_TOUCH_NOW - timedelta(weeks=8)
LONG_AGO = KEEP_IN_TOUCH_NOW - timedelta(weeks=40)


@pytest.fixture
def keeps_in_touch(db):
    return ClientFactory(timezone="Europe/London", keep_in_touch_weeks=8)


def interviewed(client, *touched_at) -> tuple[Contact, list[Touch]]:
    contact = ContactFactory(client=client, stage=Contact.Stage.THANKED)
    touches = [TouchFactory(contact=contact, kind=Touch.Kind.UPDATE, at=at) for at in touched_at]
    return contact, touches


def keep_in_touch_keys(now) -> set[str]:
    return {found.key for found in due_keep_in_touch_occurrences(now)}


def key_for(contact, touch) -> str:
    return occurrences.keep_in_touch_occurrence(contact, touch).key


def test_a_contact_touched_long_ago_and_again_in_the_window_is_counted_from_the_newer_touch(
    keeps_in_touch,
):
    contact, (_, newer) = interviewed(keeps_in_touch, LONG_AGO, EIGHT_WEEKS_AGO)

    assert keep_in_touch_keys(KEEP_IN_TOUCH_NOW) == {key_for(contact, newer)}
    (found,) = due_keep_in_touch_occurrences(KEEP_IN_TOUCH_NOW)
    assert found.due.is_open(KEEP_IN_TOUCH_NOW)


def test_a_contact_last_touched_long_before_the_window_is_not_a_candidate(keeps_in_touch):
    interviewed(keeps_in_touch, LONG_AGO - timedelta(weeks=2), LONG_AGO)

    assert keep_in_touch_keys(KEEP_IN_TOUCH_NOW) == set()


def test_a_touch_after_the_window_restarts_the_count(keeps_in_touch):
    interviewed(keeps_in_touch, EIGHT_WEEKS_AGO, KEEP_IN_TOUCH_NOW - timedelta(weeks=1))

    assert keep_in_touch_keys(KEEP_IN_TOUCH_NOW) == set()


def test_the_candidate_range_runs_from_16_weeks_to_4_weeks_before_now(keeps_in_touch):
    # The range is wide enough for every client's weeks and for a snooze: the rule decides
    # later whether each one is due (here: not yet, or no longer).
    edges = [
        KEEP_IN_TOUCH_NOW - timedelta(weeks=16),
        KEEP_IN_TOUCH_NOW - timedelta(weeks=4),
    ]
    inside = [interviewed(keeps_in_touch, LONG_AGO, at) for at in edges]
    interviewed(keeps_in_touch, KEEP_IN_TOUCH_NOW - timedelta(weeks=16, seconds=1))
    interviewed(keeps_in_touch, KEEP_IN_TOUCH_NOW - timedelta(weeks=4) + timedelta(seconds=1))

    assert keep_in_touch_keys(KEEP_IN_TOUCH_NOW) == {
        key_for(contact, touches[-1]) for contact, touches in inside
    }


def test_of_two_touches_at_the_same_moment_the_one_logged_last_counts(keeps_in_touch):
    contact, (_, last) = interviewed(keeps_in_touch, EIGHT_WEEKS_AGO, EIGHT_WEEKS_AGO)

    assert keep_in_touch_keys(KEEP_IN_TOUCH_NOW) == {key_for(contact, last)}


def test_keep_in_touch_follows_the_stage_and_the_clients_switches(keeps_in_touch):
    replied, _ = interviewed(keeps_in_touch, EIGHT_WEEKS_AGO)
    Contact.objects.filter(pk=replied.pk).update(stage=Contact.Stage.REPLIED)
    turned_off = ClientFactory(timezone="Europe/London", remind_keep_in_touch=False)
    interviewed(turned_off, EIGHT_WEEKS_AGO)
    archived = ClientFactory(timezone="Europe/London", status=Client.Status.ARCHIVED)
    interviewed(archived, EIGHT_WEEKS_AGO)

    assert keep_in_touch_keys(KEEP_IN_TOUCH_NOW) == set()


@pytest.mark.parametrize("n", [2, 12])
def test_keep_in_touch_candidates_are_two_queries_for_2_or_12_contacts(
    keeps_in_touch, django_assert_max_num_queries, n
):
    expected = set()
    for weeks_ago in range(n):
        contact, (*_, latest) = interviewed(
            keeps_in_touch, LONG_AGO, EIGHT_WEEKS_AGO - timedelta(days=weeks_ago)
        )
        expected.add(key_for(contact, latest))

    # One query for the touches of the range, one for contacts whose snooze just ended.
    with django_assert_max_num_queries(2):
        assert keep_in_touch_keys(KEEP_IN_TOUCH_NOW) == expected


# --- Thank-you emails, a batch at a time -------------------------------------------------------

# Tuesday 10 March 2026, noon UTC; the interviews below ended 24 hours before.
THANK_YOU_NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def interviews_awaiting_thank_you(count: int) -> list[Interview]:
    """`count` completed interviews, each of its own client, with a debrief and two referrals."""
    coach = CoachFactory(timezone="UTC", daily_digest=False)
    interviews = []
    for n in range(count):
        client = ClientFactory(coach=coach, timezone="UTC")
        interview = InterviewFactory(
            client=client,
            contact=ContactFactory(client=client, name=f"Sam {n}"),
            starts_at=THANK_YOU_NOW - timedelta(hours=24, minutes=30),
            duration_minutes=30,
            status=Interview.Status.COMPLETED,
        )
        DebriefFactory(interview=interview, highlights=f"What stayed with me, part {n}.")
        for name in (f"Lena {n}", f"Omar {n}"):
            Referral.objects.create(
                interview=interview, contact=ContactFactory(client=client, name=name)
            )
        interviews.append(interview)
    return interviews


@pytest.mark.parametrize("k", [2, 12])
def test_a_batch_of_thank_you_emails_reads_in_the_same_queries_for_2_or_12_and_marks_each(
    django_assert_max_num_queries, k
):
    interviews = interviews_awaiting_thank_you(k)
    with time_machine.travel(THANK_YOU_NOW, tick=False):
        assert record_due_reminders(THANK_YOU_NOW) == k
        result = SweepResult()

        with django_assert_max_num_queries(THANK_YOU_BATCH_QUERIES + k):
            deliver(claim_due_reminders(THANK_YOU_NOW), THANK_YOU_NOW, result)

    assert result.sent == k
    # Each draft still carries its own debrief and referrals, in the order they were added.
    body_to = {message.to[0]: message.body for message in mail.outbox}
    for n, interview in enumerate(interviews):
        body = body_to[interview.client.email]
        assert "Hi Sam," in body
        assert f"What stayed with me, part {n}." in body
        assert f"Lena {n} and Omar {n}" in body


def test_the_sweep_reports_whose_contacts_it_closed(clock):
    closing = ClientFactory(timezone="Europe/London")
    waiting = ClientFactory(timezone="Europe/London")
    waiting_contact(closing, LATE_FRIDAY)
    waiting_contact(waiting, LATE_FRIDAY + timedelta(days=7))
    clock.move_to(LONDON_DEADLINE)
    changed: set[int] = set()

    assert close_silent_contacts(LONDON_DEADLINE, changed) == 1

    assert changed == {closing.pk}


# --- Action items and weekly summaries ---------------------------------------------------------

# Tuesday 9 June 2026, 13:00 UTC: 14:00 in London, and Tuesday 01:00 at UTC-12, the zone
# furthest behind: no timezone is on a Monday.
ITEMS_NOW = datetime(2026, 6, 9, 13, 0, tzinfo=UTC)
# Monday 8 June 2026, 10:00 UTC: Monday in London and in every zone west of Kiritimati.
SUMMARY_NOW = datetime(2026, 6, 8, 10, 0, tzinfo=UTC)


def clients_with_items(n: int) -> list:
    """n clients in three timezones, each with two items due today (one set by their coach,
    one by themselves, both days ago), an item their coach set an hour ago and a done one."""
    coach = CoachFactory(daily_digest=False)
    zones = ["Europe/London", "Europe/Berlin", "Africa/Lagos"]
    clients = []
    for i in range(n):
        client = ClientFactory(coach=coach, timezone=zones[i % len(zones)])
        with time_machine.travel(ITEMS_NOW - timedelta(days=2), tick=False):
            ActionItemFactory(client=client, due_on=ITEMS_NOW.date())
            ActionItemFactory(client=client, set_by="client", due_on=ITEMS_NOW.date())
        with time_machine.travel(ITEMS_NOW - timedelta(hours=1), tick=False):
            ActionItemFactory(client=client, due_on=ITEMS_NOW.date() + timedelta(days=3))
            ActionItemFactory(client=client, done_at=ITEMS_NOW - timedelta(minutes=5))
        clients.append(client)
    return clients


@pytest.mark.parametrize("n", [2, 12])
def test_the_action_item_sources_read_one_query_each_for_2_or_12_clients(
    django_assert_max_num_queries, n
):
    clients_with_items(n)

    with django_assert_max_num_queries(1):
        assigned = list(due_action_assigned_occurrences(ITEMS_NOW))
    with django_assert_max_num_queries(1):
        due = list(due_action_due_occurrences(ITEMS_NOW))

    assert len(assigned) == n  # the coach's item of an hour ago, each; not the client's own
    assert len(due) == 2 * n  # due today: the coach's older item and the client's own


@pytest.mark.parametrize("n", [2, 12])
def test_the_weekly_summary_source_reads_two_queries_on_a_monday_and_none_otherwise(
    django_assert_max_num_queries, n
):
    for i in range(n):
        client = ClientFactory(timezone=["Europe/London", "Asia/Tokyo"][i % 2])
        WeeklyTargetFactory(client=client, kind="outreach")
        WeeklyTargetFactory(client=client, kind="conversations")
    ClientFactory(timezone="Europe/London")  # no targets: no summary

    with django_assert_max_num_queries(2):
        on_monday = list(due_weekly_summary_occurrences(SUMMARY_NOW))
    with django_assert_max_num_queries(0):
        on_tuesday = list(due_weekly_summary_occurrences(ITEMS_NOW))

    assert len(on_monday) == n
    assert on_tuesday == []


# The claim and delivery of THANK_YOU_BATCH_QUERIES, with the action items read once for the
# batch (and what they are about joined to the claim's read) instead of the interviews and
# their referrals.
ACTION_ITEM_BATCH_QUERIES = THANK_YOU_BATCH_QUERIES - 1


@pytest.mark.parametrize("k", [2, 12])
def test_a_batch_of_action_item_emails_reads_in_the_same_queries_for_2_or_12(
    django_assert_max_num_queries, k
):
    clients_with_items(k)
    with time_machine.travel(ITEMS_NOW, tick=False):
        assert record_due_reminders(ITEMS_NOW) == 3 * k
        result = SweepResult()

        with django_assert_max_num_queries(ACTION_ITEM_BATCH_QUERIES + 3 * k):
            deliver(claim_due_reminders(ITEMS_NOW), ITEMS_NOW, result)

    assert result.sent == 3 * k


# A summary counts its client's week (goals.progress.week_progress: the targets, then one count
# per kind with a target), so each summary email reads up to four queries of its own besides
# its UPDATE. The batch reads the clients and their targets once to re-check them, where a
# thank-you batch reads the interviews and their referrals.
SUMMARY_EMAIL_QUERIES = 1 + 4


@pytest.mark.parametrize("k", [2, 12])
def test_a_batch_of_weekly_summaries_reads_a_fixed_number_of_queries_per_email(
    django_assert_max_num_queries, k
):
    for _ in range(k):
        client = ClientFactory(timezone="Europe/London")
        for kind in ("outreach", "conversations", "thank_yous"):
            WeeklyTargetFactory(client=client, kind=kind)
    with time_machine.travel(SUMMARY_NOW, tick=False):
        assert record_due_reminders(SUMMARY_NOW) == k
        result = SweepResult()

        with django_assert_max_num_queries(THANK_YOU_BATCH_QUERIES + SUMMARY_EMAIL_QUERIES * k):
            deliver(claim_due_reminders(SUMMARY_NOW), SUMMARY_NOW, result)

    assert result.sent == k
