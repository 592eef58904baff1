"""Providers' tracking webhooks, through anymail's views and their authentication, with events
shaped as Mailgun and Postmark post them (and as anymail's own tests do): a hard bounce or a
spam complaint fails the reminder it is about, with the reason, which the coach home lists, and
marks the client's address; anything unauthenticated, soft or merely informative changes
nothing."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from clients.models import Client
from reminders.bounces import BOUNCE_LOOKBACK
from reminders.models import Reminder
from tests.factories import ClientFactory, CoachFactory, ContactFactory

pytestmark = pytest.mark.django_db

# Wednesday 10 June 2026, 12:00 UTC; the reminders below were sent a minute before.
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
SENT_AT = NOW - timedelta(minutes=1)
MAILGUN_KEY = "key-mailgun-webhook-signing-for-tests"
BASIC_AUTH = "postmark:webhook-secret-for-tests"
PROVIDERS = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY, "WEBHOOK_SECRET": [BASIC_AUTH]}

ADDRESS = "priya.shah@example.com"
MAILGUN_ID = "<20260610115900.1.4C2B9E7A1D3F5A60@mg.coachdesk.example>"
POSTMARK_ID = "2706ee8a-737c-4285-b032-ccd317af53ed"
NO_SUCH_MAILBOX = "5.1.1 The email account that you tried to reach does not exist."


@pytest.fixture(autouse=True)
def providers_set_up():
    with override_settings(ANYMAIL=PROVIDERS), time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def coach(db):
    return CoachFactory(timezone="Europe/London")


@pytest.fixture
def priya(coach):
    return ClientFactory(coach=coach, name="Priya Shah", email=ADDRESS, timezone="Europe/London")


def own_message_id(n: int) -> str:
    return f"<reminder-{n}.0123456789abcdef@coachdesk.example>"


def sent_reminder(client, *, provider_message_id=None, sent_at=SENT_AT, n=1, to=None):
    contact = ContactFactory(client=client, name=f"Olivia Brennan {n}")
    return Reminder.objects.create(
        kind=Reminder.Kind.OUTREACH_FOLLOW_UP,
        key=f"outreach_follow_up:contact-{contact.pk}:touch-{n}:step-3",
        client=client,
        contact=contact,
        recipient_email=to or client.email,
        due_at=sent_at,
        window_ends_at=sent_at + timedelta(days=2),
        next_attempt_at=sent_at,
        status=Reminder.Status.SENT,
        sent_at=sent_at,
        message_id=own_message_id(n),
        provider_message_id=provider_message_id,
    )


# --- posting as the providers post ------------------------------------------------------------


def basic_auth(credentials: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def mailgun_post(http_client, event_data: dict, *, key=MAILGUN_KEY):
    """Mailgun's JSON webhook, its signature block signed as Mailgun signs it. With
    ANYMAIL_WEBHOOK_SECRET set, every provider's URL carries its user:password too."""
    timestamp, token = str(int(NOW.timestamp())), "651869375b9df3c98fc15c4889b102119add1235c38fc9"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    body = {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": event_data,
    }
    return http_client.post(
        reverse("reminders:tracking_mailgun"),
        json.dumps(body),
        content_type="application/json",
        **basic_auth(BASIC_AUTH),
    )


def mailgun_event(event: str, *, message_id=MAILGUN_ID, recipient=ADDRESS, **extra) -> dict:
    return {
        "event": event,
        "id": "hTWCTD81RtiDN-4s1x6X0w",
        "timestamp": NOW.timestamp(),
        "log-level": "error",
        "recipient": recipient,
        "message": {
            "headers": {
                "to": recipient,
                "message-id": message_id.strip("<>"),
                "from": "CoachDesk <coachdesk@example.com>",
                "subject": "Olivia has not answered yet",
            },
        },
        **extra,
    }


def mailgun_hard_bounce(**overrides) -> dict:
    return mailgun_event(
        "failed",
        severity="permanent",
        reason="bounce",
        **{
            "delivery-status": {
                "tls": True,
                "mx-host": "mx.example.com",
                "attempt-no": 1,
                "description": "",
                "code": 550,
                "message": NO_SUCH_MAILBOX,
            }
        },
        **overrides,
    )


def postmark_post(http_client, payload: dict, *, auth=BASIC_AUTH):
    return http_client.post(
        reverse("reminders:tracking_postmark"),
        json.dumps(payload),
        content_type="application/json",
        **basic_auth(auth),
    )


def postmark_bounce(**overrides) -> dict:
    return {
        "RecordType": "Bounce",
        "ID": 901542550,
        "Type": "HardBounce",
        "TypeCode": 1,
        "ServerID": 23,
        "Name": "Hard bounce",
        "MessageID": POSTMARK_ID,
        "Description": "The server was unable to deliver your message (ex: unknown user, "
        "mailbox not found).",
        "Details": f"smtp;550 {NO_SUCH_MAILBOX}",
        "Email": ADDRESS,
        "From": "coachdesk@example.com",
        "BouncedAt": "2026-06-10T07:59:30.3963933-04:00",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Olivia has not answered yet",
        **overrides,
    }


