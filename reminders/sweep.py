"""The sweep: record due reminders, claim them, re-check, send. Run every minute by beat.

Delivery is exactly-once as far as a database can make it:
- Recording: each due occurrence is inserted under its unique `key` (ON CONFLICT DO NOTHING), so
  concurrent sweeps cannot record it twice.
- Claiming: rows to send are locked with SELECT ... FOR UPDATE SKIP LOCKED and switched to
  `sending` in the same transaction, so two sweeps never hold the same row. A claimed row's
  `next_attempt_at` is set to the claim timeout: if the worker dies, the row becomes claimable
  again by the same query (no separate "reclaim" pass). A sweep still sending renews its claim
  every HOLD_EVERY, so the claim only times out under a worker that died or stalled.
- Sending: the row is re-checked against fresh state first (skipped, with the reason, when it
  no longer applies), then sent with a Message-ID derived from the row, then marked `sent`.
  The one duplicate no database can prevent (the SMTP server accepted, the process died before
  the commit) carries the same Message-ID, so mail clients can recognise it.
- Failures retry from the database with backoff until `window_ends_at`, then `failed`.
"""

import logging
import smtplib
import time
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone

from accounts.models import User
from clients.models import Client, Contact, Touch
from interviews.models import Interview

from . import occurrences, rules
from .digest import digest_for
from .emails import build_message, referrals_prefetch
from .models import Reminder

log = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=10)
# A sweep renews its claim this often while it sends, so the claim never times out under a
# worker that is still at it (see `hold`).
HOLD_EVERY = CLAIM_TIMEOUT / 3
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180)]
BATCH_SIZE = 200

# Candidate ranges: wide enough for every rule's window, narrow enough to stay cheap.
INTERVIEW_PAST = rules.THANK_YOU_CAP + rules.OVERDUE_WINDOW + timedelta(hours=4)
INTERVIEW_AHEAD = rules.PREP_LEAD + timedelta(hours=1)
OUTREACH_PAST = timedelta(days=45)  # 14 business days + holidays of pauses, generously
KEEP_IN_TOUCH_PAST = timedelta(weeks=16)
KEEP_IN_TOUCH_SOONEST = timedelta(weeks=4)  # the shortest keep_in_touch_weeks a client picks


@dataclass
class SweepResult:
    recorded: int = 0
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    closed_no_response: int = 0
    errors: list[str] = field(default_factory=list)
    # Whose pages may show what this sweep changed (reminder outcomes, closed contacts): the
    # task drops their cached pages (clients/pagecache.py).
    clients_changed: set[int] = field(default_factory=set)
    coaches_changed: set[int] = field(default_factory=set)

    def changed(self, reminder: Reminder) -> None:
        if reminder.client_id:
            self.clients_changed.add(reminder.client_id)
        elif reminder.coach_id:
            self.coaches_changed.add(reminder.coach_id)


# --- 1. What is due -----------------------------------------------------------------------


def due_interview_occurrences(now: datetime):
    # Uses the (status, starts_at) index of Interview.
    interviews = Interview.objects.filter(
        status__in=[Interview.Status.SCHEDULED, Interview.Status.COMPLETED],
        starts_at__gte=now - INTERVIEW_PAST,
        starts_at__lte=now + INTERVIEW_AHEAD,
        client__status=Client.Status.ACTIVE,
    ).select_related("client", "client__coach", "contact", "contact__company", "debrief")
    for interview in interviews:
        yield from occurrences.interview_occurrences(interview)


# Each snooze is a week from when it is clicked, and it can be clicked again, so a snoozed
# reminder can come due long after the ranges the candidate queries read (45 days of outreach,
# 16 weeks of touches). The contacts whose pause ended within the longest window are read on
# their own, whatever the age of their touches: a snoozed reminder always comes back.
PAUSE_ENDED_WITHIN = max(rules.FOLLOW_UP_WINDOW, rules.KEEP_IN_TOUCH_WINDOW)


def pause_just_ended(now: datetime, via: str = "") -> Q:
    """Contacts whose snooze ended within PAUSE_ENDED_WITHIN (uses contact_paused_idx); `via`
    is the path to the contact when filtering another model ("contact__")."""
    return Q(
        **{
            f"{via}reminders_paused_until__gt": now - PAUSE_ENDED_WITHIN,
            f"{via}reminders_paused_until__lte": now,
        }
    )


