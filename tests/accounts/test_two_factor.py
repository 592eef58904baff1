"""Two-factor login: enrolment, the code step of the login, recovery codes, who must have it,
its throttling, and the administrator's reset (accounts/two_factor.py and its views).

Codes are computed here from the device's key, as an authenticator app would. A code is
accepted once, so a login after the enrolment moves the clock on to the next 30 s step.
"""

from binascii import unhexlify
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.views import SETUP_KEY_SESSION_KEY
from tests.factories import CoachFactory, TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
START = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)  # 5 s into a 30 s step


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code_for(key: str, *, at: datetime) -> str:
    totp = TOTP(unhexlify(key))
    totp.time = at.timestamp()
    return f"{totp.token():06d}"


def next_step(clock) -> datetime:
    """Moves the clock to the next 30 s step: the authenticator shows a new code."""
    clock.shift(timedelta(seconds=30))
    return datetime.now(UTC)


@pytest.fixture
def enrolled_coach(coach, clock):
    """A coach with an authenticator (its key on `.key`) and recovery codes (`.codes`)."""
    enrolment = two_factor.two_factor_enrol(
        user=coach,
        key=(key := two_factor.totp_new_key()),
        code=code_for(key, at=START),
    )
    coach.key = key
    coach.codes = enrolment.recovery_codes
    next_step(clock)
    return coach


def password_step(client, user, password, **extra):
    return client.post(LOGIN, {"username": user.email, "password": password}, **extra)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Enrolment ------------------------------------------------------------------------------


