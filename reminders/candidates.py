"""What each reminder rule reads, and how far back it looks: the one home of those selections.

The sweep (reminders.sweep) records what they yield once its time has come; the Reminders tab
(reminders.selectors) shows what they yield still ahead; the coach home (dashboard.attention),
the digest (reminders.digest) and the client's next steps (dashboard.next_steps) list what they
yield that needs a person. Each selection and each window is written here once, or as a queryset
method on the model it reads (Touch.objects.waiting_for_reply, latest_per_contact;
Interview.objects.awaiting_thank_you, thank_you_overdue; ActionItem.objects.overdue;
WeeklyTarget.objects.in_force), and called by all of them.

Where a page needs a faster SQL form of a rule (`stalled_outreach_most_urgent`, and its counts
for many coaches at once: `stalled_outreach_per_caseload`), it sits beside the rule and tests
hold the two together on generated data (tests/reminders/test_properties.py,
tests/reminders/test_stalled_per_caseload.py).
"""

import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from clients.access import per_caseload
from clients.models import Client, Contact, Touch
from clients.selectors import Tally, tally_per_caseload
from goals.models import ActionItem, WeeklyTarget
from goals.weeks import WEEK, monday_of, week_start, zones_by_local_date
from interviews.models import Interview

from . import rules
from .occurrences import KEEP_IN_TOUCH_STAGES

# --- windows -------------------------------------------------------------------------------

# Everything after an interview's start is due within INTERVIEW_PAST of it (thank-you, then the
# coach's overdue notice with its window); the prep reminder within INTERVIEW_AHEAD before it.
INTERVIEW_PAST = rules.THANK_YOU_CAP + rules.OVERDUE_WINDOW + timedelta(hours=4)
INTERVIEW_AHEAD = rules.PREP_LEAD + timedelta(hours=1)
# Outreach still waiting for a reply: 14 business days close it as "no response", and 45
# calendar days hold 14 business days whatever the weekends.
OUTREACH_PAST = timedelta(days=45)
KEEP_IN_TOUCH_PAST = timedelta(weeks=16)
KEEP_IN_TOUCH_SOONEST = timedelta(weeks=4)  # the shortest keep_in_touch_weeks a client picks
# Each snooze is a week from when it is clicked, and it can be clicked again, so a snoozed
# reminder can come due long after the ranges above. The contacts whose pause ended within the
# longest window are read on their own, whatever the age of their touches: a snoozed reminder
# always comes back.
PAUSE_ENDED_WITHIN = max(rules.FOLLOW_UP_WINDOW, rules.KEEP_IN_TOUCH_WINDOW)

# A "new action item" email is due when the coach sets the item, or at the client's next 08:00:
# at most 12 hours later, 14 with a daylight-saving change on the way (two hours at Troll).
# Its window is a day from then. Items set longer ago than this cannot have theirs due.
ACTION_ASSIGNED_PAST = rules.ACTION_ASSIGNED_WINDOW + timedelta(hours=14)

CONTACT_RELATED = ("contact", "contact__client", "contact__company")
INTERVIEW_RELATED = ("client", "client__coach", "contact", "contact__company", "debrief")
ACTION_ITEM_RELATED = ("client", "client__coach")


def paused_contacts(now: datetime, *, ahead: bool, via: str = "") -> Q:
    """Contacts whose snooze ended within PAUSE_ENDED_WITHIN (uses contact_paused_idx), and with
    `ahead` also those whose snooze has yet to end. `via` is the path to the contact when
    filtering another model ("contact__")."""
    lookups = {f"{via}reminders_paused_until__gt": now - PAUSE_ENDED_WITHIN}
    if not ahead:
        lookups[f"{via}reminders_paused_until__lte"] = now
    return Q(**lookups)


def _in_caseload(queryset: QuerySet, clients, via: str) -> QuerySet:
    return queryset if clients is None else queryset.filter(**{f"{via}client__in": clients})


# --- interviews ----------------------------------------------------------------------------


def local_day(now: datetime, timezone_name: str) -> tuple[datetime, datetime]:
    """The start of today and of tomorrow in the timezone (a coach's "today": the digest's and
    the coach home's interviews today)."""
    zone = zoneinfo.ZoneInfo(timezone_name)
    today = now.astimezone(zone).date()
    start = datetime.combine(today, datetime.min.time()).replace(tzinfo=zone)
    return start, start + timedelta(days=1)


