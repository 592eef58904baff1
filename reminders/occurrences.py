"""From state to reminders: which reminder occurrences an interview, a contact, a coach, an
action item or a client's week has, and when each is due (by reminders.rules). The sweep
records the ones whose window is open; the Reminders tab shows the ones still to come. Both
read the same functions, so what the app promises is what the sweep sends.

Nothing here is stored: an interview that is rescheduled, cancelled or marked thanked, an
action item that is done or moved to another day (in the app, the admin or the shell) simply
yields other occurrences next time it is read.
"""

from dataclasses import dataclass
from datetime import date, datetime

from clients.models import Client, Contact, Touch
from goals.models import ActionItem
from interviews.models import Interview

from . import rules
from .identity import Occasion
from .models import Reminder

Kind = Reminder.Kind


@dataclass(frozen=True)
class Occurrence:
    """One reminder the rules say is due: what it is about (`occasion`), to whom, and when."""

    occasion: Occasion
    recipient_email: str
    due: rules.Due
    client: Client | None = None
    interview: Interview | None = None
    contact: Contact | None = None
    coach: object | None = None
    action_item: ActionItem | None = None

    @property
    def kind(self) -> str:
        return self.occasion.kind

    @property
    def key(self) -> str:
        return self.occasion.key

    def as_reminder(self, now: datetime) -> Reminder:
        reminder = Reminder(
            **self.occasion.columns(),
            client=self.client,
            coach=self.coach,
            interview=self.interview,
            contact=self.contact,
            recipient_email=self.recipient_email,
            due_at=self.due.at,
            window_ends_at=self.due.window_ends_at,
            next_attempt_at=now,
        )
        if self.action_item is not None:
            reminder.action_item = self.action_item  # the object, as loaded (the id is the same)
        return reminder


def thank_you_is_sent(interview: Interview) -> bool:
    try:
        return interview.debrief.thank_you_sent_at is not None
    except Interview.debrief.RelatedObjectDoesNotExist:
        return False


def interview_occurrences(interview: Interview) -> list[Occurrence]:
    """Prep, thank-you and thank-you-overdue for one interview. Expects client, client.coach,
    contact, contact.company and debrief to be loaded (select_related)."""
    client = interview.client
    if client.status != Client.Status.ACTIVE or interview.status in (
        Interview.Status.CANCELLED,
        Interview.Status.NO_SHOW,
    ):
        return []
    common = {"client": client, "interview": interview, "contact": interview.contact}

    def about(kind):
        # The interview's start is part of each occasion: rescheduled, it is a new one.
        return Occasion.for_interview(
            kind, interview_id=interview.pk, starts_at=interview.starts_at
        )

    found = []
    if interview.status == Interview.Status.SCHEDULED:
        due = rules.prep_due(
            starts_at=interview.starts_at,
            scheduled_at=interview.created_at,
            timezone_name=client.timezone,
        )
        if due:
            found.append(Occurrence(about(Kind.PREP), client.email, due, **common))
    if not thank_you_is_sent(interview):
        due = rules.thank_you_due(ends_at=interview.ends_at, timezone_name=client.timezone)
        found.append(Occurrence(about(Kind.THANK_YOU), client.email, due, **common))
        due = rules.thank_you_overdue_due(ends_at=interview.ends_at)
        found.append(Occurrence(about(Kind.THANK_YOU_OVERDUE), client.coach.email, due, **common))
    return found


def follow_up_occurrences(contact: Contact, outreach: Touch) -> list[Occurrence]:
    """The 3B7 follow-ups of the contact's latest outreach, while no reply came."""
    client = contact.client
    if (
        client.status != Client.Status.ACTIVE
        or not client.remind_follow_ups
        or contact.stage != Contact.Stage.REACHED_OUT
    ):
        return []
    found = []
    for step in rules.FOLLOW_UP_STEPS:
        due = rules.follow_up_due(outreach_at=outreach.at, step=step, timezone_name=client.timezone)
        occasion = Occasion.for_follow_up(contact_id=contact.pk, touch_id=outreach.pk, step=step)
        due, occasion = _with_pause(due, occasion, contact.reminders_paused_until)
        found.append(Occurrence(occasion, client.email, due, client=client, contact=contact))
    # Both steps pushed to the end of one pause would arrive together: keep the later one.
    if len(found) > 1 and found[0].due.at == found[-1].due.at:
        found = found[-1:]
    return found


