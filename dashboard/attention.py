"""The coach's "needs attention" list: what to act on today, most urgent first.

Only what the page shows is read: each rule's PER_RULE most urgent rows, ordered and cut in
SQL. Every row read carries how many rows its rule matched in all (`COUNT(*) OVER` the rule's
rows, counted by the database in the same query), so "and N more" is exact without loading
the rest. Stalled outreach alone also reads a few columns of the outreach SQL cannot sort out
by calendar days (reminders.candidates.stalled_outreach_most_urgent). The rules themselves
(overdue thank-you, stalled outreach) live in reminders.candidates, shared with the digest and
the client's next steps; an overdue action item is goals' rule (ActionItem.objects.overdue), read
here over the caseload. The whole list is seven queries, at most PER_RULE items
per rule and a `reverse()` only for those, whatever the caseload size
(tests/dashboard/test_attention.py asserts it).

The practice home shows each coach's count side by side: `attention_per_caseload` counts the same
rules, on the same selections, for every coach at once, grouped by coach in SQL.
"""

import operator
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Touch
from clients.selectors import Tally, tally_per_caseload
from goals.models import ActionItem
from goals.weeks import day_start
from interviews.models import Interview
from reminders import candidates, rules
from reminders.models import Reminder

from .insights import caseloads_clients

QUIET_AFTER = timedelta(days=14)
# A failed reminder stays on the list this long (the Reminders tab keeps it for good).
FAILED_LISTED_FOR = timedelta(days=30)
# Each rule shows its most urgent rows; the page says how many more there are. A long caseload
# would otherwise render hundreds of rows nobody reads (bench/README.md: 794 for 176 clients).
PER_RULE = 15


@dataclass(frozen=True)
class Item:
    urgency: int  # lower is more urgent
    kind: str
    label: str
    client: Client
    detail: str
    url: str
    when: datetime | None = None


# (urgency, kind, label) in the order a coach should act on them.
OVERDUE_THANK_YOU = (0, "overdue_thank_you", "Thank-you overdue")
FAILED_REMINDER = (1, "failed_reminder", "Reminder failed")
INTERVIEW_TODAY = (2, "interview_today", "Interview today")
FOLLOW_UP_7 = (3, "follow_up_7", "No reply after 7 business days")
FOLLOW_UP_3 = (4, "follow_up_3", "No reply after 3 business days")
OVERDUE_ACTION = (5, "overdue_action", "Action item overdue")
QUIET_CLIENT = (6, "quiet_client", "No activity for 14 days")
INTERVIEW_THIS_WEEK = (7, "interview_this_week", "Interview this week")


def _ago(elapsed: timedelta) -> str:
    """Hours while the 48 h window is close ("51 h ago"), days after that ("13 days ago")."""
    hours = int(elapsed / timedelta(hours=1))
    return f"{hours} h ago" if hours < 72 else f"{hours // 24} days ago"


def _item(rule, **fields) -> Item:
    urgency, kind, label = rule
    return Item(urgency=urgency, kind=kind, label=label, **fields)


@dataclass(frozen=True)
class Found:
    """One rule's items as shown (at most PER_RULE, most urgent first) and how many rows the
    rule matched in all."""

    rule: tuple
    items: list[Item]
    matched: int


@dataclass(frozen=True)
class Attention:
    """The coach home's list: the most urgent items of each rule, most urgent first; `hidden`
    counts, by label, the items of each rule left out; `total` counts shown and hidden."""

    items: list[Item]
    hidden: dict[str, int]
    total: int


def attention_for(coach, now: datetime | None = None) -> Attention:
    now = now or timezone.now()
    clients = Client.objects.caseload_of(coach).filter(status=Client.Status.ACTIVE)
    found = sorted(
        [
            overdue_thank_yous(clients, now),
            failed_reminders(clients, now),
            *interviews_soon(coach, clients, now),
            *stalled_follow_ups(clients, now),
            overdue_action_items(clients, now),
            quiet_clients(clients, now),
        ],
        key=lambda rule_found: rule_found.rule,
    )
    items = [item for rule_found in found for item in rule_found.items]
    return Attention(
        items=sorted(items, key=lambda item: (item.urgency, item.when or now)),
        hidden={
            rule_found.rule[2]: rule_found.matched - len(rule_found.items)
            for rule_found in found
            if rule_found.matched > len(rule_found.items)
        },
        total=sum(rule_found.matched for rule_found in found),
    )


