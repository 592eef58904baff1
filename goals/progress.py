"""How a client is doing against their weekly targets, counted from what is already recorded.

What counts, per kind (the one home of these definitions; nothing is typed twice):

- OUTREACH, people reached out to: the distinct contacts of the client with an outreach touch
  (Touch.Kind.OUTREACH) in the week. These are people reached: follow-ups, replies and other
  touches do not count, and a contact written to twice in one week counts once.
- CONVERSATIONS, conversations held: the client's interviews marked completed whose start falls
  in the week. Scheduled, cancelled and no-show interviews are not conversations held.
- THANK_YOUS, thank-yous sent on time: the interviews thanked within THANK_YOU_WINDOW of their
  end (Interview.objects.thanked_on_time, the one home of that rule), counted in the week the
  thank-you was marked sent (Debrief.thank_you_sent_at).

A record belongs to the week whose bounds hold its instant: goals.weeks.week_bounds(monday,
client.timezone), weeks from Monday 00:00 local. A target applies to the weeks from its `since`
on, with its current number (goals.models.WeeklyTarget keeps no history).

Being on track (`pace`, the one definition): in the current week, on its day d (Monday 1 …
Sunday 7, today included), every target has `actual >= per_week * d // 7` — the target's share
of the days begun, rounded down. So a target of 3 asks for nothing on Monday and Tuesday, 1 by
Wednesday, 2 by Friday, all 3 by Sunday; a week already met is on track.

API (reads only; the services are in goals.services):

- week_progress(client, monday) -> list[TargetProgress]: one week, every kind, in Kind order.
- progress_history(client, *, weeks=12, today=None) -> list[WeekProgress]: the last `weeks`
  weeks, oldest first, the current one last; four queries however many weeks.
- caseload_on_track(clients, *, now=None) -> dict[client pk, ClientPace]: each client's pace in
  their own current week; at most four queries however many clients (one more if `clients` is
  a queryset not yet read).
- expected_by(per_week, today) -> int and pace(progress, today) -> Pace: the pace rule.
"""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.utils import timezone

from clients.models import Touch
from interviews.models import Interview

from .models import WeeklyTarget
from .weeks import days_into_week, local_date, monday_of, week_bounds, weeks_back

Kind = WeeklyTarget.Kind


