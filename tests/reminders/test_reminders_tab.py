"""The coach's Reminders tab of a client, the failed reminders on the coach home, the demo."""

import itertools
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clients.models import Contact, Touch
from goals.models import ActionItem
from interviews import scheduling
from reminders.models import Reminder
from reminders.selectors import upcoming_reminders
from tests.factories import (
    ActionItemFactory,
    ClientFactory,
    ContactFactory,
    InterviewFactory,
    TouchFactory,
    WeeklyTargetFactory,
)

pytestmark = pytest.mark.django_db

# Monday 1 June 2026, 09:00 UTC = 05:00 in New York (EDT).
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

keys = itertools.count()


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def client_in_new_york(coach):
    return ClientFactory(coach=coach, name="Priya Shah", timezone="America/New_York")


def tab_url(client):
    return reverse("reminders_coach:client_reminders", kwargs={"client_pk": client.pk})


def record(client, *, contact=None, interview=None, **fields):
    """A Reminder row as the sweep leaves it (defaults: a follow-up sent yesterday)."""
    n = next(keys)
    due_at = fields.pop("due_at", timezone.now() - timedelta(days=1))
    return Reminder.objects.create(
        **{
            "kind": Reminder.Kind.OUTREACH_FOLLOW_UP,
            "key": f"test:{n}",
            "client": client,
            "contact": contact,
            "interview": interview,
            "recipient_email": client.email,
            "due_at": due_at,
            "window_ends_at": due_at + timedelta(days=2),
            "next_attempt_at": due_at,
            "status": Reminder.Status.SENT,
            "attempts": 1,
            **fields,
        }
    )


def rows(response, section_heading_id):
    """The text of each body row of the table in the section with that heading."""
    html = response.content.decode()
    section = html.split(f'id="{section_heading_id}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1] if "<tbody>" in section else ""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_log_shows_each_reminder_with_its_status_attempts_and_error_or_reason(
    coach_client, client_in_new_york
):
    client = client_in_new_york
    hana = ContactFactory(client=client, name="Hana Ito")
    omar = ContactFactory(client=client, name="Omar Farouk")
    due = datetime(2026, 5, 29, 12, 0, tzinfo=UTC)  # Friday 08:00 in New York
    record(client, contact=hana, due_at=due, sent_at=due + timedelta(seconds=40))
    record(
        client,
        contact=omar,
        due_at=due - timedelta(days=1),
        status=Reminder.Status.FAILED,
        attempts=7,
        last_error="Connection refused by mail.example.com",
    )
    record(
        client,
        contact=omar,
        kind=Reminder.Kind.KEEP_IN_TOUCH,
        due_at=due - timedelta(days=2),
        status=Reminder.Status.SKIPPED,
        last_error="A newer touch with the contact restarted the count.",
    )

    log = rows(coach_client.get(tab_url(client)), "log-heading")

    assert log == [
        "Outreach follow-up Hana Ito "
        + hana.company.name
        + " Fri 29 May 2026, 08:00 EDT Sent Fri 29 May 2026, 08:00 EDT 1 —",
        "Outreach follow-up Omar Farouk "
        + omar.company.name
        + " Thu 28 May 2026, 08:00 EDT Failed — 7 Connection refused by mail.example.com",
        "Keep in touch Omar Farouk "
        + omar.company.name
        + " Wed 27 May 2026, 08:00 EDT Skipped — 1"
        + " A newer touch with the contact restarted the count.",
    ]