def attention_per_caseload(coaches, now: datetime | None = None) -> Tally:
    """How many items attention_for lists for each of `coaches` (its `total`), by rule kind:
    each rule counted for every coach at once, grouped by coach in SQL (clients.access.
    per_caseload), in eight queries whatever the number of coaches and clients.
    tests/dashboard/test_practice_figures.py holds the two forms together."""
    now = now or timezone.now()
    coach_ids = [coach.pk for coach in coaches]
    if not coach_ids:
        return Tally(own={}, shared={})
    clients = caseloads_clients(coach_ids)
    stalled = candidates.stalled_outreach_per_caseload(clients, coach_ids, now)
    tallies = [
        tally_per_caseload(
            candidates.overdue_thank_yous(clients, now),
            coach_ids,
            "client",
            **{OVERDUE_THANK_YOU[1]: Count("pk")},
        ),
        tally_per_caseload(
            failed_to_list(clients, now), coach_ids, "client", **{FAILED_REMINDER[1]: Count("pk")}
        ),
        _interviews_soon_per_caseload(coaches, clients, now),
        Tally(
            own={coach_id: _stalled_kinds(counts) for coach_id, counts in stalled.own.items()},
            shared={
                coach_id: _stalled_kinds(counts) for coach_id, counts in stalled.shared.items()
            },
        ),
        tally_per_caseload(
            overdue_actions(clients, now), coach_ids, "client", **{OVERDUE_ACTION[1]: Count("pk")}
        ),
        tally_per_caseload(quiet(clients, now), coach_ids, **{QUIET_CLIENT[1]: Count("pk")}),
    ]
    return Tally(
        own=_added(tally.own for tally in tallies),
        shared=_added(tally.shared for tally in tallies),
    )


def _interviews_soon_per_caseload(coaches, clients, now) -> Tally:
    """interviews_soon's counts for each coach, each in their own timezone, in one query."""
    windows = {coach.pk: soon(coach.timezone, now) for coach in coaches}
    today = reduce(
        operator.or_,
        (
            Q(caseload_coach=coach_id, starts_at__gte=day_start, starts_at__lt=tomorrow)
            for coach_id, (day_start, tomorrow, _week_end) in windows.items()
        ),
    )
    this_week = reduce(
        operator.or_,
        (
            Q(caseload_coach=coach_id, starts_at__gte=tomorrow, starts_at__lt=week_end)
            for coach_id, (_day_start, tomorrow, week_end) in windows.items()
        ),
    )
    interviews = scheduled_between(
        clients,
        min(start for start, _tomorrow, _end in windows.values()),
        max(end for _start, _tomorrow, end in windows.values()),
    )
    return tally_per_caseload(
        interviews,
        list(windows),
        "client",
        **{
            INTERVIEW_TODAY[1]: Count("pk", filter=today),
            INTERVIEW_THIS_WEEK[1]: Count("pk", filter=this_week),
        },
    )


def _stalled_kinds(by_step: Counter) -> Counter:
    return Counter({STALLED_RULE[step][1]: n for step, n in by_step.items()})


def _added(counts_by_coach) -> dict[int, Counter]:
    added = defaultdict(Counter)
    for counts in counts_by_coach:
        for coach_id, coach_counts in counts.items():
            added[coach_id].update(coach_counts)
    return dict(added)


def _most_urgent(queryset, order_by: list | None = None):
    """The PER_RULE first rows of `queryset` in `order_by` order (default: its own), each
    annotated with `n_matched`: how many rows matched in all. The database counts them
    (COUNT(*) OVER) before the LIMIT, in the same query, so no row past the cut is read."""
    queryset = queryset.annotate(n_matched=Window(Count("pk")))
    if order_by:
        queryset = queryset.order_by(*order_by)
    return queryset[:PER_RULE]


