"""Signed one-click links in reminder emails: "I sent my thank-you", "snooze a week", "done"
(an action item) and "unsubscribe". They work without a login, so the signature is the access
check.

A token is `django.core.signing` output over {"action", "object", "reminder"}, signed with a salt
per action: a snooze token can never be replayed as an unsubscribe, nor a token from another part
of the project (invitations) as either. Tokens expire after LINK_MAX_AGE, except unsubscribe
tokens: an old email must always let its recipient opt out, and a client without a portal login
has no other way to. They still name one reminder, so one kind of email and one recipient. The
object id is checked against the reminder it names, so a link only ever acts on what its email
was about.

Nothing is stored per link: the actions are idempotent (marking a thank-you or an action item
twice, snoozing or unsubscribing twice change nothing more), so a link may be used more than
once while it is valid.
"""

from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Reminder

LINK_MAX_AGE = timedelta(days=14)

Kind = Reminder.Kind


class Action(StrEnum):
    THANK_YOU_SENT = "thank_you_sent"
    SNOOZE = "snooze"
    ACTION_DONE = "action_done"
    UNSUBSCRIBE = "unsubscribe"


URL_NAMES = {
    Action.THANK_YOU_SENT: "reminders:action_thank_you_sent",
    Action.SNOOZE: "reminders:action_snooze",
    Action.ACTION_DONE: "reminders:action_item_done",
    Action.UNSUBSCRIBE: "reminders:unsubscribe",
}

# The kinds of email that carry each link. Prep, thank-you, the coach's overdue notice and the
# action item's due-day email are essential and have no unsubscribe (see
# reminders.emails.ESSENTIAL_KINDS).
OFFERED_ON = {
    Action.THANK_YOU_SENT: frozenset({Kind.THANK_YOU}),
    Action.SNOOZE: frozenset({Kind.OUTREACH_FOLLOW_UP, Kind.KEEP_IN_TOUCH}),
    Action.ACTION_DONE: frozenset({Kind.ACTION_ASSIGNED, Kind.ACTION_DUE}),
    Action.UNSUBSCRIBE: frozenset(
        {
            Kind.OUTREACH_FOLLOW_UP,
            Kind.KEEP_IN_TOUCH,
            Kind.COACH_DIGEST,
            Kind.ACTION_ASSIGNED,
            Kind.WEEKLY_SUMMARY,
        }
    ),
}


class LinkError(Exception):
    """Why a link cannot be used. `reminder` is the reminder a genuine but expired link names
    (so the page can point to where the same thing is done after logging in), else None."""

    reason = "invalid"

    def __init__(self, reminder: Reminder | None = None):
        super().__init__(self.reason)
        self.reminder = reminder


class LinkInvalid(LinkError):
    """Tampered with, cut short, made for another action, or naming nothing that exists."""

    reason = "invalid"


class LinkExpired(LinkError):
    reason = "expired"


# Links that work for as long as the reminder they name exists (see the module docstring).
NEVER_EXPIRE = frozenset({Action.UNSUBSCRIBE})


def _max_age(action: Action) -> timedelta | None:
    return None if action in NEVER_EXPIRE else LINK_MAX_AGE


def _salt(action: Action) -> str:
    return f"reminders.link.{action}"


def _object_id(action: Action, reminder: Reminder) -> int | None:
    """The object the action changes: the interview, the contact, the action item, or whose
    preference it is."""
    if action == Action.THANK_YOU_SENT:
        return reminder.interview_id
    if action == Action.SNOOZE:
        return reminder.contact_id
    if action == Action.ACTION_DONE:
        return reminder.action_item_id
    return reminder.coach_id if reminder.kind == Kind.COACH_DIGEST else reminder.client_id


def link_token(*, action: Action, reminder: Reminder) -> str:
    if reminder.kind not in OFFERED_ON[action]:
        raise ValueError(f"A {reminder.kind} reminder has no {action} link.")
    payload = {
        "action": str(action),
        "object": _object_id(action, reminder),
        "reminder": reminder.pk,
    }
    return signing.dumps(payload, salt=_salt(action))


def link_url(*, action: Action, reminder: Reminder) -> str:
    """The absolute link for an email (emails have no request to build it from)."""
    token = link_token(action=action, reminder=reminder)
    path = reverse(URL_NAMES[action], kwargs={"token": token})
    return settings.SITE_URL.rstrip("/") + path


def reminder_from_token(token: str, *, action: Action) -> Reminder:
    """The reminder a link was made for, with its client, coach, interview and contact loaded.

    Raises LinkExpired when the signature is genuine but older than LINK_MAX_AGE (never for an
    unsubscribe link), LinkInvalid for anything else that is wrong (bad signature, another
    action's token, an odd payload, a reminder that no longer exists or no longer matches the
    object in the link).
    """
    try:
        payload = signing.loads(token, salt=_salt(action), max_age=_max_age(action))
    except signing.SignatureExpired:
        payload = signing.loads(token, salt=_salt(action), max_age=None)
        raise LinkExpired(_matching_reminder(payload, action)) from None
    except signing.BadSignature:
        raise LinkInvalid() from None
    reminder = _matching_reminder(payload, action)
    if reminder is None:
        raise LinkInvalid()
    return reminder


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _matching_reminder(payload, action: Action) -> Reminder | None:
    if not isinstance(payload, dict) or payload.get("action") != action:
        return None
    reminder_id, object_id = payload.get("reminder"), payload.get("object")
    if not (_is_id(reminder_id) and _is_id(object_id)):
        return None
    reminder = (
        Reminder.objects.select_related(
            "client",
            "client__coach",
            "coach",
            "interview",
            "contact",
            "contact__company",
            "action_item",
        )
        .filter(pk=reminder_id, kind__in=OFFERED_ON[action])
        .first()
    )
    if reminder is None or _object_id(action, reminder) != object_id:
        return None
    return reminder
