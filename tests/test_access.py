"""Every URL in the project refuses a second coach and a second client (404, GET and POST).

The URL list is read from the URLconf, so a new URL is covered as soon as it exists: its
keyword arguments must be listed in OWNED_BY_FIRST_COACH (how to build an object of the first
coach's caseload for it), or the URL named in PUBLIC with the reason it needs no scoping.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from clients.models import ContactImport, Opportunity
from interviews.models import InterviewQuestion
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    InterviewFactory,
    OutreachTemplateFactory,
    PortalClientFactory,
    QuestionBankFactory,
    QuestionFactory,
    TouchFactory,
)

# URLs anyone may open: the login flow, signed links (the signature is the access check).
PUBLIC = {
    "home",  # redirects by role
    "healthz",
    "readyz",  # for monitors: states only ok/failing and the last sweep's time, nothing of anyone's
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "login_code",  # the login's second step: the account is the one the password step found
    "login_recovery",
    "clients:invitation_accept",
    "interviews:calendar_feed",  # the secret token in the URL is the access check
    # One-click links in reminder emails: the signature is the check.
    "reminders:action_thank_you_sent",
    "reminders:action_snooze",
    "reminders:unsubscribe",
}

# Pages without an object in the URL that belong to one role only.
COACH_ONLY = {
    "dashboard:coach_home",
    "dashboard:practice_home",
    "dashboard:practice_export",
    "practices:team",
    "dashboard:caseload_insights",
    "clients:caseload",
    "clients:client_create",
    "clients:outreach_template_list",
    "clients:outreach_template_create",
    "interviews:bank_list",
    "interviews:bank_create",
}
CLIENT_ONLY = {"dashboard:client_home", "reminders:reminder_preferences"}
# The signed-in user's own account, whatever their role: these pages read and change only
# request.user, so there is no one else's object to refuse; an anonymous visitor is sent to
# the login (test below).
OWN_ACCOUNT = {
    "two_factor",
    "two_factor_setup",
    "two_factor_recovery_codes",
    "two_factor_regenerate",
    "two_factor_disable",
}


def iter_named_patterns(patterns=None, namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin: staff only, with its own permissions.
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_named_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


ALL_URLS = sorted(dict(iter_named_patterns()).items())


class World:
    """The first coach's caseload, with one object of every kind."""

    def __init__(self, coach):
        self.client = PortalClientFactory(coach=coach)
        self.company = CompanyFactory(client=self.client)
        self.contact = ContactFactory(client=self.client, company=self.company)
        TouchFactory(contact=self.contact)
        self.interview = InterviewFactory(client=self.client, contact=self.contact)
        self.chosen_question = InterviewQuestion.objects.create(
            interview=self.interview, text="How did you get started?"
        )
        self.template = OutreachTemplateFactory(owner=coach)
        self.bank = QuestionBankFactory(owner=coach)
        self.question = QuestionFactory(bank=self.bank)
        self.opportunity = Opportunity.objects.create(
            client=self.client, contact=self.contact, kind=Opportunity.Kind.JOB_LEAD
        )
        self.contact_import = ContactImport.objects.create(
            client=self.client, uploaded_by=coach, filename="contacts.csv"
        )


OWNED_BY_FIRST_COACH = {
    "client_pk": lambda world: world.client.pk,
    "company_pk": lambda world: world.company.pk,
    "contact_pk": lambda world: world.contact.pk,
    "template_pk": lambda world: world.template.pk,
    "import_pk": lambda world: world.contact_import.pk,
    "interview_pk": lambda world: world.interview.pk,
    "bank_pk": lambda world: world.bank.pk,
    "question_pk": lambda world: world.question.pk,
    "chosen_pk": lambda world: world.chosen_question.pk,
    "opportunity_pk": lambda world: world.opportunity.pk,
    # Not objects: the verb in the URL.
    "direction": lambda world: "up",
    "action": lambda world: "complete",
}


def url_for(name, pattern, world):
    kwargs = {}
    for key in pattern.pattern.converters:
        assert key in OWNED_BY_FIRST_COACH, (
            f"URL {name!r} takes {key!r}: add it to OWNED_BY_FIRST_COACH in {__file__}"
        )
        kwargs[key] = OWNED_BY_FIRST_COACH[key](world)
    return reverse(name, kwargs=kwargs)


# The data-rights URLs (issue 11): walked like every other client_pk URL below, named here so
# that renaming or moving one fails loudly instead of dropping out of the walk unnoticed.
DATA_RIGHTS = {"dashboard:export_all_data", "clients:client_erase"}


def test_the_data_rights_urls_are_walked():
    walked = {name for name, pattern in ALL_URLS if "client_pk" in pattern.pattern.converters}
    assert walked >= DATA_RIGHTS


def test_every_url_is_classified():
    for name, pattern in ALL_URLS:
        if pattern.pattern.converters or name in PUBLIC:
            continue
        assert name in COACH_ONLY | CLIENT_ONLY | OWN_ACCOUNT, (
            f"URL {name!r} has no object in it: list it in PUBLIC, COACH_ONLY, CLIENT_ONLY "
            "or OWN_ACCOUNT"
        )


@pytest.mark.parametrize("name", sorted(OWN_ACCOUNT))
@pytest.mark.django_db
def test_own_account_pages_send_an_anonymous_visitor_to_login(client, name):
    for method in (client.get, client.post):
        response = method(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "pattern"), [u for u in ALL_URLS if u[0] not in PUBLIC | OWN_ACCOUNT]
)
@pytest.mark.django_db
def test_a_second_coach_and_a_second_client_are_refused(
    client, coach, other_coach, other_portal_client, name, pattern
):
    world = World(coach)
    url = url_for(name, pattern, world)

    if pattern.pattern.converters:
        outsiders = [other_coach, other_portal_client.user]
    elif name in CLIENT_ONLY:
        outsiders = [coach, other_coach]
    else:
        outsiders = [world.client.user, other_portal_client.user]
    for outsider in outsiders:
        client.force_login(outsider)
        for method in (client.get, client.post):
            status = method(url).status_code
            # 405 answers a method the view never accepts, for anyone: it reveals nothing.
            assert status in (404, 405), f"{outsider} got {status} on {method.__name__} {url}"

    # The check can fail: the owner (the first coach, or the client on their own portal) is let in.
    client.force_login(world.client.user if name in CLIENT_ONLY else coach)
    owner_statuses = {client.get(url).status_code}
    if 405 in owner_statuses:
        owner_statuses.add(client.post(url).status_code)
    assert owner_statuses - {404, 405}, f"the owner was refused on {url}: {owner_statuses}"
