"""Properties of the reminder rules, on generated histories, across timezones and DST changes.

(a) Every due time keeps its rule: a thank-you 24–48 h after the end in waking hours, prep
    before the start, follow-ups on business days in waking hours, never on a weekend; an
    action item on the morning of its due date, a weekly summary on the Monday after its week.
(b) What the Reminders tab lists as coming is what the sweep records when that moment arrives,
    and nothing else.
(c) The coach home, the digest and the client's next steps list the same contacts and
    interviews for the same rule (stalled outreach, overdue thank-yous, interviews today), each
    once; the coach home's fast SQL form of "stalled outreach" agrees with the rule.
(d) Action items and weekly summaries through the sweep, while items are ticked off and moved:
    due in waking hours, once per item and due date; a moved due date is a new occurrence; a
    done item sends nothing; and until the first change, (b).

Hypothesis generates the inputs (histories of outreach, replies, snoozes, touches, interviews,
action items and targets; the moment of the check; the timezone) and time-machine moves the
clock.
"""

import heapq
import zoneinfo
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import time_machine
from django.core import mail
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from clients.models import Client, Contact, Touch
from clients.services import contact_log_touch
from dashboard.attention import (
    FOLLOW_UP_3,
    FOLLOW_UP_7,
    INTERVIEW_TODAY,
    OVERDUE_THANK_YOU,
    attention_for,
)
from dashboard.next_steps import next_steps
from goals.models import ActionItem
from goals.services import action_item_complete, action_item_update
from goals.weeks import WEEK, week_bounds, week_start
from goals.weeks import local_date as goals_local_date
from interviews.models import Debrief, Interview
from reminders import candidates, rules
from reminders.digest import digest_for
from reminders.identity import Occasion
from reminders.models import Reminder
from reminders.selectors import upcoming_reminders
from reminders.sweep import record_due_reminders, run_sweep
from tests.factories import (
    ActionItemFactory,
    ClientFactory,
    CoachFactory,
    ContactFactory,
    WeeklyTargetFactory,
)

# Zones with the shapes that break naive code: half-hour offsets, a 30-minute DST change
# (Lord Howe), a two-hour one (Troll), the date line, the southern hemisphere, none at all.
ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "America/St_Johns",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Lord_Howe",
    "Antarctica/Troll",
    "Pacific/Auckland",
    "Pacific/Kiritimati",
]

zones = st.sampled_from(ZONES)
# Two years, with every DST change of 2026 and 2027 in them, to the minute.
moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
).map(lambda moment: moment.replace(second=0, microsecond=0))

RULE_EXAMPLES = 400
HISTORY_EXAMPLES = 120
database_examples = settings(
    max_examples=HISTORY_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# Set long before any due date: the rule's own morning, whoever set the item.
MIN = datetime(2000, 1, 1, tzinfo=UTC)


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(zone))


def in_waking_hours(moment: datetime, zone: str) -> bool:
    return rules.WAKING_START <= local(moment, zone).time() < rules.WAKING_END


