"""Pages keep the same number of SQL queries as the caseload grows (10x data, same bound)."""

from datetime import date

import pytest
from django.urls import reverse

from clients.models import Client, Contact, Touch
from goals.models import ActionItem, WeeklyTarget
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


def add_goals(client, n_items):
    """A target of every kind (so their counts cost what they can) and n open action items, each
    about a contact."""
    WeeklyTarget.objects.bulk_create(
        WeeklyTarget(client=client, kind=kind, per_week=3, since=A_MONDAY_LONG_AGO)
        for kind in WeeklyTarget.Kind
    )
    contacts = list(client.contacts.all()[:n_items])
    ActionItem.objects.bulk_create(
        ActionItem(client=client, title=f"Item {i}", contact=contacts[i % len(contacts)])
        for i in range(n_items)
    )


A_MONDAY_LONG_AGO = date(2000, 1, 3)


def build_caseload(coach, n_clients, contacts_each):
    clients = Client.objects.bulk_create(
        Client(coach=coach, name=f"Client {i}", email=f"c{i}@example.com") for i in range(n_clients)
    )
    for client in clients[:3]:
        add_contacts(client, contacts_each)
    WeeklyTarget.objects.bulk_create(
        WeeklyTarget(client=client, kind=kind, per_week=3, since=A_MONDAY_LONG_AGO)
        for client in clients
        for kind in WeeklyTarget.Kind
    )


# Session, user, then the page's own queries: counted with Django's test client. The caseload
# page of a practice's admin also lists the practice's coaches (whose caseload to show); the
# client page names the co-coaches and, for who may share, looks for a coach to share with.
# "This week" (on track or behind, goals.progress.caseload_on_track) costs the caseload four:
# the page's clients' targets, then one count per kind with a target. The client page shows the
# same four for one client, and its open action items (one).
CASELOAD_QUERIES = 5 + 4
CLIENT_PAGE_QUERIES = 9 + 4 + 1 + 1  # + the logging address panel (inbound.selectors.panel_for)
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
    add_goals(client, n_contacts // 10)

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
