"""Reminders follow the client's coach: after a reassignment the coach's emails about the client go
to the new coach and the client's name them, even a notice recorded before and sent after; a
co-coach works on the client, but reminders keep naming the client's coach."""

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends import locmem

from clients import services as client_services
from clients.models import Company, Contact, Touch
from interviews import scheduling
from interviews.models import Interview
from reminders.emails import message_id_for
from reminders.models import Reminder
from reminders.sweep import run_sweep
from tests.factories import (
    ClientFactory,
    CoachFactory,
    ContactFactory,
    InterviewFactory,
    PortalClientFactory,
    TouchFactory,
)

pytestmark = pytest.mark.django_db

# Monday 1 June 2026, 09:00 UTC = 10:00 in London.
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
Kind = Reminder.Kind


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def sweep_at(clock, moment):
    clock.move_to(moment)
    return run_sweep(moment)


@pytest.fixture
def old_coach(colleague):
    return colleague


@pytest.fixture
def new_coach(coach):
    return CoachFactory(
        name="Tom Berg", membership__practice=coach.membership.practice, membership__role="coach"
    )


def mail_to(person) -> list:
    return [message for message in mail.outbox if message.to == [person.email]]


def everything_about(client) -> dict:
    return {
        "contacts": Contact.objects.filter(client=client).count(),
        "companies": Company.objects.filter(client=client).count(),
        "touches": Touch.objects.filter(contact__client=client).count(),
        "interviews": Interview.objects.filter(client=client).count(),
        "reminders": Reminder.objects.filter(client=client).count(),
        "portal login": client.user_id,
    }