def business_days_between(start: date, end: date) -> int:
    """Business days d with start < d <= end."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += rules.is_business_day(day)
    return days


# --- (a) Each rule, on its own --------------------------------------------------------------


@settings(max_examples=RULE_EXAMPLES)
@given(ends_at=moments, zone=zones)
def test_a_thank_you_is_due_24_to_48_hours_after_the_end_in_waking_hours(ends_at, zone):
    due = rules.thank_you_due(ends_at=ends_at, timezone_name=zone)

    assert timedelta(hours=24) <= due.at - ends_at <= timedelta(hours=48)
    assert in_waking_hours(due.at, zone)
    assert due.window_ends_at == ends_at + rules.THANK_YOU_CAP


@settings(max_examples=RULE_EXAMPLES)
@given(
    starts_at=moments,
    booked_before=st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=20)),
    zone=zones,
)
def test_prep_is_due_after_booking_and_before_the_start(starts_at, booked_before, zone):
    scheduled_at = starts_at - booked_before
    due = rules.prep_due(starts_at=starts_at, scheduled_at=scheduled_at, timezone_name=zone)

    assert due is not None
    assert scheduled_at <= due.at < starts_at
    assert due.window_ends_at == starts_at
    assert due.at >= starts_at - rules.PREP_LEAD


@settings(max_examples=RULE_EXAMPLES)
@given(outreach_at=moments, zone=zones, step=st.sampled_from(rules.FOLLOW_UP_STEPS))
def test_a_follow_up_is_due_on_a_business_day_in_waking_hours_never_sooner_than_its_step(
    outreach_at, zone, step
):
    due = rules.follow_up_due(outreach_at=outreach_at, step=step, timezone_name=zone)
    sent, at = local(outreach_at, zone), local(due.at, zone)

    assert rules.is_business_day(at.date()), f"due on a {at:%A}"
    assert in_waking_hours(due.at, zone)
    counted = business_days_between(sent.date(), at.date())
    # Never sooner than `step` business days, and at the latest the next business morning.
    assert counted >= step
    assert counted == step or (counted == step + 1 and at.time() == rules.WAKING_START)
    if counted == step and at.time() != rules.WAKING_START:
        assert at.time() == sent.time()  # the same wall-clock time as the outreach


@settings(max_examples=RULE_EXAMPLES)
@given(last_touch_at=moments, zone=zones, weeks=st.sampled_from([4, 8, 12]))
def test_keep_in_touch_is_due_in_waking_hours_the_chosen_weeks_after_the_last_touch(
    last_touch_at, zone, weeks
):
    due = rules.keep_in_touch_due(last_touch_at=last_touch_at, weeks=weeks, timezone_name=zone)

    # Moved into waking hours: up to 12 hours later, and a DST change on the way can add its
    # own length (two hours at Troll).
    latest = timedelta(weeks=weeks, hours=12) + timedelta(hours=2)
    assert timedelta(weeks=weeks) <= due.at - last_touch_at <= latest
    assert in_waking_hours(due.at, zone)


@settings(max_examples=RULE_EXAMPLES)
@given(sent=moments, zone=zones)
def test_the_coach_homes_calendar_day_bands_hold_for_every_outreach(sent, zone):
    """The bounds that let SQL sort stalled outreach by calendar days (candidates.SURELY_PAST_7
    and friends) hold for the rule in every timezone."""
    three = rules.follow_up_due(outreach_at=sent, step=3, timezone_name=zone).at - sent
    seven = rules.follow_up_due(outreach_at=sent, step=7, timezone_name=zone).at - sent

    assert candidates.NEVER_PAST_3 <= three <= candidates.SURELY_PAST_3
    assert candidates.NEVER_PAST_7 <= seven <= candidates.SURELY_PAST_7
    assert candidates.SURELY_PAST_3 <= candidates.NEVER_PAST_7


days = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))


@settings(max_examples=RULE_EXAMPLES)
@given(assigned_at=moments, zone=zones)
def test_a_new_action_item_is_announced_in_waking_hours_within_half_a_day(assigned_at, zone):
    due = rules.action_assigned_due(assigned_at=assigned_at, timezone_name=zone)

    assert in_waking_hours(due.at, zone)
    assert assigned_at <= due.at <= assigned_at + timedelta(hours=14)
    # The sweep reads items set within ACTION_ASSIGNED_PAST: long enough for the whole window.
    assert due.window_ends_at <= assigned_at + candidates.ACTION_ASSIGNED_PAST


@settings(max_examples=RULE_EXAMPLES)
@given(due_on=days, set_before=st.timedeltas(timedelta(0), timedelta(days=30)), zone=zones)
def test_an_action_item_is_due_in_waking_hours_on_its_due_date_once_set_before_that_morning(
    due_on, set_before, zone
):
    morning = local(rules.action_due_due(due_on=due_on, set_at=MIN, timezone_name=zone).at, zone)
    set_at = morning - set_before
    due = rules.action_due_due(due_on=due_on, set_at=set_at, timezone_name=zone)

    if set_before == timedelta(0):
        assert due is None, "set that morning: no due-day email"
        return
    assert local(due.at, zone).date() == due_on
    assert local(due.window_ends_at, zone).date() == due_on
    # Every moment of the window is in the due date's waking hours.
    assert in_waking_hours(due.at, zone)
    assert in_waking_hours(due.window_ends_at - timedelta(minutes=1), zone)


@settings(max_examples=RULE_EXAMPLES)
@given(day=days, zone=zones)
def test_a_weekly_summary_is_due_on_the_monday_after_its_week_in_waking_hours(day, zone):
    monday = day - timedelta(days=day.weekday())
    due = rules.weekly_summary_due(monday=monday, timezone_name=zone)

    at, last = local(due.at, zone), local(due.window_ends_at - timedelta(minutes=1), zone)
    assert at.date() == last.date() == monday + timedelta(weeks=1)
    assert in_waking_hours(due.at, zone)
    assert in_waking_hours(due.window_ends_at, zone) is False
    assert in_waking_hours(last, zone)
    assert due.at >= week_bounds(monday, zone)[1], "before the week it sums up was over"


occasions = st.one_of(
    st.builds(
        Occasion.for_interview,
        st.sampled_from(["prep", "thank_you", "thank_you_overdue"]),
        interview_id=st.integers(1, 10**9),
        starts_at=moments,
    ),
    st.builds(
        Occasion.for_follow_up,
        contact_id=st.integers(1, 10**9),
        touch_id=st.integers(1, 10**9),
        step=st.sampled_from(rules.FOLLOW_UP_STEPS),
        paused_until=st.none() | moments,
    ),
    st.builds(
        Occasion.for_keep_in_touch,
        contact_id=st.integers(1, 10**9),
        touch_id=st.integers(1, 10**9),
        paused_until=st.none() | moments,
    ),
    st.builds(Occasion.for_digest, coach_id=st.integers(1, 10**9), local_date=st.dates()),
    st.builds(Occasion.for_action_assigned, action_item_id=st.integers(1, 10**9)),
    st.builds(Occasion.for_action_due, action_item_id=st.integers(1, 10**9), due_on=st.dates()),
    st.builds(
        Occasion.for_weekly_summary,
        client_id=st.integers(1, 10**9),
        monday=st.dates().map(lambda day: day - timedelta(days=day.weekday())),
    ),
)


@settings(max_examples=RULE_EXAMPLES)
@given(occasion=occasions)
def test_a_reminder_key_reads_back_as_the_occasion_it_was_built_from(occasion):
    assert Occasion.parse(occasion.key) == occasion
    assert len(occasion.key) <= Reminder._meta.get_field("key").max_length


# --- Generated histories ----------------------------------------------------------------------

EVENT_KINDS = [
    Touch.Kind.OUTREACH,
    Touch.Kind.OUTREACH,
    Touch.Kind.OUTREACH,
    Touch.Kind.FOLLOW_UP,
    Touch.Kind.REPLY,
    Touch.Kind.UPDATE,
    Touch.Kind.THANK_YOU,
    Touch.Kind.OTHER,
]


def minutes(*, days_from: int, days_to: int):
    """A number of minutes: a whole number of days in the range, then a time of day, so that
    long ranges are covered evenly (Hypothesis favours small integers)."""
    return st.builds(
        lambda days, minute: days * 24 * 60 + minute,
        st.integers(days_from, days_to),
        st.integers(0, 24 * 60 - 1),
    )


contact_histories = st.fixed_dictionaries(
    {
        "interviewed": st.integers(0, 3).map(lambda n: n == 0),
        # (kind, minutes before the check)
        "touches": st.lists(
            st.tuples(st.sampled_from(EVENT_KINDS), minutes(days_from=0, days_to=119)), max_size=3
        ),
        # minutes from the check: a snooze that ended, or one still running
        "snoozed": st.none() | minutes(days_from=-10, days_to=20),
    }
)
interview_histories = st.fixed_dictionaries(
    {
        # minutes from the check
        "starts": minutes(days_from=-7, days_to=2),
        "booked_before": minutes(days_from=0, days_to=13),
        "duration": st.sampled_from([20, 30, 60, 90]),
        "status": st.sampled_from(
            [Interview.Status.SCHEDULED, Interview.Status.COMPLETED, Interview.Status.CANCELLED]
        ),
        "thanked": st.booleans(),
    }
)
client_histories = st.fixed_dictionaries(
    {
        "zone": zones,
        "archived": st.integers(0, 9).map(lambda n: n == 0),
        "follow_ups": st.integers(0, 9).map(lambda n: n != 0),
        "keep_in_touch": st.integers(0, 9).map(lambda n: n != 0),
        "weeks": st.sampled_from([4, 8, 12]),
        "contacts": st.lists(contact_histories, min_size=1, max_size=4),
        "interviews": st.lists(interview_histories, max_size=2),
    }
)


def build_client(coach, history: dict, now: datetime) -> Client:
    client = ClientFactory(
        coach=coach,
        timezone=history["zone"],
        status=Client.Status.ARCHIVED if history["archived"] else Client.Status.ACTIVE,
        remind_follow_ups=history["follow_ups"],
        remind_keep_in_touch=history["keep_in_touch"],
        keep_in_touch_weeks=history["weeks"],
    )
    contacts = []
    for contact_history in history["contacts"]:
        contact = ContactFactory(
            client=client,
            stage=Contact.Stage.INTERVIEWED
            if contact_history["interviewed"]
            else Contact.Stage.IDENTIFIED,
        )
        # In the order they happened, through the service, so stages move as in the app.
        for kind, minutes_ago in sorted(contact_history["touches"], key=lambda t: -t[1]):
            contact_log_touch(
                contact=contact,
                kind=kind,
                channel=Touch.Channel.EMAIL,
                at=now - timedelta(minutes=minutes_ago),
            )
        if contact_history["snoozed"] is not None:
            contact.reminders_paused_until = now + timedelta(minutes=contact_history["snoozed"])
            contact.save(update_fields=["reminders_paused_until"])
        contacts.append(contact)
    for n, interview_history in enumerate(history["interviews"]):
        starts_at = now + timedelta(minutes=interview_history["starts"])
        interview = Interview.objects.create(
            client=client,
            contact=contacts[n % len(contacts)],
            starts_at=starts_at,
            duration_minutes=interview_history["duration"],
            status=interview_history["status"],
        )
        booked = starts_at - timedelta(minutes=interview_history["booked_before"])
        Interview.objects.filter(pk=interview.pk).update(created_at=booked)
        if interview_history["thanked"]:
            Debrief.objects.create(interview=interview, thank_you_sent_at=starts_at)
    return client


def recorded_keys() -> set[str]:
    return set(Reminder.objects.values_list("key", flat=True))


def record_at(moment: datetime) -> None:
    with time_machine.travel(moment, tick=False):
        record_due_reminders(moment)


class TestTheRemindersTabKeepsItsPromises(TestCase):
    @database_examples
    @given(
        history=client_histories,
        now=moments,
        probes=st.lists(minutes(days_from=0, days_to=99), max_size=4),
    )
    def test_what_the_tab_lists_as_coming_is_what_the_sweep_records_and_nothing_else(
        self, history, now, probes
    ):
        coach = CoachFactory(daily_digest=False)
        client = build_client(coach, history, now)
        record_at(now)  # what is due already is recorded now, not promised
        before = recorded_keys()

        with time_machine.travel(now, tick=False):
            promised = {found.key: found for found in upcoming_reminders(client, now)}
        # The sweep runs at each promised moment, at the end of each snooze, and at a few other
        # moments: whatever it records there must have been promised.
        pauses_ending = client.contacts.filter(reminders_paused_until__gt=now).values_list(
            "reminders_paused_until", flat=True
        )
        sweeps = {found.due.at for found in promised.values()} | set(pauses_ending)
        sweeps |= {now + timedelta(minutes=minutes) for minutes in probes}
        for moment in sorted(sweeps):
            record_at(moment)
        recorded = recorded_keys() - before

        assert set(promised) - recorded == set(), "promised, never recorded"
        assert recorded - set(promised) == set(), "recorded, never promised"
        for reminder in Reminder.objects.filter(key__in=promised):
            found = promised[reminder.key]
            assert reminder.due_at == found.due.at
            assert reminder.occasion == found.occasion


# --- (d) Action items and weekly summaries, through the sweep -----------------------------------

GOAL_EXAMPLES = 60
goal_examples = settings(
    max_examples=GOAL_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
item_histories = st.fixed_dictionaries(
    {
        "by_coach": st.integers(0, 3).map(lambda n: n != 0),
        "set": minutes(days_from=0, days_to=2),  # minutes before the check
        # days after the client's date at the check; None: no due date
        "due_in": st.none() | st.integers(-2, 5),
        # (what, minutes after the check (the first sweep), for a move: days after the
        # client's date then)
        "change": st.none()
        | st.tuples(
            st.sampled_from(["done", "move"]),
            minutes(days_from=0, days_to=5).map(lambda minute: minute + 1),
            st.integers(-2, 4),
        ),
    }
)
goal_histories = st.fixed_dictionaries(
    {
        "zone": zones,
        "archived": st.integers(0, 9).map(lambda n: n == 0),
        "assigned_emails": st.integers(0, 5).map(lambda n: n != 0),
        "summaries": st.integers(0, 5).map(lambda n: n != 0),
        # weeks before the check's week that the target starts (-1: next week); None: no target
        "target_since": st.none() | st.integers(-1, 2),
        "items": st.lists(item_histories, min_size=1, max_size=3),
    }
)
# The sweeps run until this long after the check: every change and the mornings after it.
GOAL_HORIZON = timedelta(days=8)


def build_goals(history: dict, now: datetime) -> tuple[Client, list]:
    """The client, and their items with the change each will see: (item, (what, at, days))."""
    zone = history["zone"]
    client = ClientFactory(
        coach=CoachFactory(daily_digest=False),
        timezone=zone,
        status=Client.Status.ARCHIVED if history["archived"] else Client.Status.ACTIVE,
        remind_assigned_actions=history["assigned_emails"],
        remind_weekly_summary=history["summaries"],
    )
    if history["target_since"] is not None:
        this_week = week_start(now, zone)
        WeeklyTargetFactory(client=client, since=this_week - WEEK * history["target_since"])
    today = goals_local_date(now, zone)
    items = []
    for item_history in history["items"]:
        due_in = item_history["due_in"]
        with time_machine.travel(now - timedelta(minutes=item_history["set"]), tick=False):
            item = ActionItemFactory(
                client=client,
                set_by=ActionItem.SetBy.COACH if item_history["by_coach"] else "client",
                due_on=None if due_in is None else today + timedelta(days=due_in),
            )
        change = item_history["change"]
        if change is not None:
            what, after, days = change
            change = (what, now + timedelta(minutes=after), days)
        items.append((item, change))
    return client, items


def sweep_at(moment: datetime) -> None:
    with time_machine.travel(moment, tick=False):
        run_sweep(moment)


def promised_at(client: Client, moment: datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return {found.key: found for found in upcoming_reminders(client, moment)}


class TestActionItemAndSummaryReminders(TestCase):
    @goal_examples
    @given(
        history=goal_histories,
        now=moments,
        probes=st.lists(minutes(days_from=0, days_to=7), max_size=3),
    )
    def test_due_in_waking_hours_once_per_item_and_date_a_move_is_new_and_done_sends_nothing(
        self, history, now, probes
    ):
        mail.outbox.clear()
        zone = history["zone"]
        client, items = build_goals(history, now)
        end = now + GOAL_HORIZON
        sweep_at(now)  # the first sweep: what is due by now is recorded now, not promised
        before = recorded_keys()
        promised = promised_at(client, now)

        # The sweep runs at every moment the Reminders tab promises (read again after each
        # change) and at a few others; the changes happen in between, in the order of time.
        # (moment, changes before sweeps, order of the items, the change or None)
        events = [(f.due.at, 1, 0, None) for f in promised.values() if f.due.at <= end]
        events += [(now + timedelta(minutes=m), 1, 0, None) for m in probes]
        events += [(c[1], 0, n, (item, c)) for n, (item, c) in enumerate(items) if c]
        heapq.heapify(events)
        done_at, moved_to, swept = {}, [], {now}
        first_change = min((change[1] for _, change in items if change), default=end)
        agreed = False
        while events:
            at, *_order, change = heapq.heappop(events)
            if at >= first_change and not agreed:
                # Until the first change, the sweep recorded what the tab promised, when it
                # promised it, and nothing else.
                recorded = recorded_keys() - before
                coming = {key for key, found in promised.items() if found.due.at < first_change}
                assert recorded == coming, "the tab and the sweep disagree"
                for reminder in Reminder.objects.filter(key__in=recorded):
                    assert reminder.due_at == promised[reminder.key].due.at
                agreed = True
            if change is None:
                if at not in swept:
                    sweep_at(at)
                    swept.add(at)
                continue
            item, (what, _at, days) = change
            with time_machine.travel(at, tick=False):
                if what == "done":
                    action_item_complete(item=item, at=at)
                    done_at[item.pk] = at
                else:
                    new_date = goals_local_date(at, zone) + timedelta(days=days)
                    action_item_update(item=item, due_on=new_date)
                    if item.pk not in done_at:
                        moved_to.append((item, new_date, at))
            sweep_at(at)
            swept.add(at)
            for found in promised_at(client, at).values():
                if found.due.at <= end:
                    heapq.heappush(events, (found.due.at, 1, 0, None))

        sent = list(
            Reminder.objects.filter(client=client, status=Reminder.Status.SENT)
            .select_related("action_item")
            .order_by("pk")
        )
        assert len([m for m in mail.outbox if m.to == [client.email]]) == len(sent)
        for kind in sorted({reminder.kind for reminder in sent}):
            event(f"sent: {kind}")
        for reminder in sent:
            # Due in the client's waking hours, sent within its window...
            assert in_waking_hours(reminder.due_at, zone), reminder.key
            assert reminder.due_at <= reminder.sent_at < reminder.window_ends_at
            # ...never about an item done by then...
            if reminder.action_item_id in done_at:
                assert reminder.sent_at < done_at[reminder.action_item_id], "sent after done"
            if reminder.kind == Reminder.Kind.ACTION_ASSIGNED:
                # ...a new item announced at the first sweep from its moment on, and only an
                # item the coach set.
                assert reminder.sent_at == max(reminder.due_at, now)
                assert reminder.action_item.set_by == ActionItem.SetBy.COACH
            elif reminder.kind == Reminder.Kind.ACTION_DUE:
                # On the morning of its due date, client-local, in waking hours.
                assert local(reminder.sent_at, zone).date() == reminder.local_date
                assert in_waking_hours(reminder.sent_at, zone)
            else:
                # On the Monday after its week, for a week with a target in force.
                assert local(reminder.sent_at, zone).date() == reminder.local_date + WEEK
                assert in_waking_hours(reminder.sent_at, zone)
                assert client.weekly_targets.get().since <= reminder.local_date
        # Once per item and due date.
        due_days = [(r.action_item_id, r.local_date) for r in sent if r.kind == "action_due"]
        assert len(set(due_days)) == len(due_days)
        # A moved due date is a new occurrence: due on the new morning, if that is still to
        # come (or under way) when it is moved, and before the sweeps stop.
        for item, new_date, moved_at in moved_to:
            due = rules.action_due_due(due_on=new_date, set_at=item.created_at, timezone_name=zone)
            if (
                due is not None
                and due.window_ends_at > moved_at
                and due.at <= end
                and client.status == Client.Status.ACTIVE
                and item.pk not in done_at
            ):
                assert (item.pk, new_date) in due_days, "a moved item was not due again"
                event("a moved item was due again")


# --- (c) The lists that show a rule agree -------------------------------------------------------


def contact_url(contact) -> str:
    return reverse("clients:contact_detail", kwargs={"contact_pk": contact.pk})


def interview_url(interview) -> str:
    return reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk})


class TestEveryListShowsTheSameRule(TestCase):
    @database_examples
    @given(histories=st.lists(client_histories, min_size=1, max_size=3), now=moments)
    def test_the_coach_home_digest_and_next_steps_list_the_same_items_each_once(
        self, histories, now
    ):
        coach = CoachFactory(timezone=histories[0]["zone"])
        clients = [build_client(coach, history, now) for history in histories]
        active = [client for client in clients if client.status == Client.Status.ACTIVE]

        with time_machine.travel(now, tick=False):
            home = attention_for(coach, now).items
            digest = digest_for(coach, now)
            steps = [next_steps(client, now) for client in active]

        # No reply after 3 or 7 business days.
        home_stalled = [item.url for item in home if item.kind in (FOLLOW_UP_3[1], FOLLOW_UP_7[1])]
        digest_stalled = [contact_url(stalled.contact) for stalled in digest.stalled_outreach]
        steps_stalled = [item.url for step in steps for item in step.follow_ups]
        assert Counter(home_stalled) == Counter(digest_stalled) == Counter(steps_stalled)
        assert len(set(digest_stalled)) == len(digest_stalled), "a contact listed twice"
        home_steps = {item.url: item.kind for item in home if item.url in set(home_stalled)}
        for stalled in digest.stalled_outreach:
            rule = FOLLOW_UP_7 if stalled.step == rules.POLITE_FOLLOW_UP_STEP else FOLLOW_UP_3
            assert home_steps[contact_url(stalled.contact)] == rule[1]

        # Thank-yous overdue.
        home_overdue = [item.url for item in home if item.kind == OVERDUE_THANK_YOU[1]]
        digest_overdue = [interview_url(interview) for interview in digest.overdue_thank_yous]
        steps_overdue = [
            interview_url(interview)
            for step in steps
            for interview, _deadline, overdue in step.thank_yous
            if overdue
        ]
        assert Counter(home_overdue) == Counter(digest_overdue) == Counter(steps_overdue)
        assert len(set(digest_overdue)) == len(digest_overdue), "an interview listed twice"

        # Interviews today, in the coach's timezone.
        home_today = [item.url for item in home if item.kind == INTERVIEW_TODAY[1]]
        digest_today = [interview_url(interview) for interview in digest.interviews_today]
        assert home_today == digest_today

    @database_examples
    @given(
        histories=st.lists(client_histories, min_size=1, max_size=3),
        now=moments,
        limit=st.integers(1, 5),
    )
    def test_the_fast_sql_form_of_stalled_outreach_agrees_with_the_rule(
        self, histories, now, limit
    ):
        coach = CoachFactory()
        for history in histories:
            build_client(coach, history, now)
        caseload = Client.objects.filter(coach=coach)

        by_rule = {step: [] for step in rules.FOLLOW_UP_STEPS}
        for stalled in candidates.stalled_outreach(caseload, now):
            by_rule[stalled.step].append(stalled.outreach.pk)
        fast = candidates.stalled_outreach_most_urgent(caseload, now, limit)

        for step in rules.FOLLOW_UP_STEPS:
            assert [touch.pk for touch in fast[step].outreach] == by_rule[step][:limit]
            assert fast[step].matched == len(by_rule[step])
