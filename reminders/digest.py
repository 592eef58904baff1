"""The coach's morning digest: today's interviews, overdue thank-yous, stalled outreach."""

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from clients.models import Client, Contact, Touch
from interviews.models import Interview

from . import rules


@dataclass
class Digest:
    coach: object
    local_date: object
    interviews_today: list = field(default_factory=list)
    overdue_thank_yous: list = field(default_factory=list)
    stalled_outreach: list = field(default_factory=list)

    @property
    def has_news(self) -> bool:
        return bool(self.interviews_today or self.overdue_thank_yous or self.stalled_outreach)


def digest_for(coach, now: datetime) -> Digest:
    zone = zoneinfo.ZoneInfo(coach.timezone)
    local_date = timezone.localtime(now, zone).date()
    day_start = datetime.combine(local_date, datetime.min.time()).replace(tzinfo=zone)
    interviews = Interview.objects.filter(
        client__coach=coach, client__status=Client.Status.ACTIVE
    ).select_related("client", "contact", "contact__company")
    today = interviews.filter(
        status=Interview.Status.SCHEDULED,
        starts_at__gte=day_start,
        starts_at__lt=day_start + timedelta(days=1),
    ).order_by("starts_at")
    overdue = [
        interview
        for interview in interviews.filter(
            status__in=[Interview.Status.SCHEDULED, Interview.Status.COMPLETED],
            starts_at__gte=now - timedelta(days=14),
            starts_at__lte=now - rules.THANK_YOU_CAP,
            debrief__thank_you_sent_at__isnull=True,
        ).order_by("starts_at")
        if interview.ends_at + rules.THANK_YOU_CAP <= now
    ]
    stalled = list(
        Touch.objects.filter(
            kind=Touch.Kind.OUTREACH,
            contact__client__coach=coach,
            contact__client__status=Client.Status.ACTIVE,
            contact__stage=Contact.Stage.REACHED_OUT,
            at__lte=now - timedelta(days=7),
            at__gte=now - timedelta(days=30),
        )
        .select_related("contact", "contact__client", "contact__company")
        .order_by("at")[:20]
    )
    return Digest(
        coach=coach,
        local_date=local_date,
        interviews_today=list(today),
        overdue_thank_yous=overdue,
        stalled_outreach=stalled,
    )
