import smtplib
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from clients import invitations
from clients.invitations import (
    InvitationLinkUsed,
    invitation_accept,
    invitation_from_token,
    invitation_latest,
    invitation_send,
)
from clients.models import Client, Invitation
from tests.factories import ClientFactory, ClientUserFactory

NEW_PASSWORD = "a-quiet-walk-by-the-river"
SENT_AT = datetime(2025, 3, 28, 9, 0, tzinfo=UTC)  # a Friday; London moves to BST on 30 March


@pytest.fixture
def send(django_capture_on_commit_callbacks, coach):
    """Send an invitation as the coach, running the after-commit email."""

    def send(client_record):
        with django_capture_on_commit_callbacks(execute=True):
            return invitation_send(client=client_record, by=coach)

    return send


def link_in(message) -> str:
    """The path of the invitation link in an email's text body."""
    url = next(word for word in message.body.split() if word.startswith(settings.SITE_URL))
    return urlsplit(url).path


def accept_form(**changes):
    return {
        "name": "Priya Shah",
        "timezone": "Europe/London",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **changes,
    }


def send_url(client_record):
    return reverse("clients:invitation_send", kwargs={"client_pk": client_record.pk})


def revoke_url(client_record):
    return reverse("clients:invitation_revoke", kwargs={"client_pk": client_record.pk})


# -- sending -------------------------------------------------------------------------------------


def test_the_email_is_multipart_with_text_and_html_reply_to_the_coach_and_a_link(
    send, client_record, coach, mailoutbox
):
    send(client_record)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [client_record.email]
    assert message.reply_to == [coach.email]
    assert coach.name in message.from_email
    assert message.subject == f"{coach.name} invited you to CoachDesk"
    assert "informational interviews" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    link = link_in(message)
    assert link.startswith("/invitation/")
    assert f'href="{settings.SITE_URL}{link}"' in html


def test_the_email_gives_the_expiry_in_the_clients_local_time_across_a_dst_change(
    send, client_record, mailoutbox
):
    with time_machine.travel(SENT_AT, tick=False):
        send(client_record)

    # Sent 09:00 UTC on Friday 28 March (GMT); a week later London is on BST (UTC+1).
    assert "until Friday 4 April, 10:00 (Europe/London time)" in mailoutbox[0].body


