"""The practice's settings page: its name, timezone and whether every member must use
two-factor login, which the member then meets on their next page."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Practice
from tests.factories import TOTPDeviceFactory

pytestmark = pytest.mark.django_db

SETTINGS = reverse("practices:settings")


def settings_form(**changes):
    return {"name": "Northside Careers", "timezone": "Europe/Dublin", **changes}


def test_the_admin_renames_the_practice_and_changes_its_timezone(admin_client, practice):
    page = admin_client.get(SETTINGS)
    assert page.status_code == 200
    assert "What requiring two-factor login means for your team" in page.text

    response = admin_client.post(SETTINGS, settings_form(), follow=True)

    assert response.redirect_chain == [(SETTINGS, 302)]
    assert "Practice settings saved." in response.text
    practice.refresh_from_db()
    assert (practice.name, practice.timezone, practice.require_two_factor) == (
        "Northside Careers",
        "Europe/Dublin",
        False,
    )


def test_an_empty_name_or_unknown_timezone_re_renders_with_errors_and_saves_nothing(
    admin_client, practice
):
    before = practice.name

    response = admin_client.post(SETTINGS, settings_form(name="", timezone="Mars/Olympus"))

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Select a valid choice" in response.text
    assert Practice.objects.get(pk=practice.pk).name == before


def test_the_page_names_the_members_who_have_not_set_up_two_factor(
    admin_client, coach, member, second_admin
):
    TOTPDeviceFactory(user=second_admin)

    page = admin_client.get(SETTINGS)

    assert [user.name for user in page.context["without_two_factor"]] == sorted(
        [coach.name, member.name]
    )
    assert "you will be taken to the set-up page first" in page.text


def test_after_requiring_two_factor_a_member_without_it_is_sent_to_enrolment_on_their_next_page(
    admin_client, practice, member
):
    client = Client()  # the member's browser; admin_client is the admin's
    client.force_login(member)
    assert client.get(reverse("clients:caseload")).status_code == 200

    admin_client.post(SETTINGS, settings_form(require_two_factor="on"))

    assert Practice.objects.get(pk=practice.pk).require_two_factor
    response = client.get(reverse("clients:caseload"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("two_factor_setup")
    assert "Your account needs two-factor login" in response.text


def test_a_member_who_has_two_factor_keeps_working_when_it_becomes_required(
    admin_client, member, force_login_verified
):
    client = Client()
    force_login_verified(client, member)

    admin_client.post(SETTINGS, settings_form(require_two_factor="on"))

    assert client.get(reverse("clients:caseload")).status_code == 200


def test_the_admin_without_two_factor_who_requires_it_is_taken_to_enrolment(admin_client):
    response = admin_client.post(SETTINGS, settings_form(require_two_factor="on"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("two_factor_setup")


def test_another_practice_is_not_affected(admin_client, other_coach):
    client = Client()
    client.force_login(other_coach)

    admin_client.post(SETTINGS, settings_form(require_two_factor="on"))

    assert client.get(reverse("clients:caseload")).status_code == 200
