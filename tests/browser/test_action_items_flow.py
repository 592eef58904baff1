"""The coach assigns an action item to the demo client, already late; the client sees it on the
portal home and marks it done; it leaves the coach's attention list. Through the real login
page, once as rendered and once with pages served from the per-user page cache."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from goals.weeks import local_date
from tests.browser.crawl import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "coachdesk-demo"
TITLE = "Send Samir your updated CV"


def serious_violations(page) -> list[dict]:
    return [v for v in audit(page) if v["impact"] in ("serious", "critical")]


def test_the_coach_assigns_an_action_the_client_marks_it_done_and_it_leaves_the_coachs_list(
    live_server, page, browser, browser_context_args, log_in, page_cache
):
    call_command("seed_demo", stdout=io.StringIO())
    base = live_server.url
    # Due yesterday in Priya's timezone (Europe/London): overdue as soon as it is saved.
    yesterday = local_date(timezone.now(), "Europe/London") - timedelta(days=1)

    log_in(page, base, "coach@example.com", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Caseload"
    ).click()
    page.get_by_role("link", name="Priya Shah").click()
    page.get_by_role("link", name="Add an action item").click()
    expect(page.get_by_role("heading", name="Add an action item")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("What to do").fill(TITLE)
    page.get_by_label("Notes").fill("The version with the pharmacy-systems project on top.")
    page.get_by_label("Due date").fill(yesterday.isoformat())
    page.get_by_label("About").select_option(label="Samir Haddad (Pulse Analytics)")
    page.get_by_role("button", name="Add it").click()

    expect(page.get_by_role("alert")).to_contain_text(f"Added “{TITLE}”.")
    expect(page.get_by_role("heading", name="Priya Shah", level=1)).to_be_visible()
    assigned = page.locator(".action-item").filter(has_text=TITLE)
    expect(assigned).to_contain_text("Overdue")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Home").click()
    on_the_list = page.locator(".attention-overdue_action").filter(has_text=TITLE)
    expect(on_the_list).to_have_count(1)
    expect(on_the_list).to_contain_text("Priya Shah")

    priya = browser.new_context(**browser_context_args).new_page()
    log_in(priya, base, "client@example.com", DEMO_PASSWORD)
    expect(priya).to_have_url(re.compile(r"/portal/$"))
    homework = priya.locator(".action-item").filter(has_text=TITLE)
    expect(homework).to_contain_text("Overdue")
    expect(homework).to_contain_text("From your coach")
    expect(homework.get_by_role("link", name=re.compile("^Edit"))).to_have_count(0)
    assert serious_violations(priya) == []
    homework.get_by_role("button", name=f"Mark done {TITLE}").click()

    expect(priya.get_by_role("alert")).to_contain_text(f"Done: “{TITLE}”.")
    expect(priya).to_have_url(re.compile(r"/portal/$"))
    expect(priya.locator(".action-item").filter(has_text=TITLE)).to_have_count(0)

    page.reload()
    expect(page.locator(".attention-overdue_action").filter(has_text=TITLE)).to_have_count(0)
