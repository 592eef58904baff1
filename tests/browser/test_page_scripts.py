"""The page scripts in static/js still do their job under the Content Security Policy, which
runs nothing inline: the question bank's drag-and-drop and the Print buttons, moved out of the
templates for it (issue 11), and the browser refuses nothing on the way."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.crawl import RECORD_POLICY_VIOLATIONS
from tests.factories import InterviewFactory, PortalClientFactory, QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sign_in(client, live_server, page):
    """Opens a session for a user in the browser without the login form (its steps are the
    login flow's business), and records what the page's policy refuses."""

    def sign_in_as(user):
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )
        page.add_init_script(RECORD_POLICY_VIOLATIONS)
        return page

    return sign_in_as


def refused(page):
    return page.evaluate("window.__policyViolations")


def test_a_coach_drags_a_question_to_the_top_of_a_bank_and_the_order_is_saved(
    live_server, sign_in, coach
):
    first = QuestionFactory(bank__owner=coach, text="First question?")
    QuestionFactory(bank=first.bank, text="Second question?")
    third = QuestionFactory(bank=first.bank, text="Third question?")
    page = sign_in(coach)

    page.goto(f"{live_server.url}/banks/{first.bank.pk}/")
    page.locator(f"#question-{third.pk}").drag_to(
        page.locator(f"#question-{first.pk}"), target_position={"x": 20, "y": 3}
    )

    expect(page.locator("#reorder-status")).to_have_text("New order saved.")
    assert list(first.bank.questions.values_list("text", flat=True)) == [
        "Third question?",
        "First question?",
        "Second question?",
    ]
    assert refused(page) == []


def test_the_print_buttons_print_the_prep_page_and_the_progress_report(live_server, sign_in, coach):
    interview = InterviewFactory(client=PortalClientFactory(coach=coach))
    page = sign_in(coach)
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; }")

    for path in (
        f"/interviews/{interview.pk}/",
        f"/clients/{interview.client.pk}/report/",
    ):
        page.goto(live_server.url + path)
        page.get_by_role("button", name="Print").click()

        assert page.evaluate("window.printed") == 1, path
        assert refused(page) == [], path


def test_a_client_copies_their_logging_address_from_their_home(live_server, sign_in, coach):
    from inbound.services import logging_address_issue

    client = PortalClientFactory(coach=coach)
    address = logging_address_issue(client=client).address
    page = sign_in(client.user)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Copy the logging address").click()

    expect(page.get_by_role("status")).to_have_text("Copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == address
    assert refused(page) == []
