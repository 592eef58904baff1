"""Reads for the reminder pages, each a fixed number of queries whatever the data size.

What is still to come is derived by the same functions the sweep uses (reminders.occurrences),
over the same candidate ranges (reminders.sweep), so what a coach sees coming up is what the
sweep will record when its time comes.
"""

from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from clients.models import Client, Contact, Touch
from interviews.models import Interview

from . import occurrences
from .models import Reminder
from .occurrences import Occurrence
from .sweep import INTERVIEW_PAST, KEEP_IN_TOUCH_PAST, OUTREACH_PAST


def upcoming_reminders(client: Client, now: datetime) -> list[Occurrence]:
    """The client's reminder occurrences due after `now` and not recorded yet, soonest first.

    Four queries however many interviews and contacts the client has: interviews, contacts
    waiting for a reply, contacts to keep in touch with, and the keys already recorded.
    """
    if client.status != Client.Status.ACTIVE:
        return []  # Every rule stops for an archived client: nothing to read.
    found = [
        *_interview_occurrences(client, now),
        *_follow_up_occurrences(client, now),
        *_keep_in_touch_occurrences(client, now),
    ]
    ahead = [occurrence for occurrence in found if occurrence.due.at > now]
    if not ahead:
        return []
    recorded = set(
        Reminder.objects.filter(key__in=[o.key for o in ahead]).values_list("key", flat=True)
    )
    return sorted(
        (occurrence for occurrence in ahead if occurrence.key not in recorded),
        key=lambda occurrence: (occurrence.due.at, occurrence.key),
    )


def _interview_occurrences(client: Client, now: datetime):
    # Everything after the start is due within INTERVIEW_PAST of it (thank-you, then overdue).
    interviews = client.interviews.filter(
        status__in=[Interview.Status.SCHEDULED, Interview.Status.COMPLETED],
        starts_at__gte=now - INTERVIEW_PAST,
    ).select_related("client", "client__coach", "contact", "contact__company", "debrief")
    for interview in interviews:
        yield from occurrences.interview_occurrences(interview)


def _latest_touch(contact_filter: dict) -> Subquery:
    return Touch.objects.filter(contact=OuterRef("pk"), **contact_filter).order_by("-at", "-pk")


def _follow_up_occurrences(client: Client, now: datetime):
    """Like sweep.latest_outreach_per_contact, for one client: each waiting contact with its
    latest outreach of the last OUTREACH_PAST, in one query."""
    outreach = _latest_touch({"kind": Touch.Kind.OUTREACH, "at__lte": now})
    contacts = (
        client.contacts.filter(stage=Contact.Stage.REACHED_OUT)
        .annotate(
            outreach_pk=Subquery(outreach.values("pk")[:1]),
            outreach_at=Subquery(outreach.values("at")[:1]),
        )
        .filter(outreach_at__gte=now - OUTREACH_PAST)
        .select_related("client", "company")
    )
    for contact in contacts:
        latest = Touch(pk=contact.outreach_pk, contact=contact, at=contact.outreach_at)
        yield from occurrences.follow_up_occurrences(contact, latest)


def _keep_in_touch_occurrences(client: Client, now: datetime):
    """Like sweep.due_keep_in_touch_occurrences, for one client, without its "due by now"
    bound: the ones not due yet are the point here."""
    if not client.remind_keep_in_touch:
        return
    last = _latest_touch({})
    contacts = (
        client.contacts.filter(stage__in=occurrences.KEEP_IN_TOUCH_STAGES)
        .annotate(
            last_touch_pk=Subquery(last.values("pk")[:1]),
            last_touch_at=Subquery(last.values("at")[:1]),
        )
        .filter(last_touch_at__gte=now - KEEP_IN_TOUCH_PAST)
        .select_related("client", "company")
    )
    for contact in contacts:
        latest = Touch(pk=contact.last_touch_pk, contact=contact, at=contact.last_touch_at)
        found = occurrences.keep_in_touch_occurrence(contact, latest)
        if found:
            yield found


def client_reminder_log(client: Client) -> QuerySet[Reminder]:
    """Every reminder recorded for the client, newest due first (paginate it)."""
    return client.reminders.select_related("contact", "contact__company", "interview").order_by(
        "-due_at", "-pk"
    )