class Pace(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    BEHIND = "behind", "Behind"
    NO_TARGETS = "no_targets", "No targets"


@dataclass(frozen=True)
class TargetProgress:
    kind: str  # a WeeklyTarget.Kind
    target: int | None  # per week; None when no target applies to the week
    actual: int

    @property
    def met(self) -> bool:
        return self.target is not None and self.actual >= self.target

    @property
    def label(self) -> str:
        return Kind(self.kind).label


@dataclass(frozen=True)
class WeekProgress:
    monday: date
    targets: list[TargetProgress]  # every kind, in Kind order

    @property
    def has_targets(self) -> bool:
        return any(row.target is not None for row in self.targets)


@dataclass(frozen=True)
class ClientPace:
    pace: Pace
    targets: list[TargetProgress]  # this week's, the kinds with a target only


# --- the pace rule --------------------------------------------------------------------------


def expected_by(per_week: int, today: date) -> int:
    """How much of a weekly target should be done by the end of `today` (a client-local date):
    its share of the days of the week begun, rounded down."""
    return per_week * days_into_week(today) // 7


def pace(progress: list[TargetProgress], today: date) -> Pace:
    """On track when every target of the week holding `today` is at or past `expected_by`."""
    targeted = [row for row in progress if row.target is not None]
    if not targeted:
        return Pace.NO_TARGETS
    if all(row.actual >= expected_by(row.target, today) for row in targeted):
        return Pace.ON_TRACK
    return Pace.BEHIND


# --- what counts ----------------------------------------------------------------------------
# Each returns (client id, what is counted once, when) for the clients, in [start, end).


def _outreach(client_ids, start: datetime, end: datetime):
    return (
        Touch.objects.filter(
            contact__client_id__in=client_ids,
            kind=Touch.Kind.OUTREACH,
            at__gte=start,
            at__lt=end,
        )
        .order_by()
        .values_list("contact__client_id", "contact_id", "at")
    )


def _conversations(client_ids, start: datetime, end: datetime):
    return (
        Interview.objects.filter(
            client_id__in=client_ids,
            status=Interview.Status.COMPLETED,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .order_by()
        .values_list("client_id", "pk", "starts_at")
    )


def _thank_yous(client_ids, start: datetime, end: datetime):
    return (
        Interview.objects.thanked_on_time()
        .filter(
            client_id__in=client_ids,
            debrief__thank_you_sent_at__gte=start,
            debrief__thank_you_sent_at__lt=end,
        )
        .order_by()
        .values_list("client_id", "pk", "debrief__thank_you_sent_at")
    )


COUNTED = {
    Kind.OUTREACH: _outreach,
    Kind.CONVERSATIONS: _conversations,
    Kind.THANK_YOUS: _thank_yous,
}


class _Weeks:
    """A client's run of consecutive weeks, with their bounds in UTC."""

    def __init__(self, mondays: list[date], timezone_name: str):
        self.mondays = mondays
        self.edges = [week_bounds(monday, timezone_name)[0] for monday in mondays]
        self.edges.append(week_bounds(mondays[-1], timezone_name)[1])

    def index_of(self, moment: datetime) -> int | None:
        index = bisect_right(self.edges, moment) - 1
        return index if 0 <= index < len(self.mondays) else None


def _actuals(weeks_of: dict[int, _Weeks], kinds_of: dict[int, set]) -> dict:
    """{(client id, kind): [count per week]}: one query per kind, over the span of every
    client's weeks, bucketed here in each client's own weeks."""
    counted = defaultdict(set)
    for kind, records in COUNTED.items():
        client_ids = [client_id for client_id, kinds in kinds_of.items() if kind in kinds]
        if not client_ids:
            continue
        start = min(weeks_of[client_id].edges[0] for client_id in client_ids)
        end = max(weeks_of[client_id].edges[-1] for client_id in client_ids)
        for client_id, key, moment in records(client_ids, start, end):
            index = weeks_of[client_id].index_of(moment)
            if index is not None:
                counted[(client_id, kind, index)].add(key)
    return {
        (client_id, kind): [
            len(counted[(client_id, kind, index)]) for index in range(len(weeks.mondays))
        ]
        for client_id, weeks in weeks_of.items()
        for kind in kinds_of[client_id]
    }


# --- selectors ------------------------------------------------------------------------------


def progress_history(client, *, weeks: int = 12, today: date | None = None) -> list[WeekProgress]:
    """Target against actual for each of the last `weeks` weeks of the client, oldest first,
    ending with the week holding `today` (client-local; default: the client's today)."""
    today = today or local_date(timezone.now(), client.timezone)
    mondays = weeks_back(today, weeks)
    targets = {target.kind: target for target in WeeklyTarget.objects.filter(client_id=client.pk)}
    actuals = _actuals({client.pk: _Weeks(mondays, client.timezone)}, {client.pk: set(Kind)})
    return [
        WeekProgress(
            monday=monday,
            targets=[
                TargetProgress(
                    kind=kind,
                    target=_target_for(targets.get(kind), monday),
                    actual=actuals[(client.pk, kind)][index],
                )
                for kind in Kind
            ],
        )
        for index, monday in enumerate(mondays)
    ]


def week_progress(client, monday: date) -> list[TargetProgress]:
    """Target against actual for every kind in the week starting on this client-local Monday."""
    if monday.weekday() != 0:
        raise ValueError(f"{monday} is not a Monday")
    return progress_history(client, weeks=1, today=monday)[0].targets


def caseload_on_track(clients, *, now: datetime | None = None) -> dict[int, ClientPace]:
    """Each client's pace in their own current week (their timezone's today at `now`), by pk.

    A caseload spans timezones, so "this week" and "today" are each client's own: that is why
    this takes an instant, not a date. Only the kinds with a target are counted.
    """
    now = now or timezone.now()
    clients = list(clients)
    today_of = {client.pk: local_date(now, client.timezone) for client in clients}
    this_monday = {pk: monday_of(today) for pk, today in today_of.items()}
    targets_of = defaultdict(dict)
    for target in WeeklyTarget.objects.filter(client_id__in=list(today_of)):
        if target.applies_to(this_monday[target.client_id]):
            targets_of[target.client_id][target.kind] = target.per_week
    weeks_of = {
        client.pk: _Weeks([this_monday[client.pk]], client.timezone)
        for client in clients
        if targets_of[client.pk]
    }
    actuals = _actuals(weeks_of, {pk: set(targets_of[pk]) for pk in weeks_of})
    result = {}
    for client in clients:
        rows = [
            TargetProgress(kind=kind, target=per_week, actual=actuals[(client.pk, kind)][0])
            for kind in Kind
            if (per_week := targets_of[client.pk].get(kind)) is not None
        ]
        result[client.pk] = ClientPace(pace=pace(rows, today_of[client.pk]), targets=rows)
    return result


def _target_for(target: WeeklyTarget | None, monday: date) -> int | None:
    return target.per_week if target is not None and target.applies_to(monday) else None
