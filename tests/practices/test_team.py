"""The team page and a member's role, deactivation and reactivation: a practice keeps an
active admin, a viewer has no clients, and a coach with active clients leaves only once they
have another coach, which the deactivation page arranges in the same step."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from clients.models import AuditEvent, Client
from clients.services import client_reassign
from practices.services import membership_change_role, membership_deactivate
from tests.factories import (
    PASSWORD,
    ClientFactory,
    CoachFactory,
    PracticeFactory,
    PracticeInvitationFactory,
)

pytestmark = pytest.mark.django_db

TEAM = reverse("practices:team")


def role_url(user):
    return reverse("practices:member_role", kwargs={"membership_pk": user.membership.pk})


def deactivate_url(user):
    return reverse("practices:member_deactivate", kwargs={"membership_pk": user.membership.pk})


def reactivate_url(user):
    return reverse("practices:member_reactivate", kwargs={"membership_pk": user.membership.pk})


def fresh(user) -> User:
    return User.objects.select_related("membership").get(pk=user.pk)


# -- the team page -------------------------------------------------------------------------------


def test_the_team_page_lists_every_member_with_role_active_clients_and_status(
    admin_client, coach, practice, member, viewer
):
    ClientFactory.create_batch(3, coach=member)
    ClientFactory(coach=member, status=Client.Status.ARCHIVED)
    leaver = CoachFactory(
        name="Ines Moreau", membership__practice=practice, membership__role="coach"
    )
    membership_deactivate(membership=leaver.membership, by=coach)

    page = admin_client.get(TEAM)

    assert page.status_code == 200
    rows = {member.user.name: member for member in page.context["members"]}
    assert {name: (row.role, row.active_client_count) for name, row in rows.items()} == {
        coach.name: ("admin", 0),
        member.name: ("coach", 3),
        viewer.name: ("viewer", 0),
        leaver.name: ("coach", 0),
    }
    assert list(rows)[-1] == leaver.name  # former members come last
    assert "Deactivated" in page.text
    assert f"?coach={leaver.pk}&amp;archived=1" in page.text
    assert f'?coach={member.pk}"' in page.text
    assert "No invitations are waiting for an answer." in page.text


def test_the_team_page_shows_open_invitations_but_not_answered_ones(admin_client, practice):
    PracticeInvitationFactory(practice=practice, email="open@example.com", role="viewer")
    PracticeInvitationFactory(
        practice=practice, email="gone@example.com", revoked_at=timezone.now()
    )

    page = admin_client.get(TEAM)

    assert "open@example.com" in page.text
    assert "gone@example.com" not in page.text
    assert "Re-send" in page.text
    assert "Withdraw" in page.text


def test_the_team_page_costs_the_same_queries_for_a_larger_team(
    admin_client, practice, django_assert_max_num_queries
):
    def add_members(count):
        for _ in range(count):
            ClientFactory(coach=CoachFactory(membership__practice=practice))
            PracticeInvitationFactory(practice=practice)

    add_members(2)
    with django_assert_max_num_queries(20) as small:
        admin_client.get(TEAM)
    add_members(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = admin_client.get(TEAM)

    assert len(page.context["members"]) == 13


@pytest.mark.parametrize(
    "name",
    [
        "practices:team",
        "practices:settings",
    ],
)
def test_a_coach_and_a_viewer_of_the_practice_get_404_on_the_admin_pages(
    client, member, viewer, name
):
    for user in (member, viewer):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 404


def test_a_coach_and_a_viewer_get_404_on_a_members_pages(client, coach, member, viewer):
    target = CoachFactory(membership__practice=coach.membership.practice)
    for user in (member, viewer):
        client.force_login(user)
        assert client.get(role_url(target)).status_code == 404
        assert client.get(deactivate_url(target)).status_code == 404
    assert fresh(target).membership.is_active


def test_another_practices_admin_cannot_open_or_deactivate_a_member(client, other_coach, member):
    client.force_login(other_coach)

    assert client.get(deactivate_url(member)).status_code == 404
    assert client.post(deactivate_url(member)).status_code == 404
    assert fresh(member).is_active


# -- roles ---------------------------------------------------------------------------------------


def test_the_admin_makes_a_coach_an_admin(admin_client, member):
    page = admin_client.get(role_url(member))
    assert page.status_code == 200
    assert "Lena Novak" in page.text

    response = admin_client.post(role_url(member), {"role": "admin"}, follow=True)

    assert response.redirect_chain[-1][0] == TEAM
    assert "Lena Novak is now an admin." in response.text
    assert fresh(member).membership.role == "admin"


def test_the_only_admin_cannot_give_up_the_admin_role(admin_client, coach):
    response = admin_client.post(role_url(coach), {"role": "coach"})

    assert response.status_code == 200
    assert "You are the only admin of" in response.text
    assert fresh(coach).membership.role == "admin"


def test_an_admin_steps_down_when_another_admin_remains_and_goes_home(
    admin_client, coach, second_admin
):
    response = admin_client.post(role_url(coach), {"role": "coach"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard:coach_home")
    assert "You are now a coach of" in response.text
    assert fresh(coach).membership.role == "coach"
    assert admin_client.get(TEAM).status_code == 404


def test_the_only_other_admin_cannot_be_demoted_by_an_admin_who_is_leaving_admin_too(
    coach, second_admin
):
    membership_change_role(membership=second_admin.membership, role="coach", by=coach)

    with pytest.raises(ValidationError, match="You are the only admin"):
        membership_change_role(membership=coach.membership, role="viewer", by=coach)


def test_a_coach_with_active_clients_cannot_become_a_viewer(admin_client, member):
    ClientFactory.create_batch(2, coach=member)

    response = admin_client.post(role_url(member), {"role": "viewer"})

    assert response.status_code == 200
    assert "Lena Novak is the coach of 2 active clients, and a viewer has no clients" in (
        response.text
    )
    assert fresh(member).membership.role == "coach"


def test_a_coach_whose_clients_are_all_archived_can_become_a_viewer(admin_client, member):
    ClientFactory(coach=member, status=Client.Status.ARCHIVED)

    admin_client.post(role_url(member), {"role": "viewer"})

    assert fresh(member).membership.role == "viewer"


def test_an_unknown_role_is_refused(admin_client, member):
    response = admin_client.post(role_url(member), {"role": "owner"})

    assert "Select a valid choice" in response.text
    assert fresh(member).membership.role == "coach"


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the row locks matter on PostgreSQL.")
    practice = PracticeFactory()
    first, second = (
        CoachFactory(membership__practice=practice, membership__role="admin") for _ in range(2)
    )
    both_ready = threading.Barrier(2, timeout=10)
    outcomes = []

    def demote(target, by):
        try:
            both_ready.wait()
            membership_change_role(membership=target.membership, role="coach", by=by)
            outcomes.append("demoted")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(first, second)),
        threading.Thread(target=demote, args=(second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["demoted", "last_admin"]
    assert Membership.objects.filter(practice=practice, role="admin").count() == 1


# -- deactivating --------------------------------------------------------------------------------


def test_deactivating_a_member_without_clients_ends_their_login(client, coach, member):
    client.force_login(coach)
    page = client.get(deactivate_url(member))
    assert page.status_code == 200
    assert "Deactivate Lena Novak?" in page.text

    response = client.post(deactivate_url(member), follow=True)

    assert response.redirect_chain[-1][0] == TEAM
    assert "Lena Novak is deactivated: their login no longer works." in response.text
    member = fresh(member)
    assert not member.is_active
    assert member.membership.deactivated_at is not None
    client.logout()
    assert not client.login(username=member.email, password=PASSWORD)


def test_a_deactivated_members_open_session_ends_on_their_next_page(client, coach, member):
    client.force_login(member)
    membership_deactivate(membership=member.membership, by=coach)

    response = client.get(reverse("clients:caseload"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_page_lists_active_clients_and_offers_only_the_other_active_coaches(
    admin_client, coach, practice, member, second_admin, viewer
):
    ClientFactory(coach=member, name="Priya Shah")
    ClientFactory(coach=member, name="Tom Becker")
    ClientFactory(coach=member, name="Old Archive", status=Client.Status.ARCHIVED)
    gone = CoachFactory(name="Gone Coach", membership__practice=practice)
    membership_deactivate(membership=gone.membership, by=coach)

    page = admin_client.get(deactivate_url(member))

    assert "Lena’s 2 active clients" in page.text
    assert "Priya Shah" in page.text
    assert "Tom Becker" in page.text
    assert "Old Archive" not in page.text
    offered = {label for _, label in page.context["form"].fields["reassign_to"].choices}
    assert offered == {
        "Choose a coach",
        f"{coach.name} ({coach.email})",
        f"{second_admin.name} ({second_admin.email})",
    }
    assert "Move 2 clients and deactivate Lena" in page.text


def test_deactivation_is_refused_while_they_have_active_clients_and_nothing_changes(
    admin_client, member, mailoutbox
):
    clients = ClientFactory.create_batch(2, coach=member)

    response = admin_client.post(deactivate_url(member), {"reassign_to": ""})

    assert response.status_code == 200
    assert "Choose who takes over their clients" in response.text
    assert fresh(member).membership.is_active
    assert {
        client.coach_id for client in Client.objects.filter(pk__in=[c.pk for c in clients])
    } == {member.pk}
    with pytest.raises(ValidationError, match="Choose who takes over each of them"):
        membership_deactivate(membership=member.membership, by=member)


def test_deactivating_moves_every_active_client_to_the_chosen_coach_in_the_same_step(
    admin_client, coach, member, second_admin, mailoutbox, django_capture_on_commit_callbacks
):
    priya = ClientFactory(coach=member, name="Priya Shah")
    tom = ClientFactory(coach=member, name="Tom Becker")
    archived = ClientFactory(coach=member, status=Client.Status.ARCHIVED)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            deactivate_url(member),
            {"reassign_to": second_admin.pk, f"client_{tom.pk}": coach.pk},
            follow=True,
        )

    assert "Lena Novak is deactivated and their 2 active clients moved" in response.text
    priya.refresh_from_db()
    tom.refresh_from_db()
    archived.refresh_from_db()
    assert (priya.coach, tom.coach, archived.coach) == (second_admin, coach, member)
    assert not fresh(member).is_active
    assert sorted(message.to[0] for message in mailoutbox) == sorted([priya.email, tom.email])
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CLIENT_REASSIGNED).count() == 2


def test_a_reassignment_that_fails_changes_nothing_and_says_why(admin_client, member, second_admin):
    priya = ClientFactory(coach=member, name="Priya Shah")
    tom = ClientFactory(coach=member, name="Tom Becker", email="tom@example.com")
    ClientFactory(coach=second_admin, email="tom@example.com")  # the new coach has him already

    response = admin_client.post(deactivate_url(member), {"reassign_to": second_admin.pk})

    assert response.status_code == 200
    assert f"{second_admin.name} already has a client with the address tom@example.com" in (
        response.text
    )
    priya.refresh_from_db()
    tom.refresh_from_db()
    assert (priya.coach, tom.coach) == (member, member)
    assert fresh(member).membership.is_active
    assert not AuditEvent.objects.exists()


def test_a_client_added_after_the_page_was_shown_moves_too(coach, member, second_admin):
    shown = ClientFactory(coach=member)
    added_since = ClientFactory(coach=member)

    membership_deactivate(
        membership=member.membership,
        by=coach,
        reassign_to=second_admin,
        reassign_each={shown.pk: coach},
    )

    assert Client.objects.get(pk=shown.pk).coach == coach
    assert Client.objects.get(pk=added_since.pk).coach == second_admin


def test_the_deactivation_page_of_the_only_admin_says_to_make_another_admin_first(
    admin_client, coach, member
):
    ClientFactory(coach=coach)

    page = admin_client.get(deactivate_url(coach))

    assert "You are the only admin of" in page.text
    assert "Make another member an admin first." in page.text
    assert "Move 1 client" not in page.text


def test_the_only_admin_cannot_deactivate_themselves(admin_client, coach):
    response = admin_client.post(deactivate_url(coach))

    assert response.status_code == 200
    assert "You are the only admin of" in response.text
    assert fresh(coach).is_active


def test_an_admin_who_deactivates_themselves_is_logged_out(admin_client, coach, second_admin):
    response = admin_client.post(deactivate_url(coach), follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert "your login no longer works" in response.text
    assert not fresh(coach).is_active
    assert "_auth_user_id" not in admin_client.session


def test_an_archived_client_of_a_former_member_can_still_be_given_to_another_coach(
    coach, member, second_admin
):
    archived = ClientFactory(coach=member, status=Client.Status.ARCHIVED)
    membership_deactivate(membership=member.membership, by=coach)
    archived = Client.objects.select_related("coach").get(pk=archived.pk)

    client_reassign(client=archived, to_coach=second_admin, by=coach)

    assert Client.objects.get(pk=archived.pk).coach == second_admin


def test_an_admin_still_sees_the_archived_clients_of_a_former_member(admin_client, coach, member):
    archived = ClientFactory(coach=member, status=Client.Status.ARCHIVED)
    membership_deactivate(membership=member.membership, by=coach)

    page = admin_client.get(reverse("clients:client_detail", kwargs={"client_pk": archived.pk}))

    assert page.status_code == 200


# -- reactivating --------------------------------------------------------------------------------


def test_reactivating_lets_them_log_in_again_with_the_same_role(client, coach, practice):
    leaver = CoachFactory(membership__practice=practice, membership__role="coach")
    membership_deactivate(membership=leaver.membership, by=coach)
    client.force_login(coach)
    assert "Reactivate" in client.get(TEAM).text

    response = client.post(reactivate_url(leaver), follow=True)

    assert f"{leaver.name} can log in again, as a coach." in response.text
    leaver = fresh(leaver)
    assert leaver.is_active
    assert leaver.membership.is_active
    assert leaver.membership.role == "coach"
    client.logout()
    assert client.login(username=leaver.email, password=PASSWORD)


def test_reactivating_an_active_member_changes_nothing(admin_client, member):
    response = admin_client.post(reactivate_url(member), follow=True)

    assert "Lena Novak is active already." in response.text
    assert admin_client.get(reactivate_url(member)).status_code == 405
