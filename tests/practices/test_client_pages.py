"""Reassigning a client and sharing them with a co-coach, from the client page, as the admin, the
client's coach, a co-coach and the practice's other members see it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import AuditEvent, Client, ClientShare
from tests.factories import ClientFactory, CoachFactory, ContactFactory, InterviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def co_coach(coach):
    return CoachFactory(
        name="Tom Berg", membership__practice=coach.membership.practice, membership__role="coach"
    )


@pytest.fixture
def priya(colleague):
    """Ana Lima's client, in the practice whose admin is Maya Okafor (`coach`)."""
    return ClientFactory(coach=colleague, name="Priya Shah", email="priya@example.com")


def url(name, client, **kwargs):
    return reverse(name, kwargs={"client_pk": client.pk, **kwargs})


def detail(client):
    return url("clients:client_detail", client)


# --- Reassigning -----------------------------------------------------------------------------


def test_the_admin_reassigns_a_client_after_reading_what_happens(
    client, coach, colleague, co_coach, priya
):
    client.force_login(coach)
    page = client.get(detail(priya))
    assert url("practices:client_reassign", priya) in page.text

    page = client.get(url("practices:client_reassign", priya))
    assert "Reassign Priya Shah to another coach" in page.text
    assert "logs in to the portal" not in page.text  # Priya has no login yet
    assert "Priya gets an email saying who their coach is now" in page.text
    choices = [coach.pk for coach in page.context["form"].fields["coach"].queryset]
    assert sorted(choices) == sorted([coach.pk, co_coach.pk])  # not Ana, her coach now

    response = client.post(url("practices:client_reassign", priya), {"coach": co_coach.pk})

    assert response.url == detail(priya)
    priya.refresh_from_db()
    assert priya.coach == co_coach
    page = client.get(response.url)
    assert "Tom Berg is now Priya Shah’s coach. Priya has been emailed." in page.text
    assert "Coach: Tom Berg" in page.text


def test_a_refused_reassignment_says_why_and_keeps_the_choice(client, coach, co_coach, priya):
    ClientFactory(coach=co_coach, email=priya.email)
    client.force_login(coach)

    response = client.post(url("practices:client_reassign", priya), {"coach": co_coach.pk})

    assert response.status_code == 200
    assert "Tom Berg already has a client with the address priya@example.com." in response.text
    assert f'value="{co_coach.pk}" selected' in response.text
    priya.refresh_from_db()
    assert priya.coach.name == "Ana Lima"


def test_only_an_admin_of_the_practice_may_reassign(client, coach, colleague, co_coach, priya):
    for user in (colleague, co_coach):
        client.force_login(user)
        assert client.get(url("practices:client_reassign", priya)).status_code == 404
        response = client.post(url("practices:client_reassign", priya), {"coach": coach.pk})
        assert response.status_code == 404
    priya.refresh_from_db()
    assert priya.coach == colleague


# --- Sharing ---------------------------------------------------------------------------------


def client_pages(client_record):
    contact = ContactFactory(client=client_record)
    interview = InterviewFactory(client=client_record, contact=contact)
    return [
        detail(client_record),
        url("clients:contact_list", client_record),
        reverse("clients:contact_detail", kwargs={"contact_pk": contact.pk}),
        reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk}),
        url("reminders_coach:client_reminders", client_record),
    ]


def test_a_co_coach_sees_the_client_until_sharing_stops_and_other_coaches_never_do(
    client, coach, colleague, co_coach, priya
):
    outsider = CoachFactory(
        membership__practice=coach.membership.practice, membership__role="coach"
    )
    pages = client_pages(priya)
    client.force_login(colleague)  # Priya's coach

    response = client.post(url("practices:client_share", priya), {"coach": co_coach.pk})

    assert response.url == detail(priya)
    share = ClientShare.objects.get()
    assert (share.client, share.coach, share.shared_by) == (priya, co_coach, colleague)
    client.force_login(co_coach)
    assert [client.get(page).status_code for page in pages] == [200] * len(pages)
    client.force_login(outsider)
    assert [client.get(page).status_code for page in pages] == [404] * len(pages)

    client.force_login(colleague)
    stop = url("practices:client_unshare", priya, share_pk=share.pk)
    confirm = client.get(stop)
    assert "Stop sharing Priya Shah with Tom Berg?" in confirm.text
    assert ClientShare.objects.exists()  # asking is not doing
    assert client.post(stop).url == detail(priya)

    assert not ClientShare.objects.exists()
    client.force_login(co_coach)
    assert [client.get(page).status_code for page in pages] == [404] * len(pages)
    assert list(
        AuditEvent.objects.order_by("pk").values_list("action", "actor", "client_number")
    ) == [
        (AuditEvent.Action.CLIENT_SHARED, colleague.pk, priya.pk),
        (AuditEvent.Action.CLIENT_UNSHARED, colleague.pk, priya.pk),
    ]


