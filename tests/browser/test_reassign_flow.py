"""A practice admin reassigns a client in the browser: the client page, the page that says what
reassigning does, the choice of coach. The old coach, who had the client page open, loses it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.crawl import audit
from tests.factories import CoachFactory, PortalClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical findings (the demo crawl's rule: the demo's coaches are
    practices of one, so the crawl never reaches these pages)."""
    return [v for v in audit(page) if v["impact"] in ("serious", "critical")]


def test_the_admin_reassigns_a_client_from_coach3_to_herself_and_coach3_loses_access(
    live_server, page, browser, browser_context_args, log_in, page_cache
):
    base = live_server.url
    coach = CoachFactory(name="Maya Okafor", email="coach@example.com")  # the practice's admin
    coach3 = CoachFactory(
        name="Leo Grant",
        email="coach3@example.com",
        membership__practice=coach.membership.practice,
        membership__role="coach",
    )
    client = PortalClientFactory(coach=coach3, name="Zoe Park")
    client_url = f"{base}/clients/{client.pk}/"

    # Leo has Zoe's page open (and, with the page cache on, cached) before the change.
    leo = browser.new_context(**browser_context_args).new_page()
    log_in(leo, base, coach3.email)
    assert leo.goto(client_url).status == 200
    expect(leo.get_by_text("Coach: Leo Grant")).to_be_visible()
    expect(leo.get_by_role("link", name="Reassign to another coach…")).to_have_count(0)

    log_in(page, base, coach.email)
    page.goto(client_url)
    assert serious_violations(page) == []
    page.get_by_role("link", name="Reassign to another coach…").click()
    expect(page.get_by_role("heading", name="Reassign Zoe Park to another coach")).to_be_visible()
    assert serious_violations(page) == []
    expect(page.get_by_text("Zoe gets an email saying who their coach is now")).to_be_visible()
    page.get_by_label("New coach").select_option(label="Maya Okafor (coach@example.com)")
    page.get_by_role("button", name="Reassign Zoe Park").click()

    expect(page).to_have_url(client_url)
    expect(page.get_by_role("alert")).to_contain_text("Maya Okafor is now Zoe Park’s coach.")
    expect(page.get_by_text("Coach: Maya Okafor")).to_be_visible()
    page.get_by_role("link", name="Caseload").first.click()
    expect(page).to_have_url(re.compile(r"/clients/$"))
    expect(page.get_by_role("link", name="Zoe Park")).to_be_visible()

    assert leo.goto(client_url).status == 404
    leo.goto(f"{base}/clients/")
    expect(leo.get_by_role("link", name="Zoe Park")).to_have_count(0)
