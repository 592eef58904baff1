"""Is the method working? The funnel and the weekly activity, for one client or a caseload.

Each figure is one aggregate query over the period, so the cost does not grow with the page.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from clients.models import Client, Contact, Opportunity, Touch
from interviews.models import Interview, Referral

OUTREACH_KINDS = [Touch.Kind.OUTREACH, Touch.Kind.FOLLOW_UP]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def last_days(cls, days: int, today: date | None = None) -> "Period":
        today = today or timezone.localdate()
        return cls(start=today - timedelta(days=days - 1), end=today)

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


@dataclass(frozen=True)
class Funnel:
    identified: int
    reached_out: int
    replied: int
    interviews_held: int
    thank_yous_on_time: int
    referrals: int
    opportunities: int

    STEPS = [
        ("identified", "Contacts identified"),
        ("reached_out", "Reached out"),
        ("replied", "Replied"),
        ("interviews_held", "Interviews held"),
        ("thank_yous_on_time", "Thank-yous on time (within 48\u00a0h)"),
        ("referrals", "Referrals gained"),
        ("opportunities", "Opportunities"),
    ]

    def rows(self):
        return [(label, getattr(self, name)) for name, label in self.STEPS]


def funnel(clients, period: Period) -> Funnel:
    """Counts for the period: each step counts the events that happened in it."""
    start, end = period.start_at, period.end_at
    touches = Touch.objects.filter(contact__client__in=clients, at__gte=start, at__lt=end)
    reached = touches.filter(kind__in=OUTREACH_KINDS).values("contact").distinct().count()
    replied = touches.filter(kind=Touch.Kind.REPLY).values("contact").distinct().count()
    held = Interview.objects.filter(
        client__in=clients,
        status=Interview.Status.COMPLETED,
        starts_at__gte=start,
        starts_at__lt=end,
    )
    thanked = held.thanked_on_time().values("pk")
    counts = held.aggregate(held=Count("pk"), on_time=Count("pk", filter=Q(pk__in=thanked)))
    return Funnel(
        identified=Contact.objects.filter(
            client__in=clients, created_at__gte=start, created_at__lt=end
        ).count(),
        reached_out=reached,
        replied=replied,
        interviews_held=counts["held"],
        thank_yous_on_time=counts["on_time"],
        referrals=Referral.objects.filter(
            interview__client__in=clients, created_at__gte=start, created_at__lt=end
        ).count(),
        opportunities=Opportunity.objects.filter(
            client__in=clients, at__gte=period.start, at__lte=period.end
        ).count(),
    )


@dataclass(frozen=True)
class Week:
    start: date
    outreach: int
    interviews: int
    thank_yous: int

    @property
    def total(self) -> int:
        return self.outreach + self.interviews + self.thank_yous


def weekly_activity(clients, *, weeks: int = 12, today: date | None = None) -> list[Week]:
    """Outreach sent, interviews held and thank-yous sent per week (Monday first), oldest first."""
    today = today or timezone.localdate()
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    since = timezone.make_aware(datetime.combine(first_monday, time.min))
    touch_counts = (
        Touch.objects.filter(contact__client__in=clients, at__gte=since)
        .annotate(week=TruncWeek("at"))
        .values("week")
        .annotate(
            outreach=Count("pk", filter=Q(kind__in=OUTREACH_KINDS)),
            thank_yous=Count("pk", filter=Q(kind=Touch.Kind.THANK_YOU)),
        )
        .order_by()
    )
    interview_counts = (
        Interview.objects.filter(
            client__in=clients, status=Interview.Status.COMPLETED, starts_at__gte=since
        )
        .annotate(week=TruncWeek("starts_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_week = {}
    for row in touch_counts:
        by_week.setdefault(_as_date(row["week"]), {}).update(
            outreach=row["outreach"], thank_yous=row["thank_yous"]
        )
    for row in interview_counts:
        by_week.setdefault(_as_date(row["week"]), {})["interviews"] = row["n"]
    return [
        Week(
            start=monday,
            outreach=by_week.get(monday, {}).get("outreach", 0),
            interviews=by_week.get(monday, {}).get("interviews", 0),
            thank_yous=by_week.get(monday, {}).get("thank_yous", 0),
        )
        for monday in (first_monday + timedelta(weeks=i) for i in range(weeks))
    ]


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def caseload_clients(coach):
    """The active clients a coach works on: their own and those shared with them."""
    return Client.objects.caseload_of(coach).filter(status=Client.Status.ACTIVE)