def test_the_email_goes_out_only_once_the_invitation_is_committed(
    django_capture_on_commit_callbacks, client_record, coach, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation_send(client=client_record, by=coach)

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_sending_is_refused_for_a_client_who_already_has_a_portal_account(
    portal_client, coach, mailoutbox
):
    with pytest.raises(ValidationError, match="already has a portal account"):
        invitation_send(client=portal_client, by=coach)

    assert not Invitation.objects.exists()


def test_sending_is_refused_for_an_archived_client(coach):
    archived = ClientFactory(coach=coach, status=Client.Status.ARCHIVED)

    with pytest.raises(ValidationError, match="is archived"):
        invitation_send(client=archived, by=coach)


def test_the_coach_sends_an_invitation_and_returns_to_the_client_page(
    coach_client, client_record, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(send_url(client_record), follow=True)

    assert response.redirect_chain[0][0] == reverse(
        "clients:client_detail", kwargs={"client_pk": client_record.pk}
    )
    assert f"Invitation sent to {client_record.email}." in response.text
    assert len(mailoutbox) == 1
    assert client_record.invitations.get().is_pending


def test_a_refused_send_shows_the_reason_and_sends_nothing(
    coach_client, portal_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(send_url(portal_client), follow=True)

    assert response.status_code == 200
    assert "already has a portal account" in response.text
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_failure_tells_the_coach_to_try_again(
    client, coach, client_record, monkeypatch
):
    def refuse(message, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    client.force_login(coach)

    response = client.post(send_url(client_record), follow=True)

    assert response.status_code == 200
    assert "could not be sent just now" in response.text


@pytest.mark.parametrize("url", [send_url, revoke_url])
def test_another_coach_gets_404_on_send_and_revoke(client, other_coach, client_record, url):
    client.force_login(other_coach)

    assert client.post(url(client_record)).status_code == 404
    assert client.get(url(client_record)).status_code == 404
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("url", [send_url, revoke_url])
def test_a_client_user_gets_404_on_send_and_revoke(client, portal_client, url):
    client.force_login(portal_client.user)

    assert client.post(url(portal_client)).status_code == 404


@pytest.mark.parametrize("url", [send_url, revoke_url])
def test_send_and_revoke_take_only_post(coach_client, client_record, url):
    assert coach_client.get(url(client_record)).status_code == 405


# -- accepting -----------------------------------------------------------------------------------


def test_following_the_link_and_setting_a_password_logs_the_client_in_on_the_portal(
    client, send, client_record, mailoutbox
):
    send(client_record)
    link = link_in(mailoutbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert f'value="{client_record.name}"' in page.text
    assert '<option value="Europe/London" selected>' in page.text

    response = client.post(
        link, accept_form(name="Priya S.", timezone="America/Toronto"), follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("dashboard:client_home")
    assert "Welcome to CoachDesk, Priya!" in response.text
    client_record.refresh_from_db()
    user = client_record.user
    assert user is not None
    assert user.role == User.Role.CLIENT
    assert user.email == client_record.email
    assert user.name == "Priya S."
    assert user.timezone == client_record.timezone == "America/Toronto"
    assert user.check_password(NEW_PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client_record.invitations.get().accepted_at is not None


def test_after_seven_days_the_link_is_refused_with_the_expired_message(
    client, send, client_record, coach, mailoutbox
):
    with time_machine.travel(SENT_AT, tick=False):
        send(client_record)
    link = link_in(mailoutbox[0])

    with time_machine.travel(SENT_AT + timedelta(days=7, minutes=1), tick=False):
        response = client.post(link, accept_form())

    assert response.status_code == 410
    assert "This invitation has expired" in response.text
    assert "ask your coach to send a new one" in response.text
    assert coach.email in response.text
    client_record.refresh_from_db()
    assert client_record.user is None


def test_the_link_still_works_just_before_seven_days(client, send, client_record, mailoutbox):
    with time_machine.travel(SENT_AT, tick=False):
        send(client_record)
    link = link_in(mailoutbox[0])

    with time_machine.travel(SENT_AT + timedelta(days=6, hours=23), tick=False):
        response = client.post(link, accept_form())

    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.user is not None


def test_a_re_sent_invitation_kills_the_old_link(client, send, client_record, mailoutbox):
    send(client_record)
    send(client_record)
    old_link, new_link = link_in(mailoutbox[0]), link_in(mailoutbox[1])

    refused = client.get(old_link)
    assert refused.status_code == 410
    assert "no longer works" in refused.text
    assert client.get(new_link).status_code == 200
    assert client_record.invitations.filter(revoked_at__isnull=True).count() == 1


def test_a_revoked_invitation_is_refused(client, coach, send, client_record, mailoutbox):
    send(client_record)
    link = link_in(mailoutbox[0])

    client.force_login(coach)
    response = client.post(revoke_url(client_record), follow=True)
    assert "Invitation withdrawn" in response.text
    client.logout()

    refused = client.post(link, accept_form())
    assert refused.status_code == 410
    assert "sent a newer invitation or withdrawn this one" in refused.text
    assert not User.objects.filter(email=client_record.email).exists()


def test_revoking_without_an_open_invitation_says_so(coach_client, client_record):
    response = coach_client.post(revoke_url(client_record), follow=True)

    assert "had no open invitation to withdraw" in response.text


def test_a_used_link_cannot_be_used_twice(client, send, client_record, mailoutbox):
    send(client_record)
    link = link_in(mailoutbox[0])
    client.post(link, accept_form())
    client.logout()

    again = client.post(link, accept_form(password1="another-long-phrase-9", password2="x"))

    assert again.status_code == 410
    assert "already been used" in again.text
    assert User.objects.filter(email=client_record.email).count() == 1


def test_a_double_submit_creates_one_login(send, client_record):
    invitation = send(client_record)
    # Both requests read the link while it was still pending.
    first = invitation_from_token(invitations.invitation_token(invitation))
    second = invitation_from_token(invitations.invitation_token(invitation))

    invitation_accept(invitation=first, name="Priya", password=NEW_PASSWORD, timezone="UTC")
    with pytest.raises(InvitationLinkUsed):
        invitation_accept(invitation=second, name="Priya", password=NEW_PASSWORD, timezone="UTC")

    assert User.objects.filter(email=client_record.email).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_create_one_login(coach):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the row locks matter on PostgreSQL.")
    client_record = ClientFactory(coach=coach)
    invitation = Invitation.objects.create(
        client=client_record, email=client_record.email, invited_by=coach
    )
    token = invitations.invitation_token(invitation)
    both_read_the_link = threading.Barrier(2, timeout=10)
    outcomes = []

    def accept():
        try:
            found = invitation_from_token(token)
            both_read_the_link.wait()
            invitation_accept(invitation=found, name="Priya", password=NEW_PASSWORD, timezone="UTC")
            outcomes.append("accepted")
        except InvitationLinkUsed:
            outcomes.append("used")
        except Exception as error:  # any other outcome fails the assertion below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted", "used"]
    assert User.objects.filter(email=client_record.email).count() == 1


@pytest.mark.parametrize(
    ("passwords", "error"),
    [
        ({"password1": "password", "password2": "password"}, "This password is too common"),
        ({"password2": "not-the-same-one"}, "The two password fields didn’t match"),
    ],
)
def test_a_weak_or_mismatched_password_re_renders_with_errors_and_keeps_the_name_typed(
    client, send, client_record, mailoutbox, passwords, error
):
    send(client_record)

    response = client.post(link_in(mailoutbox[0]), accept_form(name="Priya Q. Shah", **passwords))

    assert response.status_code == 200
    assert error in response.text
    assert 'value="Priya Q. Shah"' in response.text
    client_record.refresh_from_db()
    assert client_record.user is None
    assert "_auth_user_id" not in client.session


def test_a_password_like_the_email_is_refused(client, send, client_record, mailoutbox):
    send(client_record)
    similar = client_record.email

    response = client.post(
        link_in(mailoutbox[0]), accept_form(password1=similar, password2=similar)
    )

    assert "too similar" in response.text


@pytest.mark.parametrize(
    "make_token",
    [
        lambda good: good[:-3] + ("abc" if not good.endswith("abc") else "xyz"),
        lambda good: good[: len(good) // 2],
        lambda good: "not-a-token",
        lambda good: signing.dumps({"invitation": 1}, salt="another.purpose"),
        lambda good: signing.dumps({"invitation": 987654}, salt=invitations.TOKEN_SALT),
        lambda good: signing.dumps({"invitation": "1"}, salt=invitations.TOKEN_SALT),
        lambda good: signing.dumps(["invitation", 1], salt=invitations.TOKEN_SALT),
    ],
    ids=["tampered", "truncated", "garbage", "other-salt", "unknown", "not-an-id", "not-a-dict"],
)
def test_a_tampered_or_unknown_token_gives_the_invalid_page_not_a_500(
    client, send, client_record, make_token
):
    invitation = send(client_record)
    token = make_token(invitations.invitation_token(invitation))

    response = client.post(reverse("clients:invitation_accept", kwargs={"token": token}))

    assert response.status_code == 404
    assert "We could not read this invitation link" in response.text
    client_record.refresh_from_db()
    assert client_record.user is None


def test_changing_the_clients_email_kills_the_link_sent_to_the_old_address(
    client, send, client_record, mailoutbox
):
    send(client_record)
    client_record.email = "the-right-address@example.com"
    client_record.save()

    assert client.get(link_in(mailoutbox[0])).status_code == 410


def test_archiving_the_client_kills_the_link(client, send, client_record, mailoutbox):
    send(client_record)
    client_record.status = Client.Status.ARCHIVED
    client_record.save()

    assert client.get(link_in(mailoutbox[0])).status_code == 410


def test_an_old_link_of_an_accepted_invitation_says_used_rather_than_expired(
    client, send, client_record, mailoutbox
):
    with time_machine.travel(SENT_AT, tick=False):
        send(client_record)
        link = link_in(mailoutbox[0])
        client.post(link, accept_form())
    client.logout()

    with time_machine.travel(SENT_AT + timedelta(days=30), tick=False):
        response = client.get(link)

    assert response.status_code == 410
    assert "already been used" in response.text


# -- someone already has a login -------------------------------------------------------------------


def test_a_login_with_the_invited_address_is_never_taken_over(
    client, coach, send, mailoutbox, password
):
    client_record = ClientFactory(coach=coach, email="shared@example.com")
    ClientUserFactory(email="shared@example.com")
    other_client = ClientFactory(email="shared@example.com")  # another coach's client
    other_client.user = User.objects.get(email="shared@example.com")
    other_client.save()
    send(client_record)

    response = client.post(link_in(mailoutbox[0]), accept_form())

    assert response.status_code == 200
    assert "is already used by another CoachDesk account" in response.text
    assert User.objects.get(email="shared@example.com").check_password(password)
    client_record.refresh_from_db()
    assert client_record.user is None


def test_a_client_login_without_a_record_logs_in_and_joins_with_one_click(
    client, send, client_record, mailoutbox, password
):
    login = ClientUserFactory(email=client_record.email)
    send(client_record)
    link = link_in(mailoutbox[0])

    page = client.get(link)
    assert "Log in with it and you will come straight back here" in page.text
    logged_in = client.post(
        f"{reverse('login')}?next={link}",
        {"username": login.email, "password": password, "next": link},
    )
    assert logged_in.url == link
    assert "Join" in client.get(link).text
    response = client.post(link, follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard:client_home")
    client_record.refresh_from_db()
    assert client_record.user == login


def test_a_logged_in_coach_following_the_link_is_asked_to_log_out_first(
    coach_client, send, client_record, mailoutbox
):
    send(client_record)
    link = link_in(mailoutbox[0])

    response = coach_client.post(link, accept_form())

    assert response.status_code == 200
    assert "Log out first" in response.text
    assert f'name="next" value="{link}"' in response.text
    client_record.refresh_from_db()
    assert client_record.user is None


def test_a_logged_in_coach_with_the_invited_address_cannot_join_as_a_client(
    client, coach, send, mailoutbox
):
    client_record = ClientFactory(coach=coach, email=coach.email)
    send(client_record)
    client.force_login(coach)

    response = client.post(link_in(mailoutbox[0]))

    assert "is already used by another CoachDesk account" in response.text
    client_record.refresh_from_db()
    assert client_record.user is None


def test_the_client_who_accepted_is_taken_home_when_following_the_link_again(
    client, send, client_record, mailoutbox
):
    send(client_record)
    link = link_in(mailoutbox[0])
    client.post(link, accept_form())

    response = client.get(link)

    assert response.status_code == 302
    assert response.url == reverse("home")


# -- the coach's invitation panel ----------------------------------------------------------------


def render_panel(client_record, coach):
    request = RequestFactory().get("/")
    request.user = coach
    invitation = invitation_latest(client=client_record)
    return render_to_string(
        "clients/_invitation_panel.html",
        {"client": client_record, "invitation": invitation, "user": coach},
        request=request,
    )


def test_the_panel_offers_an_invitation_to_a_client_without_one(client_record, coach):
    html = render_panel(client_record, coach)

    assert "No portal account yet." in html
    assert "Send invitation" in html


def test_the_panel_shows_a_pending_invitation_with_its_expiry_and_re_send_and_revoke(
    send, client_record, coach
):
    with time_machine.travel(SENT_AT, tick=False), timezone.override("UTC"):
        send(client_record)
        html = render_panel(client_record, coach)

    assert "Invited on 28 Mar 2025" in html
    assert "works until 4 Apr 2025, 09:00" in html
    assert "Re-send" in html
    assert "<details>" in html
    assert "Yes, revoke the invitation" in html


def test_the_panel_says_when_an_invitation_expired(send, client_record, coach):
    with time_machine.travel(SENT_AT, tick=False):
        send(client_record)
    with time_machine.travel(SENT_AT + timedelta(days=8), tick=False):
        html = render_panel(client_record, coach)

    assert "expired on 4 Apr 2025" in html
    assert "Send a new invitation" in html
    assert "Re-send" not in html


def test_the_panel_shows_an_accepted_invitation_as_a_portal_account(
    client, send, client_record, coach, mailoutbox
):
    send(client_record)
    client.post(link_in(mailoutbox[0]), accept_form())
    client_record.refresh_from_db()

    html = render_panel(client_record, coach)

    assert "Has a portal account since" in html
    assert "<form" not in html
