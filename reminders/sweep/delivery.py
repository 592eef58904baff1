"""3. Re-check and send a claimed batch; retry failures from the database.

Each message is marked `sent` in its own short transaction as soon as the SMTP server has
accepted it, so a worker killed at any instant re-sends at most the one message in flight, and
that one with the same Message-ID (reminders.emails.message_id_for): mail programs can tell it
is the same message.
"""

import logging
import smtplib
import time
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.mail import get_connection
from django.utils import timezone

from clients.models import Client, Contact, Touch
from goals.models import ActionItem
from interviews.models import Interview

from .. import occurrences
from ..bounces import provider_message_id
from ..emails import build_message
from ..identity import Occasion
from ..models import Reminder
from ..occurrences import Occurrence
from .claim import HOLD_EVERY, hold
from .result import SweepResult

log = logging.getLogger(__name__)

BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180)]


def current_occurrences(claimed: list[Reminder], now: datetime) -> dict[str, Occurrence]:
    """The occurrences the claimed reminders' subjects yield from fresh state, by key: the ones
    that still apply, each with its recipient as of now. Read for the whole batch in a fixed
    number of queries (one per kind of subject), not per reminder."""
    kind = Reminder.Kind
    interview_ids = {r.interview_id for r in claimed if r.interview_id}
    contact_ids = {
        r.contact_id
        for r in claimed
        if r.contact_id and r.kind in (kind.OUTREACH_FOLLOW_UP, kind.KEEP_IN_TOUCH)
    }
    action_item_ids = {
        r.action_item_id
        for r in claimed
        if r.action_item_id and r.kind in (kind.ACTION_ASSIGNED, kind.ACTION_DUE)
    }
    summary_client_ids = {r.client_id for r in claimed if r.kind == kind.WEEKLY_SUMMARY}
    found: list[Occurrence] = []
    if interview_ids:
        interviews = Interview.objects.filter(pk__in=interview_ids).select_related(
            "client", "client__coach", "contact", "contact__company", "debrief"
        )
        for interview in interviews:
            found.extend(occurrences.interview_occurrences(interview))
    if contact_ids:
        contacts = Contact.objects.filter(pk__in=contact_ids).select_related("client")
        contacts = {contact.pk: contact for contact in contacts}
        touches = Touch.objects.filter(contact_id__in=contact_ids).only("pk", "contact_id", "at")
        for outreach in touches.latest_outreach_per_contact(as_of=now):
            found.extend(occurrences.follow_up_occurrences(contacts[outreach.contact_id], outreach))
        for last_touch in touches.latest_per_contact():
            found.append(
                occurrences.keep_in_touch_occurrence(contacts[last_touch.contact_id], last_touch)
            )
    if action_item_ids:
        # Done, moved to another day or deleted since it was recorded: not among these.
        items = ActionItem.objects.filter(pk__in=action_item_ids).select_related(
            "client", "client__coach"
        )
        for item in items:
            found.append(occurrences.action_assigned_occurrence(item))
            found.append(occurrences.action_due_occurrence(item))
    summary_clients = {}
    if summary_client_ids:
        summary_clients = Client.objects.filter(pk__in=summary_client_ids).prefetch_related(
            "weekly_targets"
        )
        summary_clients = {client.pk: client for client in summary_clients}
    for reminder in claimed:
        if reminder.kind == kind.COACH_DIGEST and reminder.coach:
            found.append(occurrences.digest_occurrence(reminder.coach, reminder.local_date))
        if reminder.kind == kind.WEEKLY_SUMMARY and reminder.client_id in summary_clients:
            client = summary_clients[reminder.client_id]
            found.append(occurrences.weekly_summary_occurrence(client, reminder.local_date))
    return {occurrence.key: occurrence for occurrence in found if occurrence}


