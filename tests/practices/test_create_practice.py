"""`manage.py create_practice`: a practice and its first admin's invitation link, for the
operator to send; the link works like any invitation's."""

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import Practice, PracticeInvitation, User
from tests.factories import ClientUserFactory, CoachFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-quiet-walk-by-the-river"


def create_practice(*args) -> str:
    out = StringIO()
    call_command("create_practice", *args, stdout=out)
    return out.getvalue()


def link_in(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(settings.SITE_URL))


def test_it_creates_the_practice_and_prints_a_link_that_makes_the_first_admin(client):
    output = create_practice(
        "--name",
        "Northside Careers",
        "--admin-email",
        "Ada@Example.com",
        "--admin-name",
        "Ada Byrne",
        "--timezone",
        "Europe/Dublin",
    )

    assert "Created the practice “Northside Careers” (Europe/Dublin)." in output
    assert "Send this link to ada@example.com" in output
    assert "(Europe/Dublin time)" in output
    practice = Practice.objects.get(name="Northside Careers")
    assert practice.timezone == "Europe/Dublin"
    invitation = practice.invitations.get()
    assert (invitation.email, invitation.name, invitation.role) == (
        "ada@example.com",
        "Ada Byrne",
        "admin",
    )
    link = urlsplit(link_in(output)).path
    page = client.get(link)
    assert 'value="Ada Byrne"' in page.text
    client.post(
        link,
        {
            "name": "Ada Byrne",
            "timezone": "Europe/Dublin",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    admin = User.objects.get(email="ada@example.com")
    assert admin.is_coach
    assert (admin.membership.practice, admin.membership.role) == (practice, "admin")


def test_it_sends_no_email(mailoutbox):
    create_practice("--name", "Quiet Practice", "--admin-email", "q@example.com")

    assert mailoutbox == []


@pytest.mark.parametrize("existing", [CoachFactory, ClientUserFactory])
def test_an_address_that_already_has_a_login_is_refused_and_nothing_is_created(existing):
    existing(email="taken@example.com")

    with pytest.raises(CommandError, match="taken@example.com already has a CoachDesk login"):
        create_practice("--name", "New Practice", "--admin-email", "taken@example.com")

    assert not Practice.objects.filter(name="New Practice").exists()
    assert not PracticeInvitation.objects.exists()


def test_an_unknown_timezone_is_refused():
    with pytest.raises(CommandError, match="is not a known timezone"):
        create_practice("--name", "P", "--admin-email", "p@example.com", "--timezone", "Mars/Base")

    assert not Practice.objects.filter(name="P").exists()


def test_running_it_again_before_anyone_joined_gives_a_new_link_for_the_same_practice(client):
    first = create_practice("--name", "Northside", "--admin-email", "ada@example.com")

    second = create_practice("--name", "Northside", "--admin-email", "ada@example.com")

    assert "nobody has joined it yet" in second
    assert Practice.objects.filter(name="Northside").count() == 1
    assert client.get(urlsplit(link_in(first)).path).status_code == 410
    assert client.get(urlsplit(link_in(second)).path).status_code == 200


def test_a_practice_that_has_members_is_not_created_again(coach):
    with pytest.raises(CommandError, match="exists already and has members"):
        create_practice("--name", coach.membership.practice.name, "--admin-email", "n@example.com")

    assert not PracticeInvitation.objects.exists()
