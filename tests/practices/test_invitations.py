"""Joining a practice by invitation: the admin invites from the team page; the link is signed,
expires after a week, works once, and a newer one or a withdrawal kills it; accepting makes a
new login with the invited role; an address that has a login already is refused."""

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
from django.urls import reverse

from accounts.models import Membership, PracticeInvitation, User
from clients import invitations as client_invitations
from practices import invitations
from practices.invitations import (
    InvitationLinkUsed,
    invitation_from_token,
    invitation_token,
    practice_invitation_accept,
    practice_invitation_send,
)
from tests.factories import (
    ClientUserFactory,
    CoachFactory,
    PracticeFactory,
    PracticeInvitationFactory,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-quiet-walk-by-the-river"
SENT_AT = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)  # a Friday; Berlin moves to CEST on 29 March
TEAM = reverse("practices:team")


@pytest.fixture
def invite(django_capture_on_commit_callbacks, coach, practice):
    """Invite an address to the coach's practice, running the after-commit email."""

    def invite(email="lena@example.com", role="coach", name="Lena Novak"):
        with django_capture_on_commit_callbacks(execute=True):
            return practice_invitation_send(
                practice=practice, email=email, name=name, role=role, by=coach
            )

    return invite


def link_in(message) -> str:
    """The path of the invitation link in an email's text body."""
    url = next(word for word in message.body.split() if word.startswith(settings.SITE_URL))
    return urlsplit(url).path


def join_form(**changes):
    return {
        "name": "Lena Novak",
        "timezone": "Europe/Berlin",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **changes,
    }


def invite_form(**changes):
    return {
        "invite-email": "lena@example.com",
        "invite-name": "Lena Novak",
        "invite-role": "coach",
        **changes,
    }


# -- inviting ------------------------------------------------------------------------------------


def test_the_email_names_the_practice_and_who_invited_and_is_multipart(
    invite, coach, practice, mailoutbox
):
    invite(role="viewer")

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["lena@example.com"]
    assert message.reply_to == [coach.email]
    assert coach.name in message.from_email
    assert message.subject == f"{coach.name} invited you to join {practice.name} on CoachDesk"
    assert f"to join {practice.name} on CoachDesk" in message.body
    assert "Your role: Viewer." in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    link = link_in(message)
    assert link.startswith("/practice/join/")
    assert f'href="{settings.SITE_URL}{link}"' in html
    assert practice.name in html


def test_the_email_gives_the_expiry_in_the_practices_time_across_a_dst_change(
    invite, practice, mailoutbox
):
    practice.timezone = "Europe/Berlin"
    practice.save()
    with time_machine.travel(SENT_AT, tick=False):
        invite()

    # Sent 10:00 in Berlin (CET); a week later Berlin is on summer time, so 11:00.
    assert "until Friday 3 April, 11:00 (Europe/Berlin time)" in mailoutbox[0].body


