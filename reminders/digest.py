"""The coach's morning digest: today's interviews, overdue thank-yous, stalled outreach.

Its lists are the coach home's rules (reminders.candidates), not copies of them: the same
interviews and contacts, each once."""

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from clients.models import Client
from interviews.models import Interview

from . import candidates


@dataclass
class Digest:
    coach: object
    local_date: object
    interviews_today: list = field(default_factory=list)
    overdue_thank_yous: list = field(default_factory=list)
    stalled_outreach: list = field(default_factory=list)  # candidates.Stalled

    @property
    def has_news(self) -> bool:
        return bool(self.interviews_today or self.overdue_thank_yous or self.stalled_outreach)


def digest_for(coach, now: datetime) -> Digest:
    zone = zoneinfo.ZoneInfo(coach.timezone)
    local_date = timezone.localtime(now, zone).date()
    day_start = datetime.combine(local_date, datetime.min.time()).replace(tzinfo=zone)
    caseload = Client.objects.filter(coach=coach, status=Client.Status.ACTIVE)
    today = (
        Interview.objects.filter(
            client__in=caseload,
            status=Interview.Status.SCHEDULED,
            starts_at__gte=day_start,
            starts_at__lt=day_start + timedelta(days=1),
        )
        .select_related("client", "contact", "contact__company")
        .order_by("starts_at")
    )
    return Digest(
        coach=coach,
        local_date=local_date,
        interviews_today=list(today),
        overdue_thank_yous=list(candidates.overdue_thank_yous(caseload, now)),
        stalled_outreach=list(candidates.stalled_outreach(caseload, now)),
    )