def latest_outreach_per_contact(now: datetime, *, since: timedelta):
    """(contact, its latest outreach touch) for contacts still waiting for a reply: those who
    reached out within `since`, and those whose snooze just ended, however long ago."""
    waiting = Q(
        kind=Touch.Kind.OUTREACH,
        at__lte=now,
        contact__stage=Contact.Stage.REACHED_OUT,
        contact__client__status=Client.Status.ACTIVE,
    )
    snoozed = Contact.objects.filter(pause_just_ended(now)).values("pk")
    latest = {}
    for touches in (
        Touch.objects.filter(waiting, at__gte=now - since),
        Touch.objects.filter(waiting, contact__in=snoozed),
    ):
        ordered = touches.select_related("contact", "contact__client", "contact__company")
        for touch in ordered.order_by("contact_id", "at", "pk"):
            current = latest.get(touch.contact_id)
            if current is None or (touch.at, touch.pk) > (current.at, current.pk):
                latest[touch.contact_id] = touch
    return [(touch.contact, touch) for touch in latest.values()]


def due_follow_up_occurrences(now: datetime):
    for contact, outreach in latest_outreach_per_contact(now, since=OUTREACH_PAST):
        yield from occurrences.follow_up_occurrences(contact, outreach)


def due_keep_in_touch_occurrences(now: datetime):
    """Contacts whose latest touch falls in the candidate range, with that touch. Read from the
    touches of the range, not from every touch the contacts ever had: a touch is a contact's
    latest when no newer one exists (newer by `at`, then by pk, as everywhere else), so the
    work follows the touches of the range, not the length of the history."""
    since = now - KEEP_IN_TOUCH_PAST
    newer = (
        Touch.objects.filter(contact=OuterRef("contact"))
        .filter(Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk")))
        .filter(at__gte=since)  # implied, and it keeps older touches out of PostgreSQL's way
    )
    latest_touches = (
        Touch.objects.filter(
            at__gte=since,
            at__lte=now - KEEP_IN_TOUCH_SOONEST,
            contact__stage__in=occurrences.KEEP_IN_TOUCH_STAGES,
            contact__client__status=Client.Status.ACTIVE,
            contact__client__remind_keep_in_touch=True,
        )
        .filter(~Exists(newer))
        .order_by()
        .select_related("contact", "contact__client", "contact__company")
    )
    seen = set()
    for touch in latest_touches:
        seen.add(touch.contact_id)
        found = occurrences.keep_in_touch_occurrence(touch.contact, touch)
        if found:
            yield found
    # Contacts whose snooze just ended, whatever the age of their latest touch: their touches,
    # in order, so the last one kept for each contact is its latest.
    snoozed = Touch.objects.filter(
        pause_just_ended(now, via="contact__"),
        contact__stage__in=occurrences.KEEP_IN_TOUCH_STAGES,
        contact__client__status=Client.Status.ACTIVE,
        contact__client__remind_keep_in_touch=True,
    ).select_related("contact", "contact__client", "contact__company")
    latest = {}
    for touch in snoozed.order_by("contact_id", "at", "pk"):
        latest[touch.contact_id] = touch
    for contact_id, touch in latest.items():
        if contact_id not in seen:
            found = occurrences.keep_in_touch_occurrence(touch.contact, touch)
            if found:
                yield found


def due_digest_occurrences(now: datetime):
    for coach in User.objects.filter(role=User.Role.COACH, is_active=True, daily_digest=True):
        local_date = timezone.localtime(now, zoneinfo.ZoneInfo(coach.timezone)).date()
        found = occurrences.digest_occurrence(coach, local_date)
        # The window check first: the digest's own queries run only for coaches whose 07:30
        # has come (bench/README.md: checking every coach every minute cost seconds per sweep).
        if found and found.due.is_open(now) and digest_has_news(coach, now):
            yield found


def digest_has_news(coach, now) -> bool:
    return digest_for(coach, now).has_news


def record_due_reminders(now: datetime) -> int:
    """Insert a row for every due occurrence not recorded yet. Safe to run concurrently."""
    due = [
        found
        for source in (
            due_interview_occurrences,
            due_follow_up_occurrences,
            due_keep_in_touch_occurrences,
            due_digest_occurrences,
        )
        for found in source(now)
        if found.due.is_open(now)
    ]
    if not due:
        return 0
    known = set(Reminder.objects.filter(key__in=[o.key for o in due]).values_list("key", flat=True))
    new = [o.as_reminder(now) for o in due if o.key not in known]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# --- 2. Claim ------------------------------------------------------------------------------


def claim_due_reminders(now: datetime, limit: int = BATCH_SIZE) -> list[Reminder]:
    """Lock and take up to `limit` rows to send: pending ones whose attempt is due, and rows
    left in `sending` by a worker that died (their claim timed out). Uses reminder_to_send_idx."""
    with transaction.atomic():
        rows = list(
            Reminder.objects.filter(
                status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING],
                next_attempt_at__lte=now,
            )
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)[:limit]
        )
        ids = [row.pk for row in rows]
        Reminder.objects.filter(pk__in=ids).update(
            status=Reminder.Status.SENDING, claimed_at=now, next_attempt_at=now + CLAIM_TIMEOUT
        )
    if not ids:
        return []
    # Everything the batch's emails read, so that building them runs no query of its own.
    return list(
        Reminder.objects.filter(pk__in=ids)
        .select_related(
            "client",
            "client__coach",
            "coach",
            "interview",
            "interview__debrief",
            "contact",
            "contact__company",
        )
        .prefetch_related(referrals_prefetch())
    )


