"""What a reminder is about, as data: the one place a reminder's key is built and read.

A reminder is unique per occasion: the interview and its start for prep and thank-you reminders,
the outreach touch and the step (3 or 7) for a follow-up, the last touch for keep-in-touch, the
end of a snooze for a snoozed one, the coach and their local date for the digest, the action
item for the email that assigns it, the action item and its due date for the due-day email (a
moved due date is a new occasion), the client and the Monday of the week for the weekly
summary. `Occasion`
holds those as typed values; `Reminder` stores them in columns of the same names and its unique
`key` is `Occasion.key`, so two sweeps can never record the same occasion twice.

Nothing else builds or parses a key: the emails, the sweep's re-check, the demo and scale data
read the columns (or an `Occasion`), never the string. `Occasion.parse` exists for the data
migration that filled the columns from keys written before they existed, and for the round-trip
test that holds `key` and `parse` together.
"""

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

INTERVIEW_KINDS = frozenset({"prep", "thank_you", "thank_you_overdue"})
CONTACT_KINDS = frozenset({"outreach_follow_up", "keep_in_touch"})
COACH_KINDS = frozenset({"coach_digest"})
ACTION_ITEM_KINDS = frozenset({"action_assigned", "action_due"})
CLIENT_WEEK_KINDS = frozenset({"weekly_summary"})

_SNOOZE_FORMAT = "%Y%m%dT%H%M"
_KEY = re.compile(
    r"^(?P<kind>[a-z_]+):(?:"
    r"interview-(?P<interview>\d+):(?P<starts_at>[0-9T:+\-]+)"
    r"|contact-(?P<contact>\d+):touch-(?P<touch>\d+)(?::step-(?P<step>\d+))?"
    r"(?::snoozed-(?P<snoozed>\d{8}T\d{4}))?"
    r"|coach-(?P<coach>\d+):(?P<date>\d{4}-\d{2}-\d{2})"
    r"|item-(?P<item>\d+)(?::(?P<due_on>\d{4}-\d{2}-\d{2}))?"
    r"|client-(?P<client>\d+):week-(?P<monday>\d{4}-\d{2}-\d{2})"
    r")$"
)