def interviews_today(clients, now: datetime, timezone_name: str) -> QuerySet:
    """Scheduled interviews of `clients` starting today in the timezone, soonest first."""
    start, end = local_day(now, timezone_name)
    return (
        Interview.objects.filter(
            client__in=clients,
            status=Interview.Status.SCHEDULED,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("client", "contact", "contact__company")
        .order_by("starts_at", "pk")
    )


def interviews_with_reminders(now: datetime, *, clients=None, ahead: bool = False) -> QuerySet:
    """The interviews whose prep, thank-you or overdue reminder can be due at `now` (or, with
    `ahead`, from `now` on). Uses the (status, starts_at) index of Interview."""
    interviews = Interview.objects.filter(
        status__in=[Interview.Status.SCHEDULED, Interview.Status.COMPLETED],
        starts_at__gte=now - INTERVIEW_PAST,
        client__status=Client.Status.ACTIVE,
    )
    if not ahead:
        interviews = interviews.filter(starts_at__lte=now + INTERVIEW_AHEAD)
    return _in_caseload(interviews, clients, "").select_related(*INTERVIEW_RELATED)


def overdue_thank_yous(clients, now: datetime) -> QuerySet:
    """Interviews of `clients` whose thank-you is still not marked 48 h after their end, the
    longest overdue first; `ended_at` annotated."""
    return (
        Interview.objects.filter(client__in=clients)
        .thank_you_overdue(now)
        .select_related("client", "contact", "contact__company")
        .order_by("ended_at", "starts_at", "pk")
    )


# --- outreach waiting for a reply ------------------------------------------------------------


def follow_up_candidates(
    now: datetime, *, clients=None, ahead: bool = False
) -> list[tuple[Contact, Touch]]:
    """(contact, its latest outreach) for the contacts still waiting for a reply whose 3B7
    follow-ups can be due at `now` (or from `now` on, with `ahead`): those who reached out
    within OUTREACH_PAST, and those whose snooze just ended (or, with `ahead`, has yet to end),
    however long ago they reached out. Two queries."""
    waiting = _in_caseload(Touch.objects.waiting_for_reply(as_of=now), clients, "contact__")
    latest = {}
    for touches in (
        waiting.filter(at__gte=now - OUTREACH_PAST),
        waiting.filter(paused_contacts(now, ahead=ahead, via="contact__")),
    ):
        for touch in touches.select_related(*CONTACT_RELATED):
            latest[touch.contact_id] = touch
    return [(touch.contact, touch) for touch in latest.values()]


def keep_in_touch_candidates(
    now: datetime, *, clients=None, ahead: bool = False
) -> list[tuple[Contact, Touch]]:
    """(contact, its latest touch) for the contacts the client interviewed whose keep-in-touch
    reminder can be due at `now` (or from `now` on, with `ahead`): those whose latest touch
    falls in KEEP_IN_TOUCH_PAST (and, at `now`, is at least KEEP_IN_TOUCH_SOONEST old), and
    those whose snooze just ended (or has yet to end), whatever the age of their touches."""
    touches = _in_caseload(
        Touch.objects.filter(
            contact__stage__in=KEEP_IN_TOUCH_STAGES,
            contact__client__status=Client.Status.ACTIVE,
            contact__client__remind_keep_in_touch=True,
        ),
        clients,
        "contact__",
    )
    recent = touches.latest_per_contact(since=now - KEEP_IN_TOUCH_PAST)
    if not ahead:
        recent = recent.filter(at__lte=now - KEEP_IN_TOUCH_SOONEST)
    snoozed = touches.filter(paused_contacts(now, ahead=ahead, via="contact__"))
    latest = {}
    for found in (recent.order_by(), snoozed.latest_per_contact()):
        for touch in found.select_related(*CONTACT_RELATED):
            latest[touch.contact_id] = touch
    return [(touch.contact, touch) for touch in latest.values()]


def silent_outreach(now: datetime) -> QuerySet:
    """The latest outreach of each waiting contact with no word since, follow-ups aside: what
    the no-response close reads (a note logged after the outreach keeps the contact open)."""
    word_since = Touch.objects.filter(
        contact=OuterRef("contact"), at__gt=OuterRef("at"), at__gte=now - OUTREACH_PAST
    ).exclude(kind=Touch.Kind.FOLLOW_UP)
    return (
        Touch.objects.waiting_for_reply(as_of=now, since=now - OUTREACH_PAST)
        .filter(~Exists(word_since))
        .order_by()
    )


def past_follow_up_step(outreach_at: datetime, timezone_name: str, now: datetime) -> int | None:
    """The last 3B7 step whose moment has come by `now` (7, then 3), or None."""
    for step in reversed(rules.FOLLOW_UP_STEPS):
        if _is_past(step, outreach_at, timezone_name, now):
            return step
    return None


def _is_past(step: int, outreach_at: datetime, timezone_name: str, now: datetime) -> bool:
    return (
        now
        >= rules.follow_up_due(outreach_at=outreach_at, step=step, timezone_name=timezone_name).at
    )


@dataclass(frozen=True)
class Stalled:
    """A contact with no reply past a 3B7 step: its latest outreach, and the step passed."""

    outreach: Touch
    step: int

    @property
    def contact(self) -> Contact:
        return self.outreach.contact


def stalled_outreach(clients, now: datetime) -> Iterator[Stalled]:
    """Every contact of `clients` waiting for a reply past 3 or 7 business days (the moments
    of its follow-up reminders), oldest outreach first: the rule, applied to each contact."""
    touches = Touch.objects.waiting_for_reply(as_of=now, since=now - OUTREACH_PAST).filter(
        contact__client__in=clients
    )
    for touch in touches.select_related(*CONTACT_RELATED).order_by("at", "pk"):
        step = past_follow_up_step(touch.at, touch.contact.client.timezone, now)
        if step:
            yield Stalled(touch, step)


# The fast SQL form of stalled_outreach for the coach home, which shows each step's most urgent
# rows and counts the rest. SQL cannot count business days in each client's timezone; it can
# count calendar days. 3 business days end 3 to 5½ calendar days after the outreach, 7 end 9 to
# 11½ (an evening outreach's move to the next business morning included); a daylight-saving
# change adds or takes an hour or two. So an outreach at least SURELY_PAST_7 old is past 7
# business days whatever the timezone, one younger than NEVER_PAST_7 is not, one at least
# SURELY_PAST_3 old is past 3, and one younger than NEVER_PAST_3 is past neither. SQL counts and
# cuts those; the rule decides the outreach in between (the two "maybe" bands, about six days of
# outreach). tests/reminders/test_properties.py checks the bounds against the rule and the two
# forms against each other.
SURELY_PAST_7 = timedelta(days=12)
NEVER_PAST_7 = timedelta(days=8, hours=12)
SURELY_PAST_3 = timedelta(days=6)
NEVER_PAST_3 = timedelta(days=2, hours=12)
PAST_7, MAYBE_7, PAST_3, MAYBE_3 = "past_7", "maybe_7", "past_3", "maybe_3"
# Each band's outreach by age, oldest band first: (band, at least this old, younger than this).
BANDS = (
    (PAST_7, SURELY_PAST_7, None),
    (MAYBE_7, NEVER_PAST_7, SURELY_PAST_7),
    (PAST_3, SURELY_PAST_3, NEVER_PAST_7),
    (MAYBE_3, NEVER_PAST_3, SURELY_PAST_3),
)


def _waiting_in_bands(clients, now: datetime, bands=None) -> QuerySet:
    """The outreach of `clients` waiting for a reply that may be past 3 business days, each
    annotated with its `band`; with `bands`, only the outreach of those bands."""
    band = Case(
        *(When(at__lte=now - at_least, then=Value(name)) for name, at_least, _ in BANDS[:-1]),
        default=Value(BANDS[-1][0]),
    )
    in_bands = Q(at__lte=now - NEVER_PAST_3) if bands is None else _in_bands(now, bands)
    return (
        Touch.objects.waiting_for_reply(as_of=now, since=now - OUTREACH_PAST)
        .filter(in_bands, contact__client__in=clients)
        .annotate(band=band)
    )


def _in_bands(now: datetime, bands) -> Q:
    """The outreach of `bands` by its range of `at`, not by the `band` annotation: PostgreSQL
    cannot estimate how many rows a CASE selects (it guesses 1%, then loops where it should
    hash: the practice home's counts, 53 ms against 30), and it estimates a range well."""
    in_bands = Q()
    for name, at_least, younger_than in BANDS:
        if name in bands:
            in_range = Q(at__lte=now - at_least)
            if younger_than is not None:
                in_range &= Q(at__gt=now - younger_than)
            in_bands |= in_range
    return in_bands


def _maybe_past(band: str, sent: datetime, timezone_name: str, now: datetime) -> int | None:
    """The step an outreach of a "maybe" band is past, decided by the rule, which each band asks
    one question (the home decides ~150 of them): one in MAYBE_7 is older than SURELY_PAST_3, so
    past 3 business days, and only 7 is in doubt; one in MAYBE_3 is younger than NEVER_PAST_7, so
    not past 7, and may be past neither."""
    if band == MAYBE_7:
        past_7 = _is_past(rules.POLITE_FOLLOW_UP_STEP, sent, timezone_name, now)
        return rules.POLITE_FOLLOW_UP_STEP if past_7 else rules.TRY_SOMEONE_ELSE_STEP
    past_3 = _is_past(rules.TRY_SOMEONE_ELSE_STEP, sent, timezone_name, now)
    return rules.TRY_SOMEONE_ELSE_STEP if past_3 else None


@dataclass(frozen=True)
class MostUrgent:
    """One step's most urgent stalled outreach (at most `limit`, oldest first) and how many
    contacts are stalled past that step in all."""

    outreach: list[Touch]
    matched: int


def stalled_outreach_most_urgent(clients, now: datetime, limit: int) -> dict[int, MostUrgent]:
    """stalled_outreach, cut per step: {7: MostUrgent, 3: MostUrgent}, in two queries.

    The first sorts the waiting outreach into the four bands and returns only what the rule must
    still decide: the most urgent of each certain band with its count (COUNT(*) OVER), and the
    two maybe bands whole (a few columns, no model instances). The second loads the rows shown.
    """
    waiting = _waiting_in_bands(clients, now).annotate(
        urgency_rank=Window(RowNumber(), partition_by=F("band"), order_by=["at", "pk"]),
        n_matched=Window(Count("pk"), partition_by=F("band")),
    )
    cut = Case(When(band__in=[MAYBE_7, MAYBE_3], then=F("n_matched")), default=Value(limit))
    rows = (
        waiting.filter(urgency_rank__lte=cut)
        .order_by("at", "pk")
        .values_list("pk", "at", "contact__client__timezone", "band", "n_matched")
    )
    by_band, matched = defaultdict(list), defaultdict(int)
    for pk, sent, timezone_name, in_band, n_matched in rows:
        by_band[in_band].append((pk, sent, timezone_name))
        matched[in_band] = n_matched
    # rules.follow_up_due loads each client's timezone by name, and zoneinfo keeps only the
    # last eight it loaded unless they are still referenced: hold them while the rule runs.
    maybe = [*by_band[MAYBE_7], *by_band[MAYBE_3]]
    _zones = [zoneinfo.ZoneInfo(name) for name in {name for _pk, _sent, name in maybe}]
    # Oldest first: every PAST_7 outreach is older than every MAYBE_7 one, and so on.
    past_7, not_7, young_past_3 = [], [], []
    for pk, sent, timezone_name in by_band[MAYBE_7]:  # all past 3 business days
        step = _maybe_past(MAYBE_7, sent, timezone_name, now)
        (past_7 if step == rules.POLITE_FOLLOW_UP_STEP else not_7).append(pk)
    for pk, sent, timezone_name in by_band[MAYBE_3]:
        if _maybe_past(MAYBE_3, sent, timezone_name, now):
            young_past_3.append(pk)
    seven = [*(pk for pk, *_ in by_band[PAST_7]), *past_7][:limit]
    three = [*not_7, *(pk for pk, *_ in by_band[PAST_3]), *young_past_3][:limit]
    shown = Touch.objects.filter(pk__in=seven + three).select_related(
        "contact__client", "contact__company"
    )
    touches = {touch.pk: touch for touch in shown}
    return {
        rules.POLITE_FOLLOW_UP_STEP: MostUrgent(
            [touches[pk] for pk in seven], matched[PAST_7] + len(past_7)
        ),
        rules.TRY_SOMEONE_ELSE_STEP: MostUrgent(
            [touches[pk] for pk in three], len(not_7) + matched[PAST_3] + len(young_past_3)
        ),
    }


def stalled_outreach_per_caseload(clients, coach_ids, now: datetime) -> Tally:
    """How many contacts stalled_outreach finds past each step (Counter keys 7 and 3) for each
    coach's caseload among `clients` (clients.access.per_caseload): the counts of
    stalled_outreach_most_urgent for many coaches at once, in two queries whatever their number.
    The first counts the certain bands per coach; the second reads the two maybe bands (a few
    columns) for the rule to decide, each outreach once however many caseloads hold it."""
    certain = tally_per_caseload(
        _waiting_in_bands(clients, now, [PAST_7, PAST_3]),
        coach_ids,
        "contact__client",
        **{PAST_7: Count("pk", filter=Q(band=PAST_7)), PAST_3: Count("pk", filter=Q(band=PAST_3))},
    )
    maybe_bands = _waiting_in_bands(clients, now, [MAYBE_7, MAYBE_3])
    own, shared = (
        part.order_by().values_list(
            "pk", "at", "contact__client__timezone", "band", "caseload_coach", "via_share"
        )
        for part in per_caseload(maybe_bands, coach_ids, "contact__client")
    )
    maybe = list(own.union(shared, all=True))
    _zones = [zoneinfo.ZoneInfo(name) for name in {row[2] for row in maybe}]  # as above
    steps: dict[int, int | None] = {}
    tally = Tally(
        own={coach_id: _by_step(counts) for coach_id, counts in certain.own.items()},
        shared={coach_id: _by_step(counts) for coach_id, counts in certain.shared.items()},
    )
    for pk, sent, timezone_name, band, coach_id, via_share in maybe:
        if pk not in steps:
            steps[pk] = _maybe_past(band, sent, timezone_name, now)
        if steps[pk]:
            counts = (tally.shared if via_share else tally.own).setdefault(coach_id, Counter())
            counts[steps[pk]] += 1
    return tally


def _by_step(counts: Counter) -> Counter:
    return Counter(
        {rules.POLITE_FOLLOW_UP_STEP: counts[PAST_7], rules.TRY_SOMEONE_ELSE_STEP: counts[PAST_3]}
    )


# --- action items and weekly targets ----------------------------------------------------------


def action_items_assigned(now: datetime, *, clients=None) -> QuerySet:
    """Open items the coach set within ACTION_ASSIGNED_PAST, for clients who want to hear of
    them: those whose "new action item" email can be due at `now` or later (an item is only
    ever set in the past, so the Reminders tab reads the same). Items the client set
    themselves have none. One query."""
    items = ActionItem.objects.open().filter(
        set_by=ActionItem.SetBy.COACH,
        created_at__gte=now - ACTION_ASSIGNED_PAST,
        client__status=Client.Status.ACTIVE,
        client__remind_assigned_actions=True,
    )
    return _in_caseload(items, clients, "").select_related(*ACTION_ITEM_RELATED)


def action_items_due(now: datetime, *, clients=None, ahead: bool = False) -> QuerySet:
    """Open items whose due-date morning can be due at `now`: those due on a date that is today
    in some timezone (the rule's window is the due date's waking hours, client-local), and with
    `ahead` every later date too. One query."""
    dates = list(zones_by_local_date(now))
    items = ActionItem.objects.open().filter(
        due_on__gte=dates[0], client__status=Client.Status.ACTIVE
    )
    if not ahead:
        items = items.filter(due_on__lte=dates[-1])
    return _in_caseload(items, clients, "").select_related(*ACTION_ITEM_RELATED)


def overdue_action_items(clients, now: datetime) -> QuerySet:
    """Open items of `clients` past their due date in each client's timezone
    (ActionItem.objects.overdue, the rule), the longest overdue first, in the coach home's order
    (dashboard.attention.overdue_action_items)."""
    return (
        ActionItem.objects.overdue(now)
        .filter(client__in=clients)
        .select_related("client")
        .order_by("due_on", "pk")
    )


def weekly_summary_candidates(
    now: datetime, *, clients=None, ahead: bool = False
) -> list[tuple[Client, date]]:
    """(client, Monday of the week to summarise) for the clients whose weekly summary can be
    due at `now` (or, with `ahead`, from `now` on), their targets prefetched: the clients who
    want the summary and have a target in force (WeeklyTarget.objects.in_force) by then.

    A summary is due on a Monday, client-local, about the week before. At `now` only clients
    whose timezone is on a Monday are read (on most days, none); ahead, each client's last week
    (due this Monday, if still to come) and this week (due next Monday). Two queries.
    """
    found = Client.objects.filter(status=Client.Status.ACTIVE, remind_weekly_summary=True)
    if clients is not None:
        found = found.filter(pk__in=clients)
    dates = zones_by_local_date(now)
    if ahead:
        latest_week = max(monday_of(day) for day in dates)
    else:
        mondays = [(day, zones) for day, zones in dates.items() if day.weekday() == 0]
        if not mondays:
            return []
        ((today, zones),) = mondays  # three days in a row hold one Monday at most
        found = found.filter(timezone__in=zones)
        latest_week = today - WEEK
    in_force = WeeklyTarget.objects.in_force(latest_week).filter(client=OuterRef("pk"))
    found = (
        found.filter(Exists(in_force)).select_related("coach").prefetch_related("weekly_targets")
    )
    return [(client, week) for client in found for week in _weeks_to_summarise(client, now, ahead)]


def _weeks_to_summarise(client: Client, now: datetime, ahead: bool) -> tuple[date, ...]:
    this_week = week_start(now, client.timezone)
    return (this_week - WEEK, this_week) if ahead else (this_week - WEEK,)
