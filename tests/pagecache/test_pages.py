"""The per-user page cache (pagecache/pages.py): served again only while nothing changed."""

import re

import pytest
from django.urls import reverse

from clients.models import Client, Contact
from interviews.models import Interview
from reminders import tasks
from reminders.sweep import SweepResult
from tests.factories import ClientFactory, ContactFactory, InterviewFactory, PortalClientFactory

CACHED_BACKEND = "accounts.backends.CachedModelBackend"


@pytest.fixture(autouse=True)
def _page_cache_on(page_cache):
    return page_cache


def warm(browser, url):
    """The first GET sets the CSRF cookie (nothing cached without it); the second stores."""
    browser.get(url)
    response = browser.get(url)
    assert response.status_code == 200
    return response


def detail_url(client):
    return reverse("clients:client_detail", kwargs={"client_pk": client.pk})


def test_a_page_is_served_again_without_a_query_until_the_coach_writes(
    client, coach, django_assert_num_queries
):
    record = ClientFactory(coach=coach, name="Zoe Park")
    client.force_login(coach, backend=CACHED_BACKEND)
    assert warm(client, detail_url(record))["X-Page-Cache"] == "miss"
    # A change that bypasses every request (as a shell would) is not seen yet: the page came
    # from the cache, with no query at all (session and user come from the cache too).
    Client.objects.filter(pk=record.pk).update(name="Zoe Park-Lee")
    with django_assert_num_queries(0):
        page = client.get(detail_url(record))
    assert page["X-Page-Cache"] == "hit"
    assert "Zoe Park-Lee" not in page.text
    assert "Zoe Park" in page.text

    client.post(
        reverse("clients:client_edit", kwargs={"client_pk": record.pk}),
        {"name": "Zoe Park-Lee", "email": record.email, "timezone": "UTC"},
        follow=True,  # the page with the one-off "saved" message is never cached
    )
    after = client.get(detail_url(record))
    assert "Zoe Park-Lee" in after.text
    assert after["X-Page-Cache"] == "miss"


def test_a_clients_write_drops_their_coachs_cached_pages(client, coach):
    portal = PortalClientFactory(coach=coach)
    contact = ContactFactory(client=portal, stage=Contact.Stage.REACHED_OUT)
    client.force_login(coach)
    warm(client, detail_url(portal))

    portal_browser = type(client)()
    portal_browser.force_login(portal.user)
    portal_browser.post(
        reverse("clients:contact_log_touch", kwargs={"contact_pk": contact.pk}),
        {"kind": "reply", "channel": "email", "at": "2026-02-01T09:30", "note": "Happy to talk"},
    )

    assert "Happy to talk" in client.get(detail_url(portal)).text


def test_a_coachs_write_drops_their_clients_cached_prep_page(client, coach):
    portal = PortalClientFactory(coach=coach)
    interview = InterviewFactory(client=portal, pitch="First pitch")
    prep = reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk})
    client.force_login(portal.user)
    warm(client, prep)
    Interview.objects.filter(pk=interview.pk).update(pitch="Not through a request")
    assert "Not through a request" not in client.get(prep).text  # cached

    coach_browser = type(client)()
    coach_browser.force_login(coach)
    coach_browser.post(
        reverse("interviews:interview_prep_save", kwargs={"interview_pk": interview.pk}),
        {"pitch": "A sharper pitch", "research_notes": ""},
    )

    assert "A sharper pitch" in client.get(prep).text


def test_another_coachs_write_leaves_a_page_cached(client, coach, other_coach):
    record = ClientFactory(coach=coach, name="Zoe Park")
    client.force_login(coach)
    warm(client, detail_url(record))
    Client.objects.filter(pk=record.pk).update(name="Zoe Park-Lee")

    other = type(client)()
    other.force_login(other_coach)
    other.post(reverse("clients:client_create"), {"name": "Ann Bell", "timezone": "UTC"})

    assert "Zoe Park-Lee" not in client.get(detail_url(record)).text


def test_a_cached_page_is_never_served_to_another_user(client, coach, other_coach):
    record = ClientFactory(coach=coach)
    client.force_login(coach)
    warm(client, detail_url(record))
    csrf = client.cookies["csrftoken"].value

    client.force_login(other_coach)
    client.cookies["csrftoken"] = csrf  # even with the same browser and CSRF cookie
    assert client.get(detail_url(record)).status_code == 404


def test_a_new_csrf_cookie_gets_a_freshly_rendered_page(client, coach):
    record = ClientFactory(coach=coach, name="Zoe Park")
    client.force_login(coach)
    warm(client, detail_url(record))
    Client.objects.filter(pk=record.pk).update(name="Zoe Park-Lee")

    client.cookies["csrftoken"] = "x" * 32
    assert "Zoe Park-Lee" in client.get(detail_url(record)).text


