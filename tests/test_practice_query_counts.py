"""The main pages keep the query counts of a solo coach's when the coach is one of a practice of
five with caseloads of their own and shared clients, at two sizes of data (issue: "the query
counts of the main pages stay flat with a practice of 5 coaches")."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from clients.models import ClientShare
from tests.clients.test_query_counts import (
    CASELOAD_QUERIES,
    CLIENT_PAGE_QUERIES,
    CONTACT_LIST_QUERIES,
    add_contacts,
)
from tests.dashboard.test_pages import CLIENT_HOME_QUERIES, COACH_HOME_QUERIES, build_caseload
from tests.factories import (
    ClientFactory,
    CoachFactory,
    InterviewFactory,
    PortalClientFactory,
    PracticeFactory,
)
from tests.interviews.test_scheduling import LIST_QUERIES, PREP_QUERIES

pytestmark = pytest.mark.django_db


def practice_of_five(n_clients, per_client):
    """An admin and four coaches, each with a caseload; each coach shares one client with the
    next. Returns (admin, a coach, one of that coach's clients)."""
    practice = PracticeFactory()
    roles = [Membership.Role.ADMIN] + [Membership.Role.COACH] * 4
    coaches = [CoachFactory(membership__practice=practice, membership__role=role) for role in roles]
    for coach in coaches:
        build_caseload(coach, n_clients, per_client)
    for coach, next_coach in zip(coaches, coaches[1:] + coaches[:1], strict=True):
        ClientShare.objects.create(client=coach.clients.first(), coach=next_coach)
    CoachFactory(membership__practice=practice, membership__role=Membership.Role.VIEWER)
    coach = coaches[1]
    client = ClientFactory(coach=coach)
    add_contacts(client, 10 * per_client)
    return coaches[0], coach, client


SIZES = [(2, 3), (8, 9)]


@pytest.mark.parametrize(("n_clients", "per_client"), SIZES)
def test_a_coachs_pages_keep_their_query_counts_in_a_practice_of_five(
    client, django_assert_max_num_queries, n_clients, per_client
):
    _, coach, record = practice_of_five(n_clients, per_client)
    interview = InterviewFactory(client=record)
    client.force_login(coach)
    pages = [
        (reverse("dashboard:coach_home"), COACH_HOME_QUERIES),
        (reverse("clients:caseload"), CASELOAD_QUERIES),
        (reverse("clients:client_detail", kwargs={"client_pk": record.pk}), CLIENT_PAGE_QUERIES),
        (reverse("clients:contact_list", kwargs={"client_pk": record.pk}), CONTACT_LIST_QUERIES),
        (
            reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk}),
            PREP_QUERIES,
        ),
        (reverse("interviews:interview_list", kwargs={"client_pk": record.pk}), LIST_QUERIES),
    ]
    for url, bound in pages:
        with django_assert_max_num_queries(bound, info=url):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize(("n_clients", "per_client"), SIZES)
def test_an_admins_whole_practice_caseload_keeps_its_query_count(
    client, django_assert_max_num_queries, n_clients, per_client
):
    admin, _, _ = practice_of_five(n_clients, per_client)
    client.force_login(admin)

    with django_assert_max_num_queries(CASELOAD_QUERIES):
        response = client.get(reverse("clients:caseload"), {"coach": "all"})

    assert response.context["page"].paginator.count == 5 * n_clients + 1


@pytest.mark.parametrize(("n_clients", "per_client"), SIZES)
def test_a_portal_client_of_a_practice_keeps_the_client_home_query_count(
    client, django_assert_max_num_queries, n_clients, per_client
):
    _, coach, _ = practice_of_five(n_clients, per_client)
    portal = PortalClientFactory(coach=coach)
    client.force_login(portal.user)

    with django_assert_max_num_queries(CLIENT_HOME_QUERIES):
        assert client.get(reverse("dashboard:client_home")).status_code == 200
