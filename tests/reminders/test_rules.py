"""The timing rules on their own: waking hours, the 48 h cap, business days, DST both ways."""

from datetime import UTC, date, datetime, timedelta

import pytest

from reminders import rules


def utc(*args):
    return datetime(*args, tzinfo=UTC)


class TestWakingHours:
    def test_a_moment_inside_waking_hours_is_kept(self):
        assert rules.into_waking_hours(utc(2026, 6, 10, 12, 0), "Europe/London") == utc(
            2026, 6, 10, 12, 0
        )

    def test_before_eight_moves_to_eight_the_same_morning(self):
        # 05:00 UTC = 06:00 BST -> 08:00 BST = 07:00 UTC
        assert rules.into_waking_hours(utc(2026, 6, 10, 5, 0), "Europe/London") == utc(
            2026, 6, 10, 7, 0
        )

    def test_after_eight_in_the_evening_moves_to_the_next_morning(self):
        # 21:30 IST (16:00 UTC) -> 08:00 IST next day = 02:30 UTC
        assert rules.into_waking_hours(utc(2026, 6, 10, 16, 0), "Asia/Kolkata") == utc(
            2026, 6, 11, 2, 30
        )

    def test_the_morning_after_a_spring_forward_night_is_in_summer_time(self):
        # New York, 8 March 2026: 02:00 EST -> 03:00 EDT. 03:30 EST on 7 March evening…
        # 23:00 EST on 7 March (04:00 UTC on 8 March) -> 08:00 EDT on 8 March = 12:00 UTC.
        assert rules.into_waking_hours(utc(2026, 3, 8, 4, 0), "America/New_York") == utc(
            2026, 3, 8, 12, 0
        )

    def test_the_morning_after_a_fall_back_night_is_in_winter_time(self):
        # London, 25 October 2026: 02:00 BST -> 01:00 GMT. 22:00 BST on the 24th (21:00 UTC)
        # -> 08:00 GMT on the 25th = 08:00 UTC.
        assert rules.into_waking_hours(utc(2026, 10, 24, 21, 0), "Europe/London") == utc(
            2026, 10, 25, 8, 0
        )


class TestThankYou:
    def test_it_is_due_24_hours_after_the_end_when_that_is_daytime(self):
        due = rules.thank_you_due(ends_at=utc(2026, 6, 10, 14, 0), timezone_name="Europe/London")

        assert due.at == utc(2026, 6, 11, 14, 0)
        assert due.window_ends_at == utc(2026, 6, 12, 14, 0)

    def test_an_evening_interview_is_thanked_the_next_morning_not_at_night(self):
        # Ends 21:00 New York (EDT, 01:00 UTC next day): +24 h is 21:00 -> 08:00 the day after.
        due = rules.thank_you_due(ends_at=utc(2026, 6, 11, 1, 0), timezone_name="America/New_York")

        assert due.at == utc(2026, 6, 12, 12, 0)
        assert due.at - utc(2026, 6, 11, 1, 0) == timedelta(hours=35)

    def test_it_is_never_later_than_48_hours_after_the_end(self):
        for hour in range(24):
            ends = utc(2026, 6, 10, hour, 17)
            for zone in ("Pacific/Kiritimati", "America/Los_Angeles", "Asia/Kolkata"):
                due = rules.thank_you_due(ends_at=ends, timezone_name=zone)
                assert timedelta(hours=24) <= due.at - ends <= timedelta(hours=48)
                assert due.window_ends_at == ends + timedelta(hours=48)

    def test_the_overdue_notice_goes_to_the_coach_at_48_hours(self):
        due = rules.thank_you_overdue_due(ends_at=utc(2026, 6, 10, 14, 0))

        assert due.at == utc(2026, 6, 12, 14, 0)

    def test_across_the_london_clock_change_the_local_time_shifts_not_the_rule(self):
        # Interview ends 19:30 BST on Saturday 24 Oct (18:30 UTC). +24 h = 18:30 UTC Sunday,
        # which is 18:30 GMT after the change: inside waking hours, so exactly +24 h.
        due = rules.thank_you_due(ends_at=utc(2026, 10, 24, 18, 30), timezone_name="Europe/London")

        assert due.at == utc(2026, 10, 25, 18, 30)


