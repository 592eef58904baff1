"""Real messages, as mail programs write them (messages/*.eml), each logged as the right touch
on the right contact with the right note: the subject, then the first lines of new text."""

from datetime import UTC, datetime

import pytest

from clients.models import Contact, Touch
from inbound.models import InboundMessage, Suggestion
from inbound.services import Received

from .conftest import ADDRESS

pytestmark = pytest.mark.django_db

K, S = Touch.Kind, Contact.Stage

# (fixture, contact, kind, the note, the contact's stage afterwards)
CASES = [
    (
        # multipart/mixed: quoted-printable text, base64 HTML, a PDF attached; sent to Tariq
        # with the logging address in Bcc (it is only in Delivered-To).
        "multipart_outreach_bcc.eml",
        "tariq",
        K.OUTREACH,
        "Informatics questions – 20 minutes?\n"
        "Dear Tariq,\n"
        "Samir Haddad suggested I write to you. I am a hospital pharmacist looking at clinical "
        "informatics, and I would be grateful for 20 minutes of your time – whenever suits you.\n"
        "Kind regards,\n"
        "Priya",
        S.REACHED_OUT,
    ),
    (
        # RFC 2047 names, base64 body; Zoë answered all, the logging address was in Cc.
        "utf8_names_reply_all.eml",
        "zoe",
        K.REPLY,
        "Re: Kurze Frage – 20 Minuten?\n"
        "Hallo Priya,\n"
        "gerne! Ich stelle dich José vor, er leitet unser Data-Team.\n"
        "Passt dir Donnerstag um 15 Uhr?\n"
        "Viele Grüße\n"
        "Zoë",
        S.REPLIED,
    ),
    (
        "gmail_forward.eml",
        "olivia",
        K.REPLY,
        "Re: Coffee chat about product at Brightwell?\n"
        "Hi Priya,\n"
        "Happy to talk. I have copied Sam, who runs our clinical product team.\n"
        "How about Tuesday at 4pm?\n"
        "Olivia",
        S.REPLIED,
    ),
    (
        "outlook_forward.eml",
        "samir",
        K.REPLY,
        "RE: Pharmacy to product - a few questions\n"
        "Hi Priya,\n"
        "Yes, send me the questions and I will answer them before our call on Monday.\n"
        "Thanks,\n"
        "Samir",
        S.REPLIED,
    ),
    (
        "outlook_original_message.eml",
        "olivia",
        K.REPLY,
        "RE: Coffee chat\nTuesday works. See you then.\nOlivia",
        S.REPLIED,
    ),
    (
        "apple_forward.eml",
        "zoe",
        K.REPLY,
        "Re: Your note\n"
        "Thanks for the note, Priya – I would be glad to meet. Thursday works best.\n"
        "Zoë",
        S.REPLIED,
    ),
    (
        # Bcc'd, 40 quoted lines and a quoted Outlook header block below a signature.
        "long_quoted_follow_up.eml",
        "olivia",
        K.FOLLOW_UP,
        "Re: Coffee chat about product at Brightwell?\n"
        "Hi Olivia,\n"
        "Just bringing this back to the top of your inbox in case it got buried.\n"
        "Any 20 minutes in the next two weeks would be wonderful.\n"
        "Priya",
        S.REACHED_OUT,
    ),
    (
        # No text part: the text comes from the HTML, without its style, script or quote.
        "html_only_outreach.eml",
        "zoe",
        K.FOLLOW_UP,
        "A short question about supply-chain analytics\n"
        "Dear Zoë,\n"
        "I read your post about demand planning & would love 20 minutes of your time.\n"
        "Best wishes,\n"
        "Priya",
        S.REACHED_OUT,
    ),
]


@pytest.mark.parametrize(("name", "who", "kind", "note", "stage"), CASES)
def test_each_message_logs_the_right_touch_on_the_right_contact(
    receive, contacts, name, who, kind, note, stage
):
    before = Touch.objects.count()

    received = receive(name)

    assert received.outcome == Received.LOGGED
    (touch,) = received.touches
    contact = contacts[who]
    assert (touch.contact, touch.kind, touch.channel) == (contact, kind, Touch.Channel.EMAIL)
    assert touch.note == note
    assert touch.logged_by_email
    assert touch.email_message_id == received.message.message_id
    assert Touch.objects.count() == before + 1
    contact.refresh_from_db()
    assert contact.stage == stage
    assert received.message.status == InboundMessage.Status.LOGGED


def test_an_email_copied_in_bcc_is_logged_at_its_date(receive, contacts):
    touch = receive("multipart_outreach_bcc.eml").touches[0]

    assert touch.at == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


def test_a_forward_is_logged_when_it_arrives(receive, contacts):
    received = receive("gmail_forward.eml")

    assert received.message.forwarded
    assert received.touches[0].at == received.message.received_at


def test_attachments_are_read_but_never_kept(receive, contacts):
    received = receive("multipart_outreach_bcc.eml")

    row = InboundMessage.objects.get(pk=received.message.pk)
    kept = f"{row.subject} {row.first_lines} {row.participants} {received.touches[0].note}"
    assert "CV" not in kept
    assert "PDF" not in kept


def test_people_in_a_logged_email_who_are_not_contacts_become_suggestions(receive, contacts):
    receive("utf8_names_reply_all.eml")
    receive("gmail_forward.eml")
    receive("outlook_forward.eml")

    suggested = {
        s.email: s.label for s in Suggestion.objects.filter(client=contacts["olivia"].client)
    }
    assert suggested == {
        "jose.nunez@acme-robotics.com": "José Núñez of Acme Robotics",
        "sam.lee@brightwell-health.com": "Sam Lee of Brightwell Health",
        "grace.kim@caregrid.example": "Grace Kim of Caregrid",
    }
    assert Contact.objects.filter(email__in=suggested).count() == 0


def test_the_logging_address_the_client_and_contacts_are_never_suggested(receive, contacts):
    receive("utf8_names_reply_all.eml")

    emails = set(Suggestion.objects.values_list("email", flat=True))
    assert ADDRESS not in emails
    assert "priya.shah@example.com" not in emails
    assert "zoe.muller@example.org" not in emails


def test_a_contact_writing_from_a_tagged_address_is_still_matched(receive, contacts):
    contacts["olivia"].email = "olivia.brennan+work@example.org"
    contacts["olivia"].save()

    received = receive("gmail_forward.eml")

    assert received.touches[0].contact == contacts["olivia"]
