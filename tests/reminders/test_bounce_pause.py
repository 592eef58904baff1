"""After a bounce: a reminder sent through a provider keeps the provider's id, the provider's
report about it fails it, and from then on the reminders the client may turn off wait while the
essential ones still go, until the address is changed or the coach says it works again."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from clients import services as client_services
from clients.models import Touch
from interviews.models import Interview
from reminders import occurrences
from reminders.bounces import paused_by_bounce, reminder_bounce_record
from reminders.models import Reminder
from reminders.sweep import run_sweep
from tests.factories import ClientFactory, CoachFactory, ContactFactory, InterviewFactory

pytestmark = pytest.mark.django_db

# Monday 1 June 2026, 09:00 UTC = 10:00 in London.
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
OUTREACH_AT = datetime(2026, 6, 5, 9, 0, tzinfo=UTC)  # Friday 10:00 London
STEP_3_DAY = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)  # Wednesday: 3 business days later
STEP_7_DAY = datetime(2026, 6, 16, 9, 0, tzinfo=UTC)  # Tuesday: 7 business days later
# An interview that ended on Monday 15 June, 09:30 London: its thank-you is due on the
# Tuesday at 09:30 London, before the sweep of STEP_7_DAY + 1 h.
INTERVIEW_STARTS = datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
POSTMARK_AUTH = "postmark:webhook-secret-for-tests"
PROVIDER = override_settings(
    EMAIL_BACKEND="anymail.backends.test.EmailBackend",
    ANYMAIL={"WEBHOOK_SECRET": [POSTMARK_AUTH]},
)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def priya(db):
    coach = CoachFactory(timezone="Europe/London", daily_digest=False)
    return ClientFactory(
        coach=coach, name="Priya Shah", email="priya@example.com", timezone="Europe/London"
    )


@pytest.fixture
def olivia(priya):
    """Priya wrote to Olivia on Friday 5 June and heard nothing: follow-ups on the 10th (step
    3) and the 16th (step 7)."""
    contact = ContactFactory(client=priya, name="Olivia Brennan")
    client_services.contact_log_touch(
        contact=contact, kind=Touch.Kind.OUTREACH, channel=Touch.Channel.EMAIL, at=OUTREACH_AT
    )
    return contact


def sweep_at(clock, moment):
    clock.move_to(moment)
    return run_sweep(moment)


def recorded(kind=None):
    rows = Reminder.objects.order_by("due_at", "pk")
    return list(rows.filter(kind=kind) if kind else rows)


def bounce(client):
    reminder_bounce_record(
        message_id=None,
        recipient=client.email,
        at=STEP_3_DAY + timedelta(minutes=5),
        reason=(
            "Bounced (Postmark): smtp;550 5.1.1 The email account that you tried to reach "
            "does not exist."
        ),
    )


def postmark_reports_a_hard_bounce(http_client, *, message_id, email):
    credentials = base64.b64encode(POSTMARK_AUTH.encode()).decode()
    return http_client.post(
        reverse("reminders:tracking_postmark"),
        json.dumps(
            {
                "RecordType": "Bounce",
                "ID": 4323372036,
                "Type": "HardBounce",
                "TypeCode": 1,
                "MessageID": message_id,
                "Description": "The server was unable to deliver your message (ex: unknown "
                "user, mailbox not found).",
                "Details": "smtp;550 5.1.1 The email account that you tried to reach does not "
                "exist.",
                "Email": email,
                "BouncedAt": "2026-06-10T09:01:12Z",
                "Inactive": True,
                "CanActivate": True,
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )


# --- sending through a provider -----------------------------------------------------------------


@PROVIDER
def test_a_reminder_sent_through_a_provider_keeps_the_provider_s_id_for_it(clock, olivia):
    assert sweep_at(clock, STEP_3_DAY).sent == 1

    (reminder,) = recorded()
    (message,) = mail.outbox
    assert message.anymail_status.status == {"sent"}
    assert reminder.provider_message_id == str(message.anymail_status.message_id)
    assert reminder.message_id == message.extra_headers["Message-ID"]


def test_a_reminder_sent_over_smtp_has_no_provider_id(clock, olivia):
    assert sweep_at(clock, STEP_3_DAY).sent == 1

    assert recorded()[0].provider_message_id is None


# --- held back, and only the reminders a client may turn off ------------------------------------


@PROVIDER
def test_after_a_bounce_the_follow_up_waits_but_the_thank_you_still_goes(
    client, clock, priya, olivia
):
    sweep_at(clock, STEP_3_DAY)
    (step_3,) = recorded()

    response = postmark_reports_a_hard_bounce(
        client, message_id=step_3.provider_message_id, email=priya.email
    )

    assert response.status_code == 200
    step_3.refresh_from_db()
    assert (step_3.status, step_3.last_error[:19]) == ("failed", "Bounced (Postmark):")

    InterviewFactory(client=priya, starts_at=INTERVIEW_STARTS, status=Interview.Status.COMPLETED)
    result = sweep_at(clock, STEP_7_DAY + timedelta(hours=1))

    assert (result.recorded, result.sent) == (1, 1)
    (thank_you,) = recorded(Reminder.Kind.THANK_YOU)
    assert (thank_you.status, thank_you.recipient_email) == ("sent", priya.email)
    assert recorded(Reminder.Kind.OUTREACH_FOLLOW_UP) == [step_3]  # no step 7
    assert mail.outbox[-1].to == [priya.email]


def test_changing_the_address_lets_the_waiting_follow_up_go_to_the_new_one(clock, priya, olivia):
    sweep_at(clock, STEP_3_DAY)
    bounce(priya)
    assert sweep_at(clock, STEP_7_DAY).recorded == 0

    priya.refresh_from_db()
    client_services.client_update(client=priya, email="Priya.Shah@NewMail.example ")
    result = sweep_at(clock, STEP_7_DAY + timedelta(minutes=30))

    assert (result.recorded, result.sent) == (1, 1)
    step_7 = recorded(Reminder.Kind.OUTREACH_FOLLOW_UP)[-1]
    assert (step_7.step, step_7.recipient_email) == (7, "priya.shah@newmail.example")
    assert mail.outbox[-1].to == ["priya.shah@newmail.example"]


def test_saving_the_client_without_changing_the_address_keeps_the_follow_ups_waiting(
    clock, priya, olivia
):
    sweep_at(clock, STEP_3_DAY)
    bounce(priya)

    priya.refresh_from_db()
    client_services.client_update(client=priya, goal="A role in climate policy")
    priya.refresh_from_db()

    assert priya.email_bounced_at is not None
    assert sweep_at(clock, STEP_7_DAY).recorded == 0


def test_the_coach_saying_the_address_works_again_lets_the_follow_up_go(clock, priya, olivia):
    sweep_at(clock, STEP_3_DAY)
    bounce(priya)
    assert sweep_at(clock, STEP_7_DAY).recorded == 0

    priya.refresh_from_db()
    client_services.client_email_works_again(client=priya)

    assert sweep_at(clock, STEP_7_DAY + timedelta(minutes=30)).sent == 1
    assert mail.outbox[-1].to == ["priya@example.com"]


def test_only_the_kinds_a_client_may_turn_off_wait_for_a_bounced_address(clock, priya, olivia):
    bounce(priya)
    priya.refresh_from_db()
    olivia.refresh_from_db()
    interview = InterviewFactory(client=priya, starts_at=T0 + timedelta(days=3))
    interview = Interview.objects.select_related(
        "client", "client__coach", "contact", "contact__company"
    ).get(pk=interview.pk)
    outreach = olivia.touches.get()

    waiting = {
        found.kind: paused_by_bounce(found)
        for found in [
            *occurrences.interview_occurrences(interview),
            *occurrences.follow_up_occurrences(olivia, outreach),
        ]
    }

    assert waiting == {
        Reminder.Kind.PREP: None,
        Reminder.Kind.THANK_YOU: None,
        Reminder.Kind.THANK_YOU_OVERDUE: None,  # to the coach
        Reminder.Kind.OUTREACH_FOLLOW_UP: priya.email_bounced_at,
    }


# --- what the coach sees --------------------------------------------------------------------------


def test_the_reminders_tab_says_why_the_follow_ups_are_not_coming(client, clock, priya, olivia):
    bounce(priya)
    clock.move_to(OUTREACH_AT + timedelta(days=1))  # both follow-ups still to come
    InterviewFactory(client=priya, starts_at=INTERVIEW_STARTS)  # its prep and thank-you too
    client.force_login(priya.coach)

    page = client.get(
        reverse("reminders_coach:client_reminders", kwargs={"client_pk": priya.pk})
    ).content.decode()

    assert "Reminders to priya@example.com are not getting through" in page
    assert "smtp;550 5.1.1 The email account that you tried to reach does not exist." in page
    assert "Prepare for the interview" in page
    assert page.count("Paused: the address stopped taking reminders on 10 Jun 2026") == 2
