"""Scheduling in the client's timezone, outcomes, prep pages and chosen questions."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from accounts.timezones import NonExistentLocalTime, local_to_utc
from clients.models import Contact
from interviews import scheduling
from interviews.models import Interview
from tests.factories import (
    ActionItemFactory,
    ClientFactory,
    ContactFactory,
    InterviewFactory,
    PortalClientFactory,
    QuestionBankFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def schedule_url(client):
    return reverse("interviews:interview_schedule", kwargs={"client_pk": client.pk})


def form_data(contact, **overrides):
    return {
        "contact": contact.pk,
        "date": "2026-03-10",
        "start_time": "15:00",
        "duration_minutes": 30,
        "format": "video",
        "platform": "zoom",
        "meeting_link": "https://zoom.us/j/123",
        **overrides,
    }


def test_a_wall_clock_time_is_read_in_the_given_timezone():
    assert local_to_utc(date(2026, 7, 1), time(9, 0), "Europe/London") == datetime(
        2026, 7, 1, 8, 0, tzinfo=UTC
    )
    assert local_to_utc(date(2026, 7, 1), time(9, 0), "Asia/Kolkata") == datetime(
        2026, 7, 1, 3, 30, tzinfo=UTC
    )


def test_a_time_in_the_spring_forward_gap_does_not_exist():
    with pytest.raises(NonExistentLocalTime):
        local_to_utc(date(2026, 3, 8), time(2, 30), "America/New_York")


@time_machine.travel(NOW, tick=False)
def test_a_coach_schedules_in_the_clients_timezone_and_it_is_stored_in_utc(coach_client, coach):
    client = ClientFactory(coach=coach, timezone="America/New_York")
    contact = ContactFactory(client=client, stage=Contact.Stage.REPLIED)

    response = coach_client.post(schedule_url(client), form_data(contact))

    interview = Interview.objects.get()
    assert response.url == reverse(
        "interviews:interview_detail", kwargs={"interview_pk": interview.pk}
    )
    # 10 March 2026 is after the US change to summer time (8 March): 15:00 EDT = 19:00 UTC.
    assert interview.starts_at == datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
    contact.refresh_from_db()
    assert contact.stage == Contact.Stage.SCHEDULED


@time_machine.travel(NOW, tick=False)
def test_the_same_wall_time_across_a_dst_change_is_a_different_utc_offset(coach_client, coach):
    client = ClientFactory(coach=coach, timezone="Europe/London")
    contact = ContactFactory(client=client)

    coach_client.post(schedule_url(client), form_data(contact, date="2026-03-27"))
    coach_client.post(schedule_url(client), form_data(contact, date="2026-03-30"))

    before, after = Interview.objects.order_by("starts_at")
    assert before.starts_at.hour == 15  # GMT
    assert after.starts_at.hour == 14  # BST, from 29 March


@time_machine.travel(NOW, tick=False)
def test_a_time_that_does_not_exist_gets_a_clear_message(coach_client, coach):
    client = ClientFactory(coach=coach, timezone="America/New_York")
    contact = ContactFactory(client=client)

    response = coach_client.post(
        schedule_url(client), form_data(contact, date="2026-03-08", start_time="02:30")
    )

    assert "does not exist on 08 Mar 2026 in America/New_York" in response.text
    assert not Interview.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_past_date_needs_the_logging_confirmation(coach_client, coach):
    client = ClientFactory(coach=coach)
    contact = ContactFactory(client=client)

    refused = coach_client.post(schedule_url(client), form_data(contact, date="2026-02-20"))
    assert "This time is in the past" in refused.text
    assert 'value="2026-02-20"' in refused.text
    assert not Interview.objects.exists()

    coach_client.post(
        schedule_url(client), form_data(contact, date="2026-02-20", confirm_past="on")
    )
    assert Interview.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_an_end_time_before_the_start_is_refused_and_a_later_one_sets_the_length(
    coach_client, coach
):
    client = ClientFactory(coach=coach)
    contact = ContactFactory(client=client)

    refused = coach_client.post(schedule_url(client), form_data(contact, end_time="14:00"))
    assert "The end time is before the start time." in refused.text

    coach_client.post(schedule_url(client), form_data(contact, end_time="15:45"))
    assert Interview.objects.get().duration_minutes == 45


@time_machine.travel(NOW, tick=False)
def test_an_interview_with_another_clients_contact_is_refused(coach_client, coach):
    client = ClientFactory(coach=coach)
    elsewhere = ContactFactory(client=ClientFactory(coach=coach))

    response = coach_client.post(schedule_url(client), form_data(elsewhere))

    assert "Select a valid choice" in response.text
    assert not Interview.objects.exists()


def test_the_service_refuses_a_contact_of_another_client_too():
    client = ClientFactory()
    with pytest.raises(Exception, match="not on this client's list"):
        scheduling.interview_schedule(
            client=client, contact=ContactFactory(), starts_at=NOW, format="phone", phone="1"
        )


@time_machine.travel(NOW, tick=False)
def test_each_format_asks_for_its_own_logistics(coach_client, coach):
    client = ClientFactory(coach=coach)
    contact = ContactFactory(client=client)

    response = coach_client.post(
        schedule_url(client),
        form_data(contact, format="in_person", platform="", meeting_link=""),
    )

    assert "For an in-person meeting, note where." in response.text


@time_machine.travel(NOW, tick=False)
def test_rescheduling_moves_the_time_and_bumps_the_calendar_sequence(coach_client, coach):
    interview = InterviewFactory(client=ClientFactory(coach=coach, timezone="Asia/Kolkata"))
    url = reverse("interviews:interview_edit", kwargs={"interview_pk": interview.pk})

    coach_client.post(url, form_data(interview.contact, date="2026-03-12", start_time="10:00"))

    interview.refresh_from_db()
    assert interview.starts_at == datetime(2026, 3, 12, 4, 30, tzinfo=UTC)
    assert interview.calendar_sequence == 1


@time_machine.travel(NOW, tick=False)
def test_completing_moves_the_contact_to_interviewed_and_cancelling_asks_first(coach_client, coach):
    interview = InterviewFactory(client=ClientFactory(coach=coach))

    def status_url(action):
        return reverse(
            "interviews:interview_set_status",
            kwargs={"interview_pk": interview.pk, "action": action},
        )

    assert "Cancel the interview" in coach_client.get(status_url("cancel")).text
    interview.refresh_from_db()
    assert interview.status == Interview.Status.SCHEDULED

    coach_client.post(status_url("complete"))
    interview.refresh_from_db()
    interview.contact.refresh_from_db()
    assert interview.status == Interview.Status.COMPLETED
    assert interview.contact.stage == Contact.Stage.INTERVIEWED
    assert coach_client.post(status_url("explode")).status_code == 404


def test_scheduling_suggests_about_ten_questions_across_categories():
    client = ClientFactory()
    bank = QuestionBankFactory(owner=client.coach)
    bank.clients.add(client)
    categories = ["career_path", "role", "company", "industry", "skills", "advice", "referrals"]
    for category in categories:
        QuestionFactory.create_batch(3, bank=bank, category=category)

    interview = scheduling.interview_schedule(
        client=client, contact=ContactFactory(client=client), starts_at=NOW, platform="zoom"
    )

    chosen = list(interview.chosen_questions.select_related("question"))
    assert len(chosen) == 10
    assert {q.question.category for q in chosen} == set(categories)


def test_the_prep_page_dials_the_number_without_spaces_and_shows_it_as_typed(coach_client, coach):
    interview = InterviewFactory(
        client=ClientFactory(coach=coach),
        format=Interview.Format.PHONE,
        platform="",
        meeting_link="",
        phone="+44 20 7946 0000",
    )

    page = coach_client.get(
        reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk})
    )

    assert '<a href="tel:+442079460000">+44 20 7946 0000</a>' in page.text


@time_machine.travel(NOW, tick=False)
def test_the_client_opens_the_prep_page_ticks_the_checklist_and_adds_a_question(client, coach):
    portal = PortalClientFactory(coach=coach)
    interview = InterviewFactory(client=portal, coach_notes="Push them to ask about salary bands")
    client.force_login(portal.user)
    prep = reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk})

    page = client.get(prep)
    assert page.status_code == 200
    assert "Push them to ask about salary bands" not in page.text

    client.post(
        reverse("interviews:interview_checklist_save", kwargs={"interview_pk": interview.pk}),
        {"done": ["research_person", "resume", "not-a-real-item"]},
    )
    client.post(
        reverse("interviews:interview_question_add", kwargs={"interview_pk": interview.pk}),
        {"text": "What would you do differently?", "next": "prep"},
    )

    interview.refresh_from_db()
    assert interview.checklist_done == ["research_person", "resume"]
    mine = interview.chosen_questions.get()
    assert (mine.text, mine.added_by_client) == ("What would you do differently?", True)
    assert (
        client.post(
            reverse("interviews:interview_notes_save", kwargs={"interview_pk": interview.pk}),
            {"coach_notes": "sneaky"},
        ).status_code
        == 404
    )


def test_chosen_questions_move_up_and_down_and_stay_in_order(coach_client, coach):
    interview = InterviewFactory(client=ClientFactory(coach=coach))
    first, second = (
        scheduling.interview_question_add(interview=interview, text=text)
        for text in ("First?", "Second?")
    )

    coach_client.post(
        reverse(
            "interviews:interview_question_move",
            kwargs={"chosen_pk": second.pk, "direction": "up"},
        )
    )

    assert [q.text for q in interview.chosen_questions.all()] == ["Second?", "First?"]


def test_a_question_outside_the_clients_banks_cannot_be_added(coach_client, coach):
    interview = InterviewFactory(client=ClientFactory(coach=coach))
    stranger = QuestionFactory()

    response = coach_client.post(
        reverse("interviews:interview_question_add", kwargs={"interview_pk": interview.pk}),
        {"question": stranger.pk},
    )

    assert response.status_code == 404
    assert not interview.chosen_questions.exists()


@time_machine.travel(NOW, tick=False)
def test_the_interview_list_shows_upcoming_first_then_past(coach_client, coach):
    client = ClientFactory(coach=coach)
    later = InterviewFactory(client=client, starts_at=datetime(2026, 3, 20, 9, tzinfo=UTC))
    soon = InterviewFactory(client=client, starts_at=datetime(2026, 3, 3, 9, tzinfo=UTC))
    old = InterviewFactory(
        client=client,
        starts_at=datetime(2026, 2, 1, 9, tzinfo=UTC),
        status=Interview.Status.COMPLETED,
    )
    cancelled = InterviewFactory(
        client=client,
        starts_at=datetime(2026, 3, 25, 9, tzinfo=UTC),
        status=Interview.Status.CANCELLED,
    )

    page = coach_client.get(reverse("interviews:interview_list", kwargs={"client_pk": client.pk}))

    assert list(page.context["upcoming"]) == [soon, later]
    assert list(page.context["past_page"].object_list) == [cancelled, old]


@pytest.mark.parametrize("n", [2, 20])
def test_the_prep_page_and_the_list_keep_a_flat_query_count(
    coach_client, coach, django_assert_max_num_queries, n
):
    client = ClientFactory(coach=coach)
    interview = InterviewFactory(client=client)
    for i in range(n):
        scheduling.interview_question_add(interview=interview, text=f"Question {i}?")
        InterviewFactory(client=client)
        ActionItemFactory(client=client, interview=interview)

    with django_assert_max_num_queries(PREP_QUERIES):
        coach_client.get(
            reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk})
        )
    with django_assert_max_num_queries(LIST_QUERIES):
        coach_client.get(reverse("interviews:interview_list", kwargs={"client_pk": client.pk}))


# The prep page lists the action items for the interview in one query, and reads the debrief
# with the interview (interviews.access.get_interview).
PREP_QUERIES = 8
LIST_QUERIES = 7


@time_machine.travel(NOW, tick=False)
def test_a_client_name_with_html_is_shown_as_text_on_the_scheduling_and_edit_pages(
    coach_client, coach
):
    client = ClientFactory(coach=coach, name="<script>alert(1)</script> Doe")
    contact = ContactFactory(client=client, stage=Contact.Stage.REPLIED)
    interview = InterviewFactory(client=client, contact=contact)
    edit_url = reverse("interviews:interview_edit", kwargs={"interview_pk": interview.pk})

    for url in (schedule_url(client), edit_url):
        page = coach_client.get(url).text
        assert "<script>alert(1)</script>" not in page
        assert "In &lt;script&gt;alert(1)&lt;/script&gt;'s timezone" in page
