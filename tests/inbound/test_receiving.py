"""The receiving service: once per Message-ID, nothing for an unknown or revoked address, what
matches nobody kept for a person, and a reply by email ending the follow-ups like any reply."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import IntegrityError

from clients import services as client_services
from clients.models import Client, Contact, Touch
from inbound import services
from inbound.models import InboundMessage, LoggingAddress, Suggestion
from inbound.services import AddressRefused, MessageUnreadable, Received
from reminders.models import Reminder
from reminders.sweep import run_sweep
from tests.factories import ContactFactory

from .conftest import ADDRESS, TOKEN, parsed

pytestmark = pytest.mark.django_db


def message_to(address, *, sender="Priya Shah <priya.shah@example.com>", to=None, body="Hello"):
    from anymail.inbound import AnymailInboundMessage

    raw = (
        f"From: {sender}\nTo: {to or address}\nSubject: Hello\n"
        f"Message-ID: <hello-{address}>\nDate: Mon, 9 Mar 2026 10:00:00 +0000\n\n{body}\n"
    )
    return AnymailInboundMessage.parse_raw_mime(raw)


def test_the_same_message_logs_one_touch_however_often_it_arrives(receive, contacts):
    first = receive("gmail_forward.eml")
    again = receive("gmail_forward.eml")
    once_more = receive("gmail_forward.eml", recipients=[ADDRESS])

    assert first.outcome == Received.LOGGED
    assert again.outcome == once_more.outcome == Received.DUPLICATE
    assert again.message == first.message
    assert Touch.objects.filter(email_message_id=first.message.message_id).count() == 1
    assert InboundMessage.objects.count() == 1


def test_the_database_refuses_a_second_row_for_the_same_message(priya):
    InboundMessage.objects.create(client=priya, message_id="m@example.org", status="unmatched")

    with pytest.raises(IntegrityError):
        InboundMessage.objects.create(client=priya, message_id="m@example.org", status="logged")


def test_the_database_refuses_a_second_touch_from_one_email_for_one_contact(contacts):
    olivia = contacts["olivia"]
    Touch.objects.create(contact=olivia, kind="reply", email_message_id="m@example.org")

    with pytest.raises(IntegrityError):
        Touch.objects.create(contact=olivia, kind="reply", email_message_id="m@example.org")


@pytest.mark.parametrize(
    "address",
    [
        "log+nosuchtoken4anybody2@inbound.coachdesk.localhost",
        f"log+{TOKEN}@another.example",  # a real token at another domain
        "priya.shah@example.com",
    ],
)
def test_a_message_for_no_logging_address_is_refused_and_logs_nothing(contacts, address):
    before = Touch.objects.count()

    with pytest.raises(AddressRefused):
        services.inbound_message_receive(message=message_to(address), recipients=[address])

    assert Touch.objects.count() == before
    assert not InboundMessage.objects.exists()
    assert not Suggestion.objects.exists()


def test_a_replaced_address_stops_working_and_the_new_one_works(priya, contacts):
    new = services.logging_address_issue(client=priya)

    with pytest.raises(AddressRefused):
        services.inbound_message_receive(message=parsed("gmail_forward.eml"))
    received = services.inbound_message_receive(
        message=message_to(new.address, to="Olivia Brennan <olivia.brennan@example.org>"),
        recipients=[new.address],
    )

    assert received.outcome == Received.LOGGED
    assert LoggingAddress.objects.filter(client=priya).active().get() == new


def test_a_revoked_address_is_refused(priya, contacts):
    assert services.logging_address_revoke(client=priya)

    with pytest.raises(AddressRefused):
        services.inbound_message_receive(message=parsed("gmail_forward.eml"))
    assert not services.logging_address_revoke(client=priya)


def test_an_archived_clients_address_is_refused(priya, contacts):
    client_services.client_set_archived(client=priya, archived=True)

    with pytest.raises(AddressRefused):
        services.inbound_message_receive(message=parsed("gmail_forward.eml"))


def test_a_message_without_a_sender_is_unreadable(priya):
    from anymail.inbound import AnymailInboundMessage

    message = AnymailInboundMessage.parse_raw_mime(f"To: {ADDRESS}\nSubject: ?\n\nHello\n")

    with pytest.raises(MessageUnreadable):
        services.inbound_message_receive(message=message)
    assert not InboundMessage.objects.exists()


def test_a_message_matching_nobody_is_kept_unmatched_with_its_participants(priya, contacts):
    message = message_to(
        ADDRESS,
        to="Sam Lee <sam.lee@acme.example>",
        body="Dear Sam,\nCould we talk?\n\nOn Mon, 2 Mar 2026, Sam wrote:\n> no",
    )

    received = services.inbound_message_receive(message=message, recipients=[ADDRESS])

    assert received.outcome == Received.UNMATCHED
    row = received.message
    assert row.status == InboundMessage.Status.UNMATCHED
    assert str(row.people.sender) == "Priya Shah <priya.shah@example.com>"
    assert [str(a) for a in row.people.to] == ["Sam Lee <sam.lee@acme.example>"]
    assert row.first_lines == "Dear Sam,\nCould we talk?"
    assert not Touch.objects.filter(email_message_id=row.message_id).exists()
    assert Suggestion.objects.get().label == "Sam Lee of Acme"


def test_resolving_an_unmatched_message_logs_the_touch_picked(priya, contacts, coach):
    row = services.inbound_message_receive(
        message=message_to(ADDRESS, to="Tariq <tariq@home.example>"), recipients=[ADDRESS]
    ).message

    touch = services.inbound_message_resolve(
        message=row, contact=contacts["tariq"], kind=Touch.Kind.OUTREACH, by=coach
    )

    row.refresh_from_db()
    assert (touch.contact, touch.kind, touch.logged_by) == (contacts["tariq"], "outreach", coach)
    assert touch.note == "Hello\nHello"
    assert row.status == InboundMessage.Status.LOGGED
    contacts["tariq"].refresh_from_db()
    assert contacts["tariq"].stage == Contact.Stage.REACHED_OUT


def test_a_discarded_message_forgets_what_it_said_and_is_not_kept_again(priya, contacts, coach):
    message = message_to(ADDRESS, to="Someone <someone@elsewhere.example>")
    row = services.inbound_message_receive(message=message, recipients=[ADDRESS]).message

    services.inbound_message_discard(message=row, by=coach)
    again = services.inbound_message_receive(message=message, recipients=[ADDRESS])

    row.refresh_from_db()
    assert (row.status, row.subject, row.first_lines) == ("discarded", "", "")
    assert row.people.everyone == ()
    assert again.outcome == Received.DUPLICATE


def test_accepting_a_suggestion_adds_the_contact_and_logs_the_emails_they_were_in(
    priya, contacts, coach
):
    message = message_to(ADDRESS, to="Sam Lee <sam.lee@acme.example>")
    row = services.inbound_message_receive(message=message, recipients=[ADDRESS]).message
    suggestion = Suggestion.objects.get()

    contact, touches = services.suggestion_accept(
        suggestion=suggestion,
        contact=Contact(client=priya, name="Sam Lee", email="sam.lee@acme.example"),
        new_company_name="Acme",
        by=coach,
    )

    suggestion.refresh_from_db()
    row.refresh_from_db()
    assert (suggestion.status, suggestion.contact) == (Suggestion.Status.ACCEPTED, contact)
    assert contact.company.name == "Acme"
    assert [(t.contact, t.kind) for t in touches] == [(contact, Touch.Kind.OUTREACH)]
    assert row.status == InboundMessage.Status.LOGGED


def test_a_dismissed_suggestion_is_not_offered_again(priya, contacts):
    services.inbound_message_receive(
        message=message_to(ADDRESS, to="Sam Lee <sam.lee@acme.example>"), recipients=[ADDRESS]
    )
    assert services.suggestion_dismiss(suggestion=Suggestion.objects.get())

    message = message_to(ADDRESS, to="Sam Lee <sam.lee@acme.example>", body="Second try")
    message.replace_header("Message-ID", "<second-try@example.com>")
    services.inbound_message_receive(message=message, recipients=[ADDRESS])

    assert list(Suggestion.objects.values_list("status", flat=True)) == ["dismissed"]


def test_a_message_from_the_client_to_a_contact_who_answered_is_not_outreach(priya, contacts):
    message = message_to(ADDRESS, to="Samir <samir.haddad@pulse.example>")

    (touch,) = services.inbound_message_receive(message=message, recipients=[ADDRESS]).touches

    assert touch.kind == Touch.Kind.OTHER


# --- a reply by email ends the 3B7 follow-ups through the rules ----------------------------------

FRIDAY = datetime(2026, 6, 5, 9, 0, tzinfo=UTC)  # 10:00 in London
TUESDAY = datetime(2026, 6, 9, 9, 0, tzinfo=UTC)
WEDNESDAY = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)  # 3 business days after the outreach


def test_a_reply_logged_by_email_stops_the_pending_3_day_follow_up(priya, receive):
    Client.objects.filter(pk=priya.pk).update(timezone="Europe/London")
    olivia = ContactFactory(client=priya, name="Olivia Brennan", email="olivia.brennan@example.org")
    zoe = ContactFactory(client=priya, name="Zoë Müller", email="zoe.muller@example.org")
    with time_machine.travel(FRIDAY, tick=False) as clock:
        for contact in (olivia, zoe):
            client_services.contact_log_touch(
                contact=contact, kind=Touch.Kind.OUTREACH, channel=Touch.Channel.EMAIL
            )
        clock.move_to(TUESDAY)
        assert run_sweep(TUESDAY).recorded == 0
        receive("gmail_forward.eml")  # Olivia's answer, forwarded

        clock.move_to(WEDNESDAY)
        run_sweep(WEDNESDAY)

    assert not Reminder.objects.filter(contact=olivia).exists()
    # The control: Zoë, who has not answered, is followed up.
    assert Reminder.objects.get(contact=zoe).kind == "outreach_follow_up"