def test_a_coach_enrols_by_entering_the_code_of_the_key_shown_and_sees_ten_codes_once(
    coach_client, coach, clock
):
    page = coach_client.get(reverse("two_factor_setup"))
    key = coach_client.session[SETUP_KEY_SESSION_KEY]
    assert two_factor.totp_secret_text(key) in page.text
    assert 'autocomplete="one-time-code"' in page.text
    assert 'inputmode="numeric"' in page.text

    response = coach_client.post(
        reverse("two_factor_setup"), {"code": code_for(key, at=START)}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("two_factor_recovery_codes")
    assert two_factor.two_factor_enabled(coach)
    codes = list(StaticToken.objects.filter(device__user=coach).values_list("token", flat=True))
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    assert all(code in response.text for code in codes)
    assert "only time they are shown" in response.text
    again = coach_client.get(reverse("two_factor_recovery_codes"))
    assert not any(code in again.text for code in codes)
    # The enrolment verified this session: nothing more is asked of it.
    assert DEVICE_ID_SESSION_KEY in coach_client.session


def test_a_wrong_setup_code_is_refused_with_a_clear_message_and_keeps_two_factor_off(
    coach_client, coach, clock
):
    coach_client.get(reverse("two_factor_setup"))

    response = coach_client.post(reverse("two_factor_setup"), {"code": "12345x"})
    assert "Enter the 6 digits" in response.text
    assert 'value="12345x"' in response.text
    response = coach_client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "That code does not match" in response.text

    assert not two_factor.two_factor_enabled(coach)
    assert not TOTPDevice.objects.exists()


def test_the_setup_key_stays_the_same_until_confirmed(coach_client, clock):
    coach_client.get(reverse("two_factor_setup"))
    first = coach_client.session[SETUP_KEY_SESSION_KEY]

    coach_client.get(reverse("two_factor_setup"))

    assert coach_client.session[SETUP_KEY_SESSION_KEY] == first


# --- The login's code step ------------------------------------------------------------------


def test_a_coach_with_two_factor_logs_in_with_password_then_code(client, enrolled_coach, password):
    response = password_step(client, enrolled_coach, password)

    assert response.url == reverse("login_code")
    assert logged_in_user_id(client) is None
    assert client.get(reverse("dashboard:coach_home")).status_code == 302

    code = code_for(enrolled_coach.key, at=datetime.now(UTC))
    response = client.post(reverse("login_code"), {"code": code}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard:coach_home")
    assert int(logged_in_user_id(client)) == enrolled_coach.pk
    assert DEVICE_ID_SESSION_KEY in client.session


def test_the_page_asked_for_before_login_is_reached_after_the_code(
    client, enrolled_coach, password
):
    caseload = reverse("clients:caseload")
    client.post(
        f"{LOGIN}?next={caseload}",
        {"username": enrolled_coach.email, "password": password, "next": caseload},
    )

    response = client.post(
        reverse("login_code"), {"code": code_for(enrolled_coach.key, at=datetime.now(UTC))}
    )

    assert response.url == caseload


def test_a_wrong_code_is_refused_and_the_user_stays_logged_out(client, enrolled_coach, password):
    password_step(client, enrolled_coach, password)

    response = client.post(reverse("login_code"), {"code": "000000"})

    assert response.status_code == 200
    assert "That code did not work" in response.text
    assert 'value="000000"' in response.text
    assert logged_in_user_id(client) is None


def test_a_code_is_accepted_once(client, enrolled_coach, password):
    code = code_for(enrolled_coach.key, at=datetime.now(UTC))
    password_step(client, enrolled_coach, password)
    client.post(reverse("login_code"), {"code": code})
    client.logout()

    password_step(client, enrolled_coach, password)
    response = client.post(reverse("login_code"), {"code": code})

    assert "That code did not work" in response.text
    assert logged_in_user_id(client) is None


def test_the_setup_code_does_not_log_in_again(client, coach, password, clock):
    key = two_factor.totp_new_key()
    setup_code = code_for(key, at=START)
    two_factor.two_factor_enrol(user=coach, key=key, code=setup_code)

    password_step(client, coach, password)
    response = client.post(reverse("login_code"), {"code": setup_code})

    assert "That code did not work" in response.text


def test_the_code_step_without_the_password_step_sends_to_login(client, enrolled_coach):
    response = client.post(reverse("login_code"), {"code": "123456"})

    assert response.url == reverse("login")


def test_the_code_step_lapses_after_five_minutes(client, enrolled_coach, password, clock):
    password_step(client, enrolled_coach, password)
    clock.shift(timedelta(minutes=6))

    code = code_for(enrolled_coach.key, at=datetime.now(UTC))
    response = client.post(reverse("login_code"), {"code": code})

    assert response.url == reverse("login")
    assert logged_in_user_id(client) is None


def test_a_recovery_code_logs_in_once_and_is_refused_the_second_time(
    client, enrolled_coach, password
):
    code = enrolled_coach.codes[0]
    password_step(client, enrolled_coach, password)

    response = client.post(reverse("login_recovery"), {"code": code.upper()}, follow=True)

    assert int(logged_in_user_id(client)) == enrolled_coach.pk
    assert "You used a recovery code: 9 left" in response.text
    client.logout()

    password_step(client, enrolled_coach, password)
    response = client.post(reverse("login_recovery"), {"code": code})

    assert "That recovery code did not work" in response.text
    assert logged_in_user_id(client) is None


def test_coaches_without_two_factor_still_log_in_with_the_password_alone(client, coach, password):
    response = password_step(client, coach, password)

    assert response.url == reverse("home")
    assert int(logged_in_user_id(client)) == coach.pk


# --- Throttling -----------------------------------------------------------------------------


@pytest.fixture
def throttling_on(settings):
    settings.AXES_ENABLED = True


def test_wrong_codes_count_like_wrong_passwords_and_lock_the_account_at_that_address(
    client, enrolled_coach, password, settings, throttling_on, clock
):
    password_step(client, enrolled_coach, password)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login_code"), {"code": "000000"})
        assert response.status_code == 200

    response = client.post(reverse("login_code"), {"code": "000000"})

    assert response.status_code == 429
    assert "Too many attempts" in response.text
    # Locked: neither the password step nor a right code opens the account from here.
    assert password_step(client, enrolled_coach, password).status_code == 429
    clock.shift(timedelta(minutes=1))
    code = code_for(enrolled_coach.key, at=datetime.now(UTC))
    assert client.post(reverse("login_code"), {"code": code}).status_code in (302, 429)
    assert logged_in_user_id(client) is None


def test_the_password_again_does_not_reset_the_count_of_wrong_codes(
    client, enrolled_coach, password, settings, throttling_on
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        password_step(client, enrolled_coach, password)
        client.post(reverse("login_code"), {"code": "000000"})

    password_step(client, enrolled_coach, password)
    response = client.post(reverse("login_code"), {"code": "000000"})

    assert response.status_code == 429


def test_wrong_codes_from_one_address_do_not_lock_the_owner_out_elsewhere(
    client, enrolled_coach, password, settings, throttling_on, clock
):
    # Behind the proxy, as in production (tests/accounts/test_throttling.py).
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.IPWARE_STRICT = False
    stranger = {"REMOTE_ADDR": "172.18.0.5", "HTTP_X_FORWARDED_FOR": "89.160.20.112"}
    at_home = {"REMOTE_ADDR": "172.18.0.5", "HTTP_X_FORWARDED_FOR": "81.2.69.142"}
    password_step(client, enrolled_coach, password, **stranger)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login_code"), {"code": "000000"}, **stranger)
    assert password_step(client, enrolled_coach, password, **stranger).status_code == 429

    # django-otp also slows a device down after wrong codes: the owner tries a minute later.
    clock.shift(timedelta(minutes=1))
    password_step(client, enrolled_coach, password, **at_home)
    code = code_for(enrolled_coach.key, at=datetime.now(UTC))
    response = client.post(reverse("login_code"), {"code": code}, **at_home)

    assert response.status_code == 302
    assert int(logged_in_user_id(client)) == enrolled_coach.pk


def test_a_full_login_clears_the_accounts_count(
    client, enrolled_coach, password, settings, throttling_on, clock
):
    password_step(client, enrolled_coach, password)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login_code"), {"code": "000000"})
    clock.shift(timedelta(minutes=1))
    client.post(reverse("login_code"), {"code": code_for(enrolled_coach.key, at=datetime.now(UTC))})
    assert logged_in_user_id(client) is not None
    client.logout()

    password_step(client, enrolled_coach, password)
    response = client.post(reverse("login_code"), {"code": "000000"})

    assert response.status_code == 200


# --- Who must have it -----------------------------------------------------------------------


def test_staff_without_two_factor_are_sent_to_setup_and_reach_nothing_else(client, password):
    operator = CoachFactory(is_staff=True)
    response = password_step(client, operator, password)
    assert response.url == reverse("home")

    for url in ("/", reverse("dashboard:coach_home"), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("two_factor_setup")
    assert client.get(reverse("two_factor_setup")).status_code == 200


def test_staff_enrol_and_then_reach_the_admin(client, password, clock):
    operator = CoachFactory(is_staff=True)
    password_step(client, operator, password)
    client.get(reverse("two_factor_setup"))
    key = client.session[SETUP_KEY_SESSION_KEY]

    client.post(reverse("two_factor_setup"), {"code": code_for(key, at=START)})

    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_whose_session_skipped_the_code_step_are_logged_out_and_asked_again(client):
    operator = CoachFactory(is_staff=True)
    TOTPDeviceFactory(user=operator)
    client.force_login(operator)  # as the admin's own login form would

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert logged_in_user_id(client) is None
    assert "then your code" in client.get(response.url).text


def test_the_admin_login_page_sends_to_coachdesk_login(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_setting_requires_two_factor_of_coaches_but_not_of_clients(
    client, coach, portal_client, settings
):
    settings.REQUIRE_TWO_FACTOR_FOR_COACHES = True

    client.force_login(coach)
    assert client.get(reverse("dashboard:coach_home")).url == reverse("two_factor_setup")
    client.force_login(portal_client.user)
    assert client.get(reverse("dashboard:client_home")).status_code == 200


def test_by_default_coaches_are_not_required_to_have_two_factor(coach_client):
    assert coach_client.get(reverse("dashboard:coach_home")).status_code == 200


def test_a_required_user_who_logs_out_from_setup_is_logged_out(client):
    operator = CoachFactory(is_staff=True)
    client.force_login(operator)

    client.post(reverse("logout"))

    assert logged_in_user_id(client) is None


# --- Managing it ----------------------------------------------------------------------------


def test_turning_two_factor_off_needs_the_password(client, enrolled_coach, password):
    client.force_login(enrolled_coach)

    response = client.post(reverse("two_factor_disable"), {"password": "not-it"})
    assert "That is not your current password" in response.text
    assert two_factor.two_factor_enabled(enrolled_coach)

    client.post(reverse("two_factor_disable"), {"password": password})
    assert not two_factor.two_factor_enabled(enrolled_coach)
    assert not StaticToken.objects.exists()


def test_two_factor_cannot_be_turned_off_while_it_is_required(
    client, enrolled_coach, password, settings, force_login_verified
):
    settings.REQUIRE_TWO_FACTOR_FOR_COACHES = True
    force_login_verified(client, enrolled_coach)

    response = client.post(reverse("two_factor_disable"), {"password": password}, follow=True)

    assert "required for your account" in response.text
    assert two_factor.two_factor_enabled(enrolled_coach)


def test_new_recovery_codes_replace_the_old_ones(client, enrolled_coach, password):
    client.force_login(enrolled_coach)

    response = client.post(reverse("two_factor_regenerate"), {"password": password}, follow=True)

    new_codes = set(StaticToken.objects.values_list("token", flat=True))
    assert len(new_codes) == two_factor.RECOVERY_CODE_COUNT
    assert not new_codes & set(enrolled_coach.codes)
    assert all(code in response.text for code in new_codes)


def test_moving_to_a_new_phone_needs_the_password_and_retires_the_old_key(
    client, enrolled_coach, password, clock
):
    client.force_login(enrolled_coach)
    client.get(reverse("two_factor_setup"))
    new_key = client.session[SETUP_KEY_SESSION_KEY]
    code = code_for(new_key, at=datetime.now(UTC))

    response = client.post(reverse("two_factor_setup"), {"code": code})
    assert "Enter your password to confirm" in response.text
    client.post(reverse("two_factor_setup"), {"code": code, "password": password})

    assert TOTPDevice.objects.get(user=enrolled_coach).key == new_key


def test_the_overview_says_whether_two_factor_is_on(client, coach):
    client.force_login(coach)
    assert "Set up two-factor login" in client.get(reverse("two_factor")).text

    TOTPDeviceFactory(user=coach)
    assert "Turn off two-factor login" in client.get(reverse("two_factor")).text


# --- The administrator's reset ----------------------------------------------------------------


def test_an_administrator_resets_a_users_two_factor_after_confirming(
    client, enrolled_coach, password, force_login_verified
):
    operator = UserFactory(is_staff=True, is_superuser=True)
    force_login_verified(client, operator)
    change = reverse("admin:accounts_user_change", args=[enrolled_coach.pk])
    assert "Reset two-factor login" in client.get(change).text
    reset = reverse("admin:accounts_user_two_factor_reset", args=[enrolled_coach.pk])
    assert "Yes, reset two-factor login" in client.get(reset).text
    assert two_factor.two_factor_enabled(enrolled_coach)

    response = client.post(reset)

    assert response.url == change
    assert not two_factor.two_factor_enabled(enrolled_coach)
    assert not StaticToken.objects.filter(device__user=enrolled_coach).exists()
    # The user logs in with the password alone, and may enrol again.
    client.logout()
    assert password_step(client, enrolled_coach, password).url == reverse("home")


def test_staff_without_the_change_permission_cannot_reset(client, enrolled_coach):
    viewer = UserFactory(is_staff=True)
    TOTPDeviceFactory(user=viewer)
    client.force_login(viewer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=viewer).persistent_id
    session.save()

    client.post(reverse("admin:accounts_user_two_factor_reset", args=[enrolled_coach.pk]))

    assert two_factor.two_factor_enabled(enrolled_coach)