def test_coming_up_lists_an_interviews_reminders_in_the_clients_timezone(
    clock, coach_client, client_in_new_york
):
    # Wednesday 3 June, 14:00 in New York.
    InterviewFactory(
        client=client_in_new_york,
        contact__name="Hana Ito",
        starts_at=datetime(2026, 6, 3, 18, 0, tzinfo=UTC),
    )

    response = coach_client.get(tab_url(client_in_new_york))

    assert "Times are in Priya’s timezone (America/New_York)" in response.content.decode()
    coming = rows(response, "upcoming-heading")
    assert [row.split(" Hana Ito ")[0] for row in coming] == [
        "Prepare for the interview Interview of Wed 3 Jun, 14:00",
        "Send a thank-you Interview of Wed 3 Jun, 14:00",
        "Thank-you overdue (to the coach) Interview of Wed 3 Jun, 14:00",
    ]
    assert [row.rsplit(" ", 6)[1:] for row in coming] == [
        ["Tue", "2", "Jun", "2026,", "14:00", "EDT"],
        ["Thu", "4", "Jun", "2026,", "14:30", "EDT"],
        ["Fri", "5", "Jun", "2026,", "14:30", "EDT"],
    ]


def test_coming_up_includes_follow_ups_of_an_unanswered_outreach_and_keeping_in_touch(
    clock, client_in_new_york
):
    waiting = ContactFactory(client=client_in_new_york, stage=Contact.Stage.REACHED_OUT)
    TouchFactory(contact=waiting, kind=Touch.Kind.OUTREACH, at=T0 - timedelta(days=1))
    met = ContactFactory(client=client_in_new_york, stage=Contact.Stage.INTERVIEWED)
    TouchFactory(contact=met, kind=Touch.Kind.REPLY, at=T0 - timedelta(days=10))
    TouchFactory(contact=met, kind=Touch.Kind.OUTREACH, at=T0 - timedelta(days=20))

    upcoming = upcoming_reminders(client_in_new_york, T0)

    assert [(o.kind, o.contact.pk) for o in upcoming] == [
        (Reminder.Kind.OUTREACH_FOLLOW_UP, waiting.pk),
        (Reminder.Kind.OUTREACH_FOLLOW_UP, waiting.pk),
        (Reminder.Kind.KEEP_IN_TOUCH, met.pk),
    ]
    # Counted from the latest touch: the reply, 8 weeks on, in New York's waking hours.
    assert upcoming[-1].due.at == T0 - timedelta(days=10) + timedelta(weeks=8, hours=3)


def test_coming_up_leaves_out_a_reminder_already_recorded(clock, client_in_new_york):
    interview = InterviewFactory(client=client_in_new_york, starts_at=T0 + timedelta(days=3))
    prep, *later = upcoming_reminders(client_in_new_york, T0)
    assert prep.kind == Reminder.Kind.PREP

    prep.as_reminder(T0).save()

    assert [o.key for o in upcoming_reminders(client_in_new_york, T0)] == [o.key for o in later]
    assert all(o.interview == interview for o in later)


def test_coming_up_leaves_out_what_a_cancelled_interview_no_longer_has(
    clock, coach_client, client_in_new_york
):
    interview = InterviewFactory(client=client_in_new_york, starts_at=T0 + timedelta(days=3))
    assert len(upcoming_reminders(client_in_new_york, T0)) == 3

    scheduling.interview_set_status(interview=interview, status="cancelled")

    assert upcoming_reminders(client_in_new_york, T0) == []
    response = coach_client.get(tab_url(client_in_new_york))
    assert rows(response, "upcoming-heading") == []
    assert "Nothing coming up." in response.content.decode()
    assert "No reminder has been due yet." in response.content.decode()


def test_coming_up_leaves_out_what_is_already_due(clock, client_in_new_york):
    InterviewFactory(client=client_in_new_york, starts_at=T0 + timedelta(hours=3))

    kinds = [o.kind for o in upcoming_reminders(client_in_new_york, T0)]

    assert kinds == [Reminder.Kind.THANK_YOU, Reminder.Kind.THANK_YOU_OVERDUE]


def test_an_archived_client_has_nothing_coming_up(clock, coach_client, client_in_new_york):
    InterviewFactory(client=client_in_new_york, starts_at=T0 + timedelta(days=3))
    client_in_new_york.status = "archived"
    client_in_new_york.save()

    response = coach_client.get(tab_url(client_in_new_york))

    assert response.context["upcoming"] == []
    assert "Priya is archived: no reminders are sent." in response.content.decode()


