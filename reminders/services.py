"""Writes behind the reminder pages and one-click links: a client's reminder preferences, a
contact's snooze, and turning a kind of reminder off (or back on) from an email.

Prep and thank-you reminders (and the coach's overdue notice) have no switch: they are the heart
of the method; nor has the email on the morning an action item is due, the commitment itself.
Whatever is turned off here simply stops being due (reminders.occurrences reads these fields),
and a reminder already recorded is skipped when the sweep re-checks it.
"""

from datetime import datetime

from django.db import transaction

from clients.models import Client, Contact

from .models import Reminder

PREFERENCE_FIELDS = (
    "remind_follow_ups",
    "remind_keep_in_touch",
    "keep_in_touch_weeks",
    "remind_assigned_actions",
    "remind_weekly_summary",
)


def client_set_reminder_preferences(
    *,
    client: Client,
    remind_follow_ups: bool,
    remind_keep_in_touch: bool,
    keep_in_touch_weeks: int,
    remind_assigned_actions: bool,
    remind_weekly_summary: bool,
) -> Client:
    client.remind_follow_ups = remind_follow_ups
    client.remind_keep_in_touch = remind_keep_in_touch
    client.keep_in_touch_weeks = keep_in_touch_weeks
    client.remind_assigned_actions = remind_assigned_actions
    client.remind_weekly_summary = remind_weekly_summary
    # Only these fields are checked and written, so a coach editing the client's other details
    # at the same moment loses nothing.
    others = [f.name for f in Client._meta.concrete_fields if f.name not in PREFERENCE_FIELDS]
    client.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    client.save(update_fields=[*PREFERENCE_FIELDS, "updated_at"])
    return client


@transaction.atomic
def contact_snooze_reminders(*, contact: Contact, until: datetime) -> Contact:
    """Follow-up and keep-in-touch reminders about the contact wait until `until`. A pause that
    already runs longer is kept: snoozing never brings a reminder closer."""
    current = (
        Contact.objects.select_for_update()
        .filter(pk=contact.pk)
        .values_list("reminders_paused_until", flat=True)
        .get()
    )
    if current is None or current < until:
        contact.reminders_paused_until = until
        contact.save(update_fields=["reminders_paused_until", "updated_at"])
    else:
        contact.reminders_paused_until = current
    return contact


# The switch behind each kind that has one: a field of the client, or of the coach for the digest.
SUBSCRIPTION_FIELDS = {
    Reminder.Kind.OUTREACH_FOLLOW_UP: "remind_follow_ups",
    Reminder.Kind.KEEP_IN_TOUCH: "remind_keep_in_touch",
    Reminder.Kind.COACH_DIGEST: "daily_digest",
    Reminder.Kind.ACTION_ASSIGNED: "remind_assigned_actions",
    Reminder.Kind.WEEKLY_SUMMARY: "remind_weekly_summary",
}


def _subscriber(reminder: Reminder):
    """The row holding the switch for the reminder's kind: the coach for the digest, else the
    client."""
    if reminder.kind not in SUBSCRIPTION_FIELDS:
        raise ValueError(f"{reminder.get_kind_display()} reminders cannot be turned off.")
    return reminder.coach if reminder.kind == Reminder.Kind.COACH_DIGEST else reminder.client


def reminder_is_subscribed(*, reminder: Reminder) -> bool:
    return getattr(_subscriber(reminder), SUBSCRIPTION_FIELDS[reminder.kind])


def reminder_subscription_set(*, reminder: Reminder, subscribed: bool) -> None:
    """Turns the kind of `reminder` on or off for its recipient: the client's follow-up,
    keep-in-touch, new-action-item or weekly-summary emails, or the coach's daily digest.
    Essential kinds cannot be turned off (ValueError)."""
    subscriber = _subscriber(reminder)
    field = SUBSCRIPTION_FIELDS[reminder.kind]
    setattr(subscriber, field, subscribed)
    update_fields = [field, "updated_at"] if isinstance(subscriber, Client) else [field]
    subscriber.save(update_fields=update_fields)
