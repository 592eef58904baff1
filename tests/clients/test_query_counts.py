"""Pages keep the same number of SQL queries as the caseload grows (10x data, same bound)."""

import pytest
from django.urls import reverse

from clients.models import Client, Contact, Touch
from tests.factories import ClientFactory, CompanyFactory

pytestmark = pytest.mark.django_db

STAGES = [stage.value for stage in Contact.Stage]


def add_contacts(client, n):
    companies = CompanyFactory.create_batch(5, client=client)
    contacts = Contact.objects.bulk_create(
        Contact(
            client=client,
            company=companies[i % 5],
            name=f"Person {client.pk}-{i}",
            email=f"p{client.pk}-{i}@example.org",
            stage=STAGES[i % len(STAGES)],
        )
        for i in range(n)
    )
    Touch.objects.bulk_create(
        Touch(contact=contact, kind=Touch.Kind.OUTREACH, channel=Touch.Channel.EMAIL)
        for contact in contacts
    )


def build_caseload(coach, n_clients, contacts_each):
    clients = Client.objects.bulk_create(
        Client(coach=coach, name=f"Client {i}", email=f"c{i}@example.com") for i in range(n_clients)
    )
    for client in clients[:3]:
        add_contacts(client, contacts_each)


# Session, user, then the page's own queries: counted with Django's test client. The caseload
# page of a practice's admin also lists the practice's coaches (whose caseload to show); the
# client page names the co-coaches and, for who may share, looks for a coach to share with.
CASELOAD_QUERIES = 5
CLIENT_PAGE_QUERIES = 9
CONTACT_LIST_QUERIES = 6


@pytest.mark.parametrize(("n_clients", "contacts_each"), [(20, 50), (200, 500)])
def test_the_caseload_page_query_count_is_flat(
    coach_client, coach, django_assert_max_num_queries, n_clients, contacts_each
):
    build_caseload(coach, n_clients, contacts_each)

    with django_assert_max_num_queries(CASELOAD_QUERIES):
        response = coach_client.get(reverse("clients:caseload"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(n_clients, 25)


@pytest.mark.parametrize("n_contacts", [50, 500])
def test_the_client_page_query_count_is_flat(
    coach_client, coach, django_assert_max_num_queries, n_contacts
):
    client = ClientFactory(coach=coach)
    add_contacts(client, n_contacts)

    with django_assert_max_num_queries(CLIENT_PAGE_QUERIES):
        response = coach_client.get(
            reverse("clients:client_detail", kwargs={"client_pk": client.pk})
        )
    assert sum(response.context["counts"].values()) == n_contacts


@pytest.mark.parametrize("n_contacts", [50, 500])
def test_the_contact_list_query_count_is_flat(
    coach_client, coach, django_assert_max_num_queries, n_contacts
):
    client = ClientFactory(coach=coach)
    add_contacts(client, n_contacts)

    with django_assert_max_num_queries(CONTACT_LIST_QUERIES):
        response = coach_client.get(
            reverse("clients:contact_list", kwargs={"client_pk": client.pk})
        )
    assert response.context["page"].paginator.count == n_contacts
