"""Template filters for reminder pages."""

from django import template

from .. import bounces
from ..models import Reminder

register = template.Library()

STATUS_CLASSES = {
    Reminder.Status.PENDING: "text-bg-info",
    Reminder.Status.SENDING: "text-bg-info",
    Reminder.Status.SENT: "text-bg-success",
    Reminder.Status.SKIPPED: "text-bg-light border",
    Reminder.Status.FAILED: "text-bg-danger",
}


@register.filter
def reminder_kind_label(kind: str) -> str:
    """The label of a reminder kind, for occurrences that are not rows yet."""
    return Reminder.Kind(kind).label


@register.filter
def reminder_status_class(status: str) -> str:
    """Bootstrap badge classes for a reminder status (the label is always shown as text too)."""
    return STATUS_CLASSES.get(status, "text-bg-secondary")


@register.filter
def paused_by_bounce(occurrence):
    """Since when a reminder still to come waits for its client's address (reminders.bounces)."""
    return bounces.paused_by_bounce(occurrence)