# --- 3. Re-check and send ------------------------------------------------------------------


def current_keys(claimed: list[Reminder]) -> set[str]:
    """The keys the claimed reminders' subjects yield from fresh state, read for the whole batch
    in a fixed number of queries (one per kind of subject), not per reminder."""
    kind = Reminder.Kind
    interview_ids = {r.interview_id for r in claimed if r.interview_id}
    contact_ids = {
        r.contact_id
        for r in claimed
        if r.contact_id and r.kind in (kind.OUTREACH_FOLLOW_UP, kind.KEEP_IN_TOUCH)
    }
    keys: set[str] = set()
    if interview_ids:
        interviews = Interview.objects.filter(pk__in=interview_ids).select_related(
            "client", "client__coach", "contact", "contact__company", "debrief"
        )
        for interview in interviews:
            keys.update(o.key for o in occurrences.interview_occurrences(interview))
    if contact_ids:
        contacts = {
            c.pk: c for c in Contact.objects.filter(pk__in=contact_ids).select_related("client")
        }
        latest_outreach, latest_touch = {}, {}
        touches = Touch.objects.filter(contact_id__in=contact_ids).order_by(
            "contact_id", "at", "pk"
        )
        for touch in touches.only("pk", "contact_id", "kind", "at"):
            latest_touch[touch.contact_id] = touch
            if touch.kind == Touch.Kind.OUTREACH:
                latest_outreach[touch.contact_id] = touch
        for contact_id, contact in contacts.items():
            if contact_id in latest_outreach:
                found = occurrences.follow_up_occurrences(contact, latest_outreach[contact_id])
                keys.update(o.key for o in found)
            if contact_id in latest_touch:
                found = occurrences.keep_in_touch_occurrence(contact, latest_touch[contact_id])
                if found:
                    keys.add(found.key)
    for reminder in claimed:
        coach = reminder.coach
        if reminder.kind == kind.COACH_DIGEST and coach and coach.is_active and coach.daily_digest:
            keys.add(reminder.key)
    return keys


def why_not_anymore(reminder: Reminder, now: datetime, fresh_keys: set[str] | None = None) -> str:
    """'' if the reminder still applies from fresh state, else the reason it does not."""
    if now >= reminder.window_ends_at:
        return "Too late: its window closed before it could be sent."
    if fresh_keys is None:
        fresh_keys = current_keys([reminder])
    if reminder.key in fresh_keys:
        return ""
    return skip_reason(reminder)