def _most_urgent_of_each(queryset, order_by: list, partition_by):
    """_most_urgent for each partition of `queryset` (one rule each), in one query."""
    queryset = queryset.annotate(
        urgency_rank=Window(RowNumber(), partition_by=partition_by, order_by=order_by),
        n_matched=Window(Count("pk"), partition_by=partition_by),
    )
    return queryset.filter(urgency_rank__lte=PER_RULE).order_by(*order_by)


def _found(rule, rows: list, to_item) -> Found:
    return Found(rule, [to_item(row) for row in rows], rows[0].n_matched if rows else 0)


def overdue_thank_yous(clients, now) -> Found:
    """Interviews whose thank-you is still not marked sent 48 h after their end (the rule:
    reminders.candidates.overdue_thank_yous)."""

    def to_item(interview):
        return _item(
            OVERDUE_THANK_YOU,
            client=interview.client,
            detail=f"{interview.contact.name}: interview ended {_ago(now - interview.ends_at)}, "
            "no thank-you yet",
            url=reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk}),
            when=interview.ends_at,
        )

    rows = list(_most_urgent(candidates.overdue_thank_yous(clients, now)))
    return _found(OVERDUE_THANK_YOU, rows, to_item)


def failed_to_list(clients, now):
    """The reminders of `clients` that failed in the last FAILED_LISTED_FOR: the rule."""
    return Reminder.objects.filter(
        client__in=clients,
        status=Reminder.Status.FAILED,
        due_at__gte=now - FAILED_LISTED_FOR,
    )


def failed_reminders(clients, now) -> Found:
    """Failed in the last 30 days, oldest first, like every rule of the list (by `when`)."""
    failed = failed_to_list(clients, now).select_related("client", "contact")

    def to_item(reminder):
        who = f" about {reminder.contact.name}" if reminder.contact else ""
        return _item(
            FAILED_REMINDER,
            client=reminder.client,
            detail=f"{reminder.get_kind_display()}{who}: {reminder.last_error[:120]}",
            url=reverse(
                "reminders_coach:client_reminders", kwargs={"client_pk": reminder.client_id}
            ),
            when=reminder.due_at,
        )

    rows = list(_most_urgent(failed, ["due_at", "pk"]))
    return _found(FAILED_REMINDER, rows, to_item)


def soon(timezone_name: str, now) -> tuple[datetime, datetime, datetime]:
    """The starts of today (the digest's day too: candidates.local_day), of tomorrow and of
    next week in the timezone: "interview today" is from the first to the second, "interview
    this week" from the second to the third."""
    day_start, tomorrow = candidates.local_day(now, timezone_name)
    week_end = day_start + timedelta(days=7 - day_start.weekday())
    return day_start, tomorrow, max(week_end, tomorrow)


def scheduled_between(clients, start: datetime, end: datetime):
    return Interview.objects.filter(
        client__in=clients,
        status=Interview.Status.SCHEDULED,
        starts_at__gte=start,
        starts_at__lt=end,
    )


def interviews_soon(coach, clients, now) -> list[Found]:
    """Today and the rest of this week, in the coach's own timezone: one query, cut per rule."""
    zone = zoneinfo.ZoneInfo(coach.timezone)
    day_start, tomorrow, week_end = soon(coach.timezone, now)
    is_today = Case(When(starts_at__lt=tomorrow, then=Value(True)), default=Value(False))
    interviews = (
        scheduled_between(clients, day_start, week_end)
        .annotate(is_today=is_today)
        .select_related("client", "contact", "contact__company")
    )
    rows = list(_most_urgent_of_each(interviews, ["starts_at", "pk"], partition_by=F("is_today")))

    def to_item(interview):
        local = timezone.localtime(interview.starts_at, zone)
        rule = INTERVIEW_TODAY if interview.is_today else INTERVIEW_THIS_WEEK
        company = f" ({interview.contact.company.name})" if interview.contact.company else ""
        return _item(
            rule,
            client=interview.client,
            detail=f"{interview.contact.name}{company}, {local:%a %d %b %H:%M}",
            url=reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk}),
            when=interview.starts_at,
        )

    return [
        _found(INTERVIEW_TODAY, [row for row in rows if row.is_today], to_item),
        _found(INTERVIEW_THIS_WEEK, [row for row in rows if not row.is_today], to_item),
    ]