class TestPrep:
    def test_it_is_due_a_day_before(self):
        due = rules.prep_due(
            starts_at=utc(2026, 6, 10, 14, 0),
            scheduled_at=utc(2026, 6, 1, 9, 0),
            timezone_name="Europe/London",
        )

        assert due.at == utc(2026, 6, 9, 14, 0)
        assert due.window_ends_at == utc(2026, 6, 10, 14, 0)

    def test_an_interview_booked_for_tomorrow_gets_its_prep_now(self):
        due = rules.prep_due(
            starts_at=utc(2026, 6, 10, 14, 0),
            scheduled_at=utc(2026, 6, 9, 16, 0),
            timezone_name="Europe/London",
        )

        assert due.at == utc(2026, 6, 9, 16, 0)

    def test_an_early_interview_gets_its_prep_in_the_previous_day_waking_hours(self):
        # 07:00 Kolkata start (01:30 UTC): 24 h before is 07:00 -> moved to 08:00 the day before.
        due = rules.prep_due(
            starts_at=utc(2026, 6, 10, 1, 30),
            scheduled_at=utc(2026, 6, 1, 9, 0),
            timezone_name="Asia/Kolkata",
        )

        assert due.at == utc(2026, 6, 9, 2, 30)

    def test_no_prep_when_booked_after_the_start(self):
        assert (
            rules.prep_due(
                starts_at=utc(2026, 6, 10, 14, 0),
                scheduled_at=utc(2026, 6, 10, 15, 0),
                timezone_name="UTC",
            )
            is None
        )


class TestBusinessDays:
    @pytest.mark.parametrize(
        ("sent", "step", "expected"),
        [
            # Monday 10:00 London + 3 business days = Thursday 10:00.
            (utc(2026, 6, 8, 9, 0), 3, utc(2026, 6, 11, 9, 0)),
            # Friday + 3 = Wednesday (the weekend does not count).
            (utc(2026, 6, 12, 9, 0), 3, utc(2026, 6, 17, 9, 0)),
            # Thursday + 7 = the Monday after next.
            (utc(2026, 6, 11, 9, 0), 7, utc(2026, 6, 22, 9, 0)),
            # Saturday + 3 = Wednesday.
            (utc(2026, 6, 13, 9, 0), 3, utc(2026, 6, 17, 9, 0)),
        ],
    )
    def test_follow_ups_count_business_days_only(self, sent, step, expected):
        due = rules.follow_up_due(outreach_at=sent, step=step, timezone_name="Europe/London")

        assert due.at == expected

    def test_a_follow_up_across_the_us_spring_change_keeps_the_local_time(self):
        # Thursday 5 March 2026, 10:00 EST (15:00 UTC) + 3 business days = Tuesday 10 March,
        # 10:00 EDT = 14:00 UTC.
        due = rules.follow_up_due(
            outreach_at=utc(2026, 3, 5, 15, 0), step=3, timezone_name="America/New_York"
        )

        assert due.at == utc(2026, 3, 10, 14, 0)

    def test_a_follow_up_across_the_london_autumn_change_keeps_the_local_time(self):
        # Friday 23 Oct 2026, 11:00 BST (10:00 UTC) + 3 = Wednesday 28 Oct, 11:00 GMT = 11:00 UTC.
        due = rules.follow_up_due(
            outreach_at=utc(2026, 10, 23, 10, 0), step=3, timezone_name="Europe/London"
        )

        assert due.at == utc(2026, 10, 28, 11, 0)

    def test_an_outreach_sent_late_at_night_is_followed_up_in_the_morning(self):
        # Monday 23:00 Kolkata (17:30 UTC) + 3 business days = Thursday 23:00 -> Friday 08:00.
        due = rules.follow_up_due(
            outreach_at=utc(2026, 6, 8, 17, 30), step=3, timezone_name="Asia/Kolkata"
        )

        assert due.at == utc(2026, 6, 12, 2, 30)

    def test_an_evening_outreach_whose_follow_up_lands_on_a_friday_night_waits_for_monday(self):
        # Issue 10, defect 1. Tuesday 9 June 2026, 22:30 in St John's (NDT, UTC-2:30) = 01:00
        # UTC on the 10th. + 3 business days = Friday 22:30, past waking hours: the next
        # business morning is Monday 15 June 08:00 NDT (10:30 UTC), not Saturday 08:00.
        due = rules.follow_up_due(
            outreach_at=utc(2026, 6, 10, 1, 0), step=3, timezone_name="America/St_Johns"
        )

        assert due.at == utc(2026, 6, 15, 10, 30)

    def test_an_early_morning_outreach_on_a_weekday_is_followed_up_at_eight(self):
        # Wednesday 06:00 London (05:00 UTC) + 3 = Monday 06:00 -> Monday 08:00 BST.
        due = rules.follow_up_due(
            outreach_at=utc(2026, 6, 10, 5, 0), step=3, timezone_name="Europe/London"
        )

        assert due.at == utc(2026, 6, 15, 7, 0)


