"""Reassigning a client to another coach of the practice and sharing them with a co-coach
(clients.services), and who may do either (clients.access)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership
from clients import access, services
from clients.models import AuditEvent, Client, ClientShare, Contact, Touch
from interviews.models import Interview
from tests.factories import (
    ClientFactory,
    CoachFactory,
    ContactFactory,
    InterviewFactory,
    PortalClientFactory,
    TouchFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_colleague(coach):
    return CoachFactory(
        name="Tom Berg", membership__practice=coach.membership.practice, membership__role="coach"
    )


def actions_on(client_number) -> list[str]:
    return list(
        AuditEvent.objects.filter(client_number=client_number)
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )


def test_reassigning_moves_the_client_keeps_everything_and_tells_the_client_once_committed(
    coach, colleague, other_colleague, django_capture_on_commit_callbacks
):
    client = PortalClientFactory(coach=colleague, name="Priya Shah")
    contact = ContactFactory(client=client)
    TouchFactory(contact=contact)
    InterviewFactory(client=client, contact=contact)
    login = client.user_id

    with django_capture_on_commit_callbacks() as callbacks:
        services.client_reassign(client=client, to_coach=other_colleague, by=coach)
        assert mail.outbox == []  # nothing is sent before the change is committed
    for callback in callbacks:
        callback()

    client.refresh_from_db()
    assert client.coach == other_colleague
    assert client.user_id == login
    assert (Contact.objects.filter(client=client).count(), Touch.objects.count()) == (1, 1)
    assert Interview.objects.filter(client=client).count() == 1
    (told,) = mail.outbox
    assert told.to == [client.email]
    assert told.reply_to == [other_colleague.email]
    assert "taking over from Ana Lima" in told.body
    assert actions_on(client.pk) == [AuditEvent.Action.CLIENT_REASSIGNED]


def test_reassigning_to_a_coach_who_has_a_client_with_that_address_is_refused(
    coach, colleague, other_colleague
):
    client = ClientFactory(coach=colleague, email="priya@example.com")
    ClientFactory(coach=other_colleague, email="priya@example.com")

    with pytest.raises(ValidationError, match="already has a client with the address"):
        services.client_reassign(client=client, to_coach=other_colleague, by=coach)

    client.refresh_from_db()
    assert client.coach == colleague
    assert actions_on(client.pk) == []


def test_a_client_cannot_go_to_their_own_coach_a_viewer_or_another_practice(
    coach, colleague, other_coach
):
    client = ClientFactory(coach=colleague)
    viewer = CoachFactory(membership__practice=coach.membership.practice, membership__role="viewer")

    for to in (colleague, viewer, other_coach):
        with pytest.raises(ValidationError):
            services.client_reassign(client=client, to_coach=to, by=coach)
        with pytest.raises(ValidationError):
            services.client_share(client=client, coach=to, by=coach)
    assert ClientShare.objects.count() == 0


def test_the_clients_of_a_coach_who_left_the_practice_can_be_reassigned(coach, colleague):
    client = ClientFactory(coach=colleague, status=Client.Status.ARCHIVED)
    Membership.objects.filter(user=colleague).update(deactivated_at=timezone.now())
    colleague.is_active = False
    colleague.save()
    client = Client.objects.get(pk=client.pk)  # as a request would load it

    services.client_reassign(client=client, to_coach=coach, by=coach)

    client.refresh_from_db()
    assert client.coach == coach


def test_an_archived_client_is_reassigned_without_an_email(
    coach, colleague, django_capture_on_commit_callbacks
):
    client = ClientFactory(coach=colleague, status=Client.Status.ARCHIVED)

    with django_capture_on_commit_callbacks(execute=True):
        services.client_reassign(client=client, to_coach=coach, by=coach)

    assert mail.outbox == []


def test_a_co_coach_who_becomes_the_coach_is_no_longer_a_co_coach(
    coach, colleague, other_colleague
):
    client = ClientFactory(coach=colleague)
    services.client_share(client=client, coach=other_colleague, by=colleague)
    services.client_share(client=client, coach=coach, by=colleague)

    services.client_reassign(client=client, to_coach=other_colleague, by=coach)

    assert list(client.shares.values_list("coach", flat=True)) == [coach.pk]


def test_a_client_is_shared_once_with_each_co_coach_and_every_change_is_audited(
    coach, colleague, other_colleague
):
    client = ClientFactory(coach=colleague)

    share = services.client_share(client=client, coach=other_colleague, by=colleague)
    with pytest.raises(ValidationError, match="already shared with Tom Berg"):
        services.client_share(client=client, coach=other_colleague, by=coach)
    with pytest.raises(ValidationError, match="coach already"):
        services.client_share(client=client, coach=colleague, by=coach)
    assert (share.shared_by, client.shares.get()) == (colleague, share)
    services.client_unshare(share=share, by=coach)

    assert not client.shares.exists()
    assert actions_on(client.pk) == [
        AuditEvent.Action.CLIENT_SHARED,
        AuditEvent.Action.CLIENT_UNSHARED,
    ]


# --- Who may -------------------------------------------------------------------------------


def lets_in(loader, user, pk) -> bool:
    try:
        loader(user, pk)
    except Http404:
        return False
    return True


def test_the_client_page_offers_sharing_and_reassigning_to_exactly_whom_the_pages_let_in(
    coach, colleague, other_colleague, other_coach
):
    """clients.access answers twice: the loaders of the pages, and the client page's buttons
    (for a client the user sees). They must agree, for every role."""
    viewer = CoachFactory(membership__practice=coach.membership.practice, membership__role="viewer")
    no_practice = CoachFactory(membership=None)
    clients = [
        ClientFactory(coach=colleague),
        ClientFactory(coach=coach),
        ClientFactory(coach=other_coach),
        ClientFactory(coach=no_practice),
    ]
    services.client_share(client=clients[0], coach=other_colleague, by=colleague)
    for user in (coach, colleague, other_colleague, viewer, other_coach, no_practice):
        for client in Client.objects.visible_to(user).select_related("coach"):
            offered = access.client_coaches_for(user, client)
            assert offered.may_unshare == lets_in(access.get_client_to_share, user, client.pk), (
                user,
                client,
            )
            may_reassign = lets_in(access.get_client_to_reassign, user, client.pk)
            assert access.may_reassign(user, client) == may_reassign, (user, client)


def test_a_solo_coach_is_offered_neither_sharing_nor_reassigning(coach):
    client = ClientFactory(coach=coach)

    offered = access.client_coaches_for(coach, client)

    assert (offered.may_share, offered.may_reassign, offered.has_actions) == (False, False, False)


def test_sharing_is_offered_while_someone_is_left_to_share_with(coach, colleague):
    client = ClientFactory(coach=colleague)
    assert access.client_coaches_for(colleague, client).may_share

    services.client_share(client=client, coach=coach, by=colleague)

    offered = access.client_coaches_for(colleague, client)
    assert (offered.may_share, offered.may_unshare, offered.may_reassign) == (False, True, False)
    assert access.client_coaches_for(coach, client).may_reassign


def test_a_mail_server_that_refuses_the_new_coach_email_leaves_the_reassignment_saved(
    coach, colleague, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    import smtplib

    from clients import emails

    def refuse(**kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(emails, "new_coach_email_send", refuse)
    client = ClientFactory(coach=colleague)

    with django_capture_on_commit_callbacks(execute=True):
        services.client_reassign(client=client, to_coach=coach, by=coach)

    client.refresh_from_db()
    assert client.coach == coach
    assert "Could not tell client" in caplog.text