def _stalled_item(rule, touch) -> Item:
    contact = touch.contact
    company = f" at {contact.company.name}" if contact.company else ""
    return _item(
        rule,
        client=contact.client,
        detail=f"{contact.name}{company}, reached out {touch.at:%d %b}",
        url=reverse("clients:contact_detail", kwargs={"contact_pk": contact.pk}),
        when=touch.at,
    )


STALLED_RULE = {
    rules.POLITE_FOLLOW_UP_STEP: FOLLOW_UP_7,
    rules.TRY_SOMEONE_ELSE_STEP: FOLLOW_UP_3,
}


def stalled_follow_ups(clients, now) -> list[Found]:
    """Contacts with no reply after 7, and after 3, business days, oldest outreach first (the
    rule's fast form: reminders.candidates.stalled_outreach_most_urgent)."""
    by_step = candidates.stalled_outreach_most_urgent(clients, now, PER_RULE)
    return [
        Found(
            STALLED_RULE[step],
            [_stalled_item(STALLED_RULE[step], touch) for touch in urgent.outreach],
            urgent.matched,
        )
        for step, urgent in by_step.items()
    ]


def stalled_items(stalled) -> list[Item]:
    """Items for reminders.candidates.stalled_outreach (the client's own home lists them)."""
    return [_stalled_item(STALLED_RULE[found.step], found.outreach) for found in stalled]


def overdue_actions(clients, now):
    """The open action items of `clients` whose due date has passed in their client's timezone:
    goals' own rule (ActionItem.objects.overdue), over a caseload."""
    return ActionItem.objects.overdue(now).filter(client__in=clients)


def overdue_action_items(clients, now) -> Found:
    """Overdue action items (overdue_actions), the longest overdue first. Marking one done takes
    it off the list."""
    overdue = overdue_actions(clients, now).select_related("client")

    def to_item(item):
        return _item(
            OVERDUE_ACTION,
            client=item.client,
            detail=f"{item.title} (due {item.due_on:%a %d %b})",
            url=f"{reverse('goals:action_items', kwargs={'client_pk': item.client_id})}"
            f"#action-item-{item.pk}",
            # Overdue since the client's next day began.
            when=day_start(item.due_on + timedelta(days=1), item.client.timezone),
        )

    rows = list(_most_urgent(overdue, ["due_on", "pk"]))
    return _found(OVERDUE_ACTION, rows, to_item)


def quiet(clients, now):
    """The clients among `clients` with no touch, interview or change for QUIET_AFTER: the rule."""
    since = now - QUIET_AFTER
    return (
        clients.filter(updated_at__lt=since)
        .exclude(Exists(Touch.objects.filter(contact__client=OuterRef("pk"), at__gte=since)))
        .exclude(Exists(Interview.objects.filter(client=OuterRef("pk"), starts_at__gte=since)))
    )


def quiet_clients(clients, now) -> Found:
    """Active clients with no touch, interview or change for 14 days, the longest quiet first."""
    touches = Touch.objects.filter(contact__client=OuterRef("pk"))
    quiet_ones = (
        quiet(clients, now)
        .annotate(last_touch=Subquery(touches.order_by("-at").values("at")[:1]))
        .annotate(last_activity=Coalesce("last_touch", "updated_at"))
    )

    def to_item(client):
        return _item(
            QUIET_CLIENT,
            client=client,
            detail=f"Last activity {client.last_activity:%d %b %Y}",
            url=reverse("clients:client_detail", kwargs={"client_pk": client.pk}),
            when=client.last_activity,
        )

    rows = list(_most_urgent(quiet_ones, ["last_activity", "name", "pk"]))
    return _found(QUIET_CLIENT, rows, to_item)