def test_the_email_goes_out_only_once_the_invitation_is_committed(
    django_capture_on_commit_callbacks, coach, practice, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        practice_invitation_send(practice=practice, email="a@example.com", role="coach", by=coach)

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_the_admin_invites_from_the_team_page_and_sees_the_invitation_waiting(
    admin_client, practice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            TEAM, invite_form(**{"invite-email": " Lena@Example.com "}), follow=True
        )

    assert response.redirect_chain == [(TEAM, 302)]
    assert "Invitation sent to lena@example.com." in response.text
    assert len(mailoutbox) == 1
    invitation = practice.invitations.get()
    assert (invitation.email, invitation.name, invitation.role) == (
        "lena@example.com",
        "Lena Novak",
        "coach",
    )
    assert "Open invitations" in response.text
    assert "No invitations are waiting" not in response.text


def test_a_refused_invitation_re_renders_the_team_page_with_what_was_typed(
    admin_client, practice, mailoutbox
):
    CoachFactory(email="taken@example.com")  # the admin of another practice

    response = admin_client.post(
        TEAM,
        invite_form(**{"invite-email": "taken@example.com", "invite-name": "T. Aken"}),
    )

    assert response.status_code == 200
    assert "taken@example.com already has a CoachDesk login" in response.text
    assert 'value="taken@example.com"' in response.text
    assert 'value="T. Aken"' in response.text
    assert not practice.invitations.exists()
    assert mailoutbox == []


def test_an_invalid_address_or_role_re_renders_with_the_errors(admin_client, practice):
    response = admin_client.post(
        TEAM, invite_form(**{"invite-email": "not an address", "invite-role": "owner"})
    )

    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    assert "Select a valid choice" in response.text
    assert not practice.invitations.exists()


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("member", "is already a member of"),
        ("former member", "is a former member of"),
        ("another practice's coach", "already has a CoachDesk login"),
        ("a client's login", "already has a CoachDesk login"),
    ],
)
def test_an_address_that_already_has_a_login_cannot_be_invited(coach, practice, who, message):
    if who == "member":
        existing = CoachFactory(membership__practice=practice, membership__role="coach")
    elif who == "former member":
        existing = CoachFactory(membership__practice=practice, membership__role="coach")
        existing.membership.deactivated_at = SENT_AT
        existing.membership.save()
    elif who == "another practice's coach":
        existing = CoachFactory()
    else:
        existing = ClientUserFactory()

    with pytest.raises(ValidationError, match=message):
        practice_invitation_send(
            practice=practice, email=existing.email.upper(), role="coach", by=coach
        )

    assert not practice.invitations.exists()


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_failure_tells_the_admin_to_re_send(client, coach, practice, monkeypatch):
    def refuse(message, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    client.force_login(coach)

    response = client.post(TEAM, invite_form(), follow=True)

    assert "could not be sent just now" in response.text
    assert practice.invitations.get().is_pending


# -- the link ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "home"),
    [
        ("coach", "dashboard:coach_home"),
        ("admin", "dashboard:coach_home"),
        ("viewer", "dashboard:practice_home"),
    ],
)
def test_following_the_link_makes_a_login_and_a_membership_with_the_invited_role(
    client, invite, practice, mailoutbox, role, home
):
    invite(role=role)
    link = link_in(mailoutbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert f"Join {practice.name}" in page.text
    assert 'value="Lena Novak"' in page.text
    response = client.post(link, join_form(name="Lena N."), follow=True)

    assert response.redirect_chain[-1][0] == reverse(home)
    assert f"Welcome to {practice.name}, Lena!" in response.text
    user = User.objects.get(email="lena@example.com")
    assert user.role == User.Role.COACH
    assert user.name == "Lena N."
    assert user.timezone == "Europe/Berlin"
    assert user.check_password(NEW_PASSWORD)
    assert (user.membership.practice, user.membership.role) == (practice, role)
    assert user.membership.is_active
    assert int(client.session["_auth_user_id"]) == user.pk
    assert practice.invitations.get().accepted_at is not None


def test_joining_a_practice_that_requires_two_factor_leads_to_its_set_up(
    client, invite, practice, mailoutbox
):
    practice.require_two_factor = True
    practice.save()
    invite()

    response = client.post(link_in(mailoutbox[0]), join_form(), follow=True)

    assert response.redirect_chain[-1][0] == reverse("two_factor_setup")
    assert "Your account needs two-factor login" in response.text


def test_the_join_page_offers_the_practices_timezone(client, invite, practice, mailoutbox):
    practice.timezone = "Europe/Berlin"
    practice.save()
    invite()

    page = client.get(link_in(mailoutbox[0]))

    assert '<option value="Europe/Berlin" selected>' in page.text


def test_after_seven_days_the_link_is_refused_as_expired(client, invite, coach, mailoutbox):
    with time_machine.travel(SENT_AT, tick=False):
        invite()
    link = link_in(mailoutbox[0])

    with time_machine.travel(SENT_AT + timedelta(days=7, minutes=1), tick=False):
        response = client.post(link, join_form())

    assert response.status_code == 410
    assert "This invitation has expired" in response.text
    assert coach.email in response.text
    assert not User.objects.filter(email="lena@example.com").exists()


def test_the_link_still_works_just_before_seven_days(client, invite, mailoutbox):
    with time_machine.travel(SENT_AT, tick=False):
        invite()
    link = link_in(mailoutbox[0])

    with time_machine.travel(SENT_AT + timedelta(days=6, hours=23), tick=False):
        response = client.post(link, join_form())

    assert response.status_code == 302
    assert User.objects.filter(email="lena@example.com").exists()


def test_re_sending_from_the_team_page_kills_the_old_link(
    client, invite, coach, practice, mailoutbox, django_capture_on_commit_callbacks
):
    first = invite()
    client.force_login(coach)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("practices:invitation_resend", kwargs={"invitation_pk": first.pk}),
            follow=True,
        )
    client.logout()

    assert "A new invitation is on its way to lena@example.com" in response.text
    old_link, new_link = link_in(mailoutbox[0]), link_in(mailoutbox[1])
    refused = client.get(old_link)
    assert refused.status_code == 410
    assert "no longer works" in refused.text
    assert client.get(new_link).status_code == 200
    assert practice.invitations.filter(revoked_at__isnull=True).count() == 1


def test_inviting_the_same_address_again_kills_the_old_link(client, invite, mailoutbox):
    invite(role="coach")
    invite(role="admin")

    assert client.get(link_in(mailoutbox[0])).status_code == 410
    client.post(link_in(mailoutbox[1]), join_form())
    assert User.objects.get(email="lena@example.com").membership.role == "admin"


