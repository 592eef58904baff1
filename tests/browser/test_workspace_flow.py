import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, ClientFactory, CoachFactory, ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, email, password=PASSWORD):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def nav(page, name):
    return page.get_by_role("navigation", name="Main navigation").get_by_role("link", name=name)


def caseload_row(page, name):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name))


def test_a_coach_builds_a_list_and_the_invited_client_sees_exactly_their_contacts(
    live_server, page, mailoutbox
):
    base = live_server.url
    coach = CoachFactory(name="Maya Okafor", email="maya@example.com")
    # Someone else's contact, which the new client must never see.
    ContactFactory(client=ClientFactory(coach=coach), name="Not Theirs")
    log_in(page, base, coach.email)

    nav(page, "Caseload").click()
    page.get_by_role("link", name="Add a client").first.click()
    page.get_by_label("Name").fill("Zoe Park")
    page.get_by_label("Email").fill("zoe@example.com")
    page.get_by_label("Timezone").select_option("Europe/Paris")
    page.get_by_role("button", name="Add the client").click()
    expect(page.get_by_role("heading", name="Zoe Park")).to_be_visible()

    page.get_by_role("link", name="Companies", exact=True).click()
    page.get_by_role("link", name="Add a company").first.click()
    page.get_by_label("Name").fill("Northwind")
    page.get_by_label("Motivation").select_option("3")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("row", name=re.compile("Northwind"))).to_be_visible()

    page.get_by_role("link", name="Contacts", exact=True).click()
    page.get_by_role("link", name="Add the first contact").click()
    page.get_by_label("Name").fill("Ana Ruiz")
    page.get_by_label("Company", exact=True).select_option(label="Northwind")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Contacts", exact=True).click()
    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Name").fill("Ben Ode")
    page.get_by_label("…or a new company").fill("Contoso")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("Ben Ode"))).to_be_visible()

    nav(page, "Caseload").click()
    row = caseload_row(page, "Zoe Park")
    expect(row.get_by_role("cell").nth(0)).to_have_text("2")  # identified
    expect(row.get_by_role("cell").nth(1)).to_have_text("0")  # reached out

    page.get_by_role("link", name="Zoe Park").click()
    page.get_by_role("link", name="Contacts", exact=True).click()
    page.get_by_role("link", name="Ben Ode").click()
    page.get_by_role("link", name="Log outreach").click()
    page.get_by_label("Note").fill("Asked for 20 minutes next week")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("Asked for 20 minutes next week")).to_be_visible()

    nav(page, "Caseload").click()
    row = caseload_row(page, "Zoe Park")
    expect(row.get_by_role("cell").nth(0)).to_have_text("1")
    expect(row.get_by_role("cell").nth(1)).to_have_text("1")

    # The coach invites the client; the client sets a password from the email.
    page.get_by_role("link", name="Zoe Park").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent")).to_be_visible()
    link = re.search(r"https?://\S+/invitation/\S+/", mailoutbox[-1].body).group(0)
    invite_path = link.split("/invitation/", 1)[1]
    page.get_by_role("button", name=re.compile("Maya Okafor")).click()
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{base}/invitation/{invite_path}")
    page.get_by_label("Choose a password").fill("a-long-client-password-1")
    page.get_by_label("Type the password again").fill("a-long-client-password-1")
    page.get_by_role("button", name="Set up my account").click()
    expect(page.get_by_role("heading", name="Welcome, Zoe")).to_be_visible()

    nav(page, "My contacts").click()
    names = page.get_by_role("rowheader").all_inner_texts()
    assert sorted(names) == ["Ana Ruiz", "Ben Ode"]