def why_not_anymore(
    reminder: Reminder, now: datetime, fresh: dict[str, Occurrence] | None = None
) -> str:
    """'' if the reminder still applies from fresh state, else the reason it does not."""
    if now >= reminder.window_ends_at:
        return "Too late: its window closed before it could be sent."
    if fresh is None:
        fresh = current_occurrences([reminder], now)
    if reminder.key in fresh:
        return ""
    return skip_reason(reminder)


def skip_reason(reminder: Reminder) -> str:
    """A human reason for the coach's Reminders tab."""
    kind = Reminder.Kind
    contact = reminder.contact
    if reminder.kind in (kind.PREP, kind.THANK_YOU, kind.THANK_YOU_OVERDUE):
        interview = Interview.objects.filter(pk=reminder.interview_id).first()
        if interview is None:
            return "The interview was deleted."
        if interview.status == Interview.Status.CANCELLED:
            return "The interview was cancelled."
        if interview.status == Interview.Status.NO_SHOW:
            return "The interview was marked as a no-show."
        now_about = Occasion.for_interview(
            reminder.kind, interview_id=interview.pk, starts_at=interview.starts_at
        )
        if now_about != reminder.occasion:
            return "The interview was rescheduled."
        if reminder.kind != kind.PREP:
            return "The thank-you was already marked as sent."
        return "The interview is no longer upcoming."
    if reminder.kind in (kind.ACTION_ASSIGNED, kind.ACTION_DUE):
        return _action_item_skip_reason(reminder)
    if reminder.kind == kind.WEEKLY_SUMMARY:
        client = Client.objects.get(pk=reminder.client_id)
        if client.status != Client.Status.ACTIVE:
            return "The client is archived."
        if not client.remind_weekly_summary:
            return "The client turned the weekly summary off."
        return "No target applied to that week any more."
    if contact is not None:
        contact.refresh_from_db()
        client = contact.client
        if client.status != Client.Status.ACTIVE:
            return "The client is archived."
        if reminder.kind == kind.OUTREACH_FOLLOW_UP and not client.remind_follow_ups:
            return "The client turned follow-up reminders off."
        if reminder.kind == kind.KEEP_IN_TOUCH and not client.remind_keep_in_touch:
            return "The client turned keep-in-touch reminders off."
        if contact.is_closed:
            return f"The contact is closed ({contact.get_stage_display().lower()})."
        if reminder.kind == kind.OUTREACH_FOLLOW_UP:
            return f"The contact moved on to “{contact.get_stage_display()}”."
        return "A newer touch with the contact restarted the count."
    return "It no longer applies."


def _action_item_skip_reason(reminder: Reminder) -> str:
    item = (
        ActionItem.objects.filter(pk=reminder.action_item_id).select_related("client").first()
        if reminder.action_item_id
        else None
    )
    if item is None:
        return "The action item was deleted."
    if item.is_done:
        return "The action item was already marked done."
    if item.client.status != Client.Status.ACTIVE:
        return "The client is archived."
    if reminder.kind == Reminder.Kind.ACTION_ASSIGNED:
        return "The client turned emails about new action items off."
    if item.due_on != reminder.local_date:
        return "The due date was moved."
    return "It no longer applies."


def deliver(
    claimed: list[Reminder], now: datetime, result: SweepResult, started: float | None = None
) -> None:
    """Re-check and send a claimed batch over one SMTP connection, marking each message sent as
    soon as the server accepted it.

    `now` is the sweep's time; `started` the monotonic clock when the sweep began (default: now),
    so a late batch of a long sweep renews its claim from the real time, not the sweep's start."""
    fresh = current_occurrences(claimed, now)
    mail = get_connection(fail_silently=False)
    started = time.monotonic() if started is None else started
    try:
        held_at = time.monotonic()
        ours = hold(claimed, now + timedelta(seconds=held_at - started))
        for reminder in claimed:
            if time.monotonic() - held_at >= HOLD_EVERY.total_seconds():
                # Renew the claim, or learn that it timed out (a stall: a tarpitting server, a
                # paused machine) and another sweep has taken rows over.
                held_at = time.monotonic()
                ours = hold(claimed, now + timedelta(seconds=held_at - started))
            if reminder.pk not in ours:
                continue  # our claim timed out and another sweep took the row over
            deliver_one(reminder, now, fresh, mail, result)
    finally:
        mail.close()


