"""Targets and action items as the coach and the client see and use them: the goals pages, and
the pages of other apps that show them (client page, caseload, portal home, prep page, contact
page, progress page and report, coach home)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from clients.models import Touch
from goals.models import ActionItem, WeeklyTarget
from interviews.models import Interview
from tests.factories import (
    ActionItemFactory,
    ClientFactory,
    CoachFactory,
    CompanyFactory,
    ContactFactory,
    DebriefFactory,
    InterviewFactory,
    PortalClientFactory,
    TouchFactory,
    WeeklyTargetFactory,
)

pytestmark = pytest.mark.django_db

Kind = WeeklyTarget.Kind
# Thursday 11 June 2026, 12:00 UTC (13:00 in London): day 4 of the week that began on 8 June.
NOW = datetime(2026, 6, 11, 12, 0, tzinfo=UTC)
MONDAY = date(2026, 6, 8)
TODAY = date(2026, 6, 11)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def priya(coach):
    return PortalClientFactory(coach=coach, name="Priya Shah", timezone="Europe/London")


def reached_out(client, n, at=NOW - timedelta(days=1)):
    for _ in range(n):
        TouchFactory(contact=ContactFactory(client=client), kind=Touch.Kind.OUTREACH, at=at)


def url(name, **kwargs):
    return reverse(name, kwargs=kwargs)


def text_of(response) -> str:
    """The page's text as a reader sees it: no tags, single spaces."""
    return " ".join(strip_tags(response.text).split())


# --- weekly targets --------------------------------------------------------------------------


def test_the_coach_sets_weekly_targets_and_sees_this_weeks_progress_on_the_client_page(
    coach_client, priya
):
    reached_out(priya, 3)

    response = coach_client.post(
        url("goals:targets_edit", client_pk=priya.pk),
        {"outreach": "5", "conversations": "1", "thank_yous": ""},
    )

    assert response.url == url("clients:client_detail", client_pk=priya.pk)
    targets = {t.kind: (t.per_week, t.since) for t in priya.weekly_targets.all()}
    assert targets == {Kind.OUTREACH: (5, MONDAY), Kind.CONVERSATIONS: (1, MONDAY)}
    page = text_of(coach_client.get(response.url))
    assert "3 of 5 people reached out to" in page
    assert "0 of 1 conversations held" in page
    assert "thank-yous sent on time" not in page
    # Thursday: 5 a week asks for 2 by today, 1 a week for none yet.
    assert "On track" in page


def test_a_blank_target_removes_it_and_the_form_shows_the_current_numbers(coach_client, priya):
    WeeklyTargetFactory(client=priya, kind=Kind.OUTREACH, per_week=4)
    WeeklyTargetFactory(client=priya, kind=Kind.THANK_YOUS, per_week=2)
    form_url = url("goals:targets_edit", client_pk=priya.pk)

    form = coach_client.get(form_url).context["form"]
    assert form.initial == {Kind.OUTREACH: 4, Kind.THANK_YOUS: 2}

    coach_client.post(form_url, {"outreach": "4", "conversations": "0", "thank_yous": ""})

    assert list(priya.weekly_targets.values_list("kind", "per_week")) == [(Kind.OUTREACH, 4)]


