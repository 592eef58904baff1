from django.conf import settings
from django.db import models
from django.db.models import Q

from clients.models import Client, Contact, Touch, VisibleToQuerySet
from goals.models import ActionItem
from interviews.models import Interview

from .identity import Occasion


class ReminderQuerySet(VisibleToQuerySet):
    client_path = "client"

    def to_send(self):
        return self.filter(status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING])


class Reminder(models.Model):
    """The outbox and the email log in one.

    A row is written only once its reminder is due (reminders.sweep derives what is due from the
    interviews, debriefs, touches, action items and weekly targets by reminders.rules). What it is
    about is stored in columns (the interview and its start, the touch and the step, the snooze's
    end, the digest's date, the action item and its due date, the summary's week:
    reminders.identity.Occasion), and `key`, built from them by `Occasion.key`, is unique:
    however many sweeps run at once, an occasion is recorded once and so sent at most once.
    """

    class Kind(models.TextChoices):
        PREP = "prep", "Prepare for the interview"
        THANK_YOU = "thank_you", "Send a thank-you"
        THANK_YOU_OVERDUE = "thank_you_overdue", "Thank-you overdue (to the coach)"
        OUTREACH_FOLLOW_UP = "outreach_follow_up", "Outreach follow-up"
        KEEP_IN_TOUCH = "keep_in_touch", "Keep in touch"
        COACH_DIGEST = "coach_digest", "Coach's daily digest"
        ACTION_ASSIGNED = "action_assigned", "New action item from the coach"
        ACTION_DUE = "action_due", "Action item due today"
        WEEKLY_SUMMARY = "weekly_summary", "Weekly summary of targets"

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
    # What makes this one distinct (reminders.identity.Occasion): read these, never the key.
    interview_starts_at = models.DateTimeField(
        null=True, blank=True, help_text="The interview's start this reminder was for."
    )
    touch = models.ForeignKey(
        Touch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The outreach a follow-up is about, or the last touch for keep-in-touch.",
    )
    step = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The follow-up's step: 3 or 7 business days."
    )
    paused_until = models.DateTimeField(
        null=True, blank=True, help_text="Set when a snooze moved the reminder to its end."
    )
    # An action item's reminders stay in the log when the item is deleted (the key keeps its
    # id); a reminder still to send about a deleted item is skipped by the sweep's re-check.
    action_item = models.ForeignKey(
        ActionItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The action item an assigned or due-today reminder is about.",
    )
    local_date = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "The digest's day (coach-local), an action item's due date, or the Monday of the "
            "week a weekly summary is about (client-local)."
        ),
    )
    recipient_email = models.EmailField()
    due_at = models.DateTimeField()
    window_ends_at = models.DateTimeField(help_text="Not sent after this; then skipped or failed.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    # The email provider's own id for the message, when it was sent through one (anymail): its
    # bounce and complaint reports name the message by it (reminders.bounces).
    provider_message_id = models.CharField(max_length=200, null=True, blank=True)
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
            # reminders.bounces.bounced_reminder: the reminder a provider's report is about.
            models.Index(
                fields=["provider_message_id"],
                condition=Q(provider_message_id__isnull=False),
                name="reminder_provider_id_idx",
            ),
            # The same, for a report without a known provider id: the latest sent to the address.
            models.Index(
                fields=["recipient_email", "-sent_at"],
                condition=Q(sent_at__isnull=False),
                name="reminder_recipient_sent_idx",
            ),
        ]

    def __str__(self):
        return self.key

    @property
    def occasion(self) -> Occasion:
        return Occasion.of(self)
