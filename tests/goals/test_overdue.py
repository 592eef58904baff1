"""Overdue action items: due before the client's own today. The SQL form
(ActionItemQuerySet.overdue) is held to the rule (ActionItem.is_overdue) on generated data."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.timezones import timezone_names
from clients.models import Client
from goals.models import ActionItem
from goals.weeks import local_date
from tests.factories import ActionItemFactory, ClientFactory, CoachFactory

pytestmark = pytest.mark.django_db

JUNE_10 = date(2026, 6, 10)


def overdue_titles(now, **filters):
    return sorted(ActionItem.objects.filter(**filters).overdue(now).values_list("title", flat=True))


def test_an_item_is_overdue_the_day_after_its_due_date_not_on_it():
    item = ActionItemFactory.build(due_on=JUNE_10)

    assert not item.is_overdue(JUNE_10)
    assert item.is_overdue(JUNE_10 + timedelta(days=1))


def test_done_items_and_items_without_a_due_date_are_never_overdue(local):
    client = ClientFactory(timezone="Europe/London")
    ActionItemFactory(client=client, title="done", due_on=JUNE_10, done_at=local("UTC", 2026, 6, 9))
    ActionItemFactory(client=client, title="someday", due_on=None)
    ActionItemFactory(client=client, title="late", due_on=JUNE_10)
    a_month_later = local("UTC", 2026, 7, 10, 12)

    assert overdue_titles(a_month_later) == ["late"]
    assert not ActionItemFactory.build(due_on=None).is_overdue(JUNE_10)


def test_whether_an_item_is_overdue_depends_on_its_clients_timezone(local):
    coach = CoachFactory()
    for zone in ("Pacific/Auckland", "Europe/London", "America/Los_Angeles"):
        client = ClientFactory(coach=coach, timezone=zone)
        ActionItemFactory(client=client, title=f"{zone} 9 June", due_on=JUNE_10 - timedelta(1))
        ActionItemFactory(client=client, title=f"{zone} 10 June", due_on=JUNE_10)

    # 03:00 UTC on 10 June: 9 June, 20:00 in Los Angeles; 10 June in London and Auckland.
    assert overdue_titles(local("UTC", 2026, 6, 10, 3)) == [
        "Europe/London 9 June",
        "Pacific/Auckland 9 June",
    ]
    # 13:00 UTC on 10 June: already 11 June, 01:00 in Auckland.
    assert overdue_titles(local("UTC", 2026, 6, 10, 13)) == [
        "America/Los_Angeles 9 June",
        "Europe/London 9 June",
        "Pacific/Auckland 10 June",
        "Pacific/Auckland 9 June",
    ]
    # Over one client, as the client's next steps read it.
    auckland = Client.objects.get(timezone="Pacific/Auckland")
    assert overdue_titles(local("UTC", 2026, 6, 10, 13), client=auckland) == [
        "Pacific/Auckland 10 June",
        "Pacific/Auckland 9 June",
    ]


# The sizes of the generated check: every timezone a client may pick, each with items due on
# each of the days around CENTRE, some done; `now` anywhere in the days around it.
CENTRE = date(2026, 3, 29)  # London's and (a Sunday on) Europe's spring-forward day
DUE_DAYS = range(-3, 4)
instants = st.datetimes(
    min_value=datetime(2026, 3, 27), max_value=datetime(2026, 4, 1), timezones=st.just(UTC)
)


def test_the_overdue_query_agrees_with_the_rule_for_every_timezone_at_any_moment():
    coach = CoachFactory()
    zones = timezone_names()
    clients = Client.objects.bulk_create(
        Client(coach=coach, name=zone, email=f"client{n}@example.com", timezone=zone)
        for n, zone in enumerate(zones)
    )
    done_at = datetime(2026, 3, 20, tzinfo=UTC)
    ActionItem.objects.bulk_create(
        ActionItem(
            client=client,
            title=f"{client.timezone} {offset}",
            due_on=CENTRE + timedelta(days=offset) if offset != 3 else None,
            done_at=done_at if (n + offset) % 5 == 0 else None,
        )
        for n, client in enumerate(clients)
        for offset in DUE_DAYS
    )
    items = list(ActionItem.objects.select_related("client"))

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(now=instants)
    def check(now):
        by_rule = {
            item.pk for item in items if item.is_overdue(local_date(now, item.client.timezone))
        }
        by_query = set(ActionItem.objects.overdue(now).values_list("pk", flat=True))

        assert by_query == by_rule

    check()