def _with_pause(due: rules.Due, occasion: Occasion, paused_until) -> tuple[rules.Due, Occasion]:
    """A snoozed reminder is a new occasion at the end of the pause, so that snoozing one that
    was already sent brings it back a week later."""
    later = rules.paused(due, paused_until)
    if later is due:
        return due, occasion
    return later, occasion.snoozed_until(paused_until)


KEEP_IN_TOUCH_STAGES = (
    Contact.Stage.INTERVIEWED,
    Contact.Stage.THANKED,
    Contact.Stage.KEEPING_IN_TOUCH,
)


def keep_in_touch_occurrence(contact: Contact, last_touch: Touch) -> Occurrence | None:
    """N weeks after the last touch with someone the client interviewed; any touch resets it."""
    client = contact.client
    if (
        client.status != Client.Status.ACTIVE
        or not client.remind_keep_in_touch
        or contact.stage not in KEEP_IN_TOUCH_STAGES
    ):
        return None
    due = rules.keep_in_touch_due(
        last_touch_at=last_touch.at,
        weeks=client.keep_in_touch_weeks,
        timezone_name=client.timezone,
    )
    occasion = Occasion.for_keep_in_touch(contact_id=contact.pk, touch_id=last_touch.pk)
    due, occasion = _with_pause(due, occasion, contact.reminders_paused_until)
    return Occurrence(occasion, client.email, due, client=client, contact=contact)


def digest_occurrence(coach, local_date) -> Occurrence | None:
    if not (coach.is_active and coach.daily_digest):
        return None
    due = rules.digest_due(local_date=local_date, timezone_name=coach.timezone)
    occasion = Occasion.for_digest(coach_id=coach.pk, local_date=local_date)
    return Occurrence(occasion, coach.email, due, coach=coach)


def action_assigned_occurrence(item: ActionItem) -> Occurrence | None:
    """The client hears of an item the coach set them, unless they turned that off; never of
    one they set themselves, nor of one already done. Expects client and client.coach loaded."""
    client = item.client
    if (
        client.status != Client.Status.ACTIVE
        or not client.remind_assigned_actions
        or item.set_by != ActionItem.SetBy.COACH
        or item.is_done
    ):
        return None
    due = rules.action_assigned_due(assigned_at=item.created_at, timezone_name=client.timezone)
    occasion = Occasion.for_action_assigned(action_item_id=item.pk)
    return Occurrence(occasion, client.email, due, client=client, action_item=item)


def action_due_occurrence(item: ActionItem) -> Occurrence | None:
    """The morning the item is due, while it is not done. Its due date is part of the occasion:
    moved to another day, it is due again then. Expects client and client.coach loaded."""
    client = item.client
    if client.status != Client.Status.ACTIVE or item.is_done or item.due_on is None:
        return None
    due = rules.action_due_due(
        due_on=item.due_on, set_at=item.created_at, timezone_name=client.timezone
    )
    if due is None:
        return None
    occasion = Occasion.for_action_due(action_item_id=item.pk, due_on=item.due_on)
    return Occurrence(occasion, client.email, due, client=client, action_item=item)


def weekly_summary_occurrence(client: Client, monday: date) -> Occurrence | None:
    """The Monday summary of the week starting `monday` (client-local), for a client with a
    target in force that week who has not turned it off. Reads `client.weekly_targets`
    (prefetch them for many clients)."""
    if (
        client.status != Client.Status.ACTIVE
        or not client.remind_weekly_summary
        or not any(target.applies_to(monday) for target in client.weekly_targets.all())
    ):
        return None
    due = rules.weekly_summary_due(monday=monday, timezone_name=client.timezone)
    occasion = Occasion.for_weekly_summary(client_id=client.pk, monday=monday)
    return Occurrence(occasion, client.email, due, client=client)
