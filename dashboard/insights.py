"""Is the method working? The funnel and the weekly activity, for one client or a caseload, and
each coach's funnel side by side for the practice home.

Each figure is one aggregate query over the period, so the cost does not grow with the page; side
by side, each is still one query, grouped by coach (clients.access.per_caseload).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from clients.access import caseloads_scope
from clients.models import Client, Contact, Opportunity, Touch
from clients.selectors import Tally, tally_per_caseload
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

    @property
    def weeks(self) -> int:
        """How many weeks (Monday first) the period touches: the length of its weekly chart."""
        first_monday = self.start - timedelta(days=self.start.weekday())
        return (self.end - first_monday).days // 7 + 1


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


def _funnel_steps(clients, period: Period) -> list[tuple[QuerySet, str, dict]]:
    """What each step of the funnel counts, as (rows, the path from a row to its client, the
    counts): the one definition of the funnel, counted for one caseload (`funnel`) or for many
    side by side (`funnel_per_caseload`). Each step counts the events that happened in the
    period."""
    start, end = period.start_at, period.end_at
    held = Interview.objects.filter(
        client__in=clients,
        status=Interview.Status.COMPLETED,
        starts_at__gte=start,
        starts_at__lt=end,
    )
    return [
        (
            Contact.objects.filter(client__in=clients, created_at__gte=start, created_at__lt=end),
            "client",
            {"identified": Count("pk")},
        ),
        (
            Touch.objects.filter(
                contact__client__in=clients,
                at__gte=start,
                at__lt=end,
                kind__in=[*OUTREACH_KINDS, Touch.Kind.REPLY],  # all the counts below look at
            ),
            "contact__client",
            {
                "reached_out": Count("contact", distinct=True, filter=Q(kind__in=OUTREACH_KINDS)),
                "replied": Count("contact", distinct=True, filter=Q(kind=Touch.Kind.REPLY)),
            },
        ),
        (
            held,
            "client",
            {
                "interviews_held": Count("pk"),
                "thank_yous_on_time": Count(
                    "pk", filter=Q(pk__in=held.thanked_on_time().values("pk"))
                ),
            },
        ),
        (
            Referral.objects.filter(
                interview__client__in=clients, created_at__gte=start, created_at__lt=end
            ),
            "interview__client",
            {"referrals": Count("pk")},
        ),
        (
            Opportunity.objects.filter(
                client__in=clients, at__gte=period.start, at__lte=period.end
            ),
            "client",
            {"opportunities": Count("pk")},
        ),
    ]


def _ids_of(clients) -> list[int]:
    """The clients' ids, read in one cheap query, for the figures to filter on. Given the
    caseload's rule as a subquery (`coach = X OR id IN (shares)`), PostgreSQL expects about
    three times its clients and reads every contact and touch of the practice; given the ids,
    it reads the caseload's own from the indexes (contact_client_created_idx, touch_kind_at_idx)."""
    return list(clients.values_list("pk", flat=True)) if isinstance(clients, QuerySet) else clients


def funnel(clients, period: Period) -> Funnel:
    """Counts for the period: each step counts the events that happened in it."""
    counts = {}
    for rows, _path, aggregates in _funnel_steps(_ids_of(clients), period):
        counts.update(rows.aggregate(**aggregates))
    return Funnel(**counts)


def funnel_per_caseload(coach_ids, period: Period) -> dict[int, Funnel]:
    """`funnel(caseload_clients(coach), period)` for each of these coaches, in as many queries
    as `funnel` takes for one caseload, whatever the number of coaches."""
    counts = defaultdict(Counter)
    for rows, path, aggregates in _funnel_steps(caseloads_clients(coach_ids), period):
        tally = tally_per_caseload(rows, coach_ids, path, **aggregates)
        for coach_id in coach_ids:
            counts[coach_id].update(tally.of(coach_id))
    return {
        coach_id: Funnel(**{name: counts[coach_id][name] for name, _label in Funnel.STEPS})
        for coach_id in coach_ids
    }


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
    clients = _ids_of(clients)
    touch_counts = (
        Touch.objects.filter(
            contact__client__in=clients,
            at__gte=since,
            kind__in=[*OUTREACH_KINDS, Touch.Kind.THANK_YOU],  # all the counts below look at
        )
        .annotate(week=TruncWeek("at"))
        .values("week")
        .annotate(
            # Touches counted by their contact (never null), which touch_kind_at_idx holds,
            # and not by their id, which it does not.
            outreach=Count("contact", filter=Q(kind__in=OUTREACH_KINDS)),
            thank_yous=Count("contact", filter=Q(kind=Touch.Kind.THANK_YOU)),
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


def caseloads_clients(coach_ids):
    """The active clients any of these coaches works on (caseload_clients of each, together)."""
    return Client.objects.filter(caseloads_scope(coach_ids), status=Client.Status.ACTIVE)


def active_clients_per_caseload(coach_ids) -> Tally:
    """How many clients `caseload_clients` holds for each coach (`n`), those shared with them
    apart (`Tally.shared`)."""
    return tally_per_caseload(caseloads_clients(coach_ids), coach_ids, n=Count("pk"))
