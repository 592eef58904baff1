"""The practice home and its CSV export, as the practice's admins and viewers see them, and what
everyone else is refused."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership
from clients.models import Touch
from dashboard.charts import DIGIT_WIDTH, LABEL_WIDTH, activity_chart
from dashboard.insights import Funnel, Period, Week
from tests.clients.test_query_counts import CASELOAD_QUERIES
from tests.dashboard.test_pages import COACH_HOME_QUERIES
from tests.factories import (
    ClientFactory,
    CoachFactory,
    ContactFactory,
    PortalClientFactory,
    PracticeFactory,
)

pytestmark = pytest.mark.django_db

# Wednesday 10 June 2026, 13:00 in London.
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
HOME = reverse("dashboard:practice_home")
EXPORT = reverse("dashboard:practice_export")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- Who may see it ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [HOME, EXPORT])
def test_an_admin_and_a_viewer_of_the_practice_see_it(client, practice_of_five, url):
    _practice, coaches, viewer = practice_of_five
    ClientFactory(coach=coaches[1])

    for reader in (coaches[0], viewer):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200
        assert "Coach 1" in response.content.decode()


@pytest.mark.parametrize("url", [HOME, EXPORT])
def test_a_coach_who_is_not_an_admin_and_a_client_get_404(client, practice_of_five, url):
    _practice, coaches, _viewer = practice_of_five
    portal = PortalClientFactory(coach=coaches[1])

    for outsider in (coaches[1], portal.user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [HOME, EXPORT])
def test_a_visitor_is_sent_to_the_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [HOME, EXPORT])
def test_an_admin_of_another_practice_sees_only_their_own_practices_figures(
    client, practice_of_five, url
):
    _practice, coaches, _viewer = practice_of_five
    ContactFactory(client=ClientFactory(coach=coaches[1], name="Nadia Northside"))
    elsewhere = CoachFactory(name="Olu Other")  # the admin of a practice of one
    ContactFactory(client=ClientFactory(coach=elsewhere))
    client.force_login(elsewhere)

    # Even asking for a coach of the other practice by id shows their own practice's figures.
    response = client.get(url, {"coach": coaches[1].pk})

    text = response.content.decode()
    assert response.status_code == 200
    assert "Olu Other" in text
    assert "Coach 1" not in text
    assert "Ada Admin" not in text
    if url == HOME:
        figures = response.context["figures"]
        assert [row.coach for row in figures.rows] == [elsewhere]
        assert figures.total.active_clients == 1
        assert figures.total.funnel.identified == 1


# --- What it shows -----------------------------------------------------------------------------


def test_each_coach_links_to_their_caseload_and_a_deactivated_one_is_marked(
    client, practice_of_five
):
    _practice, coaches, viewer = practice_of_five
    ClientFactory(coach=coaches[1])
    gone_with_clients = CoachFactory(
        name="Dee Departed", membership__practice=coaches[0].membership.practice
    )
    ClientFactory(coach=gone_with_clients)
    gone_without = CoachFactory(
        name="Gus Gone", membership__practice=coaches[0].membership.practice
    )
    for gone in (gone_with_clients, gone_without):
        Membership.objects.filter(user=gone).update(deactivated_at=NOW - timedelta(days=3))
        type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    client.force_login(viewer)

    response = client.get(HOME)

    rows = response.context["figures"].rows
    assert [row.coach.name for row in rows] == [
        "Ada Admin",
        "Coach 1",
        "Coach 2",
        "Coach 3",
        "Coach 4",
        "Dee Departed",
    ]
    assert [row.coach.is_current for row in rows] == [True] * 5 + [False]
    text = response.content.decode()
    caseload = reverse("clients:caseload")
    for coach in [*coaches, gone_with_clients]:
        assert f'href="{caseload}?coach={coach.pk}"' in text
    assert text.count("Deactivated") == 1
    assert "Gus Gone" not in text
    assert "Vic Viewer" not in text.split("<tbody>")[1]


def test_a_practice_of_one_without_clients_says_so_and_offers_the_first_steps(client):
    admin = CoachFactory(name="Solo Coach")
    client.force_login(admin)

    response = client.get(HOME)

    text = response.content.decode()
    assert "No active clients" in text
    assert reverse("clients:client_create") in text
    assert "<table" not in text
    assert 'name="coach"' not in text


def test_a_viewer_of_an_empty_practice_is_not_offered_to_add_a_client(client, practice_of_five):
    _practice, _coaches, viewer = practice_of_five
    client.force_login(viewer)

    text = client.get(HOME).content.decode()

    assert "No active clients" in text
    assert reverse("clients:client_create") not in text


def test_choosing_a_coach_shows_their_row_funnel_and_chart_only(client, practice_of_five):
    _practice, coaches, viewer = practice_of_five
    for coach in coaches[1:3]:
        contact = ContactFactory(client=ClientFactory(coach=coach))
        Touch.objects.create(contact=contact, kind=Touch.Kind.OUTREACH, at=NOW)
    client.force_login(viewer)

    response = client.get(HOME, {"coach": coaches[2].pk, "days": 30})

    figures = response.context["figures"]
    assert [row.coach for row in figures.rows] == [coaches[2]]
    assert figures.total == figures.rows[0].figures
    assert figures.total.funnel.reached_out == 1
    assert sum(week.outreach for week in figures.weeks) == 1
    text = response.content.decode()
    assert "Funnel: Coach 2" in text
    assert "Whole practice" not in text
    assert f"coach={coaches[2].pk}" in text  # the export keeps the filter
    assert f'<option value="{coaches[2].pk}" selected>' in text


def test_the_chart_covers_every_week_of_the_chosen_period(client, practice_of_five):
    _practice, coaches, viewer = practice_of_five
    ClientFactory(coach=coaches[1])
    client.force_login(viewer)

    for days, weeks in [(30, 5), (90, 14), (365, 53)]:
        response = client.get(HOME, {"days": days})
        period = response.context["figures"].period
        chart_weeks = response.context["figures"].weeks
        assert period == Period.last_days(days)
        assert len(chart_weeks) == weeks
        assert chart_weeks[0].start <= period.start < chart_weeks[0].start + timedelta(days=7)
        assert chart_weeks[-1].start <= period.end


def test_an_unknown_period_or_coach_falls_back_to_everyone_over_90_days(client, practice_of_five):
    _practice, coaches, viewer = practice_of_five
    ClientFactory(coach=coaches[1])
    client.force_login(viewer)

    response = client.get(HOME, {"days": "7", "coach": "nobody"})

    figures = response.context["figures"]
    assert response.status_code == 200
    assert figures.period == Period.last_days(90)
    assert len(figures.rows) == 5


def test_days_and_weeks_are_the_practices_whatever_the_readers_timezone(client):
    # 12:00 UTC on Wednesday 10 June is already Thursday 11 June at UTC+14.
    practice = PracticeFactory(timezone="Pacific/Kiritimati")
    admin = CoachFactory(timezone="America/Los_Angeles", membership__practice=practice)
    contact = ContactFactory(client=ClientFactory(coach=admin))
    Touch.objects.create(
        contact=contact, kind=Touch.Kind.OUTREACH, at=datetime(2026, 5, 12, 11, 0, tzinfo=UTC)
    )
    client.force_login(admin)

    figures = client.get(HOME, {"days": 30}).context["figures"]

    assert (figures.period.start, figures.period.end) == (
        datetime(2026, 5, 13).date(),
        datetime(2026, 6, 11).date(),
    )
    # 12 May 11:00 UTC is 13 May 01:00 at UTC+14: inside the period.
    assert figures.total.funnel.reached_out == 1
    assert figures.weeks[-1].start == datetime(2026, 6, 8).date()


def log_reply(client, contact):
    return client.post(
        reverse("clients:contact_log_touch", kwargs={"contact_pk": contact.pk}),
        {"kind": "reply", "channel": "email", "at": "2026-06-10T12:00", "note": ""},
    )


def test_others_changes_show_within_the_stated_time(
    client, practice_of_five, locmem_cache, settings
):
    settings.PRACTICE_FIGURES_SECONDS = 300
    _practice, coaches, viewer = practice_of_five
    contact = ContactFactory(client=ClientFactory(coach=coaches[2]))
    client.force_login(viewer)
    first = client.get(HOME)
    assert first.context["figures"].total.funnel.replied == 0
    assert "Figures as of 12:00" in first.text  # in the viewer's timezone, UTC
    assert "other people’s within 5 minutes" in first.text

    client.force_login(coaches[2])
    assert log_reply(client, contact).status_code == 302

    client.force_login(viewer)
    kept = client.get(HOME).context["figures"]
    assert kept.total.funnel.replied == 0
    assert kept.counted_at == NOW
    with time_machine.travel(NOW + timedelta(seconds=301), tick=False):
        counted = client.get(HOME).context["figures"]
    assert counted.total.funnel.replied == 1
    assert counted.counted_at == NOW + timedelta(seconds=301)


def test_the_readers_own_change_shows_at_once(client, practice_of_five, locmem_cache):
    _practice, coaches, _viewer = practice_of_five
    admin = coaches[0]
    contact = ContactFactory(client=ClientFactory(coach=coaches[2]))
    client.force_login(admin)
    assert client.get(HOME).context["figures"].total.funnel.replied == 0

    assert log_reply(client, contact).status_code == 302

    assert client.get(HOME).context["figures"].total.funnel.replied == 1


def test_with_no_time_set_the_figures_are_counted_on_every_view(
    client, practice_of_five, locmem_cache, settings
):
    settings.PRACTICE_FIGURES_SECONDS = 0
    _practice, coaches, viewer = practice_of_five
    contact = ContactFactory(client=ClientFactory(coach=coaches[2]))
    client.force_login(viewer)
    page = client.get(HOME)
    assert page.context["figures"].total.funnel.replied == 0
    assert "other people’s" not in page.text
    Touch.objects.create(contact=contact, kind=Touch.Kind.REPLY, at=NOW)  # no request at all

    assert client.get(HOME).context["figures"].total.funnel.replied == 1


def test_the_page_has_no_inline_script_or_style(client, practice_of_five):
    _practice, coaches, viewer = practice_of_five
    ClientFactory(coach=coaches[1])
    client.force_login(viewer)

    text = client.get(HOME).content.decode()

    for inline in ("<script>", "<style", " style=", " onclick="):
        assert inline not in text
    assert '<th scope="col">Coach</th>' in text
    assert "<caption" in text


def test_a_long_chart_labels_only_as_many_weeks_as_fit():
    start = datetime(2025, 6, 9).date()
    weeks = [
        Week(start=start + timedelta(weeks=n), outreach=n, interviews=0, thank_yous=0)
        for n in range(53)
    ]

    chart = activity_chart(weeks)

    labels = chart["labels"]
    gaps = [later.x - earlier.x for earlier, later in zip(labels, labels[1:], strict=False)]
    assert min(gaps) >= LABEL_WIDTH
    assert 10 <= len(labels) <= 14
    assert labels[-1].x + LABEL_WIDTH / 2 <= chart["width"]
    assert len(activity_chart(weeks[:12])["labels"]) == 12


def test_the_chart_leaves_room_for_a_practices_thousands():
    week = Week(start=datetime(2026, 6, 8).date(), outreach=5400, interviews=40, thank_yous=9)

    chart = activity_chart([week])

    assert chart["ticks"][-1].label == 6000
    assert chart["axis_x"] - 6 >= len("6000") * DIGIT_WIDTH
    assert min(bar.x for bar in chart["bars"]) > chart["axis_x"]


# --- The CSV export ----------------------------------------------------------------------------


def test_the_export_has_a_row_per_coach_and_the_practice_line(
    client, practice_of_five, fill_caseload
):
    _practice, coaches, viewer = practice_of_five
    for coach in coaches:
        fill_caseload(coach, n_clients=2, contacts_each=3, now=NOW)
    client.force_login(viewer)

    page = client.get(HOME, {"days": 30}).context["figures"]
    response = client.get(EXPORT, {"days": 30})

    assert response["Content-Type"].startswith("text/csv")
    assert (
        'filename="northside-careers-2026-05-12-to-2026-06-10.csv"'
        in (response["Content-Disposition"])
    )
    header, *rows, total = csv_rows(response)
    assert header[:6] == [
        "Coach",
        "Role",
        "Status",
        "Active clients",
        "Of which shared with them",
        "Needs attention",
    ]
    assert header[6] == "Contacts identified, 2026-05-12 to 2026-06-10"
    assert len(header) == 6 + len(Funnel.STEPS)
    assert [row[:3] for row in rows] == [["Ada Admin", "Admin", "Active"]] + [
        [f"Coach {n}", "Coach", "Active"] for n in range(1, 5)
    ]
    for row, shown in zip(rows, page.rows, strict=True):
        figures = shown.figures
        assert [int(value) for value in row[3:]] == [
            figures.active_clients,
            figures.shared_clients,
            figures.needs_attention,
            *(value for _label, value in figures.funnel.rows()),
        ]
    assert total[0] == "Practice (each client once)"
    assert [int(value) for value in total[3:]] == [
        page.total.active_clients,
        0,
        page.total.needs_attention,
        *(value for _label, value in page.total.funnel.rows()),
    ]


def test_the_export_keeps_the_chosen_coach(client, practice_of_five):
    _practice, coaches, viewer = practice_of_five
    ClientFactory(coach=coaches[3])
    client.force_login(viewer)

    _header, *rows, total = csv_rows(client.get(EXPORT, {"coach": coaches[3].pk}))

    assert [row[0] for row in rows] == ["Coach 3"]
    assert total[0] == "Total"
    assert total[3:] == rows[0][3:]


def test_a_coach_name_cannot_run_as_a_spreadsheet_formula(client):
    practice = PracticeFactory()
    admin = CoachFactory(name="=HYPERLINK(1)", membership__practice=practice)
    client.force_login(admin)

    _header, row, _total = csv_rows(client.get(EXPORT))

    assert row[0] == "'=HYPERLINK(1)"


# --- Query counts ------------------------------------------------------------------------------

# Session and user; the coaches; one query per figure grouped by coach: active clients, the
# funnel (5), needs attention (7: the stalled outreach rule takes two); the practice's line from
# the coach pages' own selectors: active clients, funnel (5 + the clients' ids), weekly activity
# (2 + the clients' ids). A loop over the coach home's queries would cost 19 per coach.
PRACTICE_HOME_QUERIES = 26


@pytest.mark.parametrize(("n_clients", "contacts_each"), [(3, 4), (12, 40)])
@pytest.mark.parametrize("url", [HOME, EXPORT])
def test_the_practice_home_and_export_query_counts_are_flat_for_five_coaches(
    client,
    practice_of_five,
    fill_caseload,
    django_assert_max_num_queries,
    n_clients,
    contacts_each,
    url,
):
    _practice, coaches, viewer = practice_of_five
    for coach in coaches:
        fill_caseload(coach, n_clients=n_clients, contacts_each=contacts_each, now=NOW)
    client.force_login(viewer)

    with django_assert_max_num_queries(PRACTICE_HOME_QUERIES):
        response = client.get(url, {"days": 30})

    assert response.status_code == 200
    if url == HOME:
        total = response.context["figures"].total
        assert total.active_clients == 5 * n_clients
        assert total.funnel.interviews_held == 5 * 2 * (n_clients - 1)
        assert total.needs_attention > 5 * n_clients


# The main pages of the practice's members stay flat too (the bounds of
# tests/clients/test_query_counts.py and tests/dashboard/test_pages.py).
MEMBER_PAGES = [
    ("viewer", "clients:caseload", {}, CASELOAD_QUERIES),
    ("admin", "clients:caseload", {"coach": "all"}, CASELOAD_QUERIES),
    # One more: whether the coach asked for is one of the practice's (clients.access).
    ("admin", "clients:caseload", {"coach": "coach"}, CASELOAD_QUERIES + 1),
    ("coach", "clients:caseload", {}, CASELOAD_QUERIES),
    ("coach", "dashboard:coach_home", {}, COACH_HOME_QUERIES),
]


@pytest.mark.parametrize(("n_clients", "contacts_each"), [(3, 4), (12, 40)])
@pytest.mark.parametrize(("who", "name", "query", "bound"), MEMBER_PAGES)
def test_the_members_main_pages_query_counts_are_flat_for_five_coaches(
    client,
    practice_of_five,
    fill_caseload,
    django_assert_max_num_queries,
    n_clients,
    contacts_each,
    who,
    name,
    query,
    bound,
):
    _practice, coaches, viewer = practice_of_five
    for coach in coaches:
        fill_caseload(coach, n_clients=n_clients, contacts_each=contacts_each, now=NOW)
    user = {"viewer": viewer, "admin": coaches[0], "coach": coaches[1]}[who]
    if query.get("coach") == "coach":
        query = {"coach": coaches[2].pk}
    client.force_login(user)

    with django_assert_max_num_queries(bound):
        response = client.get(reverse(name), query)

    assert response.status_code == 200
