"""The practice rules of clients/access.py beyond the URL walk (tests/test_access.py): what each
role's caseload holds, the page cache's audience, viewers' own account, the membership read with
the user, and two-factor required per practice."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Membership
from clients import access
from clients.models import Client, ClientShare, Contact
from tests.factories import (
    PASSWORD,
    ClientFactory,
    CoachFactory,
    ContactFactory,
    PortalClientFactory,
    PracticeFactory,
)

pytestmark = pytest.mark.django_db
ROLE = Membership.Role
CACHED_BACKEND = "accounts.backends.CachedModelBackend"


@pytest.fixture
def practice():
    return PracticeFactory(name="Northstar Careers")


def member(practice, role, **kwargs):
    return CoachFactory(membership__practice=practice, membership__role=role, **kwargs)


def test_a_coach_lists_their_own_and_shared_clients_and_an_admin_chooses_whose(practice):
    admin, maya, sofia = (member(practice, role) for role in (ROLE.ADMIN, ROLE.COACH, ROLE.COACH))
    mine = ClientFactory(coach=maya, name="Own")
    shared = ClientFactory(coach=sofia, name="Shared")
    hers = ClientFactory(coach=sofia, name="Hers")
    ClientShare.objects.create(client=shared, coach=maya)
    elsewhere = ClientFactory(name="Elsewhere")

    assert set(Client.objects.caseload_of(maya)) == {mine, shared}
    assert set(Client.objects.visible_to(maya)) == {mine, shared}
    assert set(Client.objects.visible_to(admin)) == {mine, shared, hers}
    assert elsewhere not in Client.objects.visible_to(admin)

    clients, whose = access.caseload_to_list(admin, str(sofia.pk))
    assert (set(clients), whose) == ({shared, hers}, str(sofia.pk))
    # A coach's caseload as the admin lists it holds what is shared with them, as theirs does.
    clients, _ = access.caseload_to_list(admin, str(maya.pk))
    assert set(clients) == {mine, shared}
    clients, whose = access.caseload_to_list(admin, access.EVERYONE)
    assert set(clients) == {mine, shared, hers}
    # Another practice's coach is not a choice: the admin's own caseload instead.
    clients, whose = access.caseload_to_list(admin, str(elsewhere.coach_id))
    assert (list(clients), whose) == ([], "")
    # A coach cannot choose at all.
    clients, whose = access.caseload_to_list(maya, access.EVERYONE)
    assert (set(clients), whose) == ({mine, shared}, "")


def test_rows_under_a_client_follow_the_same_rule(practice):
    maya, sofia, viewer = (member(practice, r) for r in (ROLE.COACH, ROLE.COACH, ROLE.VIEWER))
    contact = ContactFactory(client=ClientFactory(coach=sofia))

    assert not Contact.objects.visible_to(maya).exists()
    assert list(Contact.objects.visible_to(viewer)) == [contact]
    ClientShare.objects.create(client=contact.client, coach=maya)
    assert list(Contact.objects.visible_to(maya)) == [contact]


def test_a_deactivated_member_sees_nothing(practice):
    admin = member(practice, ROLE.ADMIN)
    ClientFactory(coach=admin)
    Membership.objects.filter(user=admin).update(deactivated_at="2026-01-01T00:00Z")
    admin.refresh_from_db()

    assert not Client.objects.visible_to(admin).exists()
    assert not access.works_on_clients(admin)


def test_the_caseload_page_lets_an_admin_pick_a_coach_and_a_viewer_starts_with_everyone(
    client, practice
):
    admin, sofia, viewer = (member(practice, r) for r in (ROLE.ADMIN, ROLE.COACH, ROLE.VIEWER))
    ClientFactory(coach=admin, name="Amir Haddad")
    ClientFactory(coach=sofia, name="Noah Fischer")
    url = reverse("clients:caseload")

    client.force_login(admin)
    own = client.get(url).text
    assert "Amir Haddad" in own
    assert "Noah Fischer" not in own
    hers = client.get(url, {"coach": sofia.pk}).text
    assert "Noah Fischer" in hers
    assert "Amir Haddad" not in hers

    client.force_login(viewer)
    page = client.get(url).text
    assert "Amir Haddad" in page
    assert "Noah Fischer" in page
    assert "Add a client" not in page


def test_a_viewer_may_still_log_out_and_change_their_own_password(client, practice):
    viewer = member(practice, ROLE.VIEWER)
    client.force_login(viewer)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-pass",
            "new_password2": "a-new-long-pass",
        },
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.check_password("a-new-long-pass")
    assert client.post(reverse("logout")).status_code == 302


def test_a_viewer_who_tries_to_change_a_client_is_told_why_and_nothing_changes(client, practice):
    viewer = member(practice, ROLE.VIEWER)
    record = ClientFactory(coach=member(practice, ROLE.COACH), name="Noah Fischer")
    client.force_login(viewer)

    response = client.post(
        reverse("clients:client_edit", kwargs={"client_pk": record.pk}),
        {"name": "Changed", "email": record.email, "timezone": "UTC"},
    )

    assert response.status_code == 403
    assert "You can read this, not change it" in response.text
    record.refresh_from_db()
    assert record.name == "Noah Fischer"


def test_a_viewer_lands_on_the_practice_home(client, practice):
    client.force_login(member(practice, ROLE.VIEWER))

    assert client.get(reverse("home")).url == reverse("dashboard:practice_home")


def test_a_write_drops_the_pages_of_everyone_who_sees_the_client_and_no_one_else(practice):
    admin, maya, sofia, viewer = (
        member(practice, r) for r in (ROLE.ADMIN, ROLE.COACH, ROLE.COACH, ROLE.VIEWER)
    )
    shared = PortalClientFactory(coach=sofia)
    ClientShare.objects.create(client=shared, coach=maya)
    outsider = CoachFactory()
    outsider_client = PortalClientFactory(coach=outsider)

    by_maya = set(access.users_sharing_caseload(maya))
    assert {maya.pk, sofia.pk, admin.pk, viewer.pk, shared.user_id} <= by_maya
    assert by_maya.isdisjoint({outsider.pk, outsider_client.user_id})

    by_client = set(access.users_sharing_caseload(shared.user))
    assert {shared.user_id, sofia.pk, maya.pk, admin.pk, viewer.pk} <= by_client
    assert by_client.isdisjoint({outsider.pk, outsider_client.user_id})
    assert set(access.users_sharing_caseload(outsider)) == {outsider.pk, outsider_client.user_id}


@pytest.fixture
def real_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


def test_the_membership_comes_with_the_cached_user_and_a_new_role_applies_at_once(
    client, practice, real_cache
):
    maya = member(practice, ROLE.ADMIN)
    client.force_login(maya, backend=CACHED_BACKEND)
    assert client.get(reverse("practices:team")).status_code == 200

    membership = Membership.objects.get(user=maya)
    membership.role = ROLE.COACH
    membership.save()

    assert client.get(reverse("practices:team")).status_code == 404


def test_a_practice_that_requires_two_factor_sends_its_members_to_set_it_up(
    client, practice, real_cache
):
    sofia = member(practice, ROLE.COACH)
    other = CoachFactory()
    client.force_login(sofia, backend=CACHED_BACKEND)
    assert client.get(reverse("clients:caseload")).status_code == 200

    practice.require_two_factor = True
    practice.save()

    response = client.get(reverse("clients:caseload"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup"))
    client.force_login(other, backend=CACHED_BACKEND)
    assert client.get(reverse("clients:caseload")).status_code == 200
