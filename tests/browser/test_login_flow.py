import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_coach_signs_in_and_sees_the_coach_home(live_server, page):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill("coach@example.com")
    page.get_by_label("Password").fill("coachdesk-demo")
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url(f"{live_server.url}/coach/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Good to see you, Maya")
    assert page.get_by_text("Your caseload: 3 active clients.").is_visible()
