"""The pages: the logging address on the client page and the client home, the unmatched emails
and the people to add, for the client and whoever works on them."""

import pytest
from django.urls import reverse

from clients.models import Contact, Touch
from inbound.models import InboundMessage, LoggingAddress, Suggestion
from inbound.services import logging_address_issue
from tests.factories import PortalClientFactory

from .conftest import ADDRESS

pytestmark = pytest.mark.django_db


def unmatched(client, n=1, **fields):
    return [
        InboundMessage.objects.create(
            client=client,
            message_id=f"unmatched-{client.pk}-{i}@example.org",
            subject=f"Hello number {i}",
            first_lines="Could we talk?",
            participants={
                "from": {"name": "Priya Shah", "email": "priya.shah@example.com"},
                "to": [{"name": "Sam Lee", "email": "sam.lee@acme.example"}],
                "cc": [],
            },
            status=InboundMessage.Status.UNMATCHED,
            **fields,
        )
        for i in range(n)
    ]


def test_the_coach_sees_the_clients_logging_address_with_a_copy_button(client, coach, priya):
    client.force_login(coach)

    html = client.get(reverse("clients:client_detail", kwargs={"client_pk": priya.pk})).content

    assert ADDRESS.encode() in html
    assert b'data-copy-target="logging-address"' in html
    assert b"js/copy-buttons.js" in html
    assert b"Bcc</strong> it when Priya writes" in html


def test_the_client_sees_their_logging_address_on_their_home(client, priya):
    client.force_login(priya.user)

    html = client.get(reverse("dashboard:client_home")).content.decode()

    assert ADDRESS in html
    assert "Your private logging address" in html
    assert "<strong>Forward</strong> it a contact’s answer" in html


def test_without_an_address_the_panel_offers_to_create_one(client, coach, priya):
    LoggingAddress.objects.all().delete()
    client.force_login(coach)
    page = reverse("clients:client_detail", kwargs={"client_pk": priya.pk})

    assert b"Create a logging address" in client.get(page).content
    response = client.post(
        reverse("inbound:logging_address", kwargs={"client_pk": priya.pk}), {"action": "create"}
    )

    assert response.status_code == 302
    address = LoggingAddress.objects.active().get(client=priya)
    assert address.address.encode() in client.get(page).content


def test_replacing_the_address_stops_the_old_one(client, priya):
    client.force_login(priya.user)
    old = LoggingAddress.objects.get(client=priya)

    client.post(
        reverse("inbound:logging_address", kwargs={"client_pk": priya.pk}), {"action": "replace"}
    )

    old.refresh_from_db()
    new = LoggingAddress.objects.active().get(client=priya)
    assert old.revoked_at is not None
    assert new.token != old.token
    assert len(new.token) == 26
    assert new.token == new.token.lower()


def test_turning_logging_off_asks_first_and_leaves_no_address(client, coach, priya):
    client.force_login(coach)
    url = reverse("inbound:logging_address", kwargs={"client_pk": priya.pk})

    page = client.get(url).content.decode()
    assert "Turn email logging off…" in page
    assert "Yes, turn it off" in page
    client.post(url, {"action": "revoke"})

    assert not LoggingAddress.objects.active().filter(client=priya).exists()
    assert "Email logging is off" in client.get(url).content.decode()


def test_the_unmatched_list_is_empty_at_first(client, coach, priya):
    client.force_login(coach)

    html = client.get(reverse("inbound:message_list", kwargs={"client_pk": priya.pk})).content

    assert b"Nothing waiting" in html


def test_the_unmatched_list_pages_through_the_messages(client, coach, priya):
    unmatched(priya, 21)
    client.force_login(coach)
    url = reverse("inbound:message_list", kwargs={"client_pk": priya.pk})

    first, second = client.get(url).content.decode(), client.get(url + "?page=2").content.decode()

    assert first.count("Log it…") == 20
    assert "Page 1 of 2" in first
    assert second.count("Log it…") == 1


def test_the_client_logs_an_unmatched_email_on_the_contact_they_pick(client, priya, contacts):
    (message,) = unmatched(priya)
    client.force_login(priya.user)
    url = reverse("inbound:message_resolve", kwargs={"message_pk": message.pk})

    assert b"Hello number 0" in client.get(url).content
    response = client.post(url, {"contact": contacts["tariq"].pk, "kind": "outreach"})

    assert response.status_code == 302
    touch = Touch.objects.get(email_message_id=message.message_id)
    assert (touch.contact, touch.kind, touch.logged_by) == (
        contacts["tariq"],
        "outreach",
        priya.user,
    )
    assert touch.note == "Hello number 0\nCould we talk?"


