"""Login throttling behind the production proxy: failures are counted per (email, visitor
address), and separately per visitor address, whose address comes from X-Forwarded-For."""

import pytest
from django.conf import settings as django_settings

from tests.factories import UserFactory

LOGIN = "/accounts/login/"
PROXY = "172.18.0.5"  # every request reaches gunicorn from the proxy
PRIYA_AT_HOME = "81.2.69.142"
STRANGER = "89.160.20.112"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def behind_one_proxy(settings):
    """The settings that TRUSTED_PROXY_COUNT=1 gives (coachdesk/settings.py)."""
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.IPWARE_STRICT = False


@pytest.fixture
def priya(db):
    return UserFactory(email="priya@example.com")


def log_in(client, email, password, *, address):
    return client.post(
        LOGIN,
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_a_stranger_failing_against_priya_does_not_lock_her_out_of_her_own_address(
    client, priya, password
):
    for _ in range(django_settings.AXES_FAILURE_LIMIT + 2):
        log_in(client, priya.email, "guess", address=STRANGER)
    assert log_in(client, priya.email, password, address=STRANGER).status_code == 429

    response = log_in(client, priya.email, password, address=PRIYA_AT_HOME)

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == priya.pk


def test_one_address_trying_one_password_against_many_accounts_is_locked(
    client, priya, password, settings
):
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        log_in(client, f"someone{n}@example.com", password, address=STRANGER)

    response = log_in(client, priya.email, password, address=STRANGER)

    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert "_auth_user_id" not in client.session
    # The lock is on that address only: Priya at home signs in.
    assert log_in(client, priya.email, password, address=PRIYA_AT_HOME).status_code == 302


def test_signing_in_to_an_own_account_does_not_reset_the_address_count(
    client, priya, password, settings
):
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        log_in(client, f"someone{n}@example.com", password, address=STRANGER)
    assert log_in(client, priya.email, password, address=STRANGER).status_code == 302
    client.logout()
    log_in(client, "one-more@example.com", password, address=STRANGER)

    assert log_in(client, priya.email, password, address=STRANGER).status_code == 429


def test_a_forged_forwarded_for_entry_does_not_change_the_counted_address(client, priya, password):
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        # The proxy appends the address it saw; whatever the client sent stays on the left.
        log_in(client, priya.email, "guess", address=f"10.0.0.{n}, {STRANGER}")

    assert log_in(client, priya.email, password, address=STRANGER).status_code == 429
