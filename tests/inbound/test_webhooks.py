"""Providers' inbound webhooks, through anymail's views and their authentication, with payloads
shaped as anymail's own tests post them (Mailgun's raw-MIME route forward, Postmark's inbound
JSON): the same service logs them, and anything unauthenticated or for no logging address logs
nothing."""

import base64
import hashlib
import hmac
import json

import pytest
from django.test import override_settings
from django.urls import reverse

from clients.models import Touch
from inbound.models import InboundMessage

from .conftest import ADDRESS, message_bytes

pytestmark = pytest.mark.django_db

MAILGUN_KEY = "key-mailgun-webhook-signing-for-tests"
BASIC_AUTH = "postmark:webhook-secret-for-tests"
PROVIDERS = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY, "WEBHOOK_SECRET": [BASIC_AUTH]}


@pytest.fixture(autouse=True)
def providers_set_up():
    with override_settings(ANYMAIL=PROVIDERS):
        yield


def basic_auth(credentials: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def mailgun_post(client, raw: bytes, *, key=MAILGUN_KEY, recipient=ADDRESS):
    """Mailgun's inbound route (forward to the URL), raw MIME, signed as Mailgun signs. With
    ANYMAIL_WEBHOOK_SECRET set, every provider's URL carries its user:password too."""
    timestamp, token = "1772733851", "e6a1f0b7c2d94f3a8b5e7d1c0f2a4b6c8d0e2f4a6b8c0d2e4f"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return client.post(
        reverse("inbound:webhook_mailgun"),
        {
            "body-mime": raw.decode(),
            "recipient": recipient,
            "sender": "priya.shah@example.com",
            "timestamp": timestamp,
            "token": token,
            "signature": signature,
        },
        **basic_auth(BASIC_AUTH),
    )


def postmark_payload(**overrides):
    """Postmark's inbound JSON (no RawEmail: the parsed fields anymail builds a message from)."""
    payload = {
        "FromName": "Priya Shah",
        "From": "priya.shah@example.com",
        "FromFull": {"Email": "priya.shah@example.com", "Name": "Priya Shah"},
        "To": "Olivia Brennan <olivia.brennan@example.org>",
        "ToFull": [{"Email": "olivia.brennan@example.org", "Name": "Olivia Brennan"}],
        "CcFull": [],
        "BccFull": [{"Email": ADDRESS, "Name": ""}],
        "OriginalRecipient": ADDRESS,
        "Subject": "Following up on a coffee chat",
        "MessageID": "22c74902-a0c1-4511-804f-341342852c90",
        "Date": "Mon, 9 Mar 2026 09:00:00 +0000",
        "TextBody": "Hi Olivia,\nJust following up on my note of last week.\nPriya",
        "HtmlBody": "",
        "Headers": [
            {"Name": "Return-Path", "Value": "<priya.shah@example.com>"},
            {"Name": "Message-ID", "Value": "<follow-up-by-postmark@mail.example.com>"},
        ],
        "Attachments": [
            {
                "Name": "notes.txt",
                "Content": base64.b64encode(b"private notes").decode(),
                "ContentType": "text/plain",
                "ContentLength": 13,
            }
        ],
    }
    return {**payload, **overrides}


def postmark_post(client, payload, *, auth=BASIC_AUTH):
    return client.post(
        reverse("inbound:webhook_postmark"),
        json.dumps(payload),
        content_type="application/json",
        **basic_auth(auth),
    )


def test_a_signed_mailgun_post_logs_the_forwarded_reply(client, contacts):
    response = mailgun_post(client, message_bytes("gmail_forward.eml"))

    assert response.status_code == 200
    touch = Touch.objects.get(kind=Touch.Kind.REPLY, contact=contacts["olivia"])
    assert touch.email_message_id == "CAKgmail-fwd-olivia@mail.gmail.com"


def test_mailgun_alone_needs_only_its_signing_key(client, contacts):
    with override_settings(ANYMAIL={"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}):
        response = mailgun_post(client, message_bytes("gmail_forward.eml"))

    assert response.status_code == 200
    assert Touch.objects.filter(email_message_id="CAKgmail-fwd-olivia@mail.gmail.com").exists()


def test_a_mailgun_post_with_a_bad_signature_is_refused_and_logs_nothing(client, contacts):
    before = Touch.objects.count()

    response = mailgun_post(client, message_bytes("gmail_forward.eml"), key="not-the-key")

    assert response.status_code == 400
    assert Touch.objects.count() == before
    assert not InboundMessage.objects.exists()


def test_a_mailgun_post_for_an_unknown_address_is_refused_without_retries(client, contacts):
    raw = message_bytes("gmail_forward.eml").replace(
        b"testpriya2inbox4token7", b"unknowntoken2345678"
    )

    response = mailgun_post(
        client, raw, recipient="log+unknowntoken2345678@inbound.coachdesk.localhost"
    )

    assert response.status_code == 406
    assert not InboundMessage.objects.exists()


def test_the_same_mailgun_post_twice_logs_one_touch(client, contacts):
    for _ in range(2):
        assert mailgun_post(client, message_bytes("gmail_forward.eml")).status_code == 200

    assert Touch.objects.filter(email_message_id="CAKgmail-fwd-olivia@mail.gmail.com").count() == 1


def test_a_postmark_post_with_basic_auth_logs_the_follow_up_copied_in_bcc(client, contacts):
    response = postmark_post(client, postmark_payload())

    assert response.status_code == 200
    touch = Touch.objects.get(email_message_id="follow-up-by-postmark@mail.example.com")
    assert (touch.contact, touch.kind) == (contacts["olivia"], Touch.Kind.FOLLOW_UP)
    assert touch.note == (
        "Following up on a coffee chat\nHi Olivia,\nJust following up on my note of last week.\n"
        "Priya"
    )
    assert "private notes" not in str(InboundMessage.objects.get().first_lines)


def test_a_postmark_post_with_the_wrong_password_is_refused_and_logs_nothing(client, contacts):
    response = postmark_post(client, postmark_payload(), auth="postmark:guessed")

    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


def test_a_postmark_post_for_a_revoked_address_is_refused_without_retries(client, priya, contacts):
    from inbound.services import logging_address_revoke

    logging_address_revoke(client=priya)

    response = postmark_post(client, postmark_payload())

    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize("name", ["inbound:webhook_mailgun", "inbound:webhook_postmark"])
def test_a_provider_without_its_authentication_set_has_no_webhook(client, name):
    with override_settings(ANYMAIL={}):
        assert client.post(reverse(name), {}).status_code == 404


@pytest.mark.parametrize("name", ["inbound:webhook_mailgun", "inbound:webhook_postmark"])
def test_a_webhook_refuses_a_body_over_the_size_limit_unread(client, unread_post, name):
    with override_settings(INBOUND_MAX_MESSAGE_BYTES=1000):
        response = unread_post(client, reverse(name), size=1001)

    assert response.status_code == 413


def test_nothing_is_ever_sent_in_answer(client, contacts, mailoutbox):
    mailgun_post(client, message_bytes("gmail_forward.eml"))
    postmark_post(client, postmark_payload())

    assert mailoutbox == []
