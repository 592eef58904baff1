"""The sweep over the reminder lifecycle: derived from state, so every path that changes the
interview, the debrief or the touches changes what is sent."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from clients import services as client_services
from clients.models import Contact, Touch
from interviews import scheduling
from interviews.debriefs import thank_you_mark_sent
from interviews.models import Interview
from reminders.models import Reminder
from reminders.sweep import SweepResult, claim_due_reminders, deliver, run_sweep
from tests.factories import ClientFactory, CoachFactory, ContactFactory, InterviewFactory

pytestmark = pytest.mark.django_db

# Monday 1 June 2026, 09:00 UTC = 10:00 in London.
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def client_in_london(db):
    # The coach's digest has its own test; here it would only add mail to count.
    coach = CoachFactory(timezone="Europe/London", daily_digest=False)
    return ClientFactory(timezone="Europe/London", coach=coach)


def sweep_at(clock, moment):
    clock.move_to(moment)
    return run_sweep(moment)


def kinds_sent():
    return sorted(Reminder.objects.filter(status="sent").values_list("kind", flat=True))


def test_an_interview_gets_its_prep_then_thank_you_then_the_coach_is_told_it_is_overdue(
    clock, client_in_london
):
    starts = datetime(2026, 6, 3, 13, 0, tzinfo=UTC)  # Wednesday 14:00 London
    interview = InterviewFactory(client=client_in_london, starts_at=starts)

    assert sweep_at(clock, starts - timedelta(hours=25)).recorded == 0
    assert sweep_at(clock, starts - timedelta(hours=24)).sent == 1
    assert mail.outbox[-1].to == [client_in_london.email]

    scheduling.interview_set_status(interview=interview, status="completed")
    ends = interview.ends_at
    assert sweep_at(clock, ends + timedelta(hours=23)).recorded == 0
    assert sweep_at(clock, ends + timedelta(hours=24)).sent == 1
    assert sweep_at(clock, ends + timedelta(hours=48)).sent == 1
    assert mail.outbox[-1].to == [client_in_london.coach.email]
    assert kinds_sent() == ["prep", "thank_you", "thank_you_overdue"]

    # Nothing is sent twice, however often the sweep runs.
    for hours in (49, 50, 60):
        sweep_at(clock, ends + timedelta(hours=hours))
    assert len(mail.outbox) == 3


def test_a_rescheduled_interview_is_reminded_at_the_new_time_and_never_at_the_old(
    clock, client_in_london
):
    old = datetime(2026, 6, 3, 13, 0, tzinfo=UTC)
    new = datetime(2026, 6, 8, 13, 0, tzinfo=UTC)
    interview = InterviewFactory(client=client_in_london, starts_at=old)

    scheduling.interview_reschedule(interview=interview, starts_at=new, duration_minutes=30)

    assert sweep_at(clock, old - timedelta(hours=24)).recorded == 0
    assert sweep_at(clock, old + timedelta(hours=25)).recorded == 0
    assert sweep_at(clock, new - timedelta(hours=24)).sent == 1
    prep = Reminder.objects.get()
    assert prep.interview_starts_at == new


def test_an_interview_moved_in_the_shell_or_admin_is_followed_too(
    clock, client_in_london, client, force_login_verified
):
    old = datetime(2026, 6, 3, 13, 0, tzinfo=UTC)
    interview = InterviewFactory(client=client_in_london, starts_at=old)
    # The admin: a staff user edits the start in the change form.
    admin_user = CoachFactory(is_staff=True, is_superuser=True)
    force_login_verified(client, admin_user)
    url = reverse("admin:interviews_interview_change", args=[interview.pk])
    page = client.get(url)
    data = {
        **{k: v for k, v in page.context["adminform"].form.initial.items() if v is not None},
        "client": interview.client_id,
        "contact": interview.contact_id,
        "starts_at_0": "2026-06-08",
        "starts_at_1": "13:00:00",
        "chosen_questions-TOTAL_FORMS": 0,
        "chosen_questions-INITIAL_FORMS": 0,
    }
    data.pop("starts_at", None)
    data.pop("checklist_done", None)
    data["checklist_done"] = "[]"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    interview.refresh_from_db()
    assert interview.starts_at == datetime(2026, 6, 8, 13, 0, tzinfo=UTC)

    assert sweep_at(clock, old - timedelta(hours=24)).recorded == 0
    # And in the shell, without any service: cancel it.
    Interview.objects.filter(pk=interview.pk).update(status=Interview.Status.CANCELLED)
    assert sweep_at(clock, datetime(2026, 6, 7, 13, 0, tzinfo=UTC)).recorded == 0
    assert sweep_at(clock, datetime(2026, 6, 9, 14, 0, tzinfo=UTC)).recorded == 0


def test_a_reminder_recorded_before_a_cancellation_is_skipped_with_the_reason(
    clock, client_in_london
):
    starts = datetime(2026, 6, 3, 13, 0, tzinfo=UTC)
    interview = InterviewFactory(client=client_in_london, starts_at=starts)
    now = starts - timedelta(hours=24)
    clock.move_to(now)
    from reminders.sweep import record_due_reminders

    record_due_reminders(now)
    claimed = claim_due_reminders(now)
    scheduling.interview_set_status(interview=interview, status="cancelled")

    result = SweepResult()
    deliver(claimed, now, result)

    prep = Reminder.objects.get()
    assert (prep.status, prep.last_error) == ("skipped", "The interview was cancelled.")
    assert mail.outbox == []


def test_thank_you_sent_stops_the_overdue_notice(clock, client_in_london):
    interview = InterviewFactory(
        client=client_in_london, starts_at=datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    )
    scheduling.interview_set_status(interview=interview, status="completed")
    sweep_at(clock, interview.ends_at + timedelta(hours=24))
    assert kinds_sent() == ["thank_you"]

    clock.move_to(interview.ends_at + timedelta(hours=30))
    thank_you_mark_sent(interview=interview, at=interview.ends_at + timedelta(hours=30), by=None)
    sweep_at(clock, interview.ends_at + timedelta(hours=48))

    assert kinds_sent() == ["thank_you"]
    interview.contact.refresh_from_db()
    assert interview.contact.stage == Contact.Stage.THANKED


def test_a_no_show_gets_no_thank_you(clock, client_in_london):
    interview = InterviewFactory(
        client=client_in_london, starts_at=datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    )
    scheduling.interview_set_status(interview=interview, status="no_show")

    assert sweep_at(clock, interview.ends_at + timedelta(hours=24)).recorded == 0


def log(contact, kind, at):
    return client_services.contact_log_touch(
        contact=contact, kind=kind, channel=Touch.Channel.EMAIL, at=at
    )


def test_follow_ups_come_at_3_and_7_business_days_and_a_reply_stops_them(clock, client_in_london):
    contact = ContactFactory(client=client_in_london)
    sent = datetime(2026, 6, 5, 9, 0, tzinfo=UTC)  # Friday 10:00 London
    log(contact, Touch.Kind.OUTREACH, sent)

    assert sweep_at(clock, datetime(2026, 6, 9, 9, 0, tzinfo=UTC)).recorded == 0  # Tuesday
    assert sweep_at(clock, datetime(2026, 6, 10, 9, 0, tzinfo=UTC)).sent == 1  # Wednesday
    assert Reminder.objects.get().step == 3

    log(contact, Touch.Kind.REPLY, datetime(2026, 6, 11, 9, 0, tzinfo=UTC))
    assert sweep_at(clock, datetime(2026, 6, 16, 9, 0, tzinfo=UTC)).recorded == 0  # step 7 day


def test_a_silent_contact_is_closed_as_no_response_after_the_follow_ups(clock, client_in_london):
    contact = ContactFactory(client=client_in_london)
    log(contact, Touch.Kind.OUTREACH, datetime(2026, 6, 1, 9, 0, tzinfo=UTC))

    sweep_at(clock, datetime(2026, 6, 4, 9, 0, tzinfo=UTC))  # step 3
    sweep_at(clock, datetime(2026, 6, 10, 9, 0, tzinfo=UTC))  # step 7
    sweep_at(clock, datetime(2026, 6, 18, 9, 0, tzinfo=UTC))
    contact.refresh_from_db()
    assert contact.stage == Contact.Stage.REACHED_OUT

    result = sweep_at(clock, datetime(2026, 6, 19, 9, 0, tzinfo=UTC))  # 14 business days
    contact.refresh_from_db()
    assert result.closed_no_response == 1
    assert contact.stage == Contact.Stage.NO_RESPONSE
    assert kinds_sent() == ["outreach_follow_up", "outreach_follow_up"]


def test_turning_follow_ups_off_stops_them(clock, client_in_london):
    client_in_london.remind_follow_ups = False
    client_in_london.save()
    contact = ContactFactory(client=client_in_london)
    log(contact, Touch.Kind.OUTREACH, datetime(2026, 6, 5, 9, 0, tzinfo=UTC))

    assert sweep_at(clock, datetime(2026, 6, 10, 9, 0, tzinfo=UTC)).recorded == 0


def test_a_new_touch_resets_keep_in_touch(clock, client_in_london):
    client_in_london.keep_in_touch_weeks = 4
    client_in_london.save()
    contact = ContactFactory(client=client_in_london, stage=Contact.Stage.THANKED)
    log(contact, Touch.Kind.THANK_YOU, datetime(2026, 6, 1, 9, 0, tzinfo=UTC))

    log(contact, Touch.Kind.UPDATE, datetime(2026, 6, 20, 9, 0, tzinfo=UTC))
    assert sweep_at(clock, datetime(2026, 6, 29, 10, 0, tzinfo=UTC)).recorded == 0

    assert sweep_at(clock, datetime(2026, 7, 18, 10, 0, tzinfo=UTC)).sent == 1
    reminder = Reminder.objects.get()
    assert reminder.kind == "keep_in_touch"


def test_a_snoozed_contact_is_reminded_after_the_pause(clock, client_in_london):
    contact = ContactFactory(client=client_in_london)
    log(contact, Touch.Kind.OUTREACH, datetime(2026, 6, 5, 9, 0, tzinfo=UTC))
    contact.reminders_paused_until = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
    contact.save()

    assert sweep_at(clock, datetime(2026, 6, 10, 9, 0, tzinfo=UTC)).recorded == 0
    assert sweep_at(clock, datetime(2026, 6, 15, 9, 0, tzinfo=UTC)).sent == 1


def test_an_archived_client_gets_no_reminders(clock, client_in_london):
    interview = InterviewFactory(
        client=client_in_london, starts_at=datetime(2026, 6, 3, 13, 0, tzinfo=UTC)
    )
    client_services.client_set_archived(client=client_in_london, archived=True)

    assert sweep_at(clock, interview.starts_at - timedelta(hours=24)).recorded == 0


def test_the_coach_digest_goes_out_once_a_day_only_when_there_is_news(clock):
    coach = CoachFactory(timezone="America/New_York")
    quiet = CoachFactory(timezone="America/New_York")
    client = ClientFactory(coach=coach, timezone="America/New_York")
    InterviewFactory(client=client, starts_at=datetime(2026, 6, 2, 16, 0, tzinfo=UTC))

    sweep_at(clock, datetime(2026, 6, 2, 11, 0, tzinfo=UTC))  # 07:00 New York: too early
    assert not Reminder.objects.filter(kind="coach_digest").exists()
    sweep_at(clock, datetime(2026, 6, 2, 11, 31, tzinfo=UTC))
    sweep_at(clock, datetime(2026, 6, 2, 12, 0, tzinfo=UTC))

    digests = Reminder.objects.filter(kind="coach_digest")
    assert [d.coach for d in digests] == [coach]
    assert digests.get().status == "sent"
    assert quiet.pk not in digests.values_list("coach", flat=True)


def test_snoozing_a_sent_keep_in_touch_reminder_brings_it_back_a_week_later(
    clock, client_in_london
):
    client_in_london.keep_in_touch_weeks = 4
    client_in_london.save()
    contact = ContactFactory(client=client_in_london, stage=Contact.Stage.THANKED)
    log(contact, Touch.Kind.THANK_YOU, datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    assert sweep_at(clock, datetime(2026, 6, 29, 10, 0, tzinfo=UTC)).sent == 1

    contact.reminders_paused_until = datetime(2026, 7, 6, 10, 0, tzinfo=UTC)
    contact.save()

    assert sweep_at(clock, datetime(2026, 7, 1, 10, 0, tzinfo=UTC)).recorded == 0
    assert sweep_at(clock, datetime(2026, 7, 6, 10, 0, tzinfo=UTC)).sent == 1
    assert sweep_at(clock, datetime(2026, 7, 7, 10, 0, tzinfo=UTC)).recorded == 0


def test_snoozing_after_the_first_follow_up_sends_one_follow_up_after_the_pause(
    clock, client_in_london
):
    contact = ContactFactory(client=client_in_london)
    log(contact, Touch.Kind.OUTREACH, datetime(2026, 6, 5, 9, 0, tzinfo=UTC))
    assert sweep_at(clock, datetime(2026, 6, 10, 9, 0, tzinfo=UTC)).sent == 1  # step 3

    contact.reminders_paused_until = datetime(2026, 6, 17, 9, 0, tzinfo=UTC)
    contact.save()

    assert sweep_at(clock, datetime(2026, 6, 16, 9, 0, tzinfo=UTC)).recorded == 0
    assert sweep_at(clock, datetime(2026, 6, 17, 9, 0, tzinfo=UTC)).sent == 1
    snoozed = Reminder.objects.order_by("-pk").first()
    assert (snoozed.step, snoozed.paused_until) == (7, datetime(2026, 6, 17, 9, 0, tzinfo=UTC))


def test_a_keep_in_touch_reminder_snoozed_past_the_usual_range_still_comes_back(
    clock, client_in_london
):
    client_in_london.keep_in_touch_weeks = 12
    client_in_london.save()
    contact = ContactFactory(client=client_in_london, stage=Contact.Stage.THANKED)
    log(contact, Touch.Kind.THANK_YOU, datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    # Snoozed again and again: the pause ends 20 weeks after the last touch.
    contact.reminders_paused_until = datetime(2026, 5, 25, 9, 0, tzinfo=UTC)
    contact.save()

    assert sweep_at(clock, datetime(2026, 5, 25, 8, 59, tzinfo=UTC)).recorded == 0
    assert sweep_at(clock, datetime(2026, 5, 25, 9, 0, tzinfo=UTC)).sent == 1
    assert Reminder.objects.get().kind == "keep_in_touch"
    assert sweep_at(clock, datetime(2026, 5, 25, 10, 0, tzinfo=UTC)).recorded == 0


def test_a_follow_up_snoozed_past_the_usual_range_still_comes_back(clock, client_in_london):
    contact = ContactFactory(client=client_in_london)
    log(contact, Touch.Kind.OUTREACH, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    log(contact, Touch.Kind.OUTREACH, datetime(2026, 4, 1, 9, 0, tzinfo=UTC))  # the latest
    contact.reminders_paused_until = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # 61 days later
    contact.save()

    assert sweep_at(clock, datetime(2026, 6, 1, 9, 0, tzinfo=UTC)).sent == 1

    reminder = Reminder.objects.get()
    assert reminder.kind == "outreach_follow_up"
    # One reminder, about the latest outreach: both steps fell inside the pause.
    assert reminder.touch == contact.touches.order_by("-at")[0]
    assert sweep_at(clock, datetime(2026, 6, 2, 9, 0, tzinfo=UTC)).recorded == 0