def test_a_message_of_another_clients_contact_cannot_be_picked(client, priya, coach):
    (message,) = unmatched(priya)
    stranger = PortalClientFactory(coach=coach).contacts.create(name="Not Priya's")
    client.force_login(coach)

    response = client.post(
        reverse("inbound:message_resolve", kwargs={"message_pk": message.pk}),
        {"contact": stranger.pk, "kind": "reply"},
    )

    assert response.status_code == 200  # the form again, with the error
    assert not Touch.objects.filter(email_message_id=message.message_id).exists()


def test_discarding_an_email_drops_it_from_the_list(client, coach, priya):
    (message,) = unmatched(priya)
    client.force_login(coach)

    client.post(reverse("inbound:message_discard", kwargs={"message_pk": message.pk}))

    message.refresh_from_db()
    assert message.status == InboundMessage.Status.DISCARDED
    html = client.get(reverse("inbound:message_list", kwargs={"client_pk": priya.pk})).content
    assert b"Nothing waiting" in html


def test_a_client_never_sees_another_clients_unmatched_emails(client, priya, other_portal_client):
    (message,) = unmatched(priya)
    logging_address_issue(client=other_portal_client)
    client.force_login(other_portal_client.user)

    own = client.get(reverse("inbound:message_list", kwargs={"client_pk": other_portal_client.pk}))
    assert own.status_code == 200
    assert b"Hello number" not in own.content
    for url in (
        reverse("inbound:message_list", kwargs={"client_pk": priya.pk}),
        reverse("inbound:message_resolve", kwargs={"message_pk": message.pk}),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("inbound:message_discard", kwargs={"message_pk": message.pk})
        ).status_code
        == 404
    )
    message.refresh_from_db()
    assert message.status == InboundMessage.Status.UNMATCHED


def suggestion(client, **fields):
    return Suggestion.objects.create(
        client=client,
        email="sam.lee@acme.example",
        name="Sam Lee",
        company_name="Acme",
        **fields,
    )


def test_the_suggestions_list_asks_about_each_person(client, coach, priya):
    suggestion(priya)
    client.force_login(coach)
    url = reverse("inbound:suggestion_list", kwargs={"client_pk": priya.pk})

    html = client.get(url).content.decode()

    assert "Add Sam Lee of Acme?" in html
    Suggestion.objects.all().delete()
    assert "No one to add" in client.get(url).content.decode()


def test_accepting_a_suggestion_creates_the_contact_from_the_prefilled_form(client, priya):
    offered = suggestion(priya)
    (message,) = unmatched(priya)
    client.force_login(priya.user)
    url = reverse("inbound:suggestion_accept", kwargs={"suggestion_pk": offered.pk})

    form = client.get(url).content.decode()
    assert 'value="Sam Lee"' in form
    assert 'value="Acme"' in form
    response = client.post(
        url,
        {
            "name": "Sam Lee",
            "email": "sam.lee@acme.example",
            "new_company_name": "Acme",
            "source": "other",
        },
    )

    contact = Contact.objects.get(client=priya, email="sam.lee@acme.example")
    assert response.url == reverse("clients:contact_detail", kwargs={"contact_pk": contact.pk})
    assert contact.company.name == "Acme"
    offered.refresh_from_db()
    message.refresh_from_db()
    assert offered.status == Suggestion.Status.ACCEPTED
    assert message.status == InboundMessage.Status.LOGGED
    assert contact.touches.get().kind == Touch.Kind.OUTREACH


def test_dismissing_a_suggestion_takes_it_off_the_list(client, coach, priya):
    offered = suggestion(priya)
    client.force_login(coach)

    client.post(reverse("inbound:suggestion_dismiss", kwargs={"suggestion_pk": offered.pk}))

    offered.refresh_from_db()
    assert offered.status == Suggestion.Status.DISMISSED
    html = client.get(reverse("inbound:suggestion_list", kwargs={"client_pk": priya.pk})).content
    assert b"No one to add" in html
    assert not Contact.objects.filter(email="sam.lee@acme.example").exists()


def test_a_person_added_by_hand_meanwhile_is_no_longer_suggested(client, coach, priya):
    suggestion(priya)
    priya.contacts.create(name="Sam Lee", email="Sam.Lee@acme.example")
    client.force_login(coach)

    html = client.get(reverse("inbound:suggestion_list", kwargs={"client_pk": priya.pk})).content

    assert b"No one to add" in html


def test_a_viewer_reads_the_lists_without_the_buttons(client, coach, priya):
    from tests.factories import CoachFactory

    viewer = CoachFactory(membership__practice=coach.membership.practice, membership__role="viewer")
    unmatched(priya)
    suggestion(priya)
    client.force_login(viewer)

    messages_page = client.get(reverse("inbound:message_list", kwargs={"client_pk": priya.pk}))
    people_page = client.get(reverse("inbound:suggestion_list", kwargs={"client_pk": priya.pk}))

    assert b"Hello number 0" in messages_page.content
    assert b"Log it" not in messages_page.content
    assert b"Sam Lee" in people_page.content
    assert b"Dismiss" not in people_page.content
