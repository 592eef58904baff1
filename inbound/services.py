"""Writes for inbound email: logging addresses, receiving a message, and what people decide
about the messages that matched nobody and the people suggested from them.

Every way a message arrives (a provider's webhook, `manage.py receive_email`) calls
`inbound_message_receive`, and every touch it logs goes through clients.services
(`contact_log_touch`), which moves the contact's stage as logging by hand does. A message is
taken at most once per client: its row is inserted first, under a unique key of the client and
the Message-ID, so a second delivery, even a simultaneous one, finds the key taken and logs
nothing. Nothing here ever sends mail: no message is answered.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.timezone import now

from clients.access import audience_of_clients, client_access_ended
from clients.models import Client, Contact, Touch
from clients.services import contact_log_touch, contact_save
from pagecache.pages import invalidate_users

from . import addresses, matching, parsing
from .models import InboundMessage, LoggingAddress, Suggestion
from .parsing import MessageUnreadable  # noqa: F401  (callers catch it from here)
from .participants import Participants, normalise_email

logger = logging.getLogger(__name__)


class AddressRefused(Exception):
    """The message is addressed to no active logging address (unknown, revoked, or of a client
    whose coaching ended): nothing is logged."""


def message_size_allowed(size: int) -> bool:
    return size <= settings.INBOUND_MAX_MESSAGE_BYTES


# --- logging addresses ------------------------------------------------------------------------


@transaction.atomic
def logging_address_issue(*, client: Client) -> LoggingAddress:
    """A new address for the client; the one they had stops working at once."""
    Client.objects.select_for_update().get(pk=client.pk)  # one issue at a time per client
    LoggingAddress.objects.filter(client=client).active().update(revoked_at=now())
    address = LoggingAddress(client=client, token=addresses.new_token())
    address.full_clean()
    address.save()
    return address


def logging_address_revoke(*, client: Client) -> bool:
    """Turns email logging off for the client; False if it was off."""
    return LoggingAddress.objects.filter(client=client).active().update(revoked_at=now()) > 0


# --- receiving --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    LOGGED, UNMATCHED, DUPLICATE = "logged", "unmatched", "duplicate"

    outcome: str
    message: InboundMessage
    touches: list[Touch] = field(default_factory=list)


def inbound_message_receive(
    *, message: AnymailInboundMessage, recipients: Iterable[str] = ()
) -> Received:
    """Log one received email for the client whose logging address it reached.

    `recipients` are the envelope's (what the provider or the mail server delivered to); the
    message's Delivered-To, X-Original-To, To and Cc are looked at too. Raises
    MessageUnreadable (no sender) or AddressRefused (no active logging address among them),
    having written nothing.
    """
    read = parsing.read_message(message)
    logging_address = _logging_address_among(
        [*recipients, *read.delivered_to, *(a.email for a in read.participants.recipients)]
    )
    client = logging_address.client
    # Sent to the logging address (To or Cc): a forward. Reached it only in Bcc: the original.
    forward = read.forwarded if _addressed_to(read, logging_address) else None
    if forward is not None:
        # A forward is logged when it arrives: the block's date is a display string in the
        # forwarder's language and timezone, and a forward follows the original closely.
        participants, subject = forward.participants, forward.subject or read.subject
        sent_at, lines = None, forward.first_lines
    else:
        participants, subject, sent_at, lines = (
            read.participants,
            read.subject,
            read.date,
            read.first_lines,
        )
    received_at = now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = InboundMessage.objects.create(
                    client=client,
                    message_id=read.message_id,
                    received_at=received_at,
                    sent_at=min(sent_at, received_at) if sent_at else None,
                    participants=participants.as_json(),
                    forwarded=forward is not None,
                    subject=subject,
                    first_lines=lines,
                    status=InboundMessage.Status.UNMATCHED,
                )
        except IntegrityError:
            existing = InboundMessage.objects.get(client=client, message_id=read.message_id)
            return Received(Received.DUPLICATE, existing)
        book = matching.ContactBook(client)
        touches = _log(row, matching.decide(client, participants, at=row.written_at, book=book))
        _suggest(row, matching.strangers(client, participants, book=book))
        _changed(client)
    return Received(Received.LOGGED if touches else Received.UNMATCHED, row, touches)


def _logging_address_among(candidates: Iterable[str]) -> LoggingAddress:
    tokens = [token for token in map(addresses.parse_token, candidates) if token]
    found = (
        LoggingAddress.objects.active()
        .filter(token__in=tokens)
        .select_related("client", "client__coach", "client__user")
        .first()
    )
    if found is None or client_access_ended(found.client):
        raise AddressRefused("No active logging address among the recipients.")
    return found


def _addressed_to(read: parsing.ReadMessage, logging_address: LoggingAddress) -> bool:
    return any(
        addresses.parse_token(address.email) == logging_address.token
        for address in read.participants.recipients
    )


def _log(row: InboundMessage, decisions: list[matching.Decision], *, by=None) -> list[Touch]:
    touches = [
        contact_log_touch(
            contact=decision.contact,
            kind=decision.kind,
            channel=Touch.Channel.EMAIL,
            at=row.written_at,
            note=row.note,
            by=by,
            email_message_id=row.message_id,
        )
        for decision in decisions
    ]
    if touches:
        row.status = InboundMessage.Status.LOGGED
        row.handled_by = by
        row.handled_at = now() if by is not None else None
        row.save(update_fields=["status", "handled_by", "handled_at"])
    return touches


def _suggest(row: InboundMessage, people) -> None:
    client = row.client
    Suggestion.objects.bulk_create(
        [
            Suggestion(
                client=client,
                email=person.email,
                name=matching.guess_name(person),
                company_name=matching.guess_company(client, person.email),
                seen_in=row,
            )
            for person in people
        ],
        # Someone already suggested (or dismissed) stays as they are.
        ignore_conflicts=True,
    )


def _changed(client: Client) -> None:
    """Pages showing the client's touches and counts are dropped once this is committed
    (a webhook is an anonymous request, receive_email no request at all)."""
    transaction.on_commit(partial(_invalidate_pages, client.pk))


def _invalidate_pages(client_id: int) -> None:
    invalidate_users(audience_of_clients([client_id]))


# --- what people decide -----------------------------------------------------------------------


def _claim_unmatched(message: InboundMessage) -> InboundMessage:
    row = InboundMessage.objects.select_for_update().select_related("client").get(pk=message.pk)
    if row.status != InboundMessage.Status.UNMATCHED:
        raise ValidationError("This message was already dealt with.")
    return row


@transaction.atomic
def inbound_message_resolve(*, message: InboundMessage, contact: Contact, kind: str, by) -> Touch:
    """Logs an unmatched message as a touch with the contact a person picked."""
    row = _claim_unmatched(message)
    if contact.client_id != row.client_id:
        raise ValidationError("Pick one of the client’s own contacts.")
    (touch,) = _log(row, [matching.Decision(contact, kind)], by=by)
    return touch


@transaction.atomic
def inbound_message_discard(*, message: InboundMessage, by) -> InboundMessage:
    """Drops an unmatched message. What it said is forgotten; its Message-ID stays, so the same
    email arriving again is not kept again."""
    row = _claim_unmatched(message)
    row.status = InboundMessage.Status.DISCARDED
    row.participants, row.subject, row.first_lines = Participants(sender=None).as_json(), "", ""
    row.handled_by, row.handled_at = by, now()
    row.save()
    return row


@transaction.atomic
def suggestion_accept(
    *, suggestion: Suggestion, contact: Contact, new_company_name: str = "", by
) -> tuple[Contact, list[Touch]]:
    """Adds the suggested person as a contact (clients.services.contact_save), then logs the
    client's unmatched messages they took part in, by the same rules as on arrival."""
    row = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if row.status != Suggestion.Status.PENDING:
        raise ValidationError("This suggestion was already dealt with.")
    contact = contact_save(contact=contact, new_company_name=new_company_name)
    row.status, row.contact = Suggestion.Status.ACCEPTED, contact
    row.save(update_fields=["status", "contact"])
    client = contact.client
    email = normalise_email(contact.email)
    touches = []
    if email:
        book = matching.ContactBook(client)
        waiting = InboundMessage.objects.filter(client=client).unmatched().order_by("received_at")
        for message in waiting.select_for_update():
            people = message.people
            if people.mentions(email) or people.mentions(row.email):
                decisions = matching.decide(client, people, at=message.written_at, book=book)
                touches += _log(message, decisions, by=by)
    _changed(client)
    return contact, touches


def suggestion_dismiss(*, suggestion: Suggestion) -> bool:
    """Not a contact: the person is not offered again. False if it was already decided."""
    return (
        Suggestion.objects.filter(pk=suggestion.pk, status=Suggestion.Status.PENDING).update(
            status=Suggestion.Status.DISMISSED
        )
        > 0
    )
