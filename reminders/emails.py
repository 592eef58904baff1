"""One helper builds every reminder email: multipart text + HTML from three templates per kind
(templates/reminders/emails/<kind>_subject.txt, _body.txt, _body.html)."""

import hashlib
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .digest import digest_for
from .models import Reminder


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def message_id_for(reminder: Reminder) -> str:
    """Derived from the reminder, so a re-send after a crash carries the same Message-ID."""
    digest = hashlib.sha256(reminder.key.encode()).hexdigest()[:16]
    host = urlsplit(settings.SITE_URL).hostname or "coachdesk.local"
    return f"<reminder-{reminder.pk}.{digest}@{host}>"


def email_context(reminder: Reminder) -> dict:
    interview = reminder.interview
    client = reminder.client
    context = {
        "reminder": reminder,
        "client": client,
        "contact": reminder.contact,
        "company": reminder.contact.company if reminder.contact else None,
        "interview": interview,
        "coach": client.coach if client else reminder.coach,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    if interview is not None:
        context["prep_url"] = site_url(
            reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk})
        )
        zone = client.timezone
        context["starts_local"] = timezone.localtime(interview.starts_at, zoneinfo.ZoneInfo(zone))
        context["ends_local"] = timezone.localtime(interview.ends_at, zoneinfo.ZoneInfo(zone))
    if reminder.contact is not None:
        context["contact_url"] = site_url(
            reverse("clients:contact_detail", kwargs={"contact_pk": reminder.contact.pk})
        )
    if reminder.kind == Reminder.Kind.COACH_DIGEST:
        context["digest"] = digest_for(reminder.coach, reminder.due_at)
    return context


def build_message(reminder: Reminder) -> EmailMultiAlternatives:
    context = email_context(reminder)
    base = f"reminders/emails/{reminder.kind}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    text = render_to_string(f"{base}_body.txt", context)
    html = render_to_string(f"{base}_body.html", context)
    coach = context["coach"]
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.recipient_email],
        reply_to=[coach.email] if coach and coach.email != reminder.recipient_email else None,
        headers={"Message-ID": message_id_for(reminder)},
    )
    message.attach_alternative(html, "text/html")
    return message