def skip_reason(reminder: Reminder) -> str:
    """A human reason for the coach's Reminders tab."""
    kind = Reminder.Kind
    interview = reminder.interview
    contact = reminder.contact
    if reminder.kind in (kind.PREP, kind.THANK_YOU, kind.THANK_YOU_OVERDUE):
        interview = Interview.objects.filter(pk=reminder.interview_id).first()
        if interview is None:
            return "The interview was deleted."
        if interview.status == Interview.Status.CANCELLED:
            return "The interview was cancelled."
        if interview.status == Interview.Status.NO_SHOW:
            return "The interview was marked as a no-show."
        if occurrences._stamp(interview.starts_at) != reminder.occurrence:
            return "The interview was rescheduled."
        if reminder.kind != kind.PREP:
            return "The thank-you was already marked as sent."
        return "The interview is no longer upcoming."
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


def deliver(
    claimed: list[Reminder], now: datetime, result: SweepResult, started: float | None = None
) -> None:
    """Re-check and send a claimed batch over one SMTP connection. Sent rows are recorded in
    small groups (FLUSH_EVERY), so a crash re-sends at most that many, each with its Message-ID.

    `now` is the sweep's time; `started` the monotonic clock when the sweep began (default: now),
    so a late batch of a long sweep renews its claim from the real time, not the sweep's start."""
    fresh_keys = current_keys(claimed)
    outbox = SentLog()
    mail = get_connection(fail_silently=False)
    started = time.monotonic() if started is None else started
    try:
        held_at = time.monotonic()
        ours = hold(claimed, now + timedelta(seconds=held_at - started))
        for reminder in claimed:
            if time.monotonic() - held_at >= HOLD_EVERY.total_seconds():
                # Slow going (a tarpitting server, a paused machine): mark what was sent, then
                # renew the claim, or learn that it timed out and another sweep has the rows.
                outbox.flush()
                held_at = time.monotonic()
                ours = hold(claimed, now + timedelta(seconds=held_at - started))
            if reminder.pk not in ours:
                continue  # our claim timed out and another sweep took the row over
            reason = why_not_anymore(reminder, now, fresh_keys)
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
                continue
            if reason:
                mark(reminder, status=Reminder.Status.SKIPPED, last_error=reason)
                result.skipped += 1
                result.changed(reminder)
                continue
            try:
                message = build_message(reminder)
                # Opened here, not by send(): a connection send() opens it also closes, and the
                # batch should share one SMTP session (open() is a no-op once open).
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
                continue
            outbox.add(reminder, message.extra_headers["Message-ID"])
            result.sent += 1
            result.changed(reminder)
            if len(outbox) >= FLUSH_EVERY:
                outbox.flush()
    finally:
        outbox.flush()
        mail.close()


FLUSH_EVERY = 25


class SentLog:
    """Sent reminders waiting to be marked `sent` in one UPDATE."""

    def __init__(self):
        self.rows: list[tuple[Reminder, str]] = []

    def __len__(self):
        return len(self.rows)

    def add(self, reminder: Reminder, message_id: str) -> None:
        self.rows.append((reminder, message_id))

    def flush(self) -> None:
        if not self.rows:
            return
        claimed_at = self.rows[0][0].claimed_at
        Reminder.objects.filter(
            pk__in=[r.pk for r, _ in self.rows],
            status=Reminder.Status.SENDING,
            claimed_at=claimed_at,
        ).update(
            status=Reminder.Status.SENT,
            sent_at=timezone.now(),
            attempts=F("attempts") + 1,
            last_error="",
            message_id=Case(*(When(pk=r.pk, then=Value(mid)) for r, mid in self.rows)),
        )
        for reminder, message_id in self.rows:
            reminder.status = Reminder.Status.SENT
            reminder.message_id = message_id
        self.rows = []