def test_an_expired_invitation_is_listed_as_expired_and_re_sending_gives_a_working_link(
    client, invite, coach, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(SENT_AT, tick=False):
        invitation = invite()
    later = SENT_AT + timedelta(days=9)

    with time_machine.travel(later, tick=False):
        client.force_login(coach)
        assert "Expired" in client.get(TEAM).text
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("practices:invitation_resend", kwargs={"invitation_pk": invitation.pk})
            )
        client.logout()
        response = client.post(link_in(mailoutbox[1]), join_form())

    assert response.status_code == 302
    assert User.objects.filter(email="lena@example.com").exists()


def test_a_withdrawn_invitation_is_refused(client, invite, coach, mailoutbox):
    invitation = invite()
    link = link_in(mailoutbox[0])
    client.force_login(coach)
    response = client.post(
        reverse("practices:invitation_revoke", kwargs={"invitation_pk": invitation.pk}),
        follow=True,
    )
    assert "Invitation withdrawn" in response.text
    assert "No invitations are waiting for an answer." in response.text
    client.logout()

    refused = client.post(link, join_form())

    assert refused.status_code == 410
    assert "It was withdrawn, or replaced by a newer invitation" in refused.text
    assert not User.objects.filter(email="lena@example.com").exists()


def test_withdrawing_an_invitation_that_was_accepted_meanwhile_says_so(
    admin_client, invite, mailoutbox
):
    invitation = invite()
    practice_invitation_accept(
        invitation=invitation, name="Lena", password=NEW_PASSWORD, timezone="UTC"
    )

    response = admin_client.post(
        reverse("practices:invitation_revoke", kwargs={"invitation_pk": invitation.pk}),
        follow=True,
    )

    assert "was no longer open" in response.text
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_used_link_cannot_be_used_twice(client, invite, mailoutbox):
    invite()
    link = link_in(mailoutbox[0])
    client.post(link, join_form())
    client.logout()

    again = client.post(link, join_form(password1="another-long-phrase-9", password2="x"))

    assert again.status_code == 410
    assert "already been used" in again.text
    assert User.objects.filter(email="lena@example.com").count() == 1


