"""Debriefs, the people they name, and the thank-you, as the client and the coach see them."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from clients.models import Contact, Touch
from interviews import debriefs
from interviews.models import Debrief, Interview, Referral
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DebriefFactory,
    InterviewFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
DEBRIEF_FIELDS = (
    "highlights",
    "advice",
    "fit",
    "reflection_fit",
    "reflection_interest",
    "reflection_prepare",
    "next_steps",
)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def interview(portal_client):
    """A conversation that took place two hours ago and is still marked as scheduled."""
    contact = ContactFactory(client=portal_client, name="Anna Lee", stage=Contact.Stage.SCHEDULED)
    return InterviewFactory(
        client=portal_client, contact=contact, starts_at=NOW - timedelta(hours=2)
    )


@pytest.fixture
def client_http(client, portal_client):
    """Django's test client, logged in as the client."""
    client.force_login(portal_client.user)
    return client


def debrief_url(interview):
    return reverse("interviews:debrief_edit", kwargs={"interview_pk": interview.pk})


def thank_you_url(interview):
    return reverse("interviews:thank_you_sent", kwargs={"interview_pk": interview.pk})


def prep_url(interview):
    return reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk})


def debrief_data(*rows, n_rows=3, **fields):
    """The POST of the debrief page: debrief fields, then referral rows (extra rows empty)."""
    data = dict.fromkeys(DEBRIEF_FIELDS, "")
    data |= {"highlights": "She spends half her week with customers.", "fit": "4", **fields}
    data |= {
        "referrals-TOTAL_FORMS": str(max(n_rows, len(rows))),
        "referrals-INITIAL_FORMS": "0",
        "referrals-MIN_NUM_FORMS": "0",
        "referrals-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        data |= {f"referrals-{index}-{key}": value for key, value in row.items()}
    return data


BEN = {"name": "Ben Ortiz", "title": "Data lead", "company": "Northwind", "email": "ben@nw.example"}
CARA = {"name": "Cara Singh", "linkedin_url": "linkedin.com/in/cara-singh", "note": "Ex-colleague"}


def texts(response):
    """The messages waiting to be shown after this response (earlier unshown ones first)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


# -- writing the debrief ----------------------------------------------------------------------


def test_a_debrief_with_two_referral_rows_adds_both_people_to_the_contact_list(
    client_http, interview, portal_client
):
    response = client_http.post(debrief_url(interview), debrief_data(BEN, CARA))

    assert response.status_code == 302
    assert response.url == prep_url(interview)
    assert texts(response) == ["Debrief saved. 2 new contacts added to the list."]
    debrief = Debrief.objects.get(interview=interview)
    assert (debrief.highlights, debrief.fit) == ("She spends half her week with customers.", 4)

    ben, cara = Contact.objects.filter(source=Contact.Source.REFERRAL).order_by("name")
    assert (ben.client, ben.stage, ben.company.name, ben.email) == (
        portal_client,
        Contact.Stage.IDENTIFIED,
        "Northwind",
        "ben@nw.example",
    )
    assert cara.linkedin_url == "https://linkedin.com/in/cara-singh"
    assert cara.notes == "Suggested by Anna Lee on 10 March 2026.\nEx-colleague"
    assert set(Referral.objects.values_list("interview", "contact")) == {
        (interview.pk, ben.pk),
        (interview.pk, cara.pk),
    }

    contact_list = client_http.get(
        reverse("clients:contact_list", kwargs={"client_pk": portal_client.pk})
    )
    assert "Ben Ortiz" in contact_list.text
    assert "Cara Singh" in contact_list.text


def test_the_company_of_a_referral_is_picked_from_the_list_by_name(client_http, interview):
    northwind = CompanyFactory(client=interview.client, name="Northwind")

    client_http.post(debrief_url(interview), debrief_data(BEN | {"company": "NORTHWIND"}))

    assert Contact.objects.get(name="Ben Ortiz").company == northwind


def test_a_debrief_on_a_past_scheduled_interview_marks_it_completed_and_the_contact_interviewed(
    client_http, interview
):
    client_http.post(debrief_url(interview), debrief_data())

    interview.refresh_from_db()
    interview.contact.refresh_from_db()
    assert interview.status == Interview.Status.COMPLETED
    assert interview.contact.stage == Contact.Stage.INTERVIEWED


def test_saving_again_updates_the_same_debrief(client_http, interview):
    DebriefFactory(interview=interview, highlights="First draft", fit=2)

    response = client_http.post(debrief_url(interview), debrief_data(highlights="Second draft"))

    assert texts(response) == ["Debrief saved."]
    assert list(Debrief.objects.values_list("highlights", "fit")) == [("Second draft", 4)]


def test_empty_extra_rows_are_ignored(client_http, interview):
    response = client_http.post(debrief_url(interview), debrief_data(n_rows=6))

    assert response.status_code == 302
    assert Debrief.objects.filter(interview=interview).exists()
    assert not Referral.objects.exists()


def test_a_row_with_an_email_and_no_name_is_an_error_and_nothing_is_saved(client_http, interview):
    response = client_http.post(
        debrief_url(interview), debrief_data(BEN, {"email": "nameless@example.org"})
    )

    assert response.status_code == 200
    rows = response.context["formset"].forms
    assert rows[1].errors["name"] == ["Add the person's name, or clear this row."]
    assert not rows[0].errors
    assert not Debrief.objects.exists()
    assert not Contact.objects.filter(source=Contact.Source.REFERRAL).exists()


def test_a_referral_the_client_already_knows_is_refused_on_its_row_and_nothing_is_saved(
    client_http, interview
):
    ContactFactory(client=interview.client, name="Benjamin Ortiz", email="BEN@nw.example")

    response = client_http.post(debrief_url(interview), debrief_data(CARA, BEN))

    assert response.status_code == 200
    rows = response.context["formset"].forms
    assert rows[1].errors["email"] == ["Already in the contact list, as Benjamin Ortiz."]
    assert "Already in the contact list, as Benjamin Ortiz." in response.text
    assert not Debrief.objects.exists()
    assert not Contact.objects.filter(name__in=["Ben Ortiz", "Cara Singh"]).exists()
    interview.refresh_from_db()
    assert interview.status == Interview.Status.SCHEDULED


def test_the_same_email_twice_in_the_rows_is_refused_on_the_second_row(client_http, interview):
    twin = {"name": "Benny Ortiz", "email": "Ben@NW.example"}

    response = client_http.post(debrief_url(interview), debrief_data(BEN, twin))

    rows = response.context["formset"].forms
    assert rows[1].errors["email"] == ["This email is already given in referral 1."]
    assert not Contact.objects.filter(source=Contact.Source.REFERRAL).exists()


def test_sending_the_same_debrief_twice_does_not_add_the_people_twice(client_http, interview):
    without_email = {"name": "Dana Wu", "title": "Recruiter"}
    client_http.post(debrief_url(interview), debrief_data(without_email))

    again = client_http.post(debrief_url(interview), debrief_data(without_email))

    assert again.status_code == 200
    assert again.context["formset"].forms[0].non_field_errors() == [
        "Dana Wu is already named in this conversation."
    ]
    assert Contact.objects.filter(name="Dana Wu").count() == 1


def test_the_service_refuses_a_known_person_by_row_index_and_rolls_everything_back(interview):
    ContactFactory(client=interview.client, linkedin_url="https://linkedin.com/in/cara-singh")
    rows = [
        {"name": "Ben Ortiz", "email": "ben@nw.example"},
        {"name": "Cara Singh", "linkedin_url": "https://linkedin.com/in/cara-singh"},
    ]

    with pytest.raises(ValidationError) as refused:
        debriefs.debrief_save(
            interview=interview, by=interview.client.user, referrals=rows, highlights="Kept?"
        )

    assert refused.value.message_dict == {
        1: ["This client already has a contact with this LinkedIn URL."]
    }
    assert not Debrief.objects.exists()
    assert not Contact.objects.filter(name="Ben Ortiz").exists()


def test_a_refused_debrief_keeps_everything_typed(client_http, interview):
    ContactFactory(client=interview.client, email="ben@nw.example")

    response = client_http.post(
        debrief_url(interview),
        debrief_data(CARA, BEN, advice="Learn SQL", next_steps="Write to Dana"),
    )

    for typed in ("She spends half her week with customers.", "Learn SQL", "Write to Dana"):
        assert typed in response.text
    for typed in ("Cara Singh", "Ex-colleague", "Ben Ortiz", "Northwind", "Data lead"):
        assert f'value="{typed}"' in response.text
    assert response.context["form"]["fit"].value() == "4"


def test_more_rows_keeps_what_was_typed_adds_three_rows_and_saves_nothing(client_http, interview):
    response = client_http.post(
        debrief_url(interview), debrief_data(BEN, add_rows="1", advice="Learn SQL")
    )

    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.total_form_count() == 6
    assert not formset.is_bound
    assert 'value="Ben Ortiz"' in response.text
    assert "Learn SQL" in response.text
    assert "Referral 6" in response.text
    assert not response.context["form"].errors
    assert not Debrief.objects.exists()

    # The rows as shown post back and save, the empty ones ignored.
    data = debrief_data(BEN, n_rows=6, advice="Learn SQL")
    data["referrals-INITIAL_FORMS"] = "3"
    assert client_http.post(debrief_url(interview), data).status_code == 302
    assert list(Referral.objects.values_list("contact__name", flat=True)) == ["Ben Ortiz"]


# -- when a debrief can be written --------------------------------------------------------------


def test_a_debrief_on_a_cancelled_interview_is_refused_with_a_message(client_http, interview):
    interview.status = Interview.Status.CANCELLED
    interview.save()
    message = "This conversation was cancelled. A debrief can be written once it has taken place."

    page = client_http.get(debrief_url(interview))
    assert message in page.text
    assert "form" not in page.context

    response = client_http.post(debrief_url(interview), debrief_data(BEN))
    assert message in response.text
    assert not Debrief.objects.exists()
    assert not Contact.objects.filter(name="Ben Ortiz").exists()

    with pytest.raises(ValidationError, match="This conversation was cancelled."):
        debriefs.debrief_save(interview=interview, by=interview.client.user, referrals=[])


def test_a_debrief_opens_only_once_the_conversation_has_started(client_http, interview):
    interview.starts_at = NOW + timedelta(minutes=5)
    interview.save()

    page = client_http.get(debrief_url(interview))

    assert "This conversation has not started yet." in page.text
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert "form" in client_http.get(debrief_url(interview)).context


def test_the_service_refuses_someone_who_may_not_see_the_interview(interview, other_coach):
    with pytest.raises(PermissionDenied):
        debriefs.debrief_save(interview=interview, by=other_coach, referrals=[])

    assert not Debrief.objects.exists()


# -- who writes, who reads ----------------------------------------------------------------------


def test_the_client_writes_the_debrief_and_the_coach_reads_it(client, coach, interview):
    client.force_login(interview.client.user)
    client.post(debrief_url(interview), debrief_data(BEN, advice="Learn SQL"))

    client.force_login(coach)
    page = client.get(debrief_url(interview))

    assert page.status_code == 200
    assert "She spends half her week with customers." in page.text
    assert "Learn SQL" in page.text
    ben = Contact.objects.get(name="Ben Ortiz")
    contact_link = reverse("clients:contact_detail", kwargs={"contact_pk": ben.pk})
    assert f'href="{contact_link}"' in page.text


def test_the_prep_page_shows_the_debrief_the_people_named_and_the_thank_you(
    coach_client, interview
):
    DebriefFactory(interview=interview, fit=4, highlights="Customers first.")
    ben = ContactFactory(client=interview.client, name="Ben Ortiz")
    Referral.objects.create(interview=interview, contact=ben)

    page = coach_client.get(prep_url(interview))

    assert page.status_code == 200
    assert "Customers first." in page.text
    assert "4 of 5" in page.text
    assert reverse("clients:contact_detail", kwargs={"contact_pk": ben.pk}) in page.text
    assert f'action="{thank_you_url(interview)}"' in page.text


@pytest.mark.parametrize("who", ["other_coach", "other_client"])
def test_another_coach_or_client_gets_a_404_on_both_urls(
    client, interview, other_coach, other_portal_client, who
):
    client.force_login(other_coach if who == "other_coach" else other_portal_client.user)

    assert client.get(debrief_url(interview)).status_code == 404
    assert client.post(debrief_url(interview), debrief_data(BEN)).status_code == 404
    # The thank-you takes only POSTs: a GET is a 405 for everyone, which reveals nothing.
    assert client.get(thank_you_url(interview)).status_code == 405
    for action in ("mark", "unmark"):
        data = {"action": action, "at": "2026-03-10T14:00"}
        assert client.post(thank_you_url(interview), data).status_code == 404
    assert not Debrief.objects.exists()
    assert not Contact.objects.filter(name="Ben Ortiz").exists()
    assert not Touch.objects.filter(kind=Touch.Kind.THANK_YOU).exists()


# Session, user, the client's profile (nav), the interview, its debrief, its referrals.
DEBRIEF_PAGE_QUERIES = 6


@pytest.mark.parametrize("n_referrals", [0, 10])
def test_the_debrief_page_query_count_does_not_grow_with_referrals(
    client_http, interview, django_assert_max_num_queries, n_referrals
):
    DebriefFactory(interview=interview)
    for contact in ContactFactory.create_batch(n_referrals, client=interview.client):
        Referral.objects.create(interview=interview, contact=contact)

    with django_assert_max_num_queries(DEBRIEF_PAGE_QUERIES):
        response = client_http.get(debrief_url(interview))

    assert len(response.context["referrals"]) == n_referrals


# -- the thank-you ------------------------------------------------------------------------------


def test_marking_the_thank_you_moves_the_contact_to_thanked_and_logs_one_touch(
    client_http, interview
):
    response = client_http.post(
        thank_you_url(interview), {"action": "mark", "at": "2026-03-10T14:45"}
    )

    assert response.status_code == 302
    assert response.url == prep_url(interview)
    assert texts(response) == [
        "Thank-you to Anna Lee marked as sent on 10 Mar 2026, 14:45. Well done."
    ]
    interview.contact.refresh_from_db()
    assert interview.contact.stage == Contact.Stage.THANKED
    touch = interview.contact.touches.get(kind=Touch.Kind.THANK_YOU)
    assert (touch.at, touch.logged_by) == (
        datetime(2026, 3, 10, 14, 45, tzinfo=UTC),
        interview.client.user,
    )
    debrief = Debrief.objects.get(interview=interview)
    assert debrief.thank_you_sent_at == datetime(2026, 3, 10, 14, 45, tzinfo=UTC)
    assert debrief.highlights == ""
    interview.refresh_from_db()
    assert interview.status == Interview.Status.COMPLETED


def test_marking_the_thank_you_twice_logs_one_touch_and_keeps_the_first_date(
    client_http, interview
):
    client_http.post(thank_you_url(interview), {"action": "mark", "at": "2026-03-10T14:45"})
    again = client_http.post(thank_you_url(interview), {"action": "mark", "at": "2026-03-10T14:55"})

    assert texts(again)[-1] == "The thank-you was already marked as sent on 10 Mar 2026, 14:45."
    assert interview.contact.touches.filter(kind=Touch.Kind.THANK_YOU).count() == 1
    assert Debrief.objects.get().thank_you_sent_at == datetime(2026, 3, 10, 14, 45, tzinfo=UTC)


def test_undo_clears_the_date_but_keeps_the_touch_and_marking_again_adds_none(
    client_http, interview
):
    client_http.post(thank_you_url(interview), {"action": "mark", "at": "2026-03-10T14:45"})

    undone = client_http.post(thank_you_url(interview), {"action": "unmark"})

    assert texts(undone)[-1] == (
        "The thank-you is no longer marked as sent. It stays in Anna Lee's history, as logged."
    )
    assert Debrief.objects.get().thank_you_sent_at is None
    assert interview.contact.touches.filter(kind=Touch.Kind.THANK_YOU).count() == 1

    client_http.post(thank_you_url(interview), {"action": "mark", "at": "2026-03-10T14:50"})
    assert Debrief.objects.get().thank_you_sent_at == datetime(2026, 3, 10, 14, 50, tzinfo=UTC)
    assert interview.contact.touches.filter(kind=Touch.Kind.THANK_YOU).count() == 1


def test_a_thank_you_in_the_future_is_refused(client_http, interview):
    response = client_http.post(
        thank_you_url(interview), {"action": "mark", "at": "2026-03-10T15:30"}
    )

    assert texts(response) == [
        "The thank-you was not marked: That time is still to come: when did you send it?"
    ]
    assert not Debrief.objects.exists()
    with pytest.raises(ValidationError, match="still to come"):
        debriefs.thank_you_mark_sent(interview=interview, at=NOW + timedelta(minutes=1), by=None)
    assert not Touch.objects.filter(kind=Touch.Kind.THANK_YOU).exists()


def test_a_thank_you_before_the_conversation_started_is_refused(interview):
    with pytest.raises(ValidationError, match="before the conversation started"):
        debriefs.thank_you_mark_sent(
            interview=interview, at=interview.starts_at - timedelta(minutes=1), by=None
        )


def test_a_thank_you_for_a_no_show_is_refused(client_http, interview):
    interview.status = Interview.Status.NO_SHOW
    interview.save()

    response = client_http.post(
        thank_you_url(interview), {"action": "mark", "at": "2026-03-10T14:45"}
    )

    assert texts(response) == [
        "The thank-you was not marked: This conversation was marked as a no-show. "
        "A thank-you can be marked once it has taken place."
    ]
    interview.contact.refresh_from_db()
    assert interview.contact.stage == Contact.Stage.SCHEDULED


def test_the_thank_you_time_is_read_in_the_users_timezone(client_http, interview, portal_client):
    portal_client.user.timezone = "America/New_York"
    portal_client.user.save()

    client_http.post(thank_you_url(interview), {"action": "mark", "at": "2026-03-10T10:45"})

    # 10:45 in New York (EDT since 8 March, UTC-4) is 14:45 UTC.
    assert Debrief.objects.get().thank_you_sent_at == datetime(2026, 3, 10, 14, 45, tzinfo=UTC)


# -- the summary on the prep page ---------------------------------------------------------------


def render_summary(interview, user, tz="UTC"):
    request = RequestFactory().get("/")
    request.user = user
    context = {
        "interview": interview,
        "debrief": debriefs.debrief_of(interview),
        "referrals": debriefs.referrals_of(interview),
        "user": user,
    }
    with timezone.override(tz):
        return render_to_string("interviews/_debrief_summary.html", context, request=request)


def test_the_summary_shows_the_fit_as_text_the_referrals_and_the_undo(coach, interview):
    DebriefFactory(interview=interview, fit=4, thank_you_sent_at=NOW - timedelta(minutes=10))
    ben = ContactFactory(client=interview.client, name="Ben Ortiz")
    Referral.objects.create(interview=interview, contact=ben)

    html = render_summary(interview, coach)

    assert "4 of 5" in html
    assert reverse("clients:contact_detail", kwargs={"contact_pk": ben.pk}) in html
    assert "Sent on <time" in html
    assert 'name="action" value="unmark"' in html
    assert "stays in Anna Lee's history" in html


def test_the_summary_offers_to_write_the_debrief_and_shows_the_thank_you_deadline(coach, interview):
    # Ends Saturday 28 March 10:30 UTC; London moves to summer time on Sunday 29 March.
    interview.starts_at = datetime(2026, 3, 28, 10, 0, tzinfo=UTC)
    interview.save()

    with time_machine.travel(datetime(2026, 3, 28, 12, 0, tzinfo=UTC), tick=False):
        html = render_summary(interview, coach, tz="Europe/London")

    assert "Write the debrief" in html
    assert "Mon 30 Mar, 11:30" in html  # 10:30 UTC + 48 h, in British Summer Time
    assert 'name="action" value="mark"' in html
    assert 'type="datetime-local"' in html


def test_the_summary_of_a_future_interview_only_says_what_comes_after(coach, interview):
    interview.starts_at = NOW + timedelta(days=2)
    interview.save()

    html = render_summary(interview, coach)

    assert "Write the debrief" not in html
    assert 'value="mark"' not in html
    assert "Nobody named yet." in html