def _to_minute(moment: datetime | None) -> datetime | None:
    """Keys name moments to the minute, in UTC: so does the occasion."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Occasion:
    kind: str
    interview_id: int | None = None
    interview_starts_at: datetime | None = None
    contact_id: int | None = None
    touch_id: int | None = None
    step: int | None = None
    paused_until: datetime | None = None
    coach_id: int | None = None
    local_date: date | None = None
    action_item_id: int | None = None
    client_id: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "interview_starts_at", _to_minute(self.interview_starts_at))
        object.__setattr__(self, "paused_until", _to_minute(self.paused_until))

    # --- the ones the rules make ---------------------------------------------------------------

    @classmethod
    def for_interview(cls, kind: str, *, interview_id: int, starts_at: datetime) -> "Occasion":
        """The interview's start is part of it: a rescheduled interview is a new occasion."""
        return cls(kind, interview_id=interview_id, interview_starts_at=starts_at)

    @classmethod
    def for_follow_up(
        cls, *, contact_id: int, touch_id: int, step: int, paused_until: datetime | None = None
    ) -> "Occasion":
        return cls(
            "outreach_follow_up",
            contact_id=contact_id,
            touch_id=touch_id,
            step=step,
            paused_until=paused_until,
        )

    @classmethod
    def for_keep_in_touch(
        cls, *, contact_id: int, touch_id: int, paused_until: datetime | None = None
    ) -> "Occasion":
        return cls(
            "keep_in_touch", contact_id=contact_id, touch_id=touch_id, paused_until=paused_until
        )

    @classmethod
    def for_digest(cls, *, coach_id: int, local_date: date) -> "Occasion":
        return cls("coach_digest", coach_id=coach_id, local_date=local_date)

    @classmethod
    def for_action_assigned(cls, *, action_item_id: int) -> "Occasion":
        """Once per item: an item is assigned once, whatever is edited afterwards."""
        return cls("action_assigned", action_item_id=action_item_id)

    @classmethod
    def for_action_due(cls, *, action_item_id: int, due_on: date) -> "Occasion":
        """The due date is part of it: an item moved to another day is a new occasion."""
        return cls("action_due", action_item_id=action_item_id, local_date=due_on)

    @classmethod
    def for_weekly_summary(cls, *, client_id: int, monday: date) -> "Occasion":
        """The Monday (client-local) of the week summarised: one summary per client and week."""
        return cls("weekly_summary", client_id=client_id, local_date=monday)

    def snoozed_until(self, paused_until: datetime) -> "Occasion":
        """The same occasion moved to the end of a snooze: a new one, so a snoozed reminder that
        was already sent comes back."""
        return replace(self, paused_until=paused_until)

    # --- key and columns -----------------------------------------------------------------------

    @property
    def key(self) -> str:
        if self.kind in INTERVIEW_KINDS:
            stamp = self.interview_starts_at.isoformat(timespec="minutes")
            return f"{self.kind}:interview-{self.interview_id}:{stamp}"
        if self.kind in CONTACT_KINDS:
            key = f"{self.kind}:contact-{self.contact_id}:touch-{self.touch_id}"
            if self.step is not None:
                key += f":step-{self.step}"
            if self.paused_until is not None:
                key += f":snoozed-{self.paused_until:{_SNOOZE_FORMAT}}"
            return key
        if self.kind in COACH_KINDS:
            return f"{self.kind}:coach-{self.coach_id}:{self.local_date.isoformat()}"
        if self.kind in ACTION_ITEM_KINDS:
            key = f"{self.kind}:item-{self.action_item_id}"
            if self.local_date is not None:
                key += f":{self.local_date.isoformat()}"
            return key
        if self.kind in CLIENT_WEEK_KINDS:
            return f"{self.kind}:client-{self.client_id}:week-{self.local_date.isoformat()}"
        raise ValueError(f"Unknown reminder kind {self.kind!r}")

    @classmethod
    def parse(cls, key: str) -> "Occasion":
        found = _KEY.match(key)
        if found is None:
            raise ValueError(f"Not a reminder key: {key!r}")
        kind, parts = found["kind"], found.groupdict()

        def number(name):
            return int(parts[name]) if parts[name] is not None else None

        snoozed = parts["snoozed"]
        local_date = parts["date"] or parts["due_on"] or parts["monday"]
        occasion = cls(
            kind,
            interview_id=number("interview"),
            interview_starts_at=(
                datetime.fromisoformat(parts["starts_at"]) if parts["starts_at"] else None
            ),
            contact_id=number("contact"),
            touch_id=number("touch"),
            step=number("step"),
            paused_until=(
                datetime.strptime(snoozed, _SNOOZE_FORMAT).replace(tzinfo=UTC) if snoozed else None
            ),
            coach_id=number("coach"),
            local_date=date.fromisoformat(local_date) if local_date else None,
            action_item_id=number("item"),
            client_id=number("client"),
        )
        if occasion.key != key:
            raise ValueError(f"Not a {kind} reminder key: {key!r}")
        return occasion

    def columns(self) -> dict:
        """The Reminder columns that store the occasion (reminders.models.Reminder). The
        interview, contact, coach, client and action item a reminder is about are set with it,
        from the objects."""
        return {
            "kind": self.kind,
            "key": self.key,
            "interview_starts_at": self.interview_starts_at,
            "touch_id": self.touch_id,
            "step": self.step,
            "paused_until": self.paused_until,
            "local_date": self.local_date,
            "action_item_id": self.action_item_id,
        }

    @classmethod
    def of(cls, reminder) -> "Occasion":
        """The occasion a Reminder row stores in its columns."""
        if reminder.kind in INTERVIEW_KINDS:
            return cls.for_interview(
                reminder.kind,
                interview_id=reminder.interview_id,
                starts_at=reminder.interview_starts_at,
            )
        if reminder.kind in CONTACT_KINDS:
            return cls(
                reminder.kind,
                contact_id=reminder.contact_id,
                touch_id=reminder.touch_id,
                step=reminder.step,
                paused_until=reminder.paused_until,
            )
        if reminder.kind == "action_assigned":
            return cls.for_action_assigned(action_item_id=reminder.action_item_id)
        if reminder.kind == "action_due":
            return cls.for_action_due(
                action_item_id=reminder.action_item_id, due_on=reminder.local_date
            )
        if reminder.kind in CLIENT_WEEK_KINDS:
            return cls.for_weekly_summary(client_id=reminder.client_id, monday=reminder.local_date)
        return cls.for_digest(coach_id=reminder.coach_id, local_date=reminder.local_date)