def test_the_person_who_joined_is_taken_home_when_following_the_link_again(
    client, invite, mailoutbox
):
    invite()
    link = link_in(mailoutbox[0])
    client.post(link, join_form())

    response = client.get(link, follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard:coach_home")
    assert "You are already a member of" in response.text


def test_a_double_submit_creates_one_login(invite):
    invitation = invite()
    # Both requests read the link while it was still pending.
    first = invitation_from_token(invitation_token(invitation))
    second = invitation_from_token(invitation_token(invitation))

    practice_invitation_accept(invitation=first, name="Lena", password=NEW_PASSWORD, timezone="UTC")
    with pytest.raises(InvitationLinkUsed):
        practice_invitation_accept(
            invitation=second, name="Lena", password=NEW_PASSWORD, timezone="UTC"
        )

    assert User.objects.filter(email="lena@example.com").count() == 1
    assert Membership.objects.filter(user__email="lena@example.com").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_practices_accepted_at_the_same_moment_make_one_login():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the row locks matter on PostgreSQL.")
    tokens = [
        invitation_token(PracticeInvitationFactory(practice=PracticeFactory(), email="x@ex.com"))
        for _ in range(2)
    ]
    both_read_the_link = threading.Barrier(2, timeout=10)
    outcomes = []

    def accept(token):
        try:
            found = invitation_from_token(token)
            both_read_the_link.wait()
            practice_invitation_accept(
                invitation=found, name="X", password=NEW_PASSWORD, timezone="UTC"
            )
            outcomes.append("joined")
        except ValidationError as error:
            outcomes.append(error.code)
        except Exception as error:  # any other outcome fails the assertion below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["account_exists", "joined"]
    assert User.objects.filter(email="x@ex.com").count() == 1
    assert Membership.objects.filter(user__email="x@ex.com").count() == 1


def test_a_login_made_for_the_address_after_the_invitation_is_never_taken_over(
    client, invite, mailoutbox
):
    invite()
    someone = ClientUserFactory(email="lena@example.com")
    link = link_in(mailoutbox[0])

    page = client.get(link)
    assert "already has a CoachDesk login" in page.text
    assert 'name="password1"' not in page.text
    client.post(link, join_form())

    someone.refresh_from_db()
    assert someone.check_password("correct-horse-battery")
    assert someone.role == User.Role.CLIENT
    assert not Membership.objects.filter(user=someone).exists()
    assert "_auth_user_id" not in client.session


def test_a_logged_in_user_following_the_link_is_asked_to_log_out_first(
    client, invite, other_coach, mailoutbox
):
    invite()
    client.force_login(other_coach)

    page = client.get(link_in(mailoutbox[0]))

    assert page.status_code == 200
    assert "Log out and continue" in page.text
    assert not User.objects.filter(email="lena@example.com").exists()


@pytest.mark.parametrize(
    ("passwords", "error"),
    [
        ({"password1": "password", "password2": "password"}, "This password is too common"),
        ({"password2": "not-the-same-one"}, "The two password fields didn’t match"),
    ],
)
def test_a_weak_or_mismatched_password_re_renders_with_errors_and_keeps_the_name_typed(
    client, invite, mailoutbox, passwords, error
):
    invite()

    response = client.post(link_in(mailoutbox[0]), join_form(name="Lena Q. Novak", **passwords))

    assert response.status_code == 200
    assert error in response.text
    assert 'value="Lena Q. Novak"' in response.text
    assert not User.objects.filter(email="lena@example.com").exists()


@pytest.mark.parametrize(
    "make_token",
    [
        lambda good: good[:-3] + ("abc" if not good.endswith("abc") else "xyz"),
        lambda good: good[: len(good) // 2],
        lambda good: "not-a-token",
        lambda good: signing.dumps({"practice_invitation": 1}, salt=client_invitations.TOKEN_SALT),
        lambda good: signing.dumps({"practice_invitation": 987654}, salt=invitations.TOKEN_SALT),
        lambda good: signing.dumps({"practice_invitation": "1"}, salt=invitations.TOKEN_SALT),
    ],
    ids=["tampered", "truncated", "garbage", "client-invitation-salt", "unknown", "not-an-id"],
)
def test_a_tampered_or_unknown_token_gives_the_invalid_page_not_a_500(client, invite, make_token):
    token = make_token(invitation_token(invite()))

    response = client.post(reverse("practices:invitation_accept", kwargs={"token": token}))

    assert response.status_code == 404
    assert "We could not read this invitation link" in response.text
    assert not User.objects.filter(email="lena@example.com").exists()


# -- who may manage invitations ------------------------------------------------------------------


@pytest.mark.parametrize("action", ["invitation_resend", "invitation_revoke"])
def test_a_coach_or_viewer_of_the_practice_gets_404_and_the_invitation_stays(
    client, practice, member, viewer, action
):
    invitation = PracticeInvitationFactory(practice=practice)
    url = reverse(f"practices:{action}", kwargs={"invitation_pk": invitation.pk})

    client.force_login(member)
    assert client.post(url).status_code == 404
    client.force_login(viewer)
    assert client.post(url).status_code == 403  # a viewer changes nothing, anywhere
    assert client.get(url).status_code == 405

    invitation.refresh_from_db()
    assert invitation.is_pending
    assert PracticeInvitation.objects.count() == 1


@pytest.mark.django_db
# The same address, and one that differs in case only: the email field's uniqueness check
# catches the first, the case-blind constraint (a non-field error) the second.
@pytest.mark.parametrize("other_login", ["y@ex.com", "Y@ex.com"])
def test_a_login_made_between_the_check_and_the_insert_is_the_same_clear_refusal(
    monkeypatch, other_login
):
    """The race of the test above, made certain: the other practice's login commits after the
    existing-login check and before create_user validates the address."""
    found = invitation_from_token(
        invitation_token(PracticeInvitationFactory(practice=PracticeFactory(), email="y@ex.com"))
    )
    ClientUserFactory(email=other_login)
    monkeypatch.setattr(invitations, "existing_login", lambda email: None)

    with pytest.raises(ValidationError) as refused:
        practice_invitation_accept(
            invitation=found, name="Y", password=NEW_PASSWORD, timezone="UTC"
        )

    assert refused.value.code == "account_exists"
    assert Membership.objects.filter(user__email="y@ex.com").count() == 0


@pytest.mark.django_db
def test_after_a_refused_insert_only_the_same_address_counts_as_taken(monkeypatch):
    """The refusal after a failed insert reads the address as the case-blind constraint does
    (LOWER, against the normalized spelling), not with __iexact, whose UPPER() makes "yı@…" the
    same as "yi@…" on PostgreSQL: another reason for the failure is reported as it is."""
    found = invitation_from_token(
        invitation_token(PracticeInvitationFactory(practice=PracticeFactory(), email="yi@ex.com"))
    )
    ClientUserFactory(email="yı@ex.com")

    def refuse(**fields):
        raise ValidationError({"name": "Not this name."})

    monkeypatch.setattr(User.objects, "create_user", refuse)

    with pytest.raises(ValidationError) as refused:
        practice_invitation_accept(
            invitation=found, name="Y", password=NEW_PASSWORD, timezone="UTC"
        )

    assert refused.value.message_dict == {"name": ["Not this name."]}
