"""Funnel numbers and weekly activity, against data built for them."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from clients.models import Client, Opportunity, Touch
from dashboard.insights import Period, funnel, weekly_activity
from interviews.models import Debrief, Interview, Referral
from tests.factories import ClientFactory, ContactFactory, InterviewFactory, TouchFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def held(client, *, ended_hours_ago, thanked_after_hours=None):
    interview = InterviewFactory(
        client=client,
        status=Interview.Status.COMPLETED,
        starts_at=NOW - timedelta(hours=ended_hours_ago, minutes=30),
    )
    if thanked_after_hours is not None:
        Debrief.objects.create(
            interview=interview,
            thank_you_sent_at=interview.ends_at + timedelta(hours=thanked_after_hours),
        )
    return interview


def test_each_funnel_step_counts_what_happened_in_the_period():
    client = ClientFactory()
    contacts = ContactFactory.create_batch(4, client=client)
    for contact in contacts[:3]:
        TouchFactory(contact=contact, kind=Touch.Kind.OUTREACH, at=NOW - timedelta(days=3))
    TouchFactory(contact=contacts[0], kind=Touch.Kind.FOLLOW_UP, at=NOW - timedelta(days=1))
    TouchFactory(contact=contacts[0], kind=Touch.Kind.REPLY, at=NOW - timedelta(days=1))
    # Outside the period: not counted.
    TouchFactory(contact=contacts[3], kind=Touch.Kind.OUTREACH, at=NOW - timedelta(days=60))
    on_time = held(client, ended_hours_ago=100, thanked_after_hours=47)
    held(client, ended_hours_ago=120, thanked_after_hours=49)  # late
    held(client, ended_hours_ago=130)  # never thanked
    Referral.objects.create(interview=on_time, contact=ContactFactory(client=client))
    Opportunity.objects.create(
        client=client, contact=contacts[0], kind="job_lead", at=date(2026, 6, 9)
    )

    result = funnel(Client.objects.filter(pk=client.pk), Period.last_days(30))

    # 4 listed + 1 referral + 3 interview contacts created by the factories.
    assert result.identified == 8
    assert result.reached_out == 3
    assert result.replied == 1
    assert result.interviews_held == 3
    assert result.thank_yous_on_time == 1
    assert result.referrals == 1
    assert result.opportunities == 1


def test_the_caseload_funnel_adds_up_the_clients():
    first, second = ClientFactory.create_batch(2)
    held(first, ended_hours_ago=10)
    held(second, ended_hours_ago=10)

    both = funnel(Client.objects.all(), Period.last_days(30))

    assert both.interviews_held == 2


def test_weekly_activity_puts_each_event_in_its_monday_week():
    client = ClientFactory()
    contact = ContactFactory(client=client)
    TouchFactory(contact=contact, kind=Touch.Kind.OUTREACH, at=datetime(2026, 6, 8, 9, tzinfo=UTC))
    TouchFactory(contact=contact, kind=Touch.Kind.THANK_YOU, at=datetime(2026, 6, 7, 9, tzinfo=UTC))
    held(client, ended_hours_ago=24 * 9)  # 1 June

    weeks = weekly_activity(Client.objects.filter(pk=client.pk), weeks=3)

    assert [w.start for w in weeks] == [date(2026, 5, 25), date(2026, 6, 1), date(2026, 6, 8)]
    assert [(w.outreach, w.interviews, w.thank_yous) for w in weeks] == [
        (0, 0, 0),
        (0, 1, 1),
        (1, 0, 0),
    ]


@pytest.mark.parametrize(
    ("highest", "labels"),
    [
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (4, [0, 1, 2, 3, 4]),
        (6, [0, 2, 4, 6]),
        (7, [0, 2, 4, 6, 8]),
        (19, [0, 5, 10, 15, 20]),
        (130, [0, 50, 100, 150]),
    ],
)
def test_the_chart_axis_is_labelled_at_even_steps_up_to_its_top(highest, labels):
    from dashboard.charts import activity_chart
    from dashboard.insights import Week

    week = Week(start=date(2026, 3, 2), outreach=highest, interviews=0, thank_yous=0)
    chart = activity_chart([week])

    assert [tick.label for tick in chart["ticks"]] == labels
    bar = chart["bars"][0]
    top_line = chart["ticks"][-1].y
    # The bar reaches the top line only when the highest value is the axis' top.
    assert (bar.y == top_line) == (highest == labels[-1])
