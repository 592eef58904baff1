"""Bounces and spam complaints: what the email provider reports about a reminder after sending it.

A provider that sends for CoachDesk (EMAIL_PROVIDER, through anymail) posts its delivery events
to a tracking webhook, which anymail authenticates and turns into one `AnymailTrackingEvent`
per event, sent with its `tracking` signal to `tracking_event_received`. Only an address that
will not take our mail counts (`stops_mail`): a bounce for good, a refusal by the provider (its
suppression list: an address that bounced or complained before) or a spam complaint. Then:

- the reminder the report is about (`bounced_reminder`) becomes `failed`, with the reason in
  `last_error`: the coach home lists it (dashboard.attention's failed reminders) and the
  Reminders tab logs it;
- every client with that address is marked as bouncing (clients.services.clients_email_bounced),
  and from then on the reminders a client may turn off are held back (`paused_by_bounce`, read
  where the sweep records reminders and where the Reminders tab lists what is coming); the
  essential ones (reminders.emails.ESSENTIAL_KINDS) still go. The hold ends when the address is
  changed or the coach says it works again: both are the client's own writes, in clients.

Deliveries, opens, clicks, delays and soft bounces change nothing.
"""

from datetime import datetime, timedelta

from anymail.signals import AnymailTrackingEvent, EventType
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from clients.services import clients_email_bounced
from inbound.webhooks import PROVIDERS as INBOUND_PROVIDERS

from .emails import ESSENTIAL_KINDS
from .models import Reminder
from .occurrences import Occurrence

# How far back a report without a known message id looks for the reminder it is about: bounces
# come within minutes, complaints within days. And how far the provider's clock may run behind
# ours: a reminder refused at once can be reported a moment before we recorded it as sent.
BOUNCE_LOOKBACK = timedelta(days=3)
CLOCK_SLACK = timedelta(minutes=5)

# Event types that mean the address does not take our mail (anymail's normalised names).
STOPS_MAIL = frozenset({EventType.BOUNCED, EventType.REJECTED, EventType.COMPLAINED})
# Postmark reports a soft bounce as a bounce (its type stays in the raw event). It keeps trying,
# and reports a hard bounce if the address stays dead.
SOFT_BOUNCE_TYPES = {"Postmark": frozenset({"SoftBounce"})}


def provider_message_id(message) -> str | None:
    """The provider's id for a message just sent through an anymail backend (its reports name
    the message by it), or None: sent over SMTP, or the provider gave none."""
    status = getattr(message, "anymail_status", None)
    found = status.message_id if status is not None else None
    # A message to several recipients may get one id each (a set); a reminder has one.
    return None if found is None or isinstance(found, set) else str(found)


def stops_mail(event: AnymailTrackingEvent, esp_name: str) -> bool:
    if event.event_type not in STOPS_MAIL:
        return False
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    return raw.get("Type") not in SOFT_BOUNCE_TYPES.get(esp_name, frozenset())


def bounce_reason(event: AnymailTrackingEvent, esp_name: str) -> str:
    """What the coach reads: what happened, then the provider's and the mail server's words."""
    what = {
        EventType.COMPLAINED: f"Reported as spam by the recipient ({esp_name})",
        EventType.REJECTED: f"Refused by {esp_name}",
    }.get(event.event_type, f"Bounced ({esp_name})")
    details = []
    for text in (event.description, event.mta_response):
        text = " ".join((text or "").split())
        if text and text not in details:
            details.append(text)
    return f"{what}: {'; '.join(details)}" if details else f"{what}."


def bounced_reminder(*, message_id: str | None, recipient: str, at: datetime) -> Reminder | None:
    """The reminder a provider's report is about: by the provider's id for the message (stored
    when it was sent through the provider's API); else, among the reminders sent to the address
    in the BOUNCE_LOOKBACK before the report (not after it), the one with that Message-ID (a
    provider's SMTP relay may keep ours), or else the latest. A second report about the same
    message finds the same reminder: the one it failed keeps its `sent_at`."""
    if message_id:
        found = Reminder.objects.filter(provider_message_id=message_id).first()
        if found is not None:
            return found
    if not recipient:
        return None
    recent = Reminder.objects.filter(
        recipient_email=recipient,
        sent_at__gte=at - BOUNCE_LOOKBACK,
        sent_at__lte=at + CLOCK_SLACK,
    ).order_by("-sent_at", "-pk")
    if message_id:
        found = recent.filter(message_id=message_id).first()
        if found is not None:
            return found
    return recent.first()


@transaction.atomic
def reminder_bounce_record(
    *, message_id: str | None, recipient: str, at: datetime, reason: str
) -> Reminder | None:
    """Fails the reminder the report is about, with the reason, and marks the address as
    bouncing on every client who has it. Returns the reminder, if one was found."""
    recipient = (recipient or "").strip().lower()
    reminder = bounced_reminder(message_id=message_id, recipient=recipient, at=at)
    if reminder is not None:
        Reminder.objects.filter(
            pk=reminder.pk, status__in=[Reminder.Status.SENT, Reminder.Status.FAILED]
        ).update(status=Reminder.Status.FAILED, last_error=reason)
        recipient = recipient or reminder.recipient_email
    if recipient:
        clients_email_bounced(email=recipient, at=at, reason=reason)
    return reminder


def tracking_event_received(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs):
    """anymail's `tracking` signal, from one of the tracking webhooks below."""
    if not stops_mail(event, esp_name):
        return
    reminder_bounce_record(
        message_id=event.message_id,
        recipient=event.recipient or "",
        at=event.timestamp or timezone.now(),
        reason=bounce_reason(event, esp_name),
    )


def paused_by_bounce(occurrence: Occurrence) -> datetime | None:
    """Since when this reminder waits because its client's address bounced, or None if it goes.

    Only reminders the client may turn off wait, and only those to the client's own address;
    the essential ones and the coach's own still go."""
    client = occurrence.client
    if (
        occurrence.kind in ESSENTIAL_KINDS
        or client is None
        or occurrence.recipient_email != client.email
    ):
        return None
    return client.email_bounced_at


# --- the tracking webhooks ----------------------------------------------------------------------

TRACKING_VIEWS = {
    "mailgun": MailgunTrackingWebhookView,
    "postmark": PostmarkTrackingWebhookView,
}


def tracking_webhook(provider: str):
    """anymail's tracking view for the provider, answering only once the provider's webhook
    authentication is set: the same as its inbound webhook's (inbound.webhooks.PROVIDERS).
    anymail refuses a post with a wrong signature or password (400) before reading any event."""
    view = TRACKING_VIEWS[provider].as_view()
    _, configured = INBOUND_PROVIDERS[provider]

    @csrf_exempt
    def webhook(request, *args, **kwargs):
        if not configured():
            raise Http404("This provider's tracking webhook is not set up.")
        return view(request, *args, **kwargs)

    return webhook
