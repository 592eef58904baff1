"""A reminder's key, as stored: the keys written before the action item and weekly summary
kinds existed read back to the same bytes, and the new kinds' keys name what they are about."""

from datetime import UTC, date, datetime

import pytest

from reminders.identity import Occasion

KEYS_WRITTEN_BEFORE = [
    "prep:interview-12:2026-06-08T13:00+00:00",
    "thank_you:interview-12:2026-06-08T13:00+00:00",
    "thank_you_overdue:interview-12:2026-06-08T13:00+00:00",
    "outreach_follow_up:contact-4:touch-9:step-3",
    "outreach_follow_up:contact-4:touch-9:step-7:snoozed-20260617T0900",
    "keep_in_touch:contact-4:touch-9",
    "keep_in_touch:contact-4:touch-9:snoozed-20260617T0900",
    "coach_digest:coach-3:2026-06-10",
]


@pytest.mark.parametrize("key", KEYS_WRITTEN_BEFORE)
def test_a_key_written_before_the_goal_kinds_is_built_the_same_from_its_occasion(key):
    assert Occasion.parse(key).key == key


def test_the_follow_up_key_is_built_as_before():
    occasion = Occasion.for_follow_up(
        contact_id=4, touch_id=9, step=7, paused_until=datetime(2026, 6, 17, 9, 0, tzinfo=UTC)
    )

    assert occasion.key == "outreach_follow_up:contact-4:touch-9:step-7:snoozed-20260617T0900"


def test_an_assigned_item_is_one_occasion_whatever_its_due_date():
    assert Occasion.for_action_assigned(action_item_id=5).key == "action_assigned:item-5"


def test_an_items_due_date_is_part_of_its_due_occasion():
    thursday = Occasion.for_action_due(action_item_id=5, due_on=date(2026, 6, 11))
    friday = Occasion.for_action_due(action_item_id=5, due_on=date(2026, 6, 12))

    assert thursday.key == "action_due:item-5:2026-06-11"
    assert friday.key == "action_due:item-5:2026-06-12"
    assert Occasion.parse(thursday.key) == thursday


def test_a_weekly_summary_is_one_occasion_per_client_and_week():
    occasion = Occasion.for_weekly_summary(client_id=7, monday=date(2026, 6, 8))

    assert occasion.key == "weekly_summary:client-7:week-2026-06-08"
    assert Occasion.parse(occasion.key) == occasion
    assert occasion.columns()["local_date"] == date(2026, 6, 8)
