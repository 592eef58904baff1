"""Whose cached pages a write drops (coachdesk/page_writes.py): a one-client write drops the
pages of the people who can see that client, and nobody else's."""

import pytest
from django.urls import reverse

from clients.access import audience_of_clients
from clients.models import Client
from coachdesk.page_writes import ONE_CLIENT_WRITES, client_written
from tests.test_access import ALL_URLS, OBJECTS, ROLES, World

pytestmark = pytest.mark.django_db

CACHED_BACKEND = "accounts.backends.CachedModelBackend"


@pytest.fixture
def world(coach):
    return World(coach)


def test_the_audience_of_a_client_is_everyone_who_can_see_it(world):
    """client_scope read the other way: for every role of the access test's world, a user is in
    the audience exactly when the client is among the clients they may see."""
    audience = set(audience_of_clients([world.client.pk]))
    for role in ROLES:
        user = world.user(role)
        sees = Client.objects.visible_to(user).filter(pk=world.client.pk).exists()
        assert (user.pk in audience) == sees, role


def test_each_one_client_write_names_a_url_keyword_that_leads_to_its_client(world):
    patterns = dict(ALL_URLS)
    for name, (kwarg, _model) in ONE_CLIENT_WRITES.items():
        assert name in patterns, f"{name} is not a URL"
        converters = patterns[name].pattern.converters
        assert kwarg in converters, f"{name} takes {sorted(converters)}, not {kwarg}"
        kwargs = {key: OBJECTS[key](world) for key in converters}
        assert client_written(name, kwargs) == world.client.pk, name


def test_other_writes_and_unknown_records_are_not_narrowed(world):
    assert client_written("clients:client_archive", {"client_pk": world.client.pk}) is None
    assert client_written("clients:contact_log_touch", {"contact_pk": 10**9}) is None


def cached_home(browser, user):
    """Signs `user` in and caches their home page; returns the URL."""
    browser.force_login(user, backend=CACHED_BACKEND)
    url = reverse("dashboard:client_home" if user.is_client else "dashboard:coach_home")
    if user.membership.role in ("admin", "viewer") if user.is_coach else False:
        url = reverse("dashboard:practice_home")
    browser.get(url)  # sets the CSRF cookie
    assert browser.get(url)["X-Page-Cache"] == "miss"
    assert browser.get(url)["X-Page-Cache"] == "hit"
    return url


def test_a_one_client_write_drops_the_pages_of_those_who_see_the_client_only(
    client, world, page_cache, django_user_model
):
    from django.test import Client as Browser

    roles = ["coach", "co_coach", "colleague", "admin", "viewer", "client", "outsider_client"]
    browsers = {role: Browser() for role in roles}
    homes = {role: cached_home(browsers[role], world.user(role)) for role in roles}
    # A second portal client of the same practice, whose coach is the colleague.
    from tests.factories import PortalClientFactory

    neighbour = PortalClientFactory(coach=world.colleague)
    browsers["neighbour"] = Browser()
    homes["neighbour"] = cached_home(browsers["neighbour"], neighbour.user)

    client.force_login(world.coach, backend=CACHED_BACKEND)
    response = client.post(
        reverse("interviews:interview_checklist_save", kwargs={"interview_pk": world.interview.pk}),
        {"done": ["pitch"]},
    )
    assert response.status_code == 302

    served = {role: browsers[role].get(homes[role])["X-Page-Cache"] for role in homes}
    assert served == {
        "coach": "miss",
        "co_coach": "miss",
        "admin": "miss",
        "viewer": "miss",
        "client": "miss",
        "colleague": "hit",
        "neighbour": "hit",
        "outsider_client": "hit",
    }


def test_any_other_write_still_drops_the_whole_practices_pages(client, world, page_cache):
    from django.test import Client as Browser

    colleague = Browser()
    home = cached_home(colleague, world.colleague)

    client.force_login(world.coach, backend=CACHED_BACKEND)
    response = client.post(
        reverse("clients:client_archive", kwargs={"client_pk": world.client.pk}), follow=False
    )
    assert response.status_code in (200, 302)

    assert colleague.get(home)["X-Page-Cache"] == "miss"