def test_the_log_has_fifty_reminders_a_page(coach_client, client_record):
    for _ in range(51):
        record(client_record)

    first = coach_client.get(tab_url(client_record))
    second = coach_client.get(tab_url(client_record) + "?page=2")

    assert len(rows(first, "log-heading")) == 50
    assert len(rows(second, "log-heading")) == 1
    assert "Page 1 of 2" in first.content.decode()


def test_the_reminders_tab_is_a_tab_of_the_client_pages(coach_client, client_record):
    response = coach_client.get(
        reverse("clients:client_detail", kwargs={"client_pk": client_record.pk})
    )

    assert f'href="{tab_url(client_record)}">Reminders</a>' in response.content.decode()


def test_another_coach_and_the_client_themselves_get_a_404(
    client, other_coach, portal_client, other_portal_client
):
    for outsider in (other_coach, portal_client.user, other_portal_client.user):
        client.force_login(outsider)
        assert client.get(tab_url(portal_client)).status_code == 404


def test_failed_reminders_show_on_the_coach_home_and_not_on_another_coachs(
    client, coach, other_coach, client_record
):
    contact = ContactFactory(client=client_record, name="Omar Farouk")
    record(
        client_record,
        contact=contact,
        status=Reminder.Status.FAILED,
        last_error="Mailbox full",
        attempts=9,
    )
    record(client_record, contact=contact)  # sent: not a failure

    client.force_login(coach)
    html = client.get(reverse("dashboard:coach_home")).content.decode()
    assert html.count("Reminder failed") == 1
    assert "Outreach follow-up about Omar Farouk: Mailbox full" in html
    assert tab_url(client_record) in html

    client.force_login(other_coach)
    html = client.get(reverse("dashboard:coach_home")).content.decode()
    assert "Reminder failed" not in html
    assert "Omar Farouk" not in html


def build(client, n):
    """n upcoming interviews, n contacts waiting for a reply, n to keep in touch with, and n
    recorded reminders."""
    interviews = InterviewFactory.create_batch(n, client=client)
    contacts = Contact.objects.bulk_create(
        Contact(
            client=client,
            name=f"Person {i}",
            email=f"p{client.pk}-{i}@example.org",
            stage=Contact.Stage.REACHED_OUT if i % 2 else Contact.Stage.INTERVIEWED,
        )
        for i in range(2 * n)
    )
    Touch.objects.bulk_create(
        Touch(contact=contact, kind=Touch.Kind.OUTREACH, at=timezone.now() - timedelta(days=1))
        for contact in contacts
    )
    for i in range(n):
        record(client, contact=contacts[i], interview=interviews[i])


# Coming up reads the sweep's own candidates (reminders.candidates): the interviews, the
# contacts waiting for a reply (recent outreach; snoozed ones), the contacts to keep in touch
# with (recent touches; snoozed ones), the items just set, the items still to fall due, the
# client if a weekly summary can come (and then their targets), then the keys recorded.
UPCOMING_QUERIES = 10
# Session, user, client, Coming up, and two for the Log page (count, rows).
TAB_QUERIES = 3 + UPCOMING_QUERIES + 2


@pytest.mark.parametrize("n", [5, 50])
def test_the_reminders_tab_query_count_is_flat(
    coach_client, coach, django_assert_max_num_queries, n
):
    client = ClientFactory(coach=coach)
    build(client, n)

    with django_assert_max_num_queries(TAB_QUERIES):
        response = coach_client.get(tab_url(client))

    assert len(response.context["upcoming"]) == 3 * n + 2 * n + n
    assert len(response.context["log_page"].object_list) == n


@pytest.mark.parametrize("n", [5, 50])
def test_upcoming_reminders_take_the_same_queries_however_many_interviews(
    coach, django_assert_max_num_queries, n
):
    client = ClientFactory(coach=coach)
    InterviewFactory.create_batch(n, client=client)

    with django_assert_max_num_queries(UPCOMING_QUERIES):
        upcoming = upcoming_reminders(client, timezone.now())

    assert len(upcoming) == 3 * n


def seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_demo_has_reminders_in_every_status_and_seeding_twice_adds_none(client):
    seed()
    first = Reminder.objects.count()
    seed()

    assert Reminder.objects.count() == first
    by_status = {
        status: list(Reminder.objects.filter(status=status))
        for status in ("pending", "sent", "skipped", "failed")
    }
    assert all(by_status.values()), {status: len(rows) for status, rows in by_status.items()}
    assert all(r.sent_at and r.message_id for r in by_status["sent"])
    assert all(r.last_error for r in by_status["skipped"] + by_status["failed"])
    assert all(r.attempts > 1 for r in by_status["failed"])
    assert all(r.due_at <= timezone.now() for r in by_status["pending"])

    client.login(username="coach@example.com", password="coachdesk-demo")
    assert "Reminder failed" in client.get(reverse("dashboard:coach_home")).content.decode()


# --- action items and weekly summaries -------------------------------------------------------

# Sunday 31 May 2026, 21:00 in London: after waking hours, the evening before a Monday.
SUNDAY_EVENING = datetime(2026, 5, 31, 20, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_coming_up_lists_action_item_and_weekly_summary_reminders(coach_client, coach):
    client = ClientFactory(coach=coach, name="Priya Shah", timezone="Europe/London")
    WeeklyTargetFactory(client=client)
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        ActionItemFactory(client=client, title="Draft the pitch", due_on=date(2026, 6, 3))
        ActionItemFactory(client=client, title="Done already", due_on=date(2026, 6, 3))
        ActionItem.objects.filter(title="Done already").update(done_at=SUNDAY_EVENING)

        coming = rows(coach_client.get(tab_url(client)), "upcoming-heading")

    assert coming == [
        "New action item from the coach “Draft the pitch” — Mon 1 Jun 2026, 08:00 BST",
        "Weekly summary of targets Week of Mon 25 May — Mon 1 Jun 2026, 08:00 BST",
        "Action item due today “Draft the pitch”, due Wed 3 Jun — Wed 3 Jun 2026, 08:00 BST",
    ]


def test_the_log_names_the_item_or_says_it_was_deleted(coach_client, coach):
    client = ClientFactory(coach=coach, timezone="Europe/London")
    kept = ActionItemFactory(client=client, title="Draft the pitch")
    due = datetime(2026, 6, 3, 7, 0, tzinfo=UTC)
    record(client, kind=Reminder.Kind.ACTION_ASSIGNED, action_item=kept, due_at=due)
    # The item of this one was deleted since (the column is cleared, the row stays).
    record(client, kind=Reminder.Kind.ACTION_DUE, local_date=date(2026, 6, 3), due_at=due - DAY)

    log = rows(coach_client.get(tab_url(client)), "log-heading")

    assert log[0].startswith("New action item from the coach “Draft the pitch”")
    assert log[1].startswith("Action item due today An action item deleted since")


@pytest.mark.parametrize("n", [5, 50])
def test_coming_up_takes_the_same_queries_however_many_action_items(
    coach, coach_client, django_assert_max_num_queries, n
):
    client = ClientFactory(coach=coach, timezone="Europe/London")
    WeeklyTargetFactory(client=client)
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        ActionItemFactory.create_batch(n, client=client, due_on=date(2026, 6, 3))
        for item in ActionItem.objects.filter(client=client)[:3]:
            record(client, kind=Reminder.Kind.ACTION_ASSIGNED, action_item=item)

        with django_assert_max_num_queries(UPCOMING_QUERIES):
            upcoming = upcoming_reminders(client, SUNDAY_EVENING)
        with django_assert_max_num_queries(TAB_QUERIES):
            coach_client.get(tab_url(client))

    # Each item's new-item and due-day emails, and the summary of the week ending tonight.
    assert len(upcoming) == 2 * n + 1
