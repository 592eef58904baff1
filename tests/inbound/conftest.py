"""Priya, her logging address and her contacts, as the message fixtures in messages/ name them.

The messages were written in March 2026; the tests run on Wednesday 11 March 2026 at noon UTC,
after every one of them, so no date is clamped to "now".
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from anymail.inbound import AnymailInboundMessage

from clients.models import Contact, Touch
from inbound.models import LoggingAddress
from inbound.services import inbound_message_receive
from tests.factories import ContactFactory, PortalClientFactory, TouchFactory

MESSAGES = Path(__file__).parent / "messages"
TOKEN = "testpriya2inbox4token7"
ADDRESS = f"log+{TOKEN}@inbound.coachdesk.localhost"
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
OUTREACH_AT = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


@pytest.fixture(autouse=True)
def after_the_messages():
    with time_machine.travel(NOW, tick=False):
        yield


def message_bytes(name: str) -> bytes:
    return (MESSAGES / name).read_bytes()


def parsed(name: str) -> AnymailInboundMessage:
    return AnymailInboundMessage.parse_raw_mime_bytes(message_bytes(name))


@pytest.fixture
def receive():
    """Hands a fixture message to the receiving service, as receive_email does."""

    def receive(name: str, recipients=()):
        return inbound_message_receive(message=parsed(name), recipients=recipients)

    return receive


@pytest.fixture
def priya(coach):
    client = PortalClientFactory(
        coach=coach, name="Priya Shah", email="priya.shah@example.com", timezone="Europe/London"
    )
    LoggingAddress.objects.create(client=client, token=TOKEN)
    return client


def _contact(client, name, email, stage, kinds=()):
    contact = ContactFactory(client=client, name=name, email=email, stage=stage)
    for kind in kinds:
        TouchFactory(contact=contact, kind=kind, at=OUTREACH_AT)
    return contact


@pytest.fixture
def contacts(priya):
    """Olivia and Zoë were written to on 2 March and have not answered; Tariq is new; Samir
    answered already."""
    stage, kind = Contact.Stage, Touch.Kind
    return {
        "olivia": _contact(
            priya,
            "Olivia Brennan",
            "olivia.brennan@example.org",
            stage.REACHED_OUT,
            [kind.OUTREACH],
        ),
        "zoe": _contact(
            priya, "Zoë Müller", "zoe.muller@example.org", stage.REACHED_OUT, [kind.OUTREACH]
        ),
        "tariq": _contact(priya, "Tariq Aziz", "tariq.aziz@northstar.example", stage.IDENTIFIED),
        "samir": _contact(
            priya,
            "Samir Haddad",
            "samir.haddad@pulse.example",
            stage.REPLIED,
            [kind.OUTREACH, kind.REPLY],
        ),
    }