def test_after_a_reassignment_the_new_coach_gets_the_overdue_notice_and_the_digest_entry(
    clock, coach, old_coach, new_coach, django_capture_on_commit_callbacks
):
    coach.daily_digest = False  # the admin who reassigns: not a party here
    coach.save()
    client = PortalClientFactory(coach=old_coach, name="Priya Shah", timezone="Europe/London")
    contact = ContactFactory(client=client, name="Sam Lee", company=None)
    TouchFactory(contact=contact, at=T0 - timedelta(days=20))
    # Tuesday 14:00 in London; its prep reminder is due on Monday at 14:00.
    interview = InterviewFactory(
        client=client, contact=contact, starts_at=datetime(2026, 6, 2, 13, 0, tzinfo=UTC)
    )
    # The old coach keeps another client with an overdue thank-you: their digest still comes.
    other = ClientFactory(coach=old_coach, name="Kim Ito", timezone="UTC")
    InterviewFactory(
        client=other,
        contact=ContactFactory(client=other, name="Lee Park", company=None),
        starts_at=datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
        status=Interview.Status.COMPLETED,
    )

    assert sweep_at(clock, datetime(2026, 6, 1, 13, 0, tzinfo=UTC)).sent == 1
    (prep,) = mail_to(client)
    assert prep.reply_to == [old_coach.email]
    before = everything_about(client)

    clock.move_to(datetime(2026, 6, 1, 14, 0, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        client_services.client_reassign(client=client, to_coach=new_coach, by=coach)
    told = mail_to(client)[-1]
    assert told.subject == "Tom Berg is your coach on CoachDesk now"
    assert told.reply_to == [new_coach.email]
    assert everything_about(client) == before

    scheduling.interview_set_status(interview=interview, status="completed")
    ends = interview.ends_at
    sweep_at(clock, ends + timedelta(hours=24))  # and Kim Ito's overdue notice, to the old coach
    thank_you = mail_to(client)[-1]
    assert "thank" in thank_you.subject.lower()
    assert thank_you.reply_to == [new_coach.email]

    old_coach_mail = len(mail_to(old_coach))
    sweep_at(clock, ends + timedelta(hours=48))
    (overdue,) = mail_to(new_coach)
    assert overdue.subject == "Thank-you overdue: Priya Shah and Sam Lee"
    assert len(mail_to(old_coach)) == old_coach_mail

    # Friday 07:30 UTC, the coaches' time: each digest lists its own coach's clients.
    sweep_at(clock, datetime(2026, 6, 5, 7, 30, tzinfo=UTC))
    new_digest = mail_to(new_coach)[-1]
    old_digest = mail_to(old_coach)[-1]
    assert new_digest.subject.startswith("Your day")
    assert old_digest.subject.startswith("Your day")
    assert "Priya Shah to Sam Lee" in new_digest.body
    assert "Kim Ito" not in new_digest.body
    assert "Kim Ito to Lee Park" in old_digest.body
    assert "Priya Shah" not in old_digest.body
    assert not any("Priya Shah" in m.body for m in mail_to(old_coach))

    # Nothing was lost on the way, and only the reminders the week brought were added.
    after = everything_about(client)
    assert after == before | {"reminders": before["reminders"] + 2}


@pytest.fixture
def refused_once(monkeypatch):
    """The mail server refuses the next message with a temporary error, then accepts."""
    send_messages = locmem.EmailBackend.send_messages
    refusals = [smtplib.SMTPDataError(451, b"4.3.0 Try again later")]

    def refuse_then_send(backend, messages):
        if refusals:
            raise refusals.pop()
        return send_messages(backend, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse_then_send)


def test_an_overdue_notice_that_failed_before_a_reassignment_goes_to_the_new_coach_once(
    clock, coach, old_coach, new_coach, refused_once
):
    client = ClientFactory(coach=old_coach, name="Priya Shah", timezone="Europe/London")
    interview = InterviewFactory(
        client=client,
        starts_at=datetime(2026, 6, 1, 12, 0, tzinfo=UTC),  # its notices miss the digests' hours
        status=Interview.Status.COMPLETED,
    )
    due = interview.ends_at + timedelta(hours=48)

    assert sweep_at(clock, due).retried == 1
    notice = Reminder.objects.get(kind=Kind.THANK_YOU_OVERDUE)
    assert (notice.status, notice.recipient_email) == ("pending", old_coach.email)

    client_services.client_reassign(client=client, to_coach=new_coach, by=coach)
    assert sweep_at(clock, notice.next_attempt_at).sent == 1
    for hours in (1, 5, 24):
        sweep_at(clock, notice.next_attempt_at + timedelta(hours=hours))

    assert [m.to for m in mail.outbox] == [[new_coach.email]]
    notice.refresh_from_db()
    assert (notice.status, notice.recipient_email) == ("sent", new_coach.email)
    assert mail.outbox[0].extra_headers["Message-ID"] == notice.message_id
    assert notice.message_id == message_id_for(notice)
    assert "Hello Tom" in mail.outbox[0].body


def test_a_shared_clients_reminders_still_name_the_clients_coach(clock, coach, colleague):
    co_coach = CoachFactory(
        name="Tom Berg", membership__practice=coach.membership.practice, membership__role="coach"
    )
    client = ClientFactory(coach=colleague, name="Priya Shah", timezone="Europe/London")
    client_services.client_share(client=client, coach=co_coach, by=colleague)
    interview = InterviewFactory(
        client=client,
        contact=ContactFactory(client=client, name="Sam Lee", company=None),
        starts_at=datetime(2026, 6, 1, 12, 0, tzinfo=UTC),  # its notices miss the digests' hours
        status=Interview.Status.COMPLETED,
    )

    sweep_at(clock, interview.ends_at + timedelta(hours=24))
    sweep_at(clock, interview.ends_at + timedelta(hours=48))
    sweep_at(clock, datetime(2026, 6, 4, 7, 30, tzinfo=UTC))  # Thursday's digests

    (thank_you,) = mail_to(client)
    assert thank_you.reply_to == [colleague.email]
    assert [m.subject for m in mail_to(colleague)] == [
        "Thank-you overdue: Priya Shah and Sam Lee",
        "Your day, Thursday 4 June: 0 interviews, 1 overdue thank-you, 0 waiting for a reply",
    ]
    assert mail_to(co_coach) == []
