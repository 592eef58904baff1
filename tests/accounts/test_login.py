import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

LOGIN = "/accounts/login/"


@pytest.mark.django_db
def test_a_coach_logs_in_and_lands_on_the_coach_home(client, coach, password):
    response = client.post(LOGIN, {"username": coach.email, "password": password}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard:coach_home")
    assert response.context["user"] == coach
    assert "Your caseload" in response.text


@pytest.mark.django_db
def test_a_client_logs_in_and_lands_on_their_portal(client, portal_client, password):
    response = client.post(
        LOGIN, {"username": portal_client.user.email, "password": password}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("dashboard:client_home")
    assert f"Welcome, {portal_client.first_name}" in response.text


@pytest.mark.django_db
def test_the_email_match_ignores_case(client, coach, password):
    response = client.post(LOGIN, {"username": coach.email.upper(), "password": password})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == coach.pk


@pytest.mark.django_db
def test_a_wrong_password_re_renders_the_form_with_an_error_and_keeps_the_email(client, coach):
    response = client.post(LOGIN, {"username": coach.email, "password": "not-it"})

    assert response.status_code == 200
    assert "do not match an account" in response.text
    assert f'value="{coach.email}"' in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_ends_the_session_and_returns_to_login(coach_client):
    response = coach_client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "_auth_user_id" not in coach_client.session
    assert coach_client.get(reverse("dashboard:coach_home")).status_code == 302


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@pytest.mark.django_db
def test_each_role_is_refused_the_other_roles_home(client, coach, portal_client):
    client.force_login(coach)
    assert client.get(reverse("dashboard:client_home")).status_code == 404

    client.force_login(portal_client.user)
    assert client.get(reverse("dashboard:coach_home")).status_code == 404


@pytest.mark.django_db
def test_the_password_reset_mail_links_to_a_working_reset_page(client, coach, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": coach.email})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = next(word for word in mailoutbox[0].body.split() if "/password/reset/" in word)
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.text

    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-password-42", "new_password2": "a-new-long-password-42"},
    )
    coach.refresh_from_db()
    assert coach.check_password("a-new-long-password-42")


@pytest.mark.django_db
def test_a_password_change_keeps_the_user_logged_in(coach_client, coach, password):
    response = coach_client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "another-long-password-7",
            "new_password2": "another-long-password-7",
        },
    )

    assert response.status_code == 302
    coach.refresh_from_db()
    assert coach.check_password("another-long-password-7")
    assert coach_client.get(reverse("dashboard:coach_home")).status_code == 200


@pytest.mark.django_db
def test_emails_are_stored_in_one_spelling_and_unique_whatever_the_case():
    User.objects.create_user("Someone@Example.COM", "pw-long-enough-1", name="Someone")

    assert User.objects.filter(email="someone@example.com").exists()
    with pytest.raises(ValidationError, match="already exists"):
        User.objects.create_user("SOMEONE@example.com", "pw-long-enough-1", name="Again")


@pytest.mark.django_db
def test_after_five_wrong_passwords_logging_in_is_paused_even_with_the_right_one(
    client, coach, password, settings
):
    settings.AXES_ENABLED = True
    for attempt in range(5):
        email = coach.email.upper() if attempt % 2 else coach.email
        client.post(LOGIN, {"username": email, "password": "guess"})

    response = client.post(LOGIN, {"username": coach.email, "password": password})

    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert "_auth_user_id" not in client.session


# Letters that PostgreSQL's UPPER() turns into ASCII: "ı" (dotless i) becomes "I", "ſ" (long s)
# becomes "S". A case-insensitive lookup through UPPER() would take them for another address.
LOOKALIKES = [("priya@example.com", "prıya@example.com"), ("sam@example.com", "ſam@example.com")]


@pytest.mark.django_db
@pytest.mark.parametrize(("address", "lookalike"), LOOKALIKES)
def test_a_lookalike_address_does_not_sign_in_to_the_real_account(
    client, password, address, lookalike
):
    UserFactory(email=address)

    response = client.post(LOGIN, {"username": lookalike, "password": password})

    assert response.status_code == 200
    assert "do not match an account" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(("address", "lookalike"), LOOKALIKES)
def test_a_lookalike_address_does_not_get_round_a_lockout(
    client, password, settings, address, lookalike
):
    settings.AXES_ENABLED = True
    UserFactory(email=address)
    for _ in range(5):
        client.post(LOGIN, {"username": address, "password": "guess"})

    response = client.post(LOGIN, {"username": lookalike, "password": password})

    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