def test_an_impossible_target_is_refused_and_what_was_typed_is_kept(coach_client, priya):
    response = coach_client.post(
        url("goals:targets_edit", client_pk=priya.pk),
        {"outreach": "500", "conversations": "2", "thank_yous": "-1"},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "less than or equal to 50" in errors["outreach"][0]
    assert "greater than or equal to 0" in errors["thank_yous"][0]
    assert 'value="500"' in response.text
    assert 'value="2"' in response.text
    assert not priya.weekly_targets.exists()


def test_the_client_sees_n_of_m_on_the_portal_home_and_cannot_set_targets(client, priya):
    WeeklyTargetFactory(client=priya, kind=Kind.OUTREACH, per_week=5)
    WeeklyTargetFactory(client=priya, kind=Kind.CONVERSATIONS, per_week=2)
    reached_out(priya, 3)
    InterviewFactory(client=priya, starts_at=NOW - timedelta(days=2), status="completed")
    client.force_login(priya.user)

    page = text_of(client.get(url("dashboard:client_home")))

    assert "3 of 5 people reached out to" in page
    assert "1 of 2 conversations held" in page
    assert "Change targets" not in page
    assert client.get(url("goals:targets_edit", client_pk=priya.pk)).status_code == 404


def test_the_caseload_says_who_is_on_track_who_is_behind_and_who_has_no_targets(
    coach_client, coach
):
    on_track, behind = (ClientFactory(coach=coach, name=name) for name in ("Ada", "Ben"))
    ClientFactory(coach=coach, name="Cy")
    for client, outreach in ((on_track, 2), (behind, 1)):
        WeeklyTargetFactory(client=client, kind=Kind.OUTREACH, per_week=5)
        reached_out(client, outreach)

    response = coach_client.get(url("clients:caseload"))

    rows = [" ".join(row.split()) for row in response.text.split("<tr>")[2:]]
    assert ["On track" in row for row in rows] == [True, False, False]
    assert ["Behind" in row for row in rows] == [False, True, False]
    assert ["No targets" in row for row in rows] == [False, False, True]


def test_the_progress_page_and_the_report_show_target_against_actual_week_by_week(
    coach_client, priya
):
    WeeklyTargetFactory(client=priya, kind=Kind.OUTREACH, per_week=2, since=MONDAY - timedelta(7))
    WeeklyTargetFactory(client=priya, kind=Kind.THANK_YOUS, per_week=1, since=MONDAY)
    reached_out(priya, 2, at=NOW - timedelta(days=7))  # the week before: met
    reached_out(priya, 1)
    interview = InterviewFactory(
        client=priya, status="completed", starts_at=NOW - timedelta(days=1, hours=2)
    )
    DebriefFactory(interview=interview, thank_you_sent_at=NOW - timedelta(hours=20))

    for name in ("dashboard:client_insights", "dashboard:progress_report"):
        response = coach_client.get(url(name, client_pk=priya.pk), {"days": 30})
        history = response.context["history"]
        assert [week.monday for week in history][-2:] == [MONDAY - timedelta(7), MONDAY]
        assert [[row.actual for row in week.targets] for week in history][-2:] == [
            [2, 0, 0],
            [1, 1, 1],
        ]
        page = text_of(response)
        assert "8 Jun 2026 (this week) 1 of 2 1 (no target) 1 of 1 met" in page
        assert "1 Jun 2026 2 of 2 met 0 (no target) 0 (no target)" in page


def test_the_progress_page_says_so_when_there_were_no_targets(coach_client, priya):
    response = coach_client.get(url("dashboard:client_insights", client_pk=priya.pk))

    assert response.context["history"] == []
    assert "No weekly targets in this period." in response.text


# --- action items: the coach -----------------------------------------------------------------


def test_the_coach_adds_an_item_for_the_interview_and_it_shows_on_the_prep_page(
    coach_client, coach, priya
):
    interview = InterviewFactory(client=priya, contact=ContactFactory(client=priya, name="Grace"))
    prep = url("interviews:interview_detail", interview_pk=interview.pk)
    form = coach_client.get(
        url("goals:action_item_create", client_pk=priya.pk), {"interview": interview.pk}
    )
    assert form.context["form"].initial["about"] == f"interview:{interview.pk}"

    response = coach_client.post(
        url("goals:action_item_create", client_pk=priya.pk),
        {
            "title": "Choose ten questions",
            "notes": "Mix career path and advice.",
            "due_on": "2026-06-12",
            "about": f"interview:{interview.pk}",
            "next": prep,
        },
    )

    assert response.url == prep
    item = ActionItem.objects.get()
    assert (item.client, item.interview, item.set_by, item.created_by) == (
        priya,
        interview,
        ActionItem.SetBy.COACH,
        coach,
    )
    assert item.due_on == date(2026, 6, 12)
    page = text_of(coach_client.get(prep))
    assert "Action items for this interview" in page
    assert "Choose ten questions" in page
    assert "Due Fri 12 Jun 2026" in page


def test_an_item_about_a_contact_shows_on_the_contact_page_and_one_about_a_company_in_the_list(
    coach_client, priya
):
    contact = ContactFactory(client=priya, name="Sam Okoro")
    company = CompanyFactory(client=priya, name="Brightwell")
    ActionItemFactory(client=priya, title="Send Sam the CV", contact=contact)
    ActionItemFactory(client=priya, title="Read their annual report", company=company)

    contact_page = text_of(coach_client.get(url("clients:contact_detail", contact_pk=contact.pk)))
    actions_page = text_of(coach_client.get(url("goals:action_items", client_pk=priya.pk)))

    assert "Send Sam the CV" in contact_page
    assert "Read their annual report" not in contact_page
    assert "Read their annual report No due date · About Brightwell" in actions_page


def test_a_bad_item_is_refused_with_its_errors_and_what_was_typed_kept(coach_client, priya):
    other_clients_contact = ContactFactory()

    response = coach_client.post(
        url("goals:action_item_create", client_pk=priya.pk),
        {
            "title": "",
            "notes": "Keep these notes",
            "due_on": "not a date",
            "about": f"contact:{other_clients_contact.pk}",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"title", "due_on", "about"}
    assert "Keep these notes" in response.text
    assert 'value="not a date"' in response.text
    assert not ActionItem.objects.exists()


def test_the_coach_edits_and_moves_an_items_link(coach_client, priya):
    contact, company = ContactFactory(client=priya), CompanyFactory(client=priya)
    item = ActionItemFactory(client=priya, title="Old title", contact=contact)
    edit = url("goals:action_item_edit", action_item_pk=item.pk)
    assert coach_client.get(edit).context["form"].initial["about"] == f"contact:{contact.pk}"

    coach_client.post(
        edit, {"title": "New title", "notes": "", "due_on": "", "about": f"company:{company.pk}"}
    )

    item.refresh_from_db()
    assert (item.title, item.contact, item.company, item.due_on) == (
        "New title",
        None,
        company,
        None,
    )


def test_deleting_an_item_asks_first(coach_client, priya):
    item = ActionItemFactory(client=priya, title="Call the recruiter")
    delete = url("goals:action_item_delete", action_item_pk=item.pk)

    confirm = coach_client.get(delete)

    assert "Delete “Call the recruiter”?" in confirm.text
    assert ActionItem.objects.exists()
    response = coach_client.post(delete)
    assert response.url == url("goals:action_items", client_pk=priya.pk)
    assert not ActionItem.objects.exists()


def test_marking_done_goes_back_to_the_page_it_was_on_but_never_to_another_site(
    coach_client, priya
):
    item = ActionItemFactory(client=priya)
    done = url("goals:action_item_complete", action_item_pk=item.pk)
    client_page = url("clients:client_detail", client_pk=priya.pk)

    assert coach_client.post(done, {"next": client_page}).url == client_page
    assert coach_client.post(done, {"next": "https://evil.example/"}).url == url(
        "goals:action_items", client_pk=priya.pk
    )
    item.refresh_from_db()
    assert item.done_at == NOW
    assert coach_client.get(done).status_code == 405


def test_a_viewer_reads_the_items_but_is_offered_nothing_to_change(client, coach, priya):
    viewer = CoachFactory(membership__practice=coach.membership.practice, membership__role="viewer")
    ActionItemFactory(client=priya, title="Polish the CV")
    client.force_login(viewer)

    for page in (
        url("goals:action_items", client_pk=priya.pk),
        url("clients:client_detail", client_pk=priya.pk),
    ):
        html = client.get(page).text
        assert "Polish the CV" in html
        assert "Mark done" not in html
        assert "Add an action item" not in html
        assert "Change targets" not in html
        assert "Set weekly targets" not in html


# --- action items: the client ----------------------------------------------------------------


def test_a_client_adds_completes_reopens_and_edits_their_own_item(client, priya):
    client.force_login(priya.user)

    client.post(
        url("goals:action_item_create", client_pk=priya.pk),
        {"title": "Read the book Sam suggested", "notes": "", "due_on": "", "about": ""},
    )
    item = ActionItem.objects.get()
    assert (item.set_by, item.created_by) == (ActionItem.SetBy.CLIENT, priya.user)

    client.post(url("goals:action_item_complete", action_item_pk=item.pk))
    item.refresh_from_db()
    assert item.done_at == NOW
    client.post(url("goals:action_item_reopen", action_item_pk=item.pk))
    item.refresh_from_db()
    assert item.done_at is None

    edit = url("goals:action_item_edit", action_item_pk=item.pk)
    assert client.get(edit).status_code == 200
    client.post(edit, {"title": "Read chapter 3", "notes": "", "due_on": "2026-06-14"})
    item.refresh_from_db()
    assert (item.title, item.due_on) == ("Read chapter 3", date(2026, 6, 14))
    assert client.get(url("goals:action_item_delete", action_item_pk=item.pk)).status_code == 200


def test_a_client_completes_their_coachs_item_but_cannot_edit_or_delete_it(client, priya):
    item = ActionItemFactory(client=priya, title="Update your headline", set_by="coach")
    client.force_login(priya.user)

    page = client.get(url("goals:action_items", client_pk=priya.pk)).text
    assert "From your coach" in page
    assert url("goals:action_item_edit", action_item_pk=item.pk) not in page
    for name in ("goals:action_item_edit", "goals:action_item_delete"):
        assert client.get(url(name, action_item_pk=item.pk)).status_code == 404
        assert client.post(url(name, action_item_pk=item.pk), {"title": "x"}).status_code == 404

    client.post(url("goals:action_item_complete", action_item_pk=item.pk))

    item.refresh_from_db()
    assert (item.title, item.done_at) == ("Update your headline", NOW)


def test_a_client_cannot_touch_another_clients_items(client, priya):
    other = ActionItemFactory(client=PortalClientFactory(), set_by="client")
    client.force_login(priya.user)

    for name in (
        "goals:action_item_edit",
        "goals:action_item_delete",
        "goals:action_item_complete",
        "goals:action_item_reopen",
    ):
        assert client.post(url(name, action_item_pk=other.pk)).status_code == 404
    assert client.get(url("goals:action_items", client_pk=other.client_id)).status_code == 404
    other.refresh_from_db()
    assert other.done_at is None


# --- overdue: next steps and the coach's attention list --------------------------------------


def test_an_overdue_item_is_in_next_steps_and_the_coachs_attention_list_until_done(
    coach_client, priya
):
    client = Client()  # the client's own browser, beside the coach's
    late = ActionItemFactory(
        client=priya, title="Send the thank-you card", due_on=TODAY - timedelta(1)
    )
    ActionItemFactory(client=priya, title="Due today, not late", due_on=TODAY)
    ActionItemFactory(client=priya, title="Already done", due_on=TODAY - timedelta(3), done_at=NOW)
    client.force_login(priya.user)

    steps = client.get(url("dashboard:client_home")).context["steps"]
    home = coach_client.get(url("dashboard:coach_home"))

    assert [(row.item.title, row.is_overdue) for row in steps.actions] == [
        ("Send the thank-you card", True),
        ("Due today, not late", False),
    ]
    listed = [item for item in home.context["items"] if item.kind == "overdue_action"]
    assert [(item.client, item.detail) for item in listed] == [
        (priya, "Send the thank-you card (due Wed 10 Jun)")
    ]
    assert listed[0].url.endswith(f"#action-item-{late.pk}")

    client.post(url("goals:action_item_complete", action_item_pk=late.pk))

    home = coach_client.get(url("dashboard:coach_home"))
    assert "overdue_action" not in [item.kind for item in home.context["items"]]
    steps = client.get(url("dashboard:client_home")).context["steps"]
    assert [row.item.title for row in steps.actions] == ["Due today, not late"]


def test_an_item_is_overdue_by_the_clients_own_calendar(coach_client, coach):
    # 12:00 UTC on 11 June is already 02:00 on 12 June in Kiritimati (UTC+14).
    for zone in ("Pacific/Kiritimati", "Europe/London"):
        ActionItemFactory(client=ClientFactory(coach=coach, timezone=zone), due_on=TODAY)

    home = coach_client.get(url("dashboard:coach_home"))

    listed = [
        item.client.timezone for item in home.context["items"] if item.kind == "overdue_action"
    ]
    assert listed == ["Pacific/Kiritimati"]


# --- query counts ----------------------------------------------------------------------------

# Session, user, client (and, for a portal client, their record as the middleware reads it), the
# done items counted and paged, the open items, this week's targets and their three counts.
ACTION_ITEMS_PAGE_QUERIES = 11


def build_goals(client, n):
    """Targets of every kind, n open items (a third overdue), n done, each linked to something,
    and n of what the targets count."""
    for kind in Kind:
        WeeklyTargetFactory(client=client, kind=kind, per_week=3)
    for i in range(n):
        contact = ContactFactory(client=client)
        TouchFactory(contact=contact, kind=Touch.Kind.OUTREACH, at=NOW - timedelta(hours=i + 1))
        interview = InterviewFactory(
            client=client,
            contact=contact,
            status=Interview.Status.COMPLETED,
            starts_at=NOW - timedelta(days=1, hours=i),
        )
        DebriefFactory(interview=interview, thank_you_sent_at=NOW - timedelta(hours=i))
        ActionItemFactory(client=client, contact=contact, due_on=TODAY + timedelta(days=i % 3 - 1))
        ActionItemFactory(client=client, interview=interview, done_at=NOW)


@pytest.mark.parametrize("n", [2, 25])
def test_the_action_items_page_costs_the_same_queries_whatever_the_number_of_items(
    coach_client, priya, django_assert_max_num_queries, n
):
    build_goals(priya, n)
    page = url("goals:action_items", client_pk=priya.pk)
    portal = Client()
    portal.force_login(priya.user)

    with django_assert_max_num_queries(ACTION_ITEMS_PAGE_QUERIES):
        response = coach_client.get(page)
    assert len(response.context["open_rows"]) == n
    with django_assert_max_num_queries(ACTION_ITEMS_PAGE_QUERIES):
        assert portal.get(page).status_code == 200


def test_each_action_item_names_what_it_is_about_without_a_query_of_its_own(coach_client, priya):
    page = url("goals:action_items", client_pk=priya.pk)

    def add_items(name):
        contact = ContactFactory(client=priya, name=f"{name} Contact")
        company = CompanyFactory(client=priya, name=f"{name} Corp")
        interviewee = ContactFactory(client=priya, name=f"{name} Interviewee")
        interview = InterviewFactory(client=priya, contact=interviewee)
        for about in ({"contact": contact}, {"company": company}, {"interview": interview}):
            ActionItemFactory(client=priya, **about)
            ActionItemFactory(client=priya, done_at=NOW, **about)

    def render():
        with CaptureQueriesContext(connection) as queries:
            html = coach_client.get(page).text
        return html, len(queries)

    add_items("Ada")
    html, queries_for_one_of_each = render()
    add_items("Bo")
    html_for_two, queries_for_two_of_each = render()

    assert queries_for_two_of_each == queries_for_one_of_each
    assert html.count("Ada Contact") == html.count("Ada Corp") == 2  # open and done
    assert html.count("the interview with Ada Interviewee") == 2
    assert html_for_two.count("the interview with Bo Interviewee") == 2
