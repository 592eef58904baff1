"""`manage.py receive_email`: one message on standard input, exit statuses a Postfix pipe reads,
and the README's sample against the demo data."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings

from clients.models import Client, Touch
from coachdesk.demo.inbound import DEMO_TOKEN, SAMPLE_MESSAGE_ID
from inbound.management.commands.receive_email import EX_DATAERR, EX_NOUSER
from inbound.models import InboundMessage
from reminders import candidates

from .conftest import ADDRESS, message_bytes

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "sample-reply.eml"


def receive_email(raw: bytes, *args) -> str:
    out = io.StringIO()
    call_command("receive_email", *args, stdin=io.BytesIO(raw), stdout=out)
    return out.getvalue()


def test_it_logs_a_message_read_from_standard_input(contacts):
    said = receive_email(message_bytes("gmail_forward.eml"))

    assert said == "Logged for Priya Shah: reply received with Olivia Brennan.\n"
    assert contacts["olivia"].touches.filter(kind=Touch.Kind.REPLY).count() == 1


def test_the_envelope_recipient_finds_a_message_copied_in_bcc(contacts):
    raw = message_bytes("long_quoted_follow_up.eml").replace(b"Delivered-To:", b"X-Was-To:")

    said = receive_email(raw, "--recipient", ADDRESS)

    assert said.startswith("Logged for Priya Shah: follow-up with Olivia Brennan")


def test_a_second_delivery_exits_0_and_logs_nothing_new(contacts):
    receive_email(message_bytes("gmail_forward.eml"))

    said = receive_email(message_bytes("gmail_forward.eml"))

    assert said == "Already received (logged): nothing new logged.\n"
    assert InboundMessage.objects.count() == 1


def test_a_message_matching_nobody_exits_0_and_is_kept(contacts):
    raw = message_bytes("gmail_forward.eml").replace(b"olivia.brennan@", b"someone.else@")

    said = receive_email(raw)

    assert said == "Kept for Priya Shah: it matched none of their contacts.\n"
    assert InboundMessage.objects.get().status == InboundMessage.Status.UNMATCHED


def test_an_unknown_token_exits_67_and_logs_nothing(contacts):
    raw = message_bytes("gmail_forward.eml").replace(
        b"testpriya2inbox4token7", b"unknowntoken2345678"
    )

    with pytest.raises(CommandError) as refused:
        receive_email(raw)

    assert refused.value.returncode == EX_NOUSER == 67
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize("raw", [b"", b"\n\n", b"Subject: no sender\n\nHello\n"])
def test_an_unreadable_message_exits_65(contacts, raw):
    with pytest.raises(CommandError) as refused:
        receive_email(raw)

    assert refused.value.returncode == EX_DATAERR == 65
    assert not InboundMessage.objects.exists()


def test_a_message_over_the_size_limit_exits_65_and_logs_nothing(contacts):
    raw = message_bytes("multipart_outreach_bcc.eml")

    too_small = override_settings(INBOUND_MAX_MESSAGE_BYTES=len(raw) - 1)
    with too_small, pytest.raises(CommandError) as refused:
        receive_email(raw)

    assert refused.value.returncode == EX_DATAERR
    assert "larger than" in str(refused.value)
    assert not InboundMessage.objects.exists()


def test_a_message_of_exactly_the_size_limit_is_taken(contacts):
    raw = message_bytes("multipart_outreach_bcc.eml")

    with override_settings(INBOUND_MAX_MESSAGE_BYTES=len(raw)):
        said = receive_email(raw)

    assert said.startswith("Logged for Priya Shah: outreach with Tariq Aziz")


# A Friday: the demo's outreach to Olivia, four days earlier, is past 3 business days.
DEMO_DAY = datetime(2026, 6, 12, 12, 0, tzinfo=UTC)


def test_the_readme_sample_logs_olivias_reply_and_she_leaves_the_no_reply_list():
    with time_machine.travel(DEMO_DAY, tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        priya = Client.objects.get(email="client@example.com")
        caseload = Client.objects.caseload_of(priya.coach)

        def no_reply():
            return {s.contact.name for s in candidates.stalled_outreach(caseload, DEMO_DAY)}

        assert "Olivia Brennan" in no_reply()

        said = receive_email(SAMPLE.read_bytes())

        assert said == "Logged for Priya Shah: reply received with Olivia Brennan.\n"
        olivia = priya.contacts.get(name="Olivia Brennan")
        assert olivia.stage == "replied"
        assert olivia.touches.get(kind=Touch.Kind.REPLY).note.startswith(
            "Re: 20 minutes on moving from pharmacy into product?\nHi Priya,"
        )
        assert "Olivia Brennan" not in no_reply()
        most_urgent = candidates.stalled_outreach_most_urgent(caseload, DEMO_DAY, limit=50)
        shown = {t.contact.name for step in most_urgent.values() for t in step.outreach}
        assert "Olivia Brennan" not in shown


def test_seeding_again_lets_the_sample_be_tried_again():
    with time_machine.travel(DEMO_DAY, tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        receive_email(SAMPLE.read_bytes())

        call_command("seed_demo", stdout=io.StringIO())
        said = receive_email(SAMPLE.read_bytes())

    assert said.startswith("Logged for Priya Shah")
    assert Touch.objects.filter(email_message_id=SAMPLE_MESSAGE_ID).count() == 1


def test_the_sample_is_addressed_to_the_demo_clients_logging_address():
    assert f"To: log+{DEMO_TOKEN}@inbound.coachdesk.localhost" in SAMPLE.read_text()
    assert f"Message-ID: <{SAMPLE_MESSAGE_ID}>" in SAMPLE.read_text()
