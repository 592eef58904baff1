"""The coach's morning digest: today's interviews, overdue thank-yous, stalled outreach, overdue
action items.

Its lists are the coach home's rules (reminders.candidates), not copies of them: the same
interviews and contacts, each once."""

from dataclasses import dataclass, field
from datetime import datetime

from clients.models import Client

from . import candidates


@dataclass
class Digest:
    coach: object
    local_date: object
    interviews_today: list = field(default_factory=list)
    overdue_thank_yous: list = field(default_factory=list)
    stalled_outreach: list = field(default_factory=list)  # candidates.Stalled
    overdue_actions: list = field(default_factory=list)  # goals.models.ActionItem

    @property
    def has_news(self) -> bool:
        return bool(
            self.interviews_today
            or self.overdue_thank_yous
            or self.stalled_outreach
            or self.overdue_actions
        )


def digest_for(coach, now: datetime) -> Digest:
    caseload = Client.objects.filter(coach=coach, status=Client.Status.ACTIVE)
    day_start, _ = candidates.local_day(now, coach.timezone)
    return Digest(
        coach=coach,
        local_date=day_start.date(),
        interviews_today=list(candidates.interviews_today(caseload, now, coach.timezone)),
        overdue_thank_yous=list(candidates.overdue_thank_yous(caseload, now)),
        stalled_outreach=list(candidates.stalled_outreach(caseload, now)),
        overdue_actions=list(candidates.overdue_action_items(caseload, now)),
    )
