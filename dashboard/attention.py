"""The coach's "needs attention" list: what to act on today, most urgent first.

Only what the page shows is read: each rule's PER_RULE most urgent rows, ordered and cut in
SQL. Every row read carries how many rows its rule matched in all (`COUNT(*) OVER` the rule's
rows, counted by the database in the same query), so "and N more" is exact without loading
the rest. Stalled outreach alone also reads a few columns of the outreach SQL cannot sort out
by calendar days (see SURELY_PAST_7). The whole list is six queries, at most PER_RULE items
per rule and a `reverse()` only for those, whatever the caseload size
(tests/dashboard/test_attention.py asserts it).
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
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

from clients.models import Client, Contact, Touch
from interviews.models import Interview
from reminders import rules
from reminders.models import Reminder

QUIET_AFTER = timedelta(days=14)
OVERDUE_LOOKBACK = timedelta(days=30)
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
QUIET_CLIENT = (5, "quiet_client", "No activity for 14 days")
INTERVIEW_THIS_WEEK = (6, "interview_this_week", "Interview this week")


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
    clients = Client.objects.filter(coach=coach, status=Client.Status.ACTIVE)
    found = sorted(
        [
            overdue_thank_yous(clients, now),
            failed_reminders(coach, now),
            *interviews_soon(coach, clients, now),
            *stalled_follow_ups(clients, now),
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


def _most_urgent(queryset, order_by: list):
    """The PER_RULE first rows of `queryset` in `order_by` order, each annotated with
    `n_matched`: how many rows matched in all. The database counts them (COUNT(*) OVER) before
    the LIMIT, in the same query, so no row past the cut is read."""
    return queryset.annotate(n_matched=Window(Count("pk"))).order_by(*order_by)[:PER_RULE]


def _most_urgent_of_each(queryset, order_by: list, partition_by, keep_all: Q | None = None):
    """_most_urgent for each partition of `queryset` (one rule each), in one query. Rows
    matching `keep_all` are all kept, however many."""
    queryset = queryset.annotate(
        urgency_rank=Window(RowNumber(), partition_by=partition_by, order_by=order_by),
        n_matched=Window(Count("pk"), partition_by=partition_by),
    )
    cut = Value(PER_RULE)
    if keep_all is not None:
        cut = Case(When(keep_all, then=F("n_matched")), default=cut)
    return queryset.filter(urgency_rank__lte=cut).order_by(*order_by)


def _found(rule, rows: list, to_item) -> Found:
    return Found(rule, [to_item(row) for row in rows], rows[0].n_matched if rows else 0)


def overdue_thank_yous(clients, now) -> Found:
    """Interviews whose thank-you is still not marked sent 48 h after their end (a long
    interview ends later than it starts: the end is computed in SQL)."""
    # Interview.ends_at in SQL, typed step by step: Django's SQLite backend multiplies a
    # duration only by a plain integer field and must be told the product is a duration.
    minutes = ExpressionWrapper(F("duration_minutes"), output_field=IntegerField())
    duration = ExpressionWrapper(minutes * timedelta(minutes=1), output_field=DurationField())
    interviews = (
        Interview.objects.filter(
            client__in=clients,
            status__in=[Interview.Status.SCHEDULED, Interview.Status.COMPLETED],
            starts_at__gte=now - OVERDUE_LOOKBACK,
            starts_at__lte=now - rules.THANK_YOU_CAP,
        )
        .filter(Q(debrief__isnull=True) | Q(debrief__thank_you_sent_at__isnull=True))
        .annotate(ended_at=F("starts_at") + duration)
        .filter(ended_at__lte=now - rules.THANK_YOU_CAP)
        .select_related("client", "contact")
    )

    def to_item(interview):
        return _item(
            OVERDUE_THANK_YOU,
            client=interview.client,
            detail=f"{interview.contact.name}: interview ended {_ago(now - interview.ends_at)}, "
            "no thank-you yet",
            url=reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk}),
            when=interview.ends_at,
        )

    rows = list(_most_urgent(interviews, ["ended_at", "starts_at", "pk"]))
    return _found(OVERDUE_THANK_YOU, rows, to_item)


def failed_reminders(coach, now) -> Found:
    """Failed in the last 30 days, oldest first, like every rule of the list (by `when`)."""
    failed = Reminder.objects.filter(
        client__coach=coach,
        status=Reminder.Status.FAILED,
        due_at__gte=now - OVERDUE_LOOKBACK,
    ).select_related("client", "contact")

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


def interviews_soon(coach, clients, now) -> list[Found]:
    """Today and the rest of this week, in the coach's own timezone: one query, cut per rule."""
    zone = zoneinfo.ZoneInfo(coach.timezone)
    today = timezone.localtime(now, zone).date()
    day_start = datetime.combine(today, datetime.min.time()).replace(tzinfo=zone)
    tomorrow = day_start + timedelta(days=1)
    week_end = day_start + timedelta(days=7 - today.weekday())
    is_today = Case(When(starts_at__lt=tomorrow, then=Value(True)), default=Value(False))
    interviews = (
        Interview.objects.filter(
            client__in=clients,
            status=Interview.Status.SCHEDULED,
            starts_at__gte=day_start,
            starts_at__lt=max(week_end, tomorrow),
        )
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


# Stalled outreach follows the reminders' 3B7 rule (rules.follow_up_due): business days in the
# client's timezone, which SQL cannot count. It can count calendar days: 7 business days end 9
# to 11 calendar days after the outreach, 3 end 3 to 5 days after, at the same local wall time;
# waking hours push that up to 12 h later, a daylight-saving change by an hour or two. So,
# with half a day to spare on each bound, an outreach at least SURELY_PAST_7 old is past 7
# business days whatever the timezone, one younger than NEVER_PAST_7 is not, and one at least
# SURELY_PAST_3 old is past 3. SQL counts and cuts those; Python applies the rule only to the
# outreach in between (the two "maybe" bands, about six days of outreach).
# tests/dashboard/test_attention.py checks these bounds against the rule.
SURELY_PAST_7 = timedelta(days=12)
NEVER_PAST_7 = timedelta(days=8, hours=12)
SURELY_PAST_3 = timedelta(days=6)
STALLED_AFTER = timedelta(days=3)
STALLED_LOOKBACK = timedelta(days=30)
PAST_7, MAYBE_7, PAST_3, MAYBE_3 = "past_7", "maybe_7", "past_3", "maybe_3"


def _waiting_outreach(clients, now):
    """The latest outreach touch of each contact of `clients` still waiting for a reply, sent
    3 to 30 days ago: one row per contact, `at` being when the client reached out."""
    later_outreach = Touch.objects.filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk")),
        contact=OuterRef("contact"),
        kind=Touch.Kind.OUTREACH,
    )
    return Touch.objects.filter(
        contact__client__in=clients,
        contact__stage=Contact.Stage.REACHED_OUT,
        kind=Touch.Kind.OUTREACH,
        at__gte=now - STALLED_LOOKBACK,
        at__lte=now - STALLED_AFTER,
    ).exclude(Exists(later_outreach))


