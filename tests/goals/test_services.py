"""Writing targets and action items: what is refused and why, completing twice, and who sees
what (the one access rule, through visible_to)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from clients.models import ClientShare
from goals import services
from goals.models import ActionItem, WeeklyTarget
from tests.factories import (
    ActionItemFactory,
    ClientFactory,
    CoachFactory,
    CompanyFactory,
    ContactFactory,
    InterviewFactory,
    PortalClientFactory,
    WeeklyTargetFactory,
)

pytestmark = pytest.mark.django_db

Kind = WeeklyTarget.Kind
# 20:00 UTC on Sunday 7 June 2026: already Monday 8 June, 08:00 in Auckland.
SUNDAY_EVENING_UTC = datetime(2026, 6, 7, 20, 0, tzinfo=UTC)


def messages(error: ValidationError) -> dict:
    return error.value.message_dict


# --- targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "monday"),
    [("Pacific/Auckland", date(2026, 6, 8)), ("America/Los_Angeles", date(2026, 6, 1))],
)
def test_a_new_target_applies_from_the_monday_of_the_clients_own_week(zone, monday):
    client = ClientFactory(timezone=zone)

    with time_machine.travel(SUNDAY_EVENING_UTC, tick=False):
        target = services.target_set(client=client, kind=Kind.OUTREACH, per_week=5, by=client.coach)

    assert (target.per_week, target.since, target.created_by) == (5, monday, client.coach)


def test_changing_the_number_keeps_the_one_row_and_when_it_began():
    client = ClientFactory()
    with time_machine.travel(datetime(2026, 5, 6, 12, tzinfo=UTC), tick=False):
        first = services.target_set(client=client, kind=Kind.CONVERSATIONS, per_week=2, by=None)
    with time_machine.travel(datetime(2026, 6, 10, 12, tzinfo=UTC), tick=False):
        again = services.target_set(client=client, kind=Kind.CONVERSATIONS, per_week=3, by=None)

    assert again.pk == first.pk
    assert list(client.weekly_targets.values_list("per_week", "since")) == [(3, date(2026, 5, 4))]


@pytest.mark.parametrize("per_week", [0, None])
def test_zero_or_nothing_removes_the_target(per_week):
    target = WeeklyTargetFactory(kind=Kind.THANK_YOUS)

    result = services.target_set(
        client=target.client, kind=Kind.THANK_YOUS, per_week=per_week, by=None
    )

    assert result is None
    assert not WeeklyTarget.objects.exists()


def test_a_target_set_again_after_removal_begins_in_the_current_week():
    target = WeeklyTargetFactory(kind=Kind.OUTREACH, since=date(2026, 1, 5))
    services.target_set(client=target.client, kind=Kind.OUTREACH, per_week=0, by=None)

    with time_machine.travel(datetime(2026, 6, 10, 12, tzinfo=UTC), tick=False):
        again = services.target_set(client=target.client, kind=Kind.OUTREACH, per_week=4, by=None)

    assert again.since == date(2026, 6, 8)


@pytest.mark.parametrize("per_week", [51, -1])
def test_a_target_outside_1_to_50_a_week_is_refused(per_week):
    client = ClientFactory()

    with pytest.raises(ValidationError) as error:
        services.target_set(client=client, kind=Kind.OUTREACH, per_week=per_week, by=None)

    assert "per_week" in messages(error)
    assert not WeeklyTarget.objects.exists()


def test_a_target_of_an_unknown_kind_is_refused():
    with pytest.raises(ValidationError) as error:
        services.target_set(client=ClientFactory(), kind="applications", per_week=3, by=None)

    assert "kind" in messages(error)


def test_a_target_starts_on_a_monday():
    target = WeeklyTargetFactory.build(client=ClientFactory(), since=date(2026, 6, 9))

    with pytest.raises(ValidationError) as error:
        target.full_clean()

    assert messages(error) == {"since": ["A target starts on a Monday."]}


def test_a_client_has_one_target_of_each_kind():
    target = WeeklyTargetFactory(kind=Kind.OUTREACH)
    second = WeeklyTargetFactory.build(client=target.client, kind=Kind.OUTREACH)

    with pytest.raises(ValidationError) as error:
        second.full_clean()

    assert "This client already has a target of this kind." in str(error.value)


# --- action items ----------------------------------------------------------------------------


def test_an_item_the_coach_sets_is_the_coachs_and_one_the_client_adds_is_theirs():
    client = PortalClientFactory()

    by_coach = services.action_item_create(
        client=client, title="  Draft your pitch ", due_on=date(2026, 6, 12), by=client.coach
    )
    by_client = services.action_item_create(client=client, title="Call Sam", by=client.user)

    assert (by_coach.title, by_coach.set_by, by_coach.created_by) == (
        "Draft your pitch",
        ActionItem.SetBy.COACH,
        client.coach,
    )
    assert (by_client.set_by, by_client.created_by, by_client.due_on) == (
        ActionItem.SetBy.CLIENT,
        client.user,
        None,
    )


@pytest.mark.parametrize(
    ("link", "factory", "message"),
    [
        ("contact", ContactFactory, "Choose one of this client’s contacts."),
        ("company", CompanyFactory, "Choose one of this client’s companies."),
        ("interview", InterviewFactory, "Choose one of this client’s interviews."),
    ],
)
def test_an_item_cannot_be_linked_to_another_clients_records(link, factory, message):
    client = ClientFactory()
    theirs = factory()  # of another client

    with pytest.raises(ValidationError) as error:
        services.action_item_create(client=client, title="Prepare", by=None, **{link: theirs})

    assert messages(error) == {link: [message]}
    assert not ActionItem.objects.exists()


def test_an_item_linked_to_an_interview_of_the_client_shows_with_that_interview():
    interview = InterviewFactory()

    item = services.action_item_create(
        client=interview.client, title="Read their blog", by=None, interview=interview
    )

    assert list(interview.action_items.all()) == [item]


def test_an_item_is_about_one_contact_company_or_interview_at_most():
    contact = ContactFactory()

    with pytest.raises(ValidationError) as error:
        services.action_item_create(
            client=contact.client,
            title="Prepare",
            by=None,
            contact=contact,
            company=contact.company,
        )

    assert "one of them at most" in str(error.value)


def test_an_item_needs_a_title():
    client = ClientFactory()

    with pytest.raises(ValidationError) as error:
        services.action_item_create(client=client, title="   ", by=client.coach)

    assert "title" in messages(error)


def test_an_edit_changes_what_it_names_and_keeps_the_rules():
    item = ActionItemFactory(due_on=date(2026, 6, 12))

    services.action_item_update(item=item, due_on=date(2026, 6, 19), notes="Two names at least.")
    with pytest.raises(ValidationError):
        services.action_item_update(item=item, contact=ContactFactory())
    with pytest.raises(TypeError, match="set_by"):
        services.action_item_update(item=item, set_by="client")

    item.refresh_from_db()
    assert (item.due_on, item.notes) == (date(2026, 6, 19), "Two names at least.")
    assert item.contact is None


def test_completing_an_item_twice_keeps_the_moment_it_was_first_done():
    item = ActionItemFactory()
    first = datetime(2026, 6, 10, 9, tzinfo=UTC)

    services.action_item_complete(item=item, at=first)
    again = services.action_item_complete(item=ActionItem.objects.get(pk=item.pk))

    assert again.done_at == first
    item.refresh_from_db()
    assert (item.is_done, item.done_at) == (True, first)


def test_a_reopened_item_is_open_and_can_be_done_again_later():
    item = ActionItemFactory(done_at=datetime(2026, 6, 10, 9, tzinfo=UTC))

    services.action_item_reopen(item=item)
    assert list(ActionItem.objects.open()) == [item]

    later = datetime(2026, 6, 11, 9, tzinfo=UTC)
    services.action_item_complete(item=item, at=later)
    assert list(ActionItem.objects.done().values_list("done_at", flat=True)) == [later]


def test_completing_at_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="aware"):
        services.action_item_complete(item=ActionItemFactory(), at=datetime(2026, 6, 10, 9))


def test_a_deleted_item_is_gone():
    item = ActionItemFactory()

    services.action_item_delete(item=item)

    assert not ActionItem.objects.exists()


def test_open_items_come_by_due_date_with_the_undated_last():
    client = ClientFactory()
    ActionItemFactory(client=client, title="later", due_on=date(2026, 6, 20))
    ActionItemFactory(client=client, title="someday", due_on=None)
    ActionItemFactory(client=client, title="soon", due_on=date(2026, 6, 9))

    assert list(client.action_items.open().values_list("title", flat=True)) == [
        "soon",
        "later",
        "someday",
    ]


# --- who sees what ---------------------------------------------------------------------------


def test_a_second_coach_sees_none_of_another_coachs_items_or_targets():
    client = PortalClientFactory()
    ActionItemFactory(client=client)
    WeeklyTargetFactory(client=client)
    stranger = CoachFactory()

    assert not ActionItem.objects.visible_to(stranger).exists()
    assert not WeeklyTarget.objects.visible_to(stranger).exists()
    assert ActionItem.objects.visible_to(client.coach).count() == 1
    assert WeeklyTarget.objects.visible_to(client.coach).count() == 1


def test_a_client_sees_their_own_items_only_and_a_co_coach_sees_the_shared_clients():
    client, other = PortalClientFactory(), PortalClientFactory()
    mine = ActionItemFactory(client=client)
    ActionItemFactory(client=other)
    co_coach = CoachFactory(
        membership__practice=client.coach.membership.practice, membership__role="coach"
    )
    ClientShare.objects.create(client=client, coach=co_coach)

    assert list(ActionItem.objects.visible_to(client.user)) == [mine]
    assert list(ActionItem.objects.visible_to(co_coach)) == [mine]


def test_overdue_items_of_a_caseload_are_scoped_like_everything_else():
    client = ClientFactory(timezone="Europe/London")
    ActionItemFactory(client=client, due_on=date(2026, 6, 1))
    now = datetime(2026, 6, 10, 12, tzinfo=UTC)

    assert ActionItem.objects.visible_to(client.coach).overdue(now).count() == 1
    assert ActionItem.objects.visible_to(CoachFactory()).overdue(now).count() == 0