def postmark_complaint() -> dict:
    return postmark_bounce(
        RecordType="SpamComplaint",
        Type="SpamComplaint",
        TypeCode=512,
        Name="Spam complaint",
        Description="",
        Details="Reported by the recipient's mailbox provider (feedback loop)",
        CanActivate=False,
    )


def refreshed(row):
    row.refresh_from_db()
    return row


# --- what a hard bounce or a complaint does ---------------------------------------------------


def test_a_hard_bounce_reported_by_mailgun_fails_the_reminder_with_the_reason(client, priya):
    reminder = sent_reminder(priya, provider_message_id=MAILGUN_ID)

    response = mailgun_post(client, mailgun_hard_bounce())

    assert response.status_code == 200
    reminder = refreshed(reminder)
    assert reminder.status == Reminder.Status.FAILED
    assert reminder.last_error == f"Bounced (Mailgun): {NO_SUCH_MAILBOX}"
    assert reminder.sent_at == SENT_AT  # it was sent; the provider could not deliver it
    priya = refreshed(priya)
    assert priya.email_bounced_at == NOW
    assert priya.email_bounce_reason == reminder.last_error


def test_a_hard_bounce_reported_by_postmark_fails_the_reminder_with_the_reason(client, priya):
    reminder = sent_reminder(priya, provider_message_id=POSTMARK_ID)

    response = postmark_post(client, postmark_bounce())

    assert response.status_code == 200
    reminder = refreshed(reminder)
    assert reminder.status == Reminder.Status.FAILED
    assert reminder.last_error == (
        "Bounced (Postmark): The server was unable to deliver your message (ex: unknown user, "
        f"mailbox not found).; smtp;550 {NO_SUCH_MAILBOX}"
    )
    assert refreshed(priya).email_bounced_at == datetime(2026, 6, 10, 11, 59, 30, 396393, UTC)


@pytest.mark.parametrize(
    ("post", "payload", "provider_id"),
    [
        (mailgun_post, mailgun_event("complained", **{"log-level": "warn"}), MAILGUN_ID),
        (postmark_post, postmark_complaint(), POSTMARK_ID),
    ],
    ids=["mailgun", "postmark"],
)
def test_a_spam_complaint_fails_the_reminder_and_marks_the_address(
    client, priya, post, payload, provider_id
):
    reminder = sent_reminder(priya, provider_message_id=provider_id)

    assert post(client, payload).status_code == 200

    reminder = refreshed(reminder)
    assert reminder.status == Reminder.Status.FAILED
    assert reminder.last_error.startswith("Reported as spam by the recipient")
    assert refreshed(priya).email_bounced_at is not None


@pytest.mark.parametrize(
    ("post", "payload", "provider_id"),
    [
        (mailgun_post, mailgun_hard_bounce(), MAILGUN_ID),
        (postmark_post, postmark_complaint(), POSTMARK_ID),
    ],
    ids=["mailgun-bounce", "postmark-complaint"],
)
def test_the_failed_reminder_shows_on_the_coach_home_with_the_reason(
    client, coach, priya, post, payload, provider_id
):
    sent_reminder(priya, provider_message_id=provider_id)
    post(client, payload)

    client.force_login(coach)
    page = client.get(reverse("dashboard:coach_home")).content.decode()

    assert "Reminder failed" in page
    reason = Reminder.objects.get().last_error
    assert f"Outreach follow-up about Olivia Brennan 1: {reason[:60]}" in page


def test_a_provider_refusing_to_send_to_a_suppressed_address_counts_as_a_bounce(client, priya):
    reminder = sent_reminder(priya, provider_message_id=POSTMARK_ID)
    refusal = postmark_bounce(
        Type="ManuallyDeactivated",
        TypeCode=8192,
        Name="Manually deactivated",
        Description="The email was manually deactivated.",
        Details="",
    )

    postmark_post(client, refusal)

    assert refreshed(reminder).last_error == (
        "Refused by Postmark: The email was manually deactivated."
    )
    assert refreshed(priya).email_bounced_at is not None


# --- what changes nothing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "post",
    [
        lambda c: mailgun_post(c, mailgun_hard_bounce(), key="not-the-signing-key"),
        lambda c: postmark_post(c, postmark_bounce(), auth="postmark:guessed"),
    ],
    ids=["mailgun-bad-signature", "postmark-wrong-password"],
)
def test_a_report_that_fails_authentication_is_refused_and_changes_nothing(client, priya, post):
    reminder = sent_reminder(priya, provider_message_id=MAILGUN_ID)
    sent_reminder(priya, provider_message_id=POSTMARK_ID, n=2)

    response = post(client)

    assert response.status_code == 400
    assert set(Reminder.objects.values_list("status", "last_error")) == {("sent", "")}
    assert refreshed(reminder).status == Reminder.Status.SENT
    assert refreshed(priya).email_bounced_at is None


