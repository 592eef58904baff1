"""Reads for the reminder pages, each a fixed number of queries whatever the data size.

What is still to come is derived by the same functions the sweep uses (reminders.occurrences),
over the same candidates (reminders.candidates), so what a coach sees coming up is what the
sweep will record when its time comes (tests/reminders/test_properties.py).
"""

from datetime import datetime

from django.db.models import QuerySet

from clients.models import Client

from . import candidates, occurrences
from .models import Reminder
from .occurrences import Occurrence


def upcoming_reminders(client: Client, now: datetime) -> list[Occurrence]:
    """The client's reminder occurrences due after `now` and not recorded yet, soonest first.

    The sweep's own candidates (reminders.candidates), read ahead: the interviews, the contacts
    waiting for a reply and those to keep in touch with, snoozed ones included, the action items
    just set or still to fall due, the weeks still to summarise, then the keys already
    recorded. A fixed number of queries however many interviews, contacts and items there are.
    Those held back while the client's address bounces are listed too, and the tab says so
    (reminders.bounces.paused_by_bounce): they come once the address is fixed.
    """
    if client.status != Client.Status.ACTIVE:
        return []  # Every rule stops for an archived client: nothing to read.
    caseload = Client.objects.filter(pk=client.pk)
    found = [
        *(
            occurrence
            for interview in candidates.interviews_with_reminders(now, clients=caseload, ahead=True)
            for occurrence in occurrences.interview_occurrences(interview)
        ),
        *(
            occurrence
            for contact, outreach in candidates.follow_up_candidates(
                now, clients=caseload, ahead=True
            )
            for occurrence in occurrences.follow_up_occurrences(contact, outreach)
        ),
        *(
            occurrences.keep_in_touch_occurrence(contact, last_touch)
            for contact, last_touch in candidates.keep_in_touch_candidates(
                now, clients=caseload, ahead=True
            )
        ),
        *(
            occurrences.action_assigned_occurrence(item)
            for item in candidates.action_items_assigned(now, clients=caseload)
        ),
        *(
            occurrences.action_due_occurrence(item)
            for item in candidates.action_items_due(now, clients=caseload, ahead=True)
        ),
        *(
            occurrences.weekly_summary_occurrence(summarised, monday)
            for summarised, monday in candidates.weekly_summary_candidates(
                now, clients=caseload, ahead=True
            )
        ),
    ]
    ahead = [occurrence for occurrence in found if occurrence and occurrence.due.at > now]
    if not ahead:
        return []
    recorded = set(
        Reminder.objects.filter(key__in=[o.key for o in ahead]).values_list("key", flat=True)
    )
    return sorted(
        (occurrence for occurrence in ahead if occurrence.key not in recorded),
        key=lambda occurrence: (occurrence.due.at, occurrence.key),
    )


def client_reminder_log(client: Client) -> QuerySet[Reminder]:
    """Every reminder recorded for the client, newest due first (paginate it)."""
    return client.reminders.select_related(
        "contact", "contact__company", "interview", "action_item"
    ).order_by("-due_at", "-pk")
