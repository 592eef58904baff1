"""The practice home's figures: each coach's row is what that coach's own pages count, the
practice's line counts each client once, and the grouped forms that count every coach at once
agree with the per-coach selectors on generated histories."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.models import Membership
from clients.models import Client, ClientShare
from dashboard import attention as attention_rules
from dashboard.attention import attention_for, attention_per_caseload
from dashboard.insights import (
    Funnel,
    Period,
    active_clients_per_caseload,
    caseload_clients,
    funnel,
    funnel_per_caseload,
)
from goals.weeks import local_date
from reminders.models import Reminder
from tests.factories import (
    ActionItemFactory,
    ClientFactory,
    CoachFactory,
    InterviewFactory,
    PracticeFactory,
)
from tests.reminders.test_properties import (
    build_client,
    client_histories,
    database_examples,
    minutes,
    moments,
    zones,
)

pytestmark = pytest.mark.django_db

# Wednesday 10 June 2026, 13:00 in London.
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def practice_figures_as(http_client, reader, **filters):
    http_client.force_login(reader)
    return http_client.get(reverse("dashboard:practice_home"), filters).context["figures"]


def test_each_row_is_what_the_coachs_own_home_shows_and_the_practice_is_their_sum(
    clock, client, practice_of_five, fill_caseload
):
    _practice, coaches, viewer = practice_of_five
    for n, coach in enumerate(coaches):
        fill_caseload(coach, n_clients=2 + n, contacts_each=4 + 3 * n, now=NOW)
    homes = {}
    for coach in coaches:
        client.force_login(coach)
        home = client.get(reverse("dashboard:coach_home")).context
        homes[coach.pk] = (home["n_clients"], home["n_items"], home["funnel"])

    # The coach home's funnel covers the last 30 days.
    figures = practice_figures_as(client, viewer, days=30)

    assert [row.coach.pk for row in figures.rows] == [coach.pk for coach in coaches]
    for row in figures.rows:
        shown = (row.figures.active_clients, row.figures.needs_attention, row.figures.funnel)
        assert shown == homes[row.coach.pk]
    total = figures.total
    assert total.active_clients == sum(n for n, _items, _funnel in homes.values())
    assert total.needs_attention == sum(items for _n, items, _funnel in homes.values())
    for name, _label in Funnel.STEPS:
        assert getattr(total.funnel, name) == sum(
            getattr(home_funnel, name) for _n, _items, home_funnel in homes.values()
        )
        assert getattr(total.funnel, name) > 0, f"no {name} in the data: the test proves nothing"
    assert total.needs_attention > 0


def test_a_shared_client_counts_in_both_rows_and_once_in_the_practice(
    clock, client, practice_of_five, fill_caseload
):
    _practice, coaches, viewer = practice_of_five
    first, second = coaches[1], coaches[2]
    shared, *_others = fill_caseload(first, n_clients=3, contacts_each=5, now=NOW)
    fill_caseload(second, n_clients=2, contacts_each=5, now=NOW)
    ClientShare.objects.create(client=shared, coach=second)

    figures = practice_figures_as(client, viewer, days=30)

    rows = {row.coach: row.figures for row in figures.rows}
    period = figures.period
    assert (rows[first].active_clients, rows[first].shared_clients) == (3, 0)
    assert (rows[second].active_clients, rows[second].shared_clients) == (3, 1)
    assert rows[second].funnel == funnel(caseload_clients(second), period)
    assert rows[second].needs_attention == attention_for(second, NOW).total
    total = figures.total
    assert total.active_clients == 5
    assert total.funnel == funnel(Client.objects.filter(coach__in=[first, second]), period)
    assert total.funnel.identified < rows[first].funnel.identified + rows[second].funnel.identified
    # Once: the shared client's items are counted under their own coach only.
    second_home = attention_for(second, NOW)
    assert second_home.hidden == {}
    shared_items = [item for item in second_home.items if item.client.pk == shared.pk]
    assert shared_items
    expected = attention_for(first, NOW).total + second_home.total - len(shared_items)
    assert total.needs_attention == expected


def test_a_coach_with_nothing_yet_has_a_row_of_zeros(clock, client, practice_of_five):
    _practice, coaches, viewer = practice_of_five

    figures = practice_figures_as(client, viewer)

    assert len(figures.rows) == 5
    for row in figures.rows:
        assert row.figures.active_clients == row.figures.needs_attention == 0
        assert set(vars(row.figures.funnel).values()) == {0}


def test_interviews_today_and_this_week_are_counted_in_each_coachs_own_timezone(clock):
    practice = PracticeFactory()
    tokyo, los_angeles, london = (
        CoachFactory(timezone=zone, membership__practice=practice)
        for zone in ("Asia/Tokyo", "America/Los_Angeles", "Europe/London")
    )
    shared = ClientFactory(coach=tokyo)
    for coach in (los_angeles, london):
        ClientShare.objects.create(client=shared, coach=coach)
    # It is Wednesday 21:00 in Tokyo, 05:00 in Los Angeles, 13:00 in London.
    for starts_at in [
        datetime(2026, 6, 9, 16, 0, tzinfo=UTC),  # Wednesday 01:00 in Tokyo: today, begun
        datetime(2026, 6, 10, 11, 0, tzinfo=UTC),  # an hour ago: today everywhere
        datetime(2026, 6, 10, 16, 0, tzinfo=UTC),  # Thursday in Tokyo, today elsewhere
        datetime(2026, 6, 11, 2, 0, tzinfo=UTC),  # Wednesday 19:00 in Los Angeles: today
        datetime(2026, 6, 14, 20, 0, tzinfo=UTC),  # Monday in Tokyo: next week
    ]:
        InterviewFactory(client=shared, starts_at=starts_at)

    counted = attention_per_caseload([tokyo, los_angeles, london], NOW)

    soon = [attention_rules.INTERVIEW_TODAY[1], attention_rules.INTERVIEW_THIS_WEEK[1]]
    expected = {tokyo: (2, 2), los_angeles: (3, 1), london: (2, 2)}
    for coach, (today, this_week) in expected.items():
        own = counted_by_kind(attention_for(coach, NOW))
        assert [own[kind] for kind in soon] == [today, this_week]
        assert [counted.of(coach.pk)[kind] for kind in soon] == [today, this_week]


# --- The grouped forms agree with the per-coach selectors, on generated histories ---------------

RULE_KINDS = {
    label: kind
    for _urgency, kind, label in [
        attention_rules.OVERDUE_THANK_YOU,
        attention_rules.FAILED_REMINDER,
        attention_rules.INTERVIEW_TODAY,
        attention_rules.INTERVIEW_THIS_WEEK,
        attention_rules.FOLLOW_UP_7,
        attention_rules.FOLLOW_UP_3,
        attention_rules.OVERDUE_ACTION,
        attention_rules.QUIET_CLIENT,
    ]
}

practice_clients = st.fixed_dictionaries(
    {
        "history": client_histories,
        # The other coaches (by index) the client is shared with.
        "shared_with": st.sets(st.integers(0, 2), max_size=2),
        # Failed reminders, minutes before the check: listed for 30 days.
        "failed": st.lists(minutes(days_from=0, days_to=40), max_size=2),
        "quiet_for_days": st.sampled_from([None, 10, 20]),
        # Action items due that many days from the client's today, open or done: overdue the
        # day after, in the client's timezone.
        "action_items": st.lists(st.tuples(st.integers(-3, 2), st.booleans()), max_size=3),
    }
)
practices = st.lists(
    st.tuples(zones, st.lists(practice_clients, min_size=1, max_size=2)), min_size=2, max_size=3
)


def build_practice(coach_histories, now) -> list:
    practice = PracticeFactory()
    coaches = [
        CoachFactory(
            timezone=zone, membership__practice=practice, membership__role=Membership.Role.COACH
        )
        for zone, _clients in coach_histories
    ]
    for coach, (_zone, generated) in zip(coaches, coach_histories, strict=True):
        for n, spec in enumerate(generated):
            client = build_client(coach, spec["history"], now)
            for i, minutes_ago in enumerate(spec["failed"]):
                due = now - timedelta(minutes=minutes_ago)
                Reminder.objects.create(
                    kind=Reminder.Kind.PREP,
                    # Two failures may be as old as each other: the key counts them apart.
                    key=f"test:failed:{client.pk}:{n}:{i}",
                    client=client,
                    recipient_email=client.email,
                    due_at=due,
                    window_ends_at=due + timedelta(hours=2),
                    next_attempt_at=due,
                    status=Reminder.Status.FAILED,
                )
            today = local_date(now, client.timezone)
            for days, done in spec["action_items"]:
                ActionItemFactory(
                    client=client,
                    due_on=today + timedelta(days=days),
                    done_at=now if done else None,
                )
            if spec["quiet_for_days"]:
                quiet_since = now - timedelta(days=spec["quiet_for_days"])
                Client.objects.filter(pk=client.pk).update(updated_at=quiet_since)
            for index in spec["shared_with"]:
                other = coaches[index % len(coaches)]
                if other != coach:
                    ClientShare.objects.get_or_create(client=client, coach=other)
    return coaches


def counted_by_kind(attention) -> Counter:
    """attention_for's items and hidden items, by rule kind: what each rule matched."""
    counts = Counter(item.kind for item in attention.items)
    counts.update({RULE_KINDS[label]: n for label, n in attention.hidden.items()})
    return counts


class TestTheGroupedFormsAgreeWithEachCoachsOwn(TestCase):
    @settings(database_examples, max_examples=60)
    @given(coach_histories=practices, now=moments)
    def test_every_rule_and_figure_counted_per_caseload_is_the_coachs_own_count(
        self, coach_histories, now
    ):
        with time_machine.travel(now, tick=False):
            coaches = build_practice(coach_histories, now)
            coach_ids = [coach.pk for coach in coaches]
            period = Period.last_days(30)

            attention = attention_per_caseload(coaches, now)
            funnels = funnel_per_caseload(coach_ids, period)
            active = active_clients_per_caseload(coach_ids)

            for coach in coaches:
                assert +attention.of(coach.pk) == counted_by_kind(attention_for(coach, now))
                assert funnels[coach.pk] == funnel(caseload_clients(coach), period)
                assert active.of(coach.pk)["n"] == caseload_clients(coach).count()
