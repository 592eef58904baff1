from django.conf import settings
from django.db import models
from django.db.models import Q

from clients.models import Client, Contact, VisibleToQuerySet
from interviews.models import Interview


class ReminderQuerySet(VisibleToQuerySet):
    client_path = "client"

    def to_send(self):
        return self.filter(status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING])


class Reminder(models.Model):
    """The outbox and the email log in one.

    A row is written only once its reminder is due (reminders.sweep derives what is due from the
    interviews, debriefs and touches by reminders.rules). `key` names the occurrence, e.g.
    "thank_you:interview-12:2026-03-10T19:00:00+00:00", and is unique: however many sweeps run
    at once, an occurrence is recorded once and so sent at most once (see reminders.sweep).
    """

    class Kind(models.TextChoices):
        PREP = "prep", "Prepare for the interview"
        THANK_YOU = "thank_you", "Send a thank-you"
        THANK_YOU_OVERDUE = "thank_you_overdue", "Thank-you overdue (to the coach)"
        OUTREACH_FOLLOW_UP = "outreach_follow_up", "Outreach follow-up"
        KEEP_IN_TOUCH = "keep_in_touch", "Keep in touch"
        COACH_DIGEST = "coach_digest", "Coach's daily digest"

    class Status(models.TextChoices):
        PENDING = "pending", "Due, waiting to be sent"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=200, unique=True)
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set for the coach's own reminders (digest).",
    )
    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    occurrence = models.CharField(max_length=100, help_text="What makes this one distinct.")
    recipient_email = models.EmailField()
    due_at = models.DateTimeField()
    window_ends_at = models.DateTimeField(help_text="Not sent after this; then skipped or failed.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-pk"]
        indexes = [
            # The claim query of reminders.sweep.claim_due_reminders: only rows still to send.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="reminder_to_send_idx",
            ),
            models.Index(fields=["client", "-due_at"]),
            models.Index(fields=["status", "-due_at"]),
        ]

    def __str__(self):
        return self.key
