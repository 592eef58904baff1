import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import Contact
from interviews.models import Interview
from tests.factories import (
    PASSWORD,
    CoachFactory,
    ContactFactory,
    PortalClientFactory,
    QuestionBankFactory,
    QuestionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page):
    page.locator("nav .dropdown-toggle").click()
    page.get_by_role("button", name="Log out").click()


def nav(page, name):
    return page.get_by_role("navigation", name="Main navigation").get_by_role("link", name=name)


def test_from_assigned_questions_to_a_debrief_whose_referrals_become_contacts(live_server, page):
    base = live_server.url
    coach = CoachFactory(name="Maya Okafor", email="maya@example.com", timezone="Europe/London")
    portal = PortalClientFactory(coach=coach, name="Zoe Park", timezone="Europe/London")
    contact = ContactFactory(client=portal, name="Ana Ruiz", stage=Contact.Stage.REPLIED)
    bank = QuestionBankFactory(owner=coach, name="Zoe's starter questions")
    for text in ("How did you get into this field?", "What does a typical week look like?"):
        QuestionFactory(bank=bank, text=text)

    # The coach assigns the bank and schedules the interview.
    log_in(page, base, coach.email)
    page.goto(f"{base}/clients/{portal.pk}/")
    page.get_by_role("link", name="Question banks", exact=True).last.click()
    page.get_by_label("Zoe's starter questions").check()
    page.get_by_role("button", name="Save the pool").click()
    page.get_by_role("link", name="Interviews", exact=True).click()
    page.get_by_role("link", name="Schedule an interview").click()
    page.get_by_label("With").select_option(str(contact.pk))
    tomorrow = timezone.localdate() + timedelta(days=2)
    page.get_by_label("Date").fill(tomorrow.isoformat())
    page.get_by_label("Starts at").fill("15:00")
    page.get_by_label("Platform").select_option("zoom")
    page.get_by_role("button", name="Schedule").click()
    expect(
        page.get_by_role("heading", name=re.compile("Informational interview with Ana"))
    ).to_be_visible()
    expect(page.get_by_text("How did you get into this field?")).to_be_visible()
    log_out(page)

    # The client prepares: ticks the checklist and adds a question of their own.
    log_in(page, base, portal.user.email)
    nav(page, "My interviews").click()
    page.get_by_role("link", name="Ana Ruiz").click()
    page.get_by_label(re.compile("Have your résumé ready")).check()
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.get_by_text("Checklist saved.")).to_be_visible()
    expect(page.get_by_label(re.compile("Have your résumé ready"))).to_be_checked()
    page.get_by_label("Add your own question").fill("What would you tell your younger self?")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("What would you tell your younger self?")).to_be_visible()

    # The conversation happened: it is now in the past.
    interview = Interview.objects.get()
    Interview.objects.filter(pk=interview.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    page.reload()
    page.get_by_role("link", name="Write the debrief").click()
    page.get_by_label(re.compile("stood out|Highlights", re.I)).first.fill(
        "Product work is mostly listening."
    )
    first = page.get_by_role("group", name="Referral 1")
    first.get_by_label("Name").fill("Ben Ode")
    second = page.get_by_role("group", name="Referral 2")
    second.get_by_label("Name").fill("Cleo Marsh")
    second.get_by_label("Email").fill("cleo@example.org")
    page.get_by_role("button", name="Save the debrief").click()
    expect(page.get_by_text(re.compile("Debrief saved"))).to_be_visible()

    nav(page, "My contacts").click()
    names = page.get_by_role("rowheader").all_inner_texts()
    assert sorted(names) == ["Ana Ruiz", "Ben Ode", "Cleo Marsh"]
    assert set(
        Contact.objects.filter(name__in=["Ben Ode", "Cleo Marsh"]).values_list("source", flat=True)
    ) == {"referral"}
    assert contact.pk in Contact.objects.values_list("pk", flat=True)