def test_a_one_off_message_is_shown_once_and_never_cached(client, coach):
    record = ClientFactory(coach=coach)
    client.force_login(coach)
    warm(client, detail_url(record))

    response = client.post(
        reverse("clients:client_edit", kwargs={"client_pk": record.pk}),
        {"name": "Zoe Park", "email": record.email, "timezone": "UTC"},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown
    assert all(message in response.text for message in shown)

    again = client.get(detail_url(record)).text
    assert all(message not in again for message in shown)


def test_the_reminder_sweep_drops_the_cached_pages_of_the_caseloads_it_changed(
    client, coach, other_coach, monkeypatch
):
    record = ClientFactory(coach=coach, name="Zoe Park")
    other_record = ClientFactory(coach=other_coach, name="Ann Bell")
    client.force_login(coach)
    warm(client, detail_url(record))
    other = type(client)()
    other.force_login(other_coach)
    warm(other, detail_url(other_record))
    Client.objects.filter(pk=record.pk).update(name="Zoe Park-Lee")
    Client.objects.filter(pk=other_record.pk).update(name="Ann Bell-Ross")

    monkeypatch.setattr(tasks, "run_sweep", lambda: SweepResult())
    tasks.sweep()
    assert "Zoe Park-Lee" not in client.get(detail_url(record)).text  # nothing happened

    monkeypatch.setattr(tasks, "run_sweep", lambda: SweepResult(clients_changed={record.pk}))
    tasks.sweep()
    assert "Zoe Park-Lee" in client.get(detail_url(record)).text
    assert "Ann Bell-Ross" not in other.get(detail_url(other_record)).text  # not theirs


def test_turned_off_every_request_renders(client, coach, settings):
    settings.PAGE_CACHE_SECONDS = 0
    record = ClientFactory(coach=coach, name="Zoe Park")
    client.force_login(coach)
    warm(client, detail_url(record))
    Client.objects.filter(pk=record.pk).update(name="Zoe Park-Lee")

    assert "Zoe Park-Lee" in client.get(detail_url(record)).text


@pytest.mark.parametrize(
    "name",
    [
        "dashboard:coach_home",
        "clients:caseload",
        "clients:client_detail",
        "interviews:interview_detail",
        "dashboard:client_home",
        "clients:contact_list",
        "clients:contact_detail",
    ],
)
def test_the_busy_pages_are_cached(client, coach, name):
    record = PortalClientFactory(coach=coach)
    interview = InterviewFactory(client=record)
    kwargs = {
        "clients:client_detail": {"client_pk": record.pk},
        "clients:contact_list": {"client_pk": record.pk},
        "clients:contact_detail": {"contact_pk": interview.contact.pk},
        "interviews:interview_detail": {"interview_pk": interview.pk},
    }.get(name, {})
    url = reverse(name, kwargs=kwargs)
    user = record.user if name == "dashboard:client_home" else coach
    client.force_login(user, backend=CACHED_BACKEND)
    first = warm(client, url)

    response = client.get(url)

    assert response.content == first.content
    assert response.templates == []  # nothing rendered
    assert "private" in response["Cache-Control"]


def test_a_form_on_a_page_served_from_the_cache_still_passes_the_csrf_check(coach):
    from django.test import Client as Browser

    record = ClientFactory(coach=coach, name="Zoe Park")
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(coach)
    url = reverse("clients:client_edit", kwargs={"client_pk": record.pk})
    warm(browser, detail_url(record))
    cached = browser.get(detail_url(record))
    assert cached.templates == []  # served from the cache
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', cached.text)[1]

    response = browser.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "name": "Zoe Park-Lee",
            "email": record.email,
            "timezone": "UTC",
        },
    )

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.name == "Zoe Park-Lee"


def test_someone_signing_out_leaves_everyone_elses_pages_cached(client, coach, other_coach):
    record = ClientFactory(coach=coach, name="Zoe Park")
    client.force_login(coach)
    warm(client, detail_url(record))
    Client.objects.filter(pk=record.pk).update(name="Zoe Park-Lee")

    other = type(client)()
    other.force_login(other_coach)
    other.post(reverse("logout"))

    assert "Zoe Park-Lee" not in client.get(detail_url(record)).text


def test_an_anonymous_write_drops_every_cached_page(client, coach):
    """An invitation accepted or a reminder link used: no user to scope it to."""
    record = ClientFactory(coach=coach, name="Zoe Park")
    client.force_login(coach)
    warm(client, detail_url(record))
    Client.objects.filter(pk=record.pk).update(name="Zoe Park-Lee")

    type(client)().post(reverse("clients:invitation_accept", kwargs={"token": "not-a-token"}))

    assert "Zoe Park-Lee" in client.get(detail_url(record)).text


@pytest.mark.parametrize("step", ["login_code", "login_recovery"])
def test_someone_entering_a_two_factor_code_leaves_everyone_elses_pages_cached(client, coach, step):
    record = ClientFactory(coach=coach, name="Zoe Park")
    client.force_login(coach)
    warm(client, detail_url(record))
    Client.objects.filter(pk=record.pk).update(name="Zoe Park-Lee")

    type(client)().post(reverse(step), {"code": "000000"})

    assert "Zoe Park-Lee" not in client.get(detail_url(record)).text
