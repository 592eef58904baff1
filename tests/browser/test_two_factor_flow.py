"""A coach turns on two-factor login in the browser, then logs in with password and code.

The test plays the authenticator app: it reads the key the setup page shows as text and
computes the codes from it.
"""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.factories import PASSWORD, CoachFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEP = 30  # seconds a code lasts


def authenticator_code(secret_text: str) -> str:
    return f"{TOTP(b32decode(secret_text.replace(' ', ''))).token():06d}"


def wait_for_the_next_code():
    """A code is accepted once: the login needs the one after the code used to enrol."""
    time.sleep(STEP - time.time() % STEP + 0.5)


def log_in_with_password(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_coach_enrols_an_authenticator_and_logs_in_with_a_code(live_server, page):
    coach = CoachFactory(name="Maya Okafor", email="maya@example.com")
    base = live_server.url
    log_in_with_password(page, base, coach.email)
    page.wait_for_url(f"{base}/coach/")

    page.locator("#nav-main .dropdown-toggle").click()
    page.get_by_role("link", name="Two-factor login").click()
    page.get_by_role("link", name="Set up two-factor login").click()
    assert page.get_by_role("img", name="QR code holding your CoachDesk secret key").is_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("6-digit code").fill(authenticator_code(secret))
    page.get_by_role("button", name="Confirm and turn on").click()

    page.wait_for_url(f"{base}/accounts/two-factor/recovery-codes/")
    assert page.get_by_text("this is the only time they are shown").is_visible()
    assert page.get_by_role("list", name="Recovery codes").get_by_role("listitem").count() == 10

    page.locator("#nav-main .dropdown-toggle").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{base}/accounts/login/")
    wait_for_the_next_code()

    log_in_with_password(page, base, coach.email)
    page.wait_for_url(f"{base}/accounts/login/code/")
    page.get_by_label("6-digit code").fill(authenticator_code(secret))
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url(f"{base}/coach/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Good to see you, Maya")