def test_the_share_page_offers_the_practices_coaches_not_yet_working_on_the_client(
    client, coach, colleague, co_coach, priya, other_coach
):
    CoachFactory(membership__practice=coach.membership.practice, membership__role="viewer")
    ClientShare.objects.create(client=priya, coach=coach, shared_by=colleague)
    client.force_login(colleague)

    page = client.get(url("practices:client_share", priya))

    assert list(page.context["form"].fields["coach"].queryset) == [co_coach]
    response = client.post(url("practices:client_share", priya), {"coach": other_coach.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert ClientShare.objects.count() == 1


def test_only_the_clients_coach_or_an_admin_may_share_or_stop_sharing(
    client, coach, colleague, co_coach, priya
):
    share = ClientShare.objects.create(client=priya, coach=co_coach, shared_by=colleague)
    viewer = CoachFactory(membership__practice=coach.membership.practice, membership__role="viewer")
    stop = url("practices:client_unshare", priya, share_pk=share.pk)

    for user in (co_coach, viewer):
        client.force_login(user)
        assert client.get(url("practices:client_share", priya)).status_code == 404
        assert client.get(stop).status_code in (403, 404)
        assert client.post(stop).status_code in (403, 404)
    assert ClientShare.objects.exists()

    client.force_login(coach)  # the admin
    assert client.post(stop).status_code == 302
    assert not ClientShare.objects.exists()


def test_a_share_is_ended_only_from_its_own_clients_address(client, colleague, co_coach, priya):
    share = ClientShare.objects.create(client=priya, coach=co_coach)
    other = ClientFactory(coach=colleague)
    client.force_login(colleague)

    response = client.post(url("practices:client_unshare", other, share_pk=share.pk))

    assert response.status_code == 404
    assert ClientShare.objects.exists()


def test_a_co_coachs_caseload_and_home_list_the_shared_client(client, colleague, co_coach, priya):
    ClientShare.objects.create(client=priya, coach=co_coach, shared_by=colleague)
    InterviewFactory(
        client=priya,
        status="completed",
        starts_at=timezone.now() - timedelta(days=3),
    )
    client.force_login(co_coach)

    caseload = client.get(reverse("clients:caseload"))
    home = client.get(reverse("dashboard:coach_home"))

    assert detail(priya) in caseload.text
    assert "Priya Shah" in caseload.text
    assert "1 active client" in home.text
    assert "Priya Shah" in home.text


# --- The client page -------------------------------------------------------------------------


def test_the_client_page_names_the_coach_and_the_co_coaches(client, coach, colleague, co_coach):
    priya = ClientFactory(coach=colleague, name="Priya Shah")
    ClientShare.objects.create(client=priya, coach=co_coach)
    ClientShare.objects.create(client=priya, coach=coach)

    for user in (coach, colleague, co_coach):
        client.force_login(user)
        page = client.get(detail(priya))
        assert "Coach: Ana Lima · Shared with: Maya Okafor, Tom Berg" in page.text


def test_the_client_page_shows_each_user_only_the_actions_they_may_take(
    client, coach, colleague, co_coach, priya
):
    share = ClientShare.objects.create(client=priya, coach=co_coach)
    viewer = CoachFactory(membership__practice=coach.membership.practice, membership__role="viewer")
    share_url = url("practices:client_share", priya)
    stop_url = url("practices:client_unshare", priya, share_pk=share.pk)
    reassign_url = url("practices:client_reassign", priya)

    def offered(user):
        client.force_login(user)
        text = client.get(detail(priya)).text
        return {link for link in (share_url, stop_url, reassign_url) if link in text}

    assert offered(coach) == {share_url, stop_url, reassign_url}
    assert offered(colleague) == {share_url, stop_url}
    assert offered(co_coach) == set()
    assert offered(viewer) == set()


def test_a_solo_coach_sees_no_sharing_or_reassigning(client, coach):
    solo = ClientFactory(coach=coach, name="Zoe Park")
    client.force_login(coach)

    text = client.get(detail(solo)).text

    assert "Coaches" not in text
    assert "co-coach" not in text
    assert "Reassign" not in text
    assert "Coach: Maya Okafor" in text
    assert Client.objects.get().coach == coach
