"""1. What is due: record every due occurrence once, and close contacts that went quiet.

The occurrences come from reminders.occurrences (the rules, applied to state) over the
candidates of reminders.candidates (the selections and windows every page reads too).
"""

import zoneinfo
from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone

from accounts.models import User
from clients.services import contacts_close_no_response

from .. import candidates, occurrences, rules
from ..bounces import paused_by_bounce
from ..digest import digest_for
from ..models import Reminder
from ..occurrences import Occurrence


def due_interview_occurrences(now: datetime) -> Iterator[Occurrence]:
    for interview in candidates.interviews_with_reminders(now):
        yield from occurrences.interview_occurrences(interview)


def due_follow_up_occurrences(now: datetime) -> Iterator[Occurrence]:
    for contact, outreach in candidates.follow_up_candidates(now):
        yield from occurrences.follow_up_occurrences(contact, outreach)


def due_keep_in_touch_occurrences(now: datetime) -> Iterator[Occurrence]:
    for contact, last_touch in candidates.keep_in_touch_candidates(now):
        found = occurrences.keep_in_touch_occurrence(contact, last_touch)
        if found:
            yield found


def due_digest_occurrences(now: datetime) -> Iterator[Occurrence]:
    for coach in User.objects.filter(role=User.Role.COACH, is_active=True, daily_digest=True):
        local_date = timezone.localtime(now, zoneinfo.ZoneInfo(coach.timezone)).date()
        found = occurrences.digest_occurrence(coach, local_date)
        # The window check first: the digest's own queries run only for coaches whose 07:30
        # has come (bench/README.md: checking every coach every minute cost seconds per sweep).
        if found and found.due.is_open(now) and digest_for(coach, now).has_news:
            yield found


def due_action_assigned_occurrences(now: datetime) -> Iterator[Occurrence]:
    for item in candidates.action_items_assigned(now):
        found = occurrences.action_assigned_occurrence(item)
        if found:
            yield found


def due_action_due_occurrences(now: datetime) -> Iterator[Occurrence]:
    for item in candidates.action_items_due(now):
        found = occurrences.action_due_occurrence(item)
        if found:
            yield found


def due_weekly_summary_occurrences(now: datetime) -> Iterator[Occurrence]:
    for client, monday in candidates.weekly_summary_candidates(now):
        found = occurrences.weekly_summary_occurrence(client, monday)
        if found:
            yield found


SOURCES = (
    due_interview_occurrences,
    due_follow_up_occurrences,
    due_keep_in_touch_occurrences,
    due_digest_occurrences,
    due_action_assigned_occurrences,
    due_action_due_occurrences,
    due_weekly_summary_occurrences,
)


def record_due_reminders(now: datetime) -> int:
    """Insert a row for every due occurrence not recorded yet. Safe to run concurrently: the
    unique key makes a second insert of the same occasion impossible.

    An occurrence held back because its client's address bounced (reminders.bounces.
    paused_by_bounce) is not recorded, here and nowhere else: once the address is changed or
    works again, those whose window is still open are recorded and sent."""
    due = [
        found
        for source in SOURCES
        for found in source(now)
        if found.due.is_open(now) and not paused_by_bounce(found)
    ]
    if not due:
        return 0
    known = set(Reminder.objects.filter(key__in=[o.key for o in due]).values_list("key", flat=True))
    new = [o.as_reminder(now) for o in due if o.key not in known]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


NO_RESPONSE_NOTE = "No reply after the outreach and two follow-up reminders."


def close_silent_contacts(now: datetime, changed_clients: set[int] | None = None) -> int:
    """After the 3B7 follow-ups, a contact silent for 14 business days goes to "no response".

    A fixed number of queries however many contacts wait: one read, then the close of all of
    them at once (clients.services.contacts_close_no_response)."""
    silent = {
        contact_id
        for contact_id, outreach_at, timezone_name in candidates.silent_outreach(now).values_list(
            "contact_id", "at", "contact__client__timezone"
        )
        if now >= rules.no_response_at(outreach_at=outreach_at, timezone_name=timezone_name)
    }
    if not silent:
        return 0
    closed = contacts_close_no_response(contact_ids=silent, note=NO_RESPONSE_NOTE)
    if changed_clients is not None:
        changed_clients.update(client_id for _, client_id in closed)
    return len(closed)