class TestKeepInTouchAndDigest:
    def test_keep_in_touch_counts_weeks_from_the_last_touch(self):
        due = rules.keep_in_touch_due(
            last_touch_at=utc(2026, 6, 10, 12, 0), weeks=8, timezone_name="Europe/London"
        )

        assert due.at == utc(2026, 8, 5, 12, 0)

    def test_a_pause_moves_the_reminder_to_its_end(self):
        due = rules.keep_in_touch_due(
            last_touch_at=utc(2026, 6, 10, 12, 0), weeks=4, timezone_name="UTC"
        )

        later = rules.paused(due, utc(2026, 7, 20, 9, 0))

        assert later.at == utc(2026, 7, 20, 9, 0)
        assert later.window_ends_at - later.at == due.window_ends_at - due.at

    def test_the_digest_is_at_half_past_seven_local_time_in_summer_and_winter(self):
        summer = rules.digest_due(local_date=date(2026, 7, 1), timezone_name="America/New_York")
        winter = rules.digest_due(local_date=date(2026, 12, 1), timezone_name="America/New_York")

        assert summer.at == utc(2026, 7, 1, 11, 30)
        assert winter.at == utc(2026, 12, 1, 12, 30)


class TestActionItems:
    def test_an_item_set_in_the_evening_is_announced_the_next_morning(self):
        # 21:30 in Kolkata (16:00 UTC) -> 08:00 IST the next day = 02:30 UTC.
        due = rules.action_assigned_due(
            assigned_at=utc(2026, 6, 10, 16, 0), timezone_name="Asia/Kolkata"
        )

        assert due.at == utc(2026, 6, 11, 2, 30)
        assert due.window_ends_at == due.at + rules.ACTION_ASSIGNED_WINDOW

    def test_an_item_is_due_at_eight_on_its_due_date_until_eight_in_the_evening(self):
        due = rules.action_due_due(
            due_on=date(2026, 6, 11), set_at=utc(2026, 6, 1, 9, 0), timezone_name="Europe/London"
        )

        assert (due.at, due.window_ends_at) == (utc(2026, 6, 11, 7, 0), utc(2026, 6, 11, 19, 0))

    def test_on_the_day_clocks_go_forward_the_morning_is_in_summer_time(self):
        # London, 29 March 2026: 08:00 BST is 07:00 UTC.
        due = rules.action_due_due(
            due_on=date(2026, 3, 29), set_at=utc(2026, 3, 1, 9, 0), timezone_name="Europe/London"
        )

        assert due.at == utc(2026, 3, 29, 7, 0)

    def test_an_item_set_after_its_due_morning_has_no_due_day_email(self):
        eight_am = utc(2026, 6, 11, 7, 0)

        for set_at, has_one in ((eight_am - timedelta(minutes=1), True), (eight_am, False)):
            due = rules.action_due_due(
                due_on=date(2026, 6, 11), set_at=set_at, timezone_name="Europe/London"
            )
            assert (due is not None) == has_one


class TestWeeklySummary:
    def test_last_weeks_summary_is_due_on_monday_at_eight_client_local(self):
        # The week of Monday 1 June 2026, summarised on Monday 8 June at 08:00 in Auckland
        # (NZST, UTC+12): 20:00 UTC on Sunday 7 June.
        due = rules.weekly_summary_due(monday=date(2026, 6, 1), timezone_name="Pacific/Auckland")

        assert due.at == utc(2026, 6, 7, 20, 0)
        assert due.window_ends_at == utc(2026, 6, 8, 8, 0)

    def test_a_summary_is_of_a_week_named_by_its_monday(self):
        with pytest.raises(ValueError, match="not a Monday"):
            rules.weekly_summary_due(monday=date(2026, 6, 2), timezone_name="UTC")