def _past_follow_up(step: int, sent: datetime, timezone_name: str, now) -> bool:
    due = rules.follow_up_due(outreach_at=sent, step=step, timezone_name=timezone_name)
    return now >= due.at


def _follow_up_rule(sent: datetime, timezone_name: str, now):
    if _past_follow_up(7, sent, timezone_name, now):
        return FOLLOW_UP_7
    if _past_follow_up(3, sent, timezone_name, now):
        return FOLLOW_UP_3
    return None


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


def stalled_follow_ups(clients, now) -> list[Found]:
    """Contacts with no reply after 7, and after 3, business days, oldest outreach first.

    The first query sorts the waiting outreach into the four bands and returns only what the
    rule must still decide: the most urgent of each certain band with its count, and the two
    maybe bands whole (a few columns, no model instances). The second loads the shown rows."""
    band = Case(
        When(at__lte=now - SURELY_PAST_7, then=Value(PAST_7)),
        When(at__lte=now - NEVER_PAST_7, then=Value(MAYBE_7)),
        When(at__lte=now - SURELY_PAST_3, then=Value(PAST_3)),
        default=Value(MAYBE_3),
    )
    rows = _most_urgent_of_each(
        _waiting_outreach(clients, now).annotate(band=band),
        ["at", "pk"],
        partition_by=F("band"),
        keep_all=Q(band__in=[MAYBE_7, MAYBE_3]),
    ).values_list("pk", "at", "contact__client__timezone", "band", "n_matched")
    by_band, matched = defaultdict(list), defaultdict(int)
    for pk, sent, timezone_name, in_band, n_matched in rows:
        by_band[in_band].append((pk, sent, timezone_name))
        matched[in_band] = n_matched
    # rules.follow_up_due loads each client's timezone by name, and zoneinfo keeps only the
    # last eight it loaded unless they are still referenced: hold them while the rule runs.
    maybe = [*by_band[MAYBE_7], *by_band[MAYBE_3]]
    _zones = [zoneinfo.ZoneInfo(name) for name in {name for _pk, _sent, name in maybe}]

    def past(step, row):
        _pk, sent, timezone_name = row
        return _past_follow_up(step, sent, timezone_name, now)

    # Oldest first: every PAST_7 outreach is older than every MAYBE_7 one, and so on.
    past_7, not_7 = [], []
    for row in by_band[MAYBE_7]:  # all past 3 business days
        (past_7 if past(7, row) else not_7).append(row)
    young_past_3 = [row for row in by_band[MAYBE_3] if past(3, row)]
    seven = [*by_band[PAST_7], *past_7][:PER_RULE]
    three = [*not_7, *by_band[PAST_3], *young_past_3][:PER_RULE]
    shown = Touch.objects.filter(pk__in=[pk for pk, *_ in seven + three]).select_related(
        "contact__client", "contact__company"
    )
    touches = {touch.pk: touch for touch in shown}
    return [
        Found(
            FOLLOW_UP_7,
            [_stalled_item(FOLLOW_UP_7, touches[pk]) for pk, *_ in seven],
            matched[PAST_7] + len(past_7),
        ),
        Found(
            FOLLOW_UP_3,
            [_stalled_item(FOLLOW_UP_3, touches[pk]) for pk, *_ in three],
            len(not_7) + matched[PAST_3] + len(young_past_3),
        ),
    ]


def stalled_outreach(clients, now):
    """Every contact of `clients` with no reply after 3 or 7 business days, oldest outreach
    first, all of them (the client's own home page lists one client's)."""
    touches = _waiting_outreach(clients, now).select_related("contact__client", "contact__company")
    for touch in touches.order_by("at", "pk"):
        rule = _follow_up_rule(touch.at, touch.contact.client.timezone, now)
        if rule:
            yield _stalled_item(rule, touch)


def quiet_clients(clients, now) -> Found:
    """Active clients with no touch, interview or change for 14 days, the longest quiet first."""
    since = now - QUIET_AFTER
    touches = Touch.objects.filter(contact__client=OuterRef("pk"))
    quiet = (
        clients.filter(updated_at__lt=since)
        .exclude(Exists(touches.filter(at__gte=since)))
        .exclude(Exists(Interview.objects.filter(client=OuterRef("pk"), starts_at__gte=since)))
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

    rows = list(_most_urgent(quiet, ["last_activity", "name", "pk"]))
    return _found(QUIET_CLIENT, rows, to_item)
