"""Action item and weekly summary reminders through the sweep, derived from state like the
others: the coach sets an item, moves it, the client ticks it off, a week ends; the sweep sends
what is due then, once, and skips what stopped applying since it was recorded."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from clients.models import Client
from goals.models import ActionItem
from goals.services import (
    action_item_complete,
    action_item_create,
    action_item_delete,
    action_item_update,
)
from reminders.models import Reminder
from reminders.sweep import record_due_reminders, run_sweep
from tests.factories import ActionItemFactory, PortalClientFactory, WeeklyTargetFactory

pytestmark = pytest.mark.django_db

Kind = Reminder.Kind
# Monday 8 June 2026, 13:00 in London (BST, UTC+1).
MONDAY = datetime(2026, 6, 8, 12, 0, tzinfo=UTC)
THURSDAY = date(2026, 6, 11)
THURSDAY_8AM = datetime(2026, 6, 11, 7, 0, tzinfo=UTC)


@pytest.fixture
def priya(coach):
    return PortalClientFactory(coach=coach, name="Priya Shah", timezone="Europe/London")


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return run_sweep(moment)


def set_item(client, by, at=MONDAY, **fields):
    with time_machine.travel(at, tick=False):
        return action_item_create(
            client=client, title=fields.pop("title", "Draft the pitch"), by=by, **fields
        )


def subjects_to(client) -> list[str]:
    return [message.subject for message in mail.outbox if message.to == [client.email]]


def rows(kind) -> list[Reminder]:
    return list(Reminder.objects.filter(kind=kind).order_by("pk"))


# --- a new item ------------------------------------------------------------------------------


def test_the_client_hears_of_an_item_the_coach_sets_at_the_next_sweep(priya, coach):
    set_item(priya, coach, due_on=THURSDAY)

    sweep_at(MONDAY + timedelta(minutes=1))

    assert subjects_to(priya) == ["New from Maya: Draft the pitch (due Thu 11 Jun)"]
    (row,) = rows(Kind.ACTION_ASSIGNED)
    assert (row.status, row.due_at) == (Reminder.Status.SENT, MONDAY)


def test_an_item_set_late_in_the_evening_is_announced_at_eight_the_next_morning(priya, coach):
    evening = datetime(2026, 6, 8, 21, 30, tzinfo=UTC)  # 22:30 in London
    set_item(priya, coach, at=evening)

    sweep_at(evening + timedelta(minutes=1))
    sweep_at(datetime(2026, 6, 9, 6, 59, tzinfo=UTC))
    assert subjects_to(priya) == []

    sweep_at(datetime(2026, 6, 9, 7, 0, tzinfo=UTC))  # 08:00 in London
    assert len(subjects_to(priya)) == 1


def test_an_item_the_client_set_themselves_is_not_announced(priya):
    set_item(priya, priya.user, due_on=THURSDAY)

    sweep_at(MONDAY + timedelta(minutes=1))

    assert subjects_to(priya) == []
    assert rows(Kind.ACTION_ASSIGNED) == []


def test_a_client_who_turned_new_item_emails_off_gets_none(priya, coach):
    Client.objects.filter(pk=priya.pk).update(remind_assigned_actions=False)
    set_item(priya, coach)

    sweep_at(MONDAY + timedelta(minutes=1))

    assert subjects_to(priya) == []


def test_turned_off_after_it_was_recorded_the_email_is_skipped_with_the_reason(priya, coach):
    set_item(priya, coach)
    with time_machine.travel(MONDAY, tick=False):
        record_due_reminders(MONDAY)
    Client.objects.filter(pk=priya.pk).update(remind_assigned_actions=False)

    sweep_at(MONDAY + timedelta(minutes=1))

    assert subjects_to(priya) == []
    (row,) = rows(Kind.ACTION_ASSIGNED)
    assert row.status == Reminder.Status.SKIPPED
    assert row.last_error == "The client turned emails about new action items off."


def test_an_item_is_announced_once_however_often_it_is_edited(priya, coach):
    item = set_item(priya, coach, due_on=THURSDAY)
    sweep_at(MONDAY + timedelta(minutes=1))
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        action_item_update(item=item, title="Draft the pitch, then time it", due_on=None)

    sweep_at(MONDAY + timedelta(hours=1, minutes=1))

    assert len(subjects_to(priya)) == 1


def test_an_item_of_an_archived_client_is_not_announced(priya, coach):
    set_item(priya, coach)
    Client.objects.filter(pk=priya.pk).update(status=Client.Status.ARCHIVED)

    sweep_at(MONDAY + timedelta(minutes=1))

    assert subjects_to(priya) == []


# --- the morning it is due -------------------------------------------------------------------


def test_the_due_day_email_comes_at_eight_on_the_due_date_client_local(priya, coach):
    set_item(priya, coach, due_on=THURSDAY)
    sweep_at(MONDAY + timedelta(minutes=1))  # the new-item email
    mail.outbox.clear()

    sweep_at(THURSDAY_8AM - timedelta(minutes=1))
    assert subjects_to(priya) == []

    sweep_at(THURSDAY_8AM)
    sweep_at(THURSDAY_8AM + timedelta(hours=3))
    assert subjects_to(priya) == ["Due today: Draft the pitch"]
    (row,) = rows(Kind.ACTION_DUE)
    assert (row.local_date, row.due_at) == (THURSDAY, THURSDAY_8AM)


def test_the_due_morning_is_the_clients_in_their_timezone(coach):
    tokyo = PortalClientFactory(coach=coach, timezone="Asia/Tokyo")
    set_item(tokyo, coach, due_on=THURSDAY)

    sweep_at(datetime(2026, 6, 10, 23, 0, tzinfo=UTC))  # 08:00 on Thursday in Tokyo

    assert "Due today: Draft the pitch" in subjects_to(tokyo)


def test_a_done_item_sends_nothing(priya, coach):
    item = set_item(priya, coach, due_on=THURSDAY)
    action_item_complete(item=item, at=MONDAY)

    for moment in (MONDAY + timedelta(minutes=1), THURSDAY_8AM):
        sweep_at(moment)

    assert subjects_to(priya) == []
    assert Reminder.objects.count() == 0


def test_an_item_done_after_its_email_was_recorded_is_skipped_not_sent(priya, coach):
    item = set_item(priya, coach, due_on=THURSDAY, at=MONDAY - timedelta(days=3))
    with time_machine.travel(THURSDAY_8AM, tick=False):
        record_due_reminders(THURSDAY_8AM)
    action_item_complete(item=item, at=THURSDAY_8AM)

    sweep_at(THURSDAY_8AM + timedelta(minutes=1))

    assert subjects_to(priya) == []
    (row,) = rows(Kind.ACTION_DUE)
    assert row.status == Reminder.Status.SKIPPED
    assert row.last_error == "The action item was already marked done."


def test_a_moved_due_date_is_a_new_due_day_email(priya, coach):
    item = set_item(priya, coach, due_on=THURSDAY)
    sweep_at(THURSDAY_8AM)
    with time_machine.travel(THURSDAY_8AM + timedelta(hours=2), tick=False):
        action_item_update(item=item, due_on=date(2026, 6, 15))

    sweep_at(THURSDAY_8AM + timedelta(hours=2, minutes=1))
    sweep_at(datetime(2026, 6, 15, 7, 0, tzinfo=UTC))

    due_days = [row.local_date for row in rows(Kind.ACTION_DUE)]
    assert due_days == [THURSDAY, date(2026, 6, 15)]
    assert subjects_to(priya).count("Due today: Draft the pitch") == 2


def test_an_item_moved_after_its_email_was_recorded_is_skipped_then_sent_on_the_new_day(
    priya, coach
):
    item = set_item(priya, coach, due_on=THURSDAY, at=MONDAY - timedelta(days=3))
    with time_machine.travel(THURSDAY_8AM, tick=False):
        record_due_reminders(THURSDAY_8AM)
        action_item_update(item=item, due_on=date(2026, 6, 12))

    sweep_at(THURSDAY_8AM + timedelta(minutes=1))
    sweep_at(datetime(2026, 6, 12, 7, 0, tzinfo=UTC))

    thursday, friday = rows(Kind.ACTION_DUE)
    assert (thursday.status, thursday.last_error) == (
        Reminder.Status.SKIPPED,
        "The due date was moved.",
    )
    assert (friday.local_date, friday.status) == (date(2026, 6, 12), Reminder.Status.SENT)
    assert subjects_to(priya) == ["Due today: Draft the pitch"]


def test_a_deleted_items_email_stays_in_the_log_and_one_still_to_send_is_skipped(priya, coach):
    item = set_item(priya, coach, due_on=THURSDAY, at=MONDAY - timedelta(days=3))
    with time_machine.travel(THURSDAY_8AM, tick=False):
        record_due_reminders(THURSDAY_8AM)
    action_item_delete(item=item)

    sweep_at(THURSDAY_8AM + timedelta(minutes=1))

    (row,) = rows(Kind.ACTION_DUE)
    assert (row.status, row.last_error) == (Reminder.Status.SKIPPED, "The action item was deleted.")
    assert row.action_item_id is None
    assert row.local_date == THURSDAY


def test_an_item_set_on_its_due_day_after_eight_gets_only_the_new_item_email(priya, coach):
    set_item(priya, coach, due_on=THURSDAY, at=THURSDAY_8AM + timedelta(hours=2))

    sweep_at(THURSDAY_8AM + timedelta(hours=2, minutes=1))

    assert subjects_to(priya) == ["New from Maya: Draft the pitch (due today)"]


def test_an_item_without_a_due_date_has_no_due_day_email(priya):
    ActionItemFactory(client=priya, due_on=None, set_by=ActionItem.SetBy.CLIENT)

    sweep_at(THURSDAY_8AM)

    assert rows(Kind.ACTION_DUE) == []


# --- the Monday summary ----------------------------------------------------------------------

MONDAY_8AM = datetime(2026, 6, 8, 7, 0, tzinfo=UTC)  # 08:00 in London


def test_last_weeks_summary_comes_on_monday_at_eight_client_local_once(priya):
    WeeklyTargetFactory(client=priya, kind="outreach", per_week=5)

    sweep_at(MONDAY_8AM - timedelta(minutes=1))
    assert subjects_to(priya) == []
    for moment in (MONDAY_8AM, MONDAY_8AM + timedelta(hours=4)):
        sweep_at(moment)

    assert subjects_to(priya) == ["Your week of 1 June: you reached 0 of 5 people"]
    (row,) = rows(Kind.WEEKLY_SUMMARY)
    assert (row.local_date, row.due_at) == (date(2026, 6, 1), MONDAY_8AM)


def test_no_summary_for_a_week_before_the_first_target(priya):
    WeeklyTargetFactory(client=priya, since=date(2026, 6, 8))  # from this week on

    sweep_at(MONDAY_8AM)

    assert rows(Kind.WEEKLY_SUMMARY) == []


def test_no_summary_without_targets_or_for_a_client_who_turned_it_off(priya, coach):
    turned_off = PortalClientFactory(coach=coach, remind_weekly_summary=False)
    WeeklyTargetFactory(client=turned_off)

    sweep_at(MONDAY_8AM)

    assert rows(Kind.WEEKLY_SUMMARY) == []


def test_each_client_gets_the_summary_on_their_own_monday_morning(coach):
    auckland = PortalClientFactory(coach=coach, timezone="Pacific/Auckland")
    new_york = PortalClientFactory(coach=coach, timezone="America/New_York")
    for client in (auckland, new_york):
        WeeklyTargetFactory(client=client)

    sweep_at(datetime(2026, 6, 7, 20, 0, tzinfo=UTC))  # Monday 08:00 in Auckland
    assert [row.client for row in rows(Kind.WEEKLY_SUMMARY)] == [auckland]

    sweep_at(datetime(2026, 6, 8, 12, 0, tzinfo=UTC))  # Monday 08:00 in New York
    assert [row.client for row in rows(Kind.WEEKLY_SUMMARY)] == [auckland, new_york]
    assert {row.local_date for row in rows(Kind.WEEKLY_SUMMARY)} == {date(2026, 6, 1)}


def test_targets_removed_after_the_summary_was_recorded_skip_it(priya):
    target = WeeklyTargetFactory(client=priya)
    with time_machine.travel(MONDAY_8AM, tick=False):
        record_due_reminders(MONDAY_8AM)
    target.delete()

    sweep_at(MONDAY_8AM + timedelta(minutes=1))

    (row,) = rows(Kind.WEEKLY_SUMMARY)
    assert (row.status, row.last_error) == (
        Reminder.Status.SKIPPED,
        "No target applied to that week any more.",
    )


# --- while the address bounces -------------------------------------------------------------------


def test_while_the_address_bounces_new_item_emails_wait_and_due_today_still_goes(priya, coach):
    WeeklyTargetFactory(client=priya)
    Client.objects.filter(pk=priya.pk).update(email_bounced_at=MONDAY - timedelta(days=1))
    set_item(priya, coach, due_on=THURSDAY)

    for moment in (MONDAY + timedelta(minutes=1), THURSDAY_8AM):
        sweep_at(moment)
    sweep_at(datetime(2026, 6, 15, 7, 0, tzinfo=UTC))  # the next Monday's summary

    assert subjects_to(priya) == ["Due today: Draft the pitch"]
