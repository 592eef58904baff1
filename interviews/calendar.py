"""Calendar files (.ics) for interviews, and the secret feed a client subscribes to.

Events are written in the client's timezone, with its VTIMEZONE, so calendars show the wall-clock
time the interview was agreed in. An interview keeps one UID for life: a reschedule or a
cancellation only bumps SEQUENCE (Interview.calendar_sequence), so a calendar that already has
the event replaces it instead of adding a second one.
"""

import secrets
import zoneinfo
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from clients.models import Client

from .models import CalendarFeed, Interview

PRODID = "-//CoachDesk//Informational interviews//EN"

# The feed keeps a month of past interviews (so a debrief can still find the event) and is
# bounded, so a subscription stays a small download however long a client has been searching.
FEED_PAST = timedelta(days=30)
FEED_MAX_EVENTS = 500


def interview_uid(interview: Interview) -> str:
    return f"interview-{interview.pk}@{urlsplit(settings.SITE_URL).hostname}"


def prep_page_url(interview: Interview) -> str:
    path = reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk})
    return settings.SITE_URL.rstrip("/") + path


def client_zone(client: Client) -> zoneinfo.ZoneInfo:
    # Client.timezone is validated on save; a bad value in old rows must not break a feed.
    try:
        return zoneinfo.ZoneInfo(client.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def interview_location(interview: Interview) -> str:
    """Where to go: the address, the number to call, or the meeting link ("" if not known)."""
    if interview.format == Interview.Format.IN_PERSON:
        return interview.location
    if interview.format == Interview.Format.PHONE:
        return interview.phone or interview.contact.phone
    return interview.meeting_link or interview.get_platform_display()


def interview_summary(interview: Interview) -> str:
    contact = interview.contact
    who = f"{contact.name} ({contact.company.name})" if contact.company else contact.name
    summary = f"Informational interview with {who}"
    # Some calendar apps ignore STATUS:CANCELLED in a subscription and keep showing the event.
    if interview.status == Interview.Status.CANCELLED:
        return f"Cancelled: {summary}"
    return summary


def interview_description(interview: Interview) -> str:
    """What the event says: who, how to join, and the prep page. Never notes or the pitch: the
    feed can be read by anyone who has its link."""
    contact = interview.contact
    company = contact.company.name if contact.company else ""
    role = " at ".join(part for part in (contact.title, company) if part)
    lines = [f"{contact.name}, {role}" if role else contact.name]
    how = interview.get_format_display()
    if interview.format == Interview.Format.VIDEO and interview.platform:
        how = f"{how} ({interview.get_platform_display()})"
    where = interview_location(interview)
    lines.append(f"{how}: {where}" if where else how)
    lines.append(f"Prepare: {prep_page_url(interview)}")
    return "\n".join(lines)


def interview_event(interview: Interview) -> Event:
    """Expects interview.client and interview.contact.company loaded (select_related)."""
    zone = client_zone(interview.client)
    cancelled = interview.status == Interview.Status.CANCELLED
    return Event.new(
        uid=interview_uid(interview),
        start=interview.starts_at.astimezone(zone),
        end=interview.ends_at.astimezone(zone),
        summary=interview_summary(interview),
        location=interview_location(interview) or None,
        description=interview_description(interview),
        url=prep_page_url(interview),
        sequence=interview.calendar_sequence,
        status="CANCELLED" if cancelled else "CONFIRMED",
    )


def calendar_for(interviews, *, name: str) -> bytes:
    calendar = Calendar()
    calendar.prodid = PRODID
    calendar.version = "2.0"
    calendar.method = "PUBLISH"
    calendar.calendar_name = name
    events = [interview_event(interview) for interview in interviews]
    for event in events:
        calendar.add_component(event)
    if events:
        # Timezone rules only for the span the events cover (a day either side): the default
        # span, 1970 to 2038, lists every transition since 1970 and stops in 2038.
        calendar.add_missing_timezones(
            first_date=min(event.start for event in events).date() - timedelta(days=1),
            last_date=max(event.end for event in events).date() + timedelta(days=1),
        )
    return calendar.to_ical()


# -- the subscription feed --------------------------------------------------------------------


def feed_name(client: Client) -> str:
    return f"CoachDesk · {client.name}"


def feed_url(feed: CalendarFeed) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "interviews:calendar_feed", kwargs={"token": feed.token}
    )


def feed_webcal_url(feed: CalendarFeed) -> str:
    """The same URL as webcal://, which calendar apps open as "subscribe"."""
    return "webcal://" + feed_url(feed).split("://", 1)[1]


def feed_interviews(client: Client):
    """The feed's events, in one query whatever their number: cancelled ones too, so that
    subscribed calendars drop them. Reading through `client.interviews` gives every row this
    same client object, so `interview.client` costs no query."""
    since = timezone.now() - FEED_PAST
    return (
        client.interviews.filter(starts_at__gte=since)
        .select_related("contact__company")
        .order_by("starts_at")[:FEED_MAX_EVENTS]
    )


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def calendar_feed_create(*, client: Client) -> tuple[CalendarFeed, bool]:
    """The client's feed, created if there is none; True when it was created just now."""
    return CalendarFeed.objects.get_or_create(client=client, defaults={"token": new_feed_token()})


@transaction.atomic
def calendar_feed_rotate(*, client: Client) -> CalendarFeed:
    """A new row with a new token: the old URL stops working at once."""
    # Lock the client so two rotations at once cannot both create a row (OneToOne).
    Client.objects.select_for_update().get(pk=client.pk)
    CalendarFeed.objects.filter(client=client).delete()
    return CalendarFeed.objects.create(client=client, token=new_feed_token())


def calendar_feed_revoke(*, client: Client) -> bool:
    """Deletes the feed; False if there was none."""
    deleted, _ = CalendarFeed.objects.filter(client=client).delete()
    return deleted > 0
