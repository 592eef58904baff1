import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_overdue_thank_you_on_the_demo_coach_home_is_marked_sent_and_leaves_the_list(
    live_server, page, page_cache
):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill("coach@example.com")
    page.get_by_label("Password").fill("coachdesk-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/coach/")  # reloading while the login still navigates fails

    page.reload()  # with the page cache on, this one comes from it
    overdue = page.locator(".attention-overdue_thank_you").filter(has_text="Leo Marchetti")
    expect(overdue).to_have_count(1)
    expect(overdue).to_contain_text("Thank-you overdue")
    overdue.get_by_role("link").click()

    expect(page.get_by_role("heading", name=re.compile("with Leo Marchetti"))).to_be_visible()
    page.reload()
    page.get_by_role("button", name="Mark the thank-you as sent").click()
    expect(page.get_by_text(re.compile("sent on", re.I)).first).to_be_visible()

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Home").click()
    expect(
        page.locator(".attention-overdue_thank_you").filter(has_text="Leo Marchetti")
    ).to_have_count(0)