def hold(claimed: list[Reminder], at: datetime) -> set[int]:
    """Renew this sweep's claim on the rows it still holds (same claim time, still `sending`)
    until `at` + CLAIM_TIMEOUT, and return their ids.

    Called before the first send and again whenever HOLD_EVERY has passed, so the claim cannot
    time out under a sweep that is still sending, and a sweep that stalled past the timeout
    (its rows reclaimed and sent by another) learns it before its next send: at most the one
    message in flight during the stall can go out twice, not a whole group."""
    if not claimed:
        return set()
    rows = Reminder.objects.filter(
        pk__in=[r.pk for r in claimed],
        status=Reminder.Status.SENDING,
        claimed_at=claimed[0].claimed_at,
    )
    rows.update(next_attempt_at=at + CLAIM_TIMEOUT)
    return set(rows.values_list("pk", flat=True))


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
    ignored."""
    if "attempts" not in fields:
        fields["attempts"] = reminder.attempts + 1
    Reminder.objects.filter(
        pk=reminder.pk, status=Reminder.Status.SENDING, claimed_at=reminder.claimed_at
    ).update(**fields)
    for name, value in fields.items():
        setattr(reminder, name, value)


# --- 4. Contacts that went quiet -------------------------------------------------------------


NO_RESPONSE_NOTE = "No reply after the outreach and two follow-up reminders."


def close_silent_contacts(now: datetime, changed_clients: set[int] | None = None) -> int:
    """After the 3B7 follow-ups, a contact silent for 14 business days goes to "no response".

    A fixed number of queries however many contacts wait: one read, then, for all the contacts
    it closes at once, a locking re-read, one UPDATE and one INSERT.
    """
    since = now - OUTREACH_PAST
    word_since = (
        Touch.objects.filter(contact=OuterRef("contact"), at__gt=OuterRef("at"))
        # Implied by the line above; stated, it lets PostgreSQL look up each waiting contact's
        # recent touches by index instead of hashing every touch ever logged.
        .filter(at__gte=since)
        .exclude(kind=Touch.Kind.FOLLOW_UP)
    )
    # The outreach touches with nothing but follow-ups after them. Any earlier outreach has the
    # latest one after it, so these are the latest outreach of each contact still silent (two
    # at the same moment give the same deadline).
    unanswered = (
        Touch.objects.filter(
            kind=Touch.Kind.OUTREACH,
            at__gte=since,
            at__lte=now,
            contact__stage=Contact.Stage.REACHED_OUT,
            contact__client__status=Client.Status.ACTIVE,
        )
        .filter(~Exists(word_since))
        .order_by()
        .values_list("contact_id", "at", "contact__client__timezone")
    )
    silent = {
        contact_id
        for contact_id, outreach_at, timezone_name in unanswered
        if now >= rules.no_response_at(outreach_at=outreach_at, timezone_name=timezone_name)
    }
    if not silent:
        return 0
    return close_as_no_response(silent, changed_clients)


def close_as_no_response(
    contact_ids: Iterable[int], changed_clients: set[int] | None = None
) -> int:
    """What clients.services.contact_close does to one contact (the stage, then a touch saying
    why), for many contacts in one UPDATE and one INSERT. A contact that left "reached out"
    since it was read (a reply was logged meanwhile) is left alone: the rows are re-read under
    a lock first."""
    with transaction.atomic():
        rows = list(
            Contact.objects.select_for_update()
            .filter(pk__in=contact_ids, stage=Contact.Stage.REACHED_OUT)
            .order_by("pk")
            .values_list("pk", "client_id")
        )
        if not rows:
            return 0
        closing = [pk for pk, _ in rows]
        if changed_clients is not None:
            changed_clients.update(client_id for _, client_id in rows)
        moment = timezone.now()
        Contact.objects.filter(pk__in=closing).update(
            stage=Contact.Stage.NO_RESPONSE, updated_at=moment
        )
        Touch.objects.bulk_create(
            Touch(
                contact_id=contact_id,
                kind=Touch.Kind.OTHER,
                channel=Touch.Channel.OTHER,
                at=moment,
                note=NO_RESPONSE_NOTE,
            )
            for contact_id in closing
        )
    return len(closing)


def run_sweep(now: datetime | None = None, *, max_batches: int = 50) -> SweepResult:
    now = now or timezone.now()
    started = time.monotonic()
    result = SweepResult()
    result.recorded = record_due_reminders(now)
    for _ in range(max_batches):
        claimed = claim_due_reminders(now)
        if not claimed:
            break
        deliver(claimed, now, result, started=started)
    result.closed_no_response = close_silent_contacts(now, result.clients_changed)
    return result
