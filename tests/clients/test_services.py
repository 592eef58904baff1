import pytest
from django.core.exceptions import ValidationError

from clients import services
from clients.models import Contact, Touch
from tests.factories import ClientFactory, CoachFactory, ContactFactory, TouchFactory

pytestmark = pytest.mark.django_db

Stage = Contact.Stage


def log(contact, kind):
    return services.contact_log_touch(contact=contact, kind=kind, channel=Touch.Channel.EMAIL)


def test_logging_an_outreach_moves_a_new_contact_to_reached_out():
    contact = ContactFactory()

    touch = log(contact, Touch.Kind.OUTREACH)

    contact.refresh_from_db()
    assert contact.stage == Stage.REACHED_OUT
    assert list(contact.touches.all()) == [touch]


def test_a_reply_moves_the_contact_to_replied_and_an_outreach_never_moves_it_back():
    contact = ContactFactory(stage=Stage.REACHED_OUT)

    log(contact, Touch.Kind.REPLY)
    log(contact, Touch.Kind.FOLLOW_UP)

    contact.refresh_from_db()
    assert contact.stage == Stage.REPLIED


def test_a_late_reply_re_opens_a_contact_closed_as_no_response():
    contact = ContactFactory(stage=Stage.NO_RESPONSE)

    log(contact, Touch.Kind.REPLY)

    contact.refresh_from_db()
    assert contact.stage == Stage.REPLIED


def test_a_declined_contact_stays_declined_when_a_touch_is_logged():
    contact = ContactFactory(stage=Stage.DECLINED)

    log(contact, Touch.Kind.OUTREACH)

    contact.refresh_from_db()
    assert contact.stage == Stage.DECLINED


def test_an_update_after_the_interview_means_keeping_in_touch():
    contact = ContactFactory(stage=Stage.THANKED)

    log(contact, Touch.Kind.UPDATE)

    contact.refresh_from_db()
    assert contact.stage == Stage.KEEPING_IN_TOUCH


def test_closing_records_the_reason_in_the_history_and_reopening_restores_the_stage():
    contact = ContactFactory(stage=Stage.REACHED_OUT)
    TouchFactory(contact=contact, kind=Touch.Kind.OUTREACH)

    services.contact_close(contact=contact, stage=Stage.NO_RESPONSE)
    contact.refresh_from_db()
    assert contact.stage == Stage.NO_RESPONSE
    assert "No response" in contact.touches.first().note

    services.contact_reopen(contact=contact)
    contact.refresh_from_db()
    assert contact.stage == Stage.REACHED_OUT


def test_a_new_company_typed_on_a_contact_is_created_once_whatever_the_case():
    client = ClientFactory()
    first = services.contact_save(
        contact=Contact(client=client, name="Ana Ruiz"), new_company_name="Acme Health"
    )
    second = services.contact_save(
        contact=Contact(client=client, name="Ben Ode"), new_company_name="acme health "
    )

    assert first.company == second.company
    assert client.companies.count() == 1


def test_two_contacts_of_one_client_cannot_share_an_email():
    contact = ContactFactory(email="ana@example.org")

    with pytest.raises(ValidationError, match="already has a contact with this email"):
        services.contact_save(
            contact=Contact(client=contact.client, name="Copy", email="ANA@example.org")
        )


def test_two_clients_may_each_have_the_same_contact():
    contact = ContactFactory(email="ana@example.org")
    other = services.contact_save(
        contact=Contact(client=ClientFactory(), name="Ana", email="ana@example.org")
    )

    assert other.pk != contact.pk


def test_an_archived_client_of_a_coach_who_left_the_practice_can_be_given_to_another_coach():
    admin = CoachFactory()
    practice = admin.membership.practice
    leaver = CoachFactory(membership__practice=practice, membership__role="coach")
    archived = ClientFactory(coach=leaver, status="archived")
    leaver.membership.deactivated_at = leaver.date_joined
    leaver.membership.save()

    services.client_reassign(client=archived, to_coach=admin, by=admin)

    archived.refresh_from_db()
    assert archived.coach == admin
