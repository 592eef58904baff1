"""Emails to a client about their coaching (not reminders, which are reminders.emails'): the
change of coach. Multipart, from "<coach> via CoachDesk", Reply-To the coach."""

import logging
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .models import Client

logger = logging.getLogger(__name__)


def new_coach_email_send(*, client: Client, previous_name: str) -> None:
    """Tells a client who their coach is now. Sent to the client's address whether or not they
    have a portal login: the coach who writes to them has changed either way."""
    coach = client.coach
    context = {
        "client": client,
        "coach": coach,
        "previous_name": previous_name,
        "site_url": settings.SITE_URL,
        "has_login": client.user_id is not None,
    }
    subject = " ".join(render_to_string("clients/emails/new_coach_subject.txt", context).split())
    sender_name, sender_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("clients/emails/new_coach_body.txt", context),
        from_email=formataddr((f"{coach.name} via {sender_name or 'CoachDesk'}", sender_address)),
        to=[client.email],
        reply_to=[coach.email],
    )
    message.attach_alternative(
        render_to_string("clients/emails/new_coach_body.html", context), "text/html"
    )
    message.send()
    logger.info("Client %s told of their new coach", client.pk)
