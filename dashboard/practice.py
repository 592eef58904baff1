"""The practice home's figures: every coach's caseload side by side, and the practice's.

A coach's row counts what their own pages count: the coach home's active clients and "needs
attention" (now, in the coach's timezone), and the insights funnel over the chosen period. The
rows are counted for all coaches at once, grouped by coach in SQL (clients.access.per_caseload),
so the page costs a fixed number of queries whatever the number of coaches and clients. The
practice's own line, funnel and chart come from the coach pages' selectors over the practice's
active clients, each client once: a client shared between two coaches counts in both rows and
once in the practice's line.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from accounts.models import User
from clients.models import Client
from clients.selectors import Tally

from .attention import attention_per_caseload
from .insights import (
    Funnel,
    Period,
    Week,
    active_clients_per_caseload,
    caseload_clients,
    funnel,
    funnel_per_caseload,
    weekly_activity,
)


@dataclass(frozen=True)
class Figures:
    """One line of the table: a coach's caseload, or the practice's."""

    active_clients: int
    needs_attention: int
    funnel: Funnel
    shared_clients: int = 0  # of the active clients, those shared with the coach


@dataclass(frozen=True)
class CoachRow:
    coach: User  # from clients.access.practice_home_coaches: `is_current`, `membership`
    figures: Figures


@dataclass(frozen=True)
class PeriodSummary:
    """What only a write or the calendar changes: cached with the homes' summaries."""

    funnels: dict[int, Funnel]
    active: Tally  # of `n`: active clients
    total_funnel: Funnel
    total_active: int
    weeks: list[Week]


@dataclass(frozen=True)
class PracticeFigures:
    period: Period
    rows: list[CoachRow]
    total: Figures  # the practice's, or the one coach's when only they are shown
    total_is_practice: bool
    weeks: list[Week]
    counted_at: datetime  # the figures are as of then (they may be kept a while)

    @property
    def has_clients(self) -> bool:
        return self.total.active_clients > 0


def clients_shown(reader, coach=None):
    """The active clients the practice's line, funnel and chart count: the practice's (those
    the reader may see), or one coach's caseload as their own pages count it."""
    if coach is not None:
        return caseload_clients(coach)
    return Client.objects.visible_to(reader).filter(status=Client.Status.ACTIVE)


def period_summary(coaches, clients, period: Period) -> PeriodSummary:
    """The period's figures of each coach's caseload and of `clients`, computed in the current
    timezone (the practice's: its weeks and days)."""
    coach_ids = [coach.pk for coach in coaches]
    return PeriodSummary(
        funnels=funnel_per_caseload(coach_ids, period),
        active=active_clients_per_caseload(coach_ids),
        total_funnel=funnel(clients, period),
        total_active=clients.count(),
        weeks=weekly_activity(clients, weeks=period.weeks, today=period.end),
    )


def practice_figures(
    coaches, summary: PeriodSummary, period: Period, *, one_coach: bool, now=None
) -> PracticeFigures:
    """A row for each of `coaches` (all the practice home lists, or the one chosen) and the
    total line: the practice's, or with `one_coach` that coach's own."""
    now = now or timezone.now()
    attention = attention_per_caseload(coaches, now)
    rows = [
        CoachRow(
            coach=coach,
            figures=Figures(
                active_clients=summary.active.of(coach.pk)["n"],
                shared_clients=summary.active.shared.get(coach.pk, {}).get("n", 0),
                needs_attention=sum(attention.of(coach.pk).values()),
                funnel=summary.funnels[coach.pk],
            ),
        )
        for coach in coaches
    ]
    total_attention = attention.of(coaches[0].pk) if one_coach else attention.once()
    total = Figures(
        active_clients=summary.total_active,
        needs_attention=sum(total_attention.values()),
        funnel=summary.total_funnel,
    )
    return PracticeFigures(
        period=period,
        rows=rows,
        total=total,
        total_is_practice=not one_coach,
        weeks=summary.weeks,
        counted_at=now,
    )
