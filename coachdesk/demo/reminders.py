"""Demo reminders for seed_demo: a log in every status (sent, skipped with its reason, failed
after retries, pending and due now) for the demo clients' contacts and, when there are demo
interviews, for those too.

Each row is written for the occasion the sweep itself derives (reminders.occurrences), so the
sweep sees the demo rows as recorded and never adds a second row for the same occasion. Run it
as often as you like: rows are updated by key.
"""

from copy import copy
from datetime import timedelta

from django.utils import timezone

from clients.models import Client, Contact, Touch
from interviews.models import Interview
from reminders import occurrences
from reminders.emails import message_id_for
from reminders.models import Reminder
from reminders.occurrences import Occurrence
from reminders.sweep import BACKOFF

from .workspace import WORKSPACES

Status = Reminder.Status

# Errors as the sweep records them: str() of what smtplib raised.
OVER_QUOTA = "452 4.2.2 The email account that you tried to reach is over quota."
RATE_LIMITED = "421 4.7.0 Try again later, closing connection."
DECLINED = "The contact is closed (declined)."

# Per client email: (contact name, follow-up step of the 3B7 routine, status, error or reason).
FOLLOW_UPS = {
    "client@example.com": [
        ("Tariq Aziz", 3, Status.SENT, ""),
        ("Tariq Aziz", 7, Status.PENDING, ""),
        ("Fatima Noor", 3, Status.SENT, ""),
        ("Fatima Noor", 7, Status.FAILED, OVER_QUOTA),
        ("Daniel Costa", 3, Status.SKIPPED, DECLINED),
    ],
    "client2@example.com": [
        ("Lucas Meyer", 3, Status.PENDING, ""),
        ("Priti Desai", 3, Status.SENT, ""),
        ("Priti Desai", 7, Status.FAILED, RATE_LIMITED),
        ("Ben Carter", 3, Status.SKIPPED, DECLINED),
    ],
}

SCHEDULED_AHEAD = timedelta(days=7)
INTERVIEW_KINDS = [Reminder.Kind.PREP, Reminder.Kind.THANK_YOU, Reminder.Kind.THANK_YOU_OVERDUE]


def seed_reminders() -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    clients = Client.objects.filter(email__in=list(WORKSPACES)).select_related("coach")
    for client in clients:
        for found, outcome in follow_up_reminders(client, now):
            write(found, outcome, now)
    demo_interviews = Interview.objects.filter(client__in=clients).select_related(
        "client", "client__coach", "contact", "contact__company", "debrief"
    )
    for interview in demo_interviews:
        keys = []
        for found, outcome in interview_reminders(interview, now):
            write(found, outcome, now)
            keys.append(found.key)
        # A demo interview seeded at another time than last run is a new occurrence: drop the
        # rows of its old time, so the demo converges on one state.
        interview.reminders.filter(kind__in=INTERVIEW_KINDS).exclude(key__in=keys).delete()


def follow_up_reminders(client: Client, now):
    contacts = {
        contact.name: contact
        for contact in client.contacts.select_related("client", "client__coach", "company")
    }
    for name, step, status, note in FOLLOW_UPS.get(client.email, []):
        contact = contacts.get(name)
        outreach = (
            contact.touches.filter(kind=Touch.Kind.OUTREACH).order_by("-at", "-pk").first()
            if contact
            else None
        )
        if outreach is None:
            continue
        # The occurrences the contact had while it waited for a reply, whatever its stage now.
        waiting = copy(contact)
        waiting.stage = Contact.Stage.REACHED_OUT
        for found in occurrences.follow_up_occurrences(waiting, outreach):
            if found.occasion.step == step:
                yield found, outcome_for(found, status, note, now)


def interview_reminders(interview: Interview, now):
    """The rows the sweep would have left for the interview by now."""
    # A cancelled interview had its prep reminder too, before it was cancelled. And the demo
    # creates its past interviews today: as if they had been scheduled a week ahead.
    as_scheduled = copy(interview)
    as_scheduled.status = Interview.Status.SCHEDULED
    as_scheduled.created_at = min(interview.created_at, interview.starts_at - SCHEDULED_AHEAD)
    due_by_now = {
        found.kind: found
        for found in occurrences.interview_occurrences(as_scheduled)
        if found.due.at <= now
    }
    prep = due_by_now.pop(Reminder.Kind.PREP, None)
    if prep and interview.status == Interview.Status.CANCELLED:
        yield prep, outcome_for(prep, Status.SKIPPED, "The interview was cancelled.", now)
    elif prep and interview.starts_at > now:
        yield prep, outcome_for(prep, Status.PENDING, "", now)
    elif prep:
        yield prep, outcome_for(prep, Status.SENT, "", now)
    if interview.status == Interview.Status.COMPLETED:
        for found in due_by_now.values():
            yield found, outcome_for(found, Status.SENT, "", now)


def outcome_for(found: Occurrence, status: str, note: str, now) -> dict:
    """The delivery columns of a row left in `status` by the sweep."""
    due = found.due
    if status == Status.PENDING:
        # Due now, whatever the rule says: the next sweep claims it.
        return {
            "status": status,
            "due_at": min(due.at, now),
            "window_ends_at": max(due.window_ends_at, now + (due.window_ends_at - due.at)),
            "next_attempt_at": min(due.at, now),
            "attempts": 0,
        }
    claimed_at = min(due.at, now)
    if status == Status.SENT:
        return {
            "status": status,
            "attempts": 1,
            "claimed_at": claimed_at,
            "sent_at": min(due.at + timedelta(seconds=40), now),
        }
    if status == Status.SKIPPED:
        return {"status": status, "attempts": 1, "claimed_at": claimed_at, "last_error": note}
    return {"status": status, "attempts": attempts_until_window_closed(found), "last_error": note}


def attempts_until_window_closed(found: Occurrence) -> int:
    """How many times the sweep tried, with its backoff, before the window closed."""
    at, attempts = found.due.at, 0
    while True:
        attempts += 1
        at += BACKOFF[min(attempts, len(BACKOFF)) - 1]
        if at >= found.due.window_ends_at:
            return attempts


def write(found: Occurrence, outcome: dict, now) -> None:
    row = found.as_reminder(now)
    fields = {
        **found.occasion.columns(),
        "client": row.client,
        "coach": row.coach,
        "interview": row.interview,
        "contact": row.contact,
        "recipient_email": row.recipient_email,
        "due_at": row.due_at,
        "window_ends_at": row.window_ends_at,
        "next_attempt_at": row.window_ends_at,
        "claimed_at": None,
        "sent_at": None,
        "last_error": "",
        **outcome,
    }
    if fields["status"] != Status.SENT:
        fields["message_id"] = ""
    reminder, _ = Reminder.objects.update_or_create(key=row.key, defaults=fields)
    if reminder.status == Status.SENT and reminder.message_id != message_id_for(reminder):
        # Derived from the row's id, as the sweep does: known only once the row exists.
        reminder.message_id = message_id_for(reminder)
        reminder.save(update_fields=["message_id"])