def deliver_one(
    reminder: Reminder, now: datetime, fresh: dict[str, Occurrence], mail, result
) -> None:
    reason = why_not_anymore(reminder, now, fresh)
    if reason and reminder.attempts and now >= reminder.window_ends_at:
        # It was due and kept failing: that is a failure to show, not a skip.
        mark(
            reminder,
            status=Reminder.Status.FAILED,
            attempts=reminder.attempts,
            last_error=f"{reminder.last_error} (window closed before a retry)".strip(),
        )
        result.failed += 1
        result.changed(reminder)
        return
    if reason:
        mark(reminder, status=Reminder.Status.SKIPPED, last_error=reason)
        result.skipped += 1
        result.changed(reminder)
        return
    readdress(reminder, fresh[reminder.key].recipient_email)
    try:
        message = build_message(reminder)
        # Opened here, not by send(): a connection send() opens it also closes, and the batch
        # should share one SMTP session (open() is a no-op once open).
        mail.open()
        message.connection = mail
        message.send()
    except SoftTimeLimitExceeded:
        raise  # the task is out of time: stop now; the claim times out and is retaken
    except Exception as error:  # noqa: BLE001 - any failure is retried from the database
        log.warning("Reminder %s not sent: %s", reminder.key, error)
        result.errors.append(f"{reminder.key}: {error}")
        retry_later(reminder, now, error, result)
        mail.close()  # a broken connection is reopened for the next message
        return
    # Accepted by the server: recorded at once, in its own transaction (autocommit), so a crash
    # from here on cannot send this one again.
    mark(
        reminder,
        status=Reminder.Status.SENT,
        sent_at=timezone.now(),
        message_id=message.extra_headers["Message-ID"],
        provider_message_id=provider_message_id(message),
        last_error="",
    )
    result.sent += 1
    result.changed(reminder)


def readdress(reminder: Reminder, recipient_email: str) -> None:
    """A reminder goes to whom it is for now, not to whom it was for when it was recorded: a
    coach's overdue notice about a client reassigned since (one that failed and waits for its
    retry, say) goes to the new coach, a client's reminder to the address they changed to. The
    row is the same, and so are its Message-ID and the claim that lets it be sent only once."""
    if recipient_email != reminder.recipient_email:
        mark(reminder, recipient_email=recipient_email, attempts=reminder.attempts)


def retry_later(reminder: Reminder, now: datetime, error: Exception, result: SweepResult) -> None:
    result.changed(reminder)
    attempts = reminder.attempts + 1
    wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    next_attempt = now + wait
    if next_attempt >= reminder.window_ends_at:
        mark(
            reminder,
            status=Reminder.Status.FAILED,
            attempts=attempts,
            last_error=describe_error(error),
        )
        result.failed += 1
    else:
        mark(
            reminder,
            status=Reminder.Status.PENDING,
            attempts=attempts,
            next_attempt_at=next_attempt,
            last_error=describe_error(error),
        )
        result.retried += 1


def describe_error(error: Exception) -> str:
    """What the coach reads in the Reminders tab: the SMTP reply, not a Python repr."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {reply.decode(errors='replace')}"
            for address, (code, reply) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {error.smtp_error.decode(errors='replace')}"
    return f"{type(error).__name__}: {error}"


def mark(reminder: Reminder, **fields) -> None:
    """Update only a row this sweep still holds (status `sending`, our claim time): if a slow
    sweep's claim timed out and another took the row over, the first one's late result is
    ignored. One UPDATE, committed on its own unless the caller holds a transaction."""
    fields.setdefault("attempts", reminder.attempts + 1)
    Reminder.objects.filter(
        pk=reminder.pk, status=Reminder.Status.SENDING, claimed_at=reminder.claimed_at
    ).update(**fields)
    for name, value in fields.items():
        setattr(reminder, name, value)
