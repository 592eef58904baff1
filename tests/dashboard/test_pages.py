"""The home pages, insights, exports and the progress report, as coach and client see them."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Contact, Touch
from clients.selectors import stage_counts
from dashboard.next_steps import next_steps
from goals.models import WeeklyTarget
from interviews.models import Debrief, Interview
from tests.factories import (
    ActionItemFactory,
    ClientFactory,
    ContactFactory,
    InterviewFactory,
    PortalClientFactory,
    TouchFactory,
    WeeklyTargetFactory,
)

pytestmark = pytest.mark.django_db


def build_caseload(coach, n_clients, per_client):
    for client in ClientFactory.create_batch(n_clients, coach=coach):
        contacts = ContactFactory.create_batch(per_client, client=client)
        for contact in contacts:
            TouchFactory(contact=contact, at=timezone.now() - timedelta(days=4))
        for contact in contacts[:2]:
            InterviewFactory(
                client=client,
                contact=contact,
                status=Interview.Status.COMPLETED,
                starts_at=timezone.now() - timedelta(days=3),
            )
        InterviewFactory(client=client, contact=contacts[-1])
        for contact in contacts[:2]:
            ActionItemFactory(
                client=client, contact=contact, due_on=timezone.localdate() - timedelta(days=2)
            )


# The coach home's attention list reads overdue action items in one query. The client home
# shows this week's targets (their rows, then one count per kind with a target) and the open
# action items among the next steps (one); its contacts not reached yet are counted by the
# stage counts it shows anyway (14, was 15), and its funnel is counted for the client's id
# without reading it back (13). The coach home's summary reads the caseload's client
# ids before its funnel and its weekly chart (one each: dashboard.insights._ids_of).
COACH_HOME_QUERIES = 16 + 1 + 2
CLIENT_HOME_QUERIES = 13 + 4 + 1 + 1  # + the logging address panel


@pytest.mark.parametrize(("n_clients", "per_client"), [(2, 3), (8, 9)])
def test_the_coach_home_query_count_is_flat(
    coach_client, coach, django_assert_max_num_queries, n_clients, per_client
):
    build_caseload(coach, n_clients, per_client)

    with django_assert_max_num_queries(COACH_HOME_QUERIES):
        response = coach_client.get(reverse("dashboard:coach_home"))

    assert response.status_code == 200
    assert response.context["funnel"].interviews_held == 2 * n_clients


@pytest.mark.parametrize("per_client", [3, 30])
def test_the_client_home_query_count_is_flat(
    client, coach, django_assert_max_num_queries, per_client
):
    portal = PortalClientFactory(coach=coach)
    contacts = ContactFactory.create_batch(per_client, client=portal)
    for contact in contacts:
        TouchFactory(contact=contact, at=timezone.now() - timedelta(days=5))
        ActionItemFactory(client=portal, contact=contact)
    for kind in WeeklyTarget.Kind:
        WeeklyTargetFactory(client=portal, kind=kind)
    InterviewFactory(client=portal, contact=contacts[0])
    client.force_login(portal.user)

    with django_assert_max_num_queries(CLIENT_HOME_QUERIES):
        response = client.get(reverse("dashboard:client_home"))

    assert response.context["steps"].next_interview is not None


def test_the_coach_home_lists_an_overdue_thank_you_that_links_to_the_interview(coach_client, coach):
    interview = InterviewFactory(
        client=ClientFactory(coach=coach, name="Priya Shah"),
        status=Interview.Status.COMPLETED,
        starts_at=timezone.now() - timedelta(hours=60),
    )

    html = coach_client.get(reverse("dashboard:coach_home")).text

    assert "Thank-you overdue" in html
    assert reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk}) in html


def test_the_client_home_shows_the_next_interview_thank_yous_follow_ups_and_new_contacts(
    client, coach
):
    portal = PortalClientFactory(coach=coach)
    soon = InterviewFactory(client=portal, starts_at=timezone.now() + timedelta(days=1))
    done = InterviewFactory(
        client=portal,
        status=Interview.Status.COMPLETED,
        starts_at=timezone.now() - timedelta(hours=20),
    )
    waiting = ContactFactory(client=portal, stage=Contact.Stage.REACHED_OUT, name="Wendy Wait")
    TouchFactory(contact=waiting, kind=Touch.Kind.OUTREACH, at=timezone.now() - timedelta(days=12))
    ContactFactory(client=portal, name="Nina New")
    client.force_login(portal.user)

    response = client.get(reverse("dashboard:client_home"))

    steps = response.context["steps"]
    assert steps.next_interview == soon
    assert [interview for interview, _deadline, _late in steps.thank_yous] == [done]
    assert "Wendy Wait" in response.text
    assert "Nina New" in response.text


def test_next_steps_count_the_same_contacts_not_reached_with_or_without_the_stage_counts(coach):
    portal = PortalClientFactory(coach=coach)
    ContactFactory.create_batch(7, client=portal, stage=Contact.Stage.IDENTIFIED)
    ContactFactory(client=portal, stage=Contact.Stage.REACHED_OUT)

    counted = next_steps(portal)
    from_stages = next_steps(portal, stage_counts=stage_counts(portal))

    assert counted.n_not_reached == from_stages.n_not_reached == 7
    assert [row.name for row in counted.not_reached] == [
        row.name for row in from_stages.not_reached
    ]
    assert len(counted.not_reached) == 5


def test_the_contacts_export_is_a_csv_without_private_notes_for_the_client(client, coach):
    portal = PortalClientFactory(coach=coach)
    ContactFactory(client=portal, name="=HYPERLINK(evil)", coach_notes="private")
    url = reverse("dashboard:export_contacts", kwargs={"client_pk": portal.pk})

    client.force_login(coach)
    coach_rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    client.force_login(portal.user)
    client_rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))

    assert coach_rows[0][-1] == "Coach's private notes"
    assert coach_rows[1][0] == "'=HYPERLINK(evil)"  # never run as a formula
    assert "Coach's private notes" not in client_rows[0]
    assert "private" not in client_rows[1]


def test_the_interviews_export_carries_the_debriefs(coach_client, coach):
    interview = InterviewFactory(
        client=ClientFactory(coach=coach),
        status=Interview.Status.COMPLETED,
        starts_at=timezone.now() - timedelta(days=2),
    )
    Debrief.objects.create(interview=interview, fit=4, highlights="Loved the team")
    url = reverse("dashboard:export_interviews", kwargs={"client_pk": interview.client_id})

    rows = list(csv.DictReader(io.StringIO(coach_client.get(url).content.decode())))

    assert rows[0]["Fit (1-5)"] == "4"
    assert rows[0]["Highlights"] == "Loved the team"
    assert rows[0]["Status"] == "Completed"


def test_the_progress_report_and_insights_render_for_a_period(coach_client, coach):
    client = ClientFactory(coach=coach)
    InterviewFactory(
        client=client,
        status=Interview.Status.COMPLETED,
        starts_at=timezone.now() - timedelta(days=10),
    )

    report = coach_client.get(
        reverse("dashboard:progress_report", kwargs={"client_pk": client.pk}), {"days": 30}
    )
    insights = coach_client.get(
        reverse("dashboard:client_insights", kwargs={"client_pk": client.pk}), {"days": 365}
    )
    caseload = coach_client.get(reverse("dashboard:caseload_insights"), {"days": "bogus"})

    assert report.context["funnel"].interviews_held == 1
    assert "progress report" in report.text
    assert insights.context["period"].end - insights.context["period"].start == timedelta(364)
    assert caseload.status_code == 200
    assert '<svg viewBox="0 0 720 220"' in caseload.text


def test_a_long_attention_list_shows_the_most_urgent_of_each_kind_and_counts_the_rest(
    coach_client, coach
):
    client = ClientFactory(coach=coach)
    for hours in range(60, 60 + 20):
        InterviewFactory(
            client=client,
            status=Interview.Status.COMPLETED,
            starts_at=timezone.now() - timedelta(hours=hours),
        )

    response = coach_client.get(reverse("dashboard:coach_home"))

    assert len(response.context["items"]) == 15
    assert response.context["hidden"] == {"Thank-you overdue": 5}
    assert response.context["n_items"] == 20
    assert "5 more “thank-you overdue”" in response.text


def test_the_home_summary_is_cached_per_coach_but_the_attention_list_is_not(
    coach_client, coach, settings, django_assert_max_num_queries
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import caches

    caches["default"].clear()
    client = ClientFactory(coach=coach)
    coach_client.get(reverse("dashboard:coach_home"))
    InterviewFactory(
        client=client,
        status=Interview.Status.COMPLETED,
        starts_at=timezone.now() - timedelta(hours=60),
    )

    with django_assert_max_num_queries(9):
        response = coach_client.get(reverse("dashboard:coach_home"))

    assert response.context["funnel"].interviews_held == 0  # cached for a few minutes
    assert response.context["n_items"] == 1  # the overdue thank-you shows at once
    caches["default"].clear()


def test_the_home_summary_follows_a_write_at_once(coach_client, coach, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import caches

    caches["default"].clear()
    contact = ContactFactory(client=ClientFactory(coach=coach))
    before = coach_client.get(reverse("dashboard:coach_home")).context["funnel"]
    assert before.reached_out == 0

    coach_client.post(
        reverse("clients:contact_log_touch", kwargs={"contact_pk": contact.pk}),
        {
            "kind": "outreach",
            "channel": "email",
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "note": "",
        },
    )

    after = coach_client.get(reverse("dashboard:coach_home")).context["funnel"]
    assert after.reached_out == 1
    caches["default"].clear()


def test_the_client_home_funnel_is_cached_and_follows_the_clients_writes(client, coach, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import caches

    caches["default"].clear()
    portal = PortalClientFactory(coach=coach)
    contact = ContactFactory(client=portal)
    client.force_login(portal.user)
    home = reverse("dashboard:client_home")
    assert client.get(home).context["funnel"].reached_out == 0
    TouchFactory(contact=contact, kind=Touch.Kind.OUTREACH, at=timezone.now())  # no request
    assert client.get(home).context["funnel"].reached_out == 0  # cached

    client.post(
        reverse("clients:contact_log_touch", kwargs={"contact_pk": contact.pk}),
        {
            "kind": "reply",
            "channel": "email",
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "note": "",
        },
    )

    funnel = client.get(home).context["funnel"]
    assert (funnel.reached_out, funnel.replied) == (1, 1)
    caches["default"].clear()


@pytest.mark.parametrize(
    ("page_seconds", "summary_seconds", "said"),
    [
        (60, 300, ["the rest within a minute", "within 5 minutes"]),
        (30, 3600, ["the rest within 30 seconds", "within an hour"]),
    ],
)
def test_the_coach_home_says_how_old_its_figures_can_be_from_the_settings(
    coach_client, settings, page_seconds, summary_seconds, said
):
    settings.PAGE_CACHE_SECONDS = page_seconds
    settings.HOME_SUMMARY_SECONDS = summary_seconds

    page = coach_client.get(reverse("dashboard:coach_home")).text

    for words in said:
        assert words in page


def test_without_caches_the_coach_home_promises_no_delay(coach_client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.HOME_SUMMARY_SECONDS = 0

    page = coach_client.get(reverse("dashboard:coach_home")).text

    assert "anything you or your clients change shows at once." in page
    assert "Figures follow every change you or your clients make." in page
