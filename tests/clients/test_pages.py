"""The coach's workspace and the client portal, as a user sees them."""

import pytest
from django.urls import reverse

from clients.models import Client, Company, Contact, Touch
from tests.factories import (
    ClientFactory,
    CompanyFactory,
    ContactFactory,
    PortalClientFactory,
    TouchFactory,
)

pytestmark = pytest.mark.django_db


def test_a_coach_adds_a_client_with_their_timezone_defaulting_to_the_coachs(coach_client, coach):
    coach.timezone = "America/Denver"
    coach.save()
    page = coach_client.get(reverse("clients:client_create"))
    assert 'value="America/Denver" selected' in page.text

    response = coach_client.post(
        reverse("clients:client_create"),
        {"name": "Zoe Park", "email": "Zoe@Example.com", "timezone": "Asia/Kolkata"},
    )

    client = Client.objects.get(name="Zoe Park")
    assert response.url == reverse("clients:client_detail", kwargs={"client_pk": client.pk})
    assert (client.coach, client.email, client.timezone) == (
        coach,
        "zoe@example.com",
        "Asia/Kolkata",
    )


def test_a_bad_client_form_keeps_what_was_typed_and_says_what_is_wrong(coach_client, coach):
    ClientFactory(coach=coach, email="taken@example.com")

    response = coach_client.post(
        reverse("clients:client_create"),
        {"name": "", "email": "taken@example.com", "timezone": "Mars/Olympus", "goal": "Keep me"},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "This field is required." in form.errors["name"]
    assert "Mars/Olympus is not one of the available choices" in str(form.errors["timezone"])
    assert "Keep me" in response.text
    assert Client.objects.filter(coach=coach).count() == 1


def test_a_duplicate_client_email_is_refused_with_a_clear_message(coach_client, coach):
    ClientFactory(coach=coach, email="taken@example.com")

    response = coach_client.post(
        reverse("clients:client_create"),
        {"name": "Twin", "email": "taken@example.com", "timezone": "UTC"},
    )

    assert "You already have a client with this email address." in response.text


def test_archiving_asks_first_then_hides_the_client_behind_the_filter(coach_client, coach):
    client = ClientFactory(coach=coach, name="Quiet Client")
    url = reverse("clients:client_archive", kwargs={"client_pk": client.pk})

    confirm = coach_client.get(url)
    assert "Nothing is deleted" in confirm.text
    client.refresh_from_db()
    assert client.status == Client.Status.ACTIVE

    def caseload_names(**params):
        page = coach_client.get(reverse("clients:caseload"), params).context["page"]
        return [row.name for row in page.object_list]

    coach_client.post(url)
    assert caseload_names() == []
    assert caseload_names(archived="1") == ["Quiet Client"]

    coach_client.post(reverse("clients:client_unarchive", kwargs={"client_pk": client.pk}))
    assert caseload_names() == ["Quiet Client"]


def test_the_caseload_counts_contacts_by_stage_and_searches_by_name(coach_client, coach):
    priya = ClientFactory(coach=coach, name="Priya Shah")
    ClientFactory(coach=coach, name="Tom Becker")
    for stage in ["identified", "identified", "reached_out", "scheduled"]:
        ContactFactory(client=priya, stage=stage)

    response = coach_client.get(reverse("clients:caseload"), {"q": "priy"})

    rows = list(response.context["page"].object_list)
    assert [row.name for row in rows] == ["Priya Shah"]
    assert (rows[0].n_identified, rows[0].n_reached_out, rows[0].n_scheduled) == (2, 1, 1)
    assert rows[0].n_replied == 0


def test_the_caseload_is_paginated(coach_client, coach):
    ClientFactory.create_batch(30, coach=coach)

    first = coach_client.get(reverse("clients:caseload"))
    second = coach_client.get(reverse("clients:caseload"), {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "Page 1 of 2" in first.text


def test_a_coach_never_sees_another_coachs_clients_on_the_caseload(coach_client, other_coach):
    ClientFactory(coach=other_coach, name="Not Yours")

    assert "Not Yours" not in coach_client.get(reverse("clients:caseload")).text


def test_companies_sort_by_lamp_scores(coach_client, coach):
    client = ClientFactory(coach=coach)
    CompanyFactory(client=client, name="Low", motivation=0, posting=0, advocacy=1)
    CompanyFactory(client=client, name="High", motivation=3, posting=3, advocacy=3)
    CompanyFactory(client=client, name="Keen", motivation=3, posting=0, advocacy=0)
    url = reverse("clients:company_list", kwargs={"client_pk": client.pk})

    by_total = [c.name for c in coach_client.get(url).context["companies"]]
    by_advocacy = [c.name for c in coach_client.get(url, {"sort": "advocacy"}).context["companies"]]

    assert by_total == ["High", "Keen", "Low"]
    assert by_advocacy == ["High", "Low", "Keen"]


def test_a_lamp_score_outside_0_to_3_is_refused(coach_client, coach):
    client = ClientFactory(coach=coach)

    response = coach_client.post(
        reverse("clients:company_create", kwargs={"client_pk": client.pk}),
        {"name": "Acme", "motivation": 7, "posting": 0, "advocacy": 0},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["form"].errors["motivation"])
    assert not Company.objects.exists()


def test_removing_a_company_asks_first_and_keeps_its_contacts(coach_client, coach):
    contact = ContactFactory(client=ClientFactory(coach=coach))
    url = reverse("clients:company_delete", kwargs={"company_pk": contact.company.pk})

    assert "stays on the list" in coach_client.get(url).text
    coach_client.post(url)

    contact.refresh_from_db()
    assert contact.company is None


def test_a_contact_is_added_with_a_new_company_typed_inline(coach_client, coach):
    client = ClientFactory(coach=coach)

    response = coach_client.post(
        reverse("clients:contact_create", kwargs={"client_pk": client.pk}),
        {
            "name": "Ana Ruiz",
            "title": "UX lead",
            "new_company_name": "Northwind",
            "email": "ana@northwind.example",
            "linkedin_url": "https://www.linkedin.com/in/ana-ruiz",
            "source": "alumni",
        },
    )

    contact = Contact.objects.get(name="Ana Ruiz")
    assert response.url == reverse("clients:contact_detail", kwargs={"contact_pk": contact.pk})
    assert contact.company.name == "Northwind"
    assert contact.stage == Contact.Stage.IDENTIFIED


def test_a_bad_contact_form_names_each_problem_and_keeps_the_input(coach_client, coach):
    client = ClientFactory(coach=coach)
    ContactFactory(client=client, email="dup@example.org")

    response = coach_client.post(
        reverse("clients:contact_create", kwargs={"client_pk": client.pk}),
        {
            "name": "Someone",
            "email": "dup@example.org",
            "linkedin_url": "not a url at all",
            "source": "linkedin",
            "notes": "Met at the meetup",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Enter a valid URL." in errors["linkedin_url"]
    assert "Met at the meetup" in response.text
    response = coach_client.post(
        reverse("clients:contact_create", kwargs={"client_pk": client.pk}),
        {"name": "Someone", "email": "DUP@example.org", "source": "linkedin"},
    )
    assert "already has a contact with this email" in response.text
    assert client.contacts.count() == 1


def test_logging_an_outreach_from_the_contact_page_changes_the_stage_and_the_history(
    coach_client, coach
):
    contact = ContactFactory(client=ClientFactory(coach=coach))

    coach_client.post(
        reverse("clients:contact_log_touch", kwargs={"contact_pk": contact.pk}),
        {"kind": "outreach", "channel": "linkedin", "at": "2026-01-05T10:00", "note": "Sent"},
    )

    page = coach_client.get(reverse("clients:contact_detail", kwargs={"contact_pk": contact.pk}))
    assert page.context["contact"].stage == Contact.Stage.REACHED_OUT
    assert [t.kind for t in page.context["touches"]] == [Touch.Kind.OUTREACH]
    assert "via LinkedIn" in page.text


def test_a_touch_in_the_future_is_refused(coach_client, coach):
    contact = ContactFactory(client=ClientFactory(coach=coach))

    response = coach_client.post(
        reverse("clients:contact_log_touch", kwargs={"contact_pk": contact.pk}),
        {"kind": "reply", "channel": "email", "at": "2999-01-01T10:00"},
    )

    assert "pick a past time" in response.text
    assert not contact.touches.exists()


def test_closing_a_contact_asks_for_the_reason(coach_client, coach):
    contact = ContactFactory(client=ClientFactory(coach=coach))
    url = reverse("clients:contact_close", kwargs={"contact_pk": contact.pk})

    coach_client.post(url, {})
    contact.refresh_from_db()
    assert contact.stage == Contact.Stage.IDENTIFIED

    coach_client.post(url, {"stage": "declined", "note": "Not taking calls this quarter"})
    contact.refresh_from_db()
    assert contact.stage == Contact.Stage.DECLINED


def test_the_client_sees_their_contacts_but_never_the_coachs_private_notes(client, coach):
    portal = PortalClientFactory(coach=coach)
    mine = ContactFactory(client=portal, coach_notes="Nervous about cold calls", notes="Shared")
    ContactFactory(client=ClientFactory(coach=coach), name="Someone Elses Contact")
    client.force_login(portal.user)

    listing = client.get(reverse("clients:contact_list", kwargs={"client_pk": portal.pk}))
    detail = client.get(reverse("clients:contact_detail", kwargs={"contact_pk": mine.pk}))
    edit = client.get(reverse("clients:contact_edit", kwargs={"contact_pk": mine.pk}))

    assert mine.name in listing.text
    assert "Someone Elses Contact" not in listing.text
    assert "Shared" in detail.text
    assert "Nervous about cold calls" not in detail.text
    assert "coach_notes" not in edit.context["form"].fields


def test_a_client_logs_a_reply_and_the_coach_sees_it_in_the_history(client, coach):
    portal = PortalClientFactory(coach=coach)
    contact = ContactFactory(client=portal, stage=Contact.Stage.REACHED_OUT)
    client.force_login(portal.user)

    client.post(
        reverse("clients:contact_log_touch", kwargs={"contact_pk": contact.pk}),
        {"kind": "reply", "channel": "email", "at": "2026-02-01T09:30", "note": "Happy to talk"},
    )

    client.force_login(coach)
    page = client.get(reverse("clients:client_detail", kwargs={"client_pk": portal.pk}))
    assert "Happy to talk" in page.text
    assert page.context["counts"]["replied"] == 1


def test_the_contact_list_filters_by_stage_and_searches_by_company(coach_client, coach):
    client = ClientFactory(coach=coach)
    acme = CompanyFactory(client=client, name="Acme")
    ContactFactory(client=client, company=acme, name="At Acme", stage="replied")
    ContactFactory(client=client, name="Elsewhere", stage="identified")
    url = reverse("clients:contact_list", kwargs={"client_pk": client.pk})

    def names(**params):
        return [c.name for c in coach_client.get(url, params).context["page"].object_list]

    assert names(stage="replied") == ["At Acme"]
    assert names(q="acme") == ["At Acme"]
    assert sorted(names()) == ["At Acme", "Elsewhere"]


def test_the_contact_list_shows_the_last_touch(coach_client, coach):
    contact = ContactFactory(client=ClientFactory(coach=coach))
    TouchFactory(contact=contact)
    url = reverse("clients:contact_list", kwargs={"client_pk": contact.client.pk})

    row = coach_client.get(url).context["page"].object_list[0]

    assert row.last_touch_at is not None


def test_an_opportunity_recorded_on_a_contact_counts_in_the_funnel(client, coach):
    portal = PortalClientFactory(coach=coach)
    contact = ContactFactory(client=portal)
    client.force_login(portal.user)

    client.post(
        reverse("clients:contact_opportunity_add", kwargs={"contact_pk": contact.pk}),
        {"kind": "introduction", "at": "2026-01-15", "note": "Meeting their hiring manager"},
    )
    refused = client.post(
        reverse("clients:contact_opportunity_add", kwargs={"contact_pk": contact.pk}),
        {"kind": "a-pony", "at": "2026-01-15"},
    )

    opportunity = contact.opportunities.get()
    assert (opportunity.kind, opportunity.client) == ("introduction", portal)
    assert refused.status_code == 302
    page = client.get(reverse("clients:contact_detail", kwargs={"contact_pk": contact.pk}))
    assert "Introduction to a hiring manager" in page.text
    assert "Meeting their hiring manager" in page.text
