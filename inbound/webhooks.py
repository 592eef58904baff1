"""Providers' inbound webhooks: anymail's views, which check each post's authentication and
turn the provider's payload into an AnymailInboundMessage, then send anymail's `inbound` signal,
which `message_received` below hands to the one receiving service.

What these views add to anymail's: a provider's URL exists only once its authentication is set
(anymail would take unsigned Postmark posts with a warning); a body over the inbound size limit
is refused unread; and a message for no active logging address, or without a sender, is
refused with the status that tells that provider not to retry it (logging nothing). A failed
signature is anymail's AnymailWebhookValidationFailure: 400, before the message is parsed.
"""

from anymail.utils import get_anymail_setting
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from coachdesk.middleware import declared_body_size

from . import services


def message_received(sender, event, esp_name, **kwargs):
    """anymail's inbound signal: one message from one of the views below."""
    message = event.message
    services.inbound_message_receive(
        message=message,
        recipients=[message.envelope_recipient] if message.envelope_recipient else [],
    )


class RefusingMixin:
    """Turns the receiving service's refusals into this provider's "do not retry" status."""

    refused_status = 400

    def post(self, request, *args, **kwargs):
        if not services.message_size_allowed(declared_body_size(request)):
            return HttpResponse("Message too large.", status=413, content_type="text/plain")
        try:
            return super().post(request, *args, **kwargs)
        except services.AddressRefused:
            reason = "No such logging address."
        except services.MessageUnreadable:
            reason = "No sender address."
        return HttpResponse(reason, status=self.refused_status, content_type="text/plain")


class MailgunInbound(RefusingMixin, MailgunInboundWebhookView):
    # Mailgun retries every failure except 406 Not Acceptable.
    refused_status = 406


class PostmarkInbound(RefusingMixin, PostmarkInboundWebhookView):
    # Postmark stops retrying an inbound post answered 403.
    refused_status = 403


def _setting(name: str, esp_name: str | None = None):
    return get_anymail_setting(name, esp_name=esp_name, default=None)


# Each provider's view, and whether its authentication is set: a Mailgun signing key (or the
# API key anymail falls back to), or for Postmark the basic-auth user:password of its URL.
PROVIDERS = {
    "mailgun": (
        MailgunInbound,
        lambda: bool(_setting("webhook_signing_key", "Mailgun") or _setting("api_key", "Mailgun")),
    ),
    "postmark": (PostmarkInbound, lambda: bool(_setting("webhook_secret"))),
}


def provider_webhook(provider: str):
    view_class, configured = PROVIDERS[provider]
    view = view_class.as_view()

    @csrf_exempt
    def webhook(request, *args, **kwargs):
        if not configured():
            raise Http404("This provider's inbound webhook is not set up.")
        return view(request, *args, **kwargs)

    return webhook
