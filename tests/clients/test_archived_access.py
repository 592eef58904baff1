"""Archiving a client ends their access: portal pages and the calendar feed. Unarchiving gives
it back."""

import pytest
from django.urls import reverse

from clients.services import client_set_archived
from interviews.calendar import calendar_feed_create
from tests.factories import ContactFactory, InterviewFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def interview(portal_client):
    contact = ContactFactory(client=portal_client, name="Sam Lee")
    return InterviewFactory(client=portal_client, contact=contact)


def portal_pages(portal_client, interview):
    return [
        reverse("dashboard:client_home"),
        reverse("reminders:reminder_preferences"),
        reverse("clients:contact_detail", kwargs={"contact_pk": interview.contact_id}),
        reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk}),
        reverse("interviews:calendar_feed_manage", kwargs={"client_pk": portal_client.pk}),
    ]


@pytest.mark.parametrize("which", range(5))
def test_an_archived_clients_session_ends_on_their_next_portal_page(
    client, portal_client, interview, which
):
    client.force_login(portal_client.user)
    url = portal_pages(portal_client, interview)[which]
    assert client.get(url).status_code == 200

    client_set_archived(client=portal_client, archived=True)
    response = client.get(url, follow=True)

    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    assert "Your coaching with Maya Okafor has ended" in response.text


def test_an_archived_client_cannot_log_back_in(client, portal_client, password):
    client_set_archived(client=portal_client, archived=True)

    response = client.post(
        LOGIN, {"username": portal_client.user.email, "password": password}, follow=True
    )

    assert "_auth_user_id" not in client.session
    assert "Your coaching with Maya Okafor has ended" in response.text
    assert client.get(reverse("dashboard:client_home")).status_code == 302


def test_unarchiving_gives_the_portal_back(client, portal_client, password):
    client_set_archived(client=portal_client, archived=True)
    client_set_archived(client=portal_client, archived=False)

    client.post(LOGIN, {"username": portal_client.user.email, "password": password})

    assert client.get(reverse("dashboard:client_home")).status_code == 200


def test_the_calendar_feed_of_an_archived_client_is_gone_until_unarchived(
    client, portal_client, interview
):
    feed, _ = calendar_feed_create(client=portal_client)
    url = reverse("interviews:calendar_feed", kwargs={"token": feed.token})
    assert client.get(url).status_code == 200

    client_set_archived(client=portal_client, archived=True)
    assert client.get(url).status_code == 404

    client_set_archived(client=portal_client, archived=False)
    assert client.get(url).status_code == 200


def test_the_coach_still_sees_an_archived_clients_pages(coach_client, portal_client):
    client_set_archived(client=portal_client, archived=True)

    url = reverse("clients:client_detail", kwargs={"client_pk": portal_client.pk})
    assert coach_client.get(url).status_code == 200