@pytest.mark.parametrize(
    ("post", "payload", "provider_id"),
    [
        (
            mailgun_post,
            mailgun_event(
                "failed",
                severity="temporary",
                reason="generic",
                **{"delivery-status": {"code": 452, "message": "4.2.2 Mailbox full"}},
            ),
            MAILGUN_ID,
        ),
        (mailgun_post, mailgun_event("delivered"), MAILGUN_ID),
        (mailgun_post, mailgun_event("opened"), MAILGUN_ID),
        (postmark_post, postmark_bounce(Type="SoftBounce", TypeCode=4096), POSTMARK_ID),
        (postmark_post, postmark_bounce(Type="Transient", TypeCode=2), POSTMARK_ID),
        (
            postmark_post,
            {
                "RecordType": "Delivery",
                "ServerID": 23,
                "MessageID": POSTMARK_ID,
                "Recipient": ADDRESS,
                "DeliveredAt": "2026-06-10T07:59:10Z",
                "Details": "Test delivery webhook details",
            },
            POSTMARK_ID,
        ),
    ],
    ids=[
        "mailgun-temporary",
        "mailgun-delivered",
        "mailgun-opened",
        "postmark-soft",
        "postmark-transient",
        "postmark-delivered",
    ],
)
def test_soft_bounces_delays_and_deliveries_change_nothing(
    client, priya, post, payload, provider_id
):
    reminder = sent_reminder(priya, provider_message_id=provider_id)

    assert post(client, payload).status_code == 200

    assert refreshed(reminder).status == Reminder.Status.SENT
    assert refreshed(priya).email_bounced_at is None


@pytest.mark.parametrize("name", ["reminders:tracking_mailgun", "reminders:tracking_postmark"])
def test_a_provider_without_its_authentication_set_has_no_tracking_webhook(client, name):
    with override_settings(ANYMAIL={}):
        assert client.post(reverse(name), "{}", content_type="application/json").status_code == 404


# --- which reminder a report is about ----------------------------------------------------------


def test_the_same_report_twice_fails_the_one_reminder_once(client, priya):
    older = sent_reminder(priya, sent_at=SENT_AT - timedelta(hours=5), n=1)
    reminder = sent_reminder(priya, provider_message_id=POSTMARK_ID, n=2)

    for _ in range(2):
        assert postmark_post(client, postmark_bounce()).status_code == 200

    assert refreshed(reminder).status == Reminder.Status.FAILED
    assert refreshed(older).status == Reminder.Status.SENT


def test_a_report_through_an_smtp_relay_finds_the_reminder_by_its_own_message_id(client, priya):
    """Sent over SMTP through the provider (EMAIL_URL), a reminder has no provider id, and the
    provider reports the Message-ID it kept: ours."""
    reminder = sent_reminder(priya, n=1)
    sent_reminder(priya, sent_at=SENT_AT + timedelta(seconds=20), n=2)  # a later one

    mailgun_post(client, mailgun_hard_bounce(message_id=own_message_id(1)))

    assert refreshed(reminder).status == Reminder.Status.FAILED
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 1


def test_a_report_naming_no_known_message_fails_the_latest_reminder_sent_to_the_address(
    client, priya, coach
):
    too_old = sent_reminder(priya, sent_at=NOW - BOUNCE_LOOKBACK - timedelta(minutes=1), n=1)
    latest = sent_reminder(priya, sent_at=NOW - timedelta(hours=2), n=2)
    after_the_report = sent_reminder(priya, sent_at=NOW + timedelta(hours=1), n=3)
    to_the_coach = sent_reminder(priya, n=4, to=coach.email)

    postmark_post(client, postmark_bounce(MessageID="6c4f2a1e-0000-4000-8000-unknown"))

    assert refreshed(latest).status == Reminder.Status.FAILED
    assert {refreshed(r).status for r in (too_old, after_the_report, to_the_coach)} == {"sent"}


def test_a_bounce_for_an_address_no_reminder_went_to_still_marks_the_clients_who_have_it(
    client, priya, other_coach
):
    """A password reset or an invitation bounced: no reminder to fail, but the address is dead
    for every client who has it, on any caseload."""
    same_address = ClientFactory(coach=other_coach, email=ADDRESS)

    assert postmark_post(client, postmark_bounce()).status_code == 200

    assert not Reminder.objects.exists()
    assert Client.objects.filter(email_bounced_at__isnull=False).count() == 2
    assert refreshed(same_address).email_bounce_reason.startswith("Bounced (Postmark)")


def test_a_second_report_keeps_the_date_the_address_first_bounced(client, priya):
    sent_reminder(priya, provider_message_id=POSTMARK_ID)
    postmark_post(client, postmark_bounce())
    first = refreshed(priya).email_bounced_at

    later = postmark_complaint() | {"BouncedAt": "2026-06-10T08:30:00-04:00"}
    postmark_post(client, later)

    priya = refreshed(priya)
    assert priya.email_bounced_at == first
    assert priya.email_bounce_reason.startswith("Bounced (Postmark)")
