"""Every URL in the project, for every role: who is let in and who is refused.

The URL list is read from the URLconf, so a new URL is covered as soon as it exists: its keyword
arguments must be listed in OBJECTS (how to build an object of the World for it), or the URL
named in PUBLIC with the reason it needs no scoping, and a URL without an object must be put in
one of the groups below.

The World is a practice of five: the client's coach, a co-coach the client is shared with, a
colleague of the same practice the client is not shared with, the practice's admin and a viewer;
plus an admin of another practice (with a client of their own) and the portal logins of both
clients. The rules under test (clients/access.py):

- a client's pages: their coach, co-coaches and the practice's admins work on them; a viewer
  reads them and every unsafe request of theirs is refused; a colleague, an admin of another
  practice and other clients get 404;
- a coach's own library items (banks, templates): only that coach; moving one into the
  practice's library: only that coach, and only if they are an admin;
- erasing and sharing a client: their coach and the practice's admins, not a co-coach;
- a client's action items: everyone who sees the client reads them; those who work on the client
  and the client complete them; the client changes only the items they set themselves (the
  World's item is the coach's); setting weekly targets is for those who work on the client;
- the practice's pages: admins (and, to read the figures, viewers).

Refused means 404 (or 405 for a method the view never accepts, which reveals nothing; 403 for a
viewer's unsafe request, refused before any view runs). Each URL also has a positive control:
those let in are not refused, and a viewer gets 200 on the pages they read.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Membership
from clients.models import ClientShare, ContactImport, Opportunity
from inbound.models import InboundMessage, LoggingAddress, Suggestion
from interviews.models import InterviewQuestion
from tests.factories import (
    ActionItemFactory,
    CoachFactory,
    CompanyFactory,
    ContactFactory,
    InterviewFactory,
    OutreachTemplateFactory,
    PortalClientFactory,
    PracticeInvitationFactory,
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
    "practices:invitation_accept",  # joining a practice: the signed token is the check
    "interviews:calendar_feed",  # the secret token in the URL is the access check
    # One-click links in reminder emails: the signature is the check.
    "reminders:action_thank_you_sent",
    "reminders:action_snooze",
    "reminders:action_item_done",  # marks the one action item its email was about
    "reminders:unsubscribe",
    # Email providers' inbound webhooks: each post's signature (Mailgun) or basic auth
    # (Postmark) is the check, and the logging address's secret token picks the client.
    "inbound:webhook_mailgun",
    "inbound:webhook_postmark",
    # Their tracking webhooks (bounces, complaints): the same signature or basic auth is the
    # check, and a report names only a message and an address, never a page of anyone's.
    "reminders:tracking_mailgun",
    "reminders:tracking_postmark",
}

# Pages without an object in the URL that belong to a coach's own work: every coach and admin;
# not viewers (who have no caseload of their own) nor clients.
COACH_ONLY = {
    "dashboard:coach_home",
    "dashboard:caseload_insights",
    "clients:client_create",
    "clients:outreach_template_list",
    "clients:outreach_template_create",
    "interviews:bank_list",
    "interviews:bank_create",
}
# Coach-side pages viewers read too.
COACH_SIDE = {"clients:caseload"}
# The practice's figures: its admins and viewers.
PRACTICE_READERS = {"dashboard:practice_home", "dashboard:practice_export"}
# Running the practice: its admins only.
PRACTICE_ADMINS = {"practices:team", "practices:settings"}
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

# URLs with an object that only some of those who see the client may use.
LIBRARY_KWARGS = {"template_pk", "bank_pk", "question_pk"}  # a coach's own items: that coach
# Moving an own item into the practice's library is for an admin, and the World's items are a
# plain coach's: everyone is refused here. The admin's positive control is in
# tests/interviews/test_practice_banks.py and tests/clients/test_practice_templates.py.
MOVE_TO_LIBRARY = {"interviews:bank_move_to_practice", "clients:outreach_template_move_to_practice"}
# The client's coach and the practice's admins.
COACH_OR_ADMIN = {"clients:client_erase", "practices:client_share", "practices:client_unshare"}
ADMIN_ONLY = {  # the practice's admins
    "practices:client_reassign",
    "practices:member_role",
    "practices:member_deactivate",
    "practices:member_reactivate",
    "practices:invitation_resend",
    "practices:invitation_revoke",
}
# Not for viewers: the all-data export (the data-rights copy) and pages that exist to change
# something (a viewer reads the pages that show it instead).
NOT_FOR_VIEWERS = {
    "dashboard:export_all_data",
    "goals:action_item_create",
    "goals:action_item_edit",
    "goals:action_item_delete",
    "goals:targets_edit",
}
# Those who work on the client set their weekly targets; the client sees them, sets none.
NOT_FOR_THE_CLIENT = {"goals:targets_edit"}
# The client's own action items (goals): they read them, add their own and complete any, the
# coach's included; they edit and delete only the items they set themselves, and the World's
# item is the coach's (a client's own: tests/goals/test_pages.py).
CLIENT_WORKS_ON_ACTION_ITEMS = {
    "goals:action_items",
    "goals:action_item_create",
    "goals:action_item_complete",
    "goals:action_item_reopen",
}
CLIENT_CHANGES_ONLY_OWN_ITEMS = {"goals:action_item_edit", "goals:action_item_delete"}
# Pages a viewer reads (200): the positive control of the viewer's read access.
VIEWER_READS = {
    "clients:caseload",
    "clients:client_detail",
    "clients:contact_list",
    "clients:contact_detail",
    "clients:company_list",
    "interviews:interview_list",
    "interviews:interview_detail",
    "dashboard:client_insights",
    "dashboard:progress_report",
    "dashboard:export_contacts",
    "dashboard:export_interviews",
    "dashboard:practice_home",
    "dashboard:practice_export",
    "reminders_coach:client_reminders",
    "inbound:logging_address",
    "inbound:message_list",
    "inbound:suggestion_list",
    "goals:action_items",
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


def _join(user, practice, role):
    Membership.objects.filter(user=user).update(practice=practice, role=role)
    user.refresh_from_db()


class World:
    """A practice of five around `coach`'s client, with one object of every kind, and an
    outsider practice. `coach` becomes a plain coach of their practice."""

    def __init__(self, coach):
        self.coach = coach
        self.practice = coach.membership.practice
        _join(coach, self.practice, Membership.Role.COACH)
        member = Membership.Role
        self.admin = CoachFactory(membership__practice=self.practice, membership__role=member.ADMIN)
        self.co_coach = CoachFactory(
            membership__practice=self.practice, membership__role=member.COACH
        )
        self.colleague = CoachFactory(
            membership__practice=self.practice, membership__role=member.COACH
        )
        self.viewer = CoachFactory(
            membership__practice=self.practice, membership__role=member.VIEWER
        )
        self.outsider_admin = CoachFactory()
        self.outsider_client = PortalClientFactory(coach=self.outsider_admin)

        self.client = PortalClientFactory(coach=coach)
        self.share = ClientShare.objects.create(
            client=self.client, coach=self.co_coach, shared_by=coach
        )
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
        self.action_item = ActionItemFactory(client=self.client, created_by=coach, set_by="coach")
        # The team pages' objects: a member of the practice and an invitation to it.
        self.membership = self.colleague.membership
        self.practice_invitation = PracticeInvitationFactory(practice=self.practice)
        # Inbound email: the client's logging address, an email that matched nobody and a
        # person suggested from it.
        LoggingAddress.objects.create(client=self.client, token=f"worldtoken{self.client.pk:08d}")
        self.inbound_message = InboundMessage.objects.create(
            client=self.client,
            message_id=f"world-{self.client.pk}@example.org",
            subject="Coffee next week?",
            status=InboundMessage.Status.UNMATCHED,
        )
        self.suggestion = Suggestion.objects.create(
            client=self.client, email="sam.lee@acme.example", name="Sam Lee", seen_in=None
        )

    def user(self, role):
        return {
            "coach": self.coach,
            "co_coach": self.co_coach,
            "colleague": self.colleague,
            "admin": self.admin,
            "viewer": self.viewer,
            "outsider_admin": self.outsider_admin,
            "client": self.client.user,
            "outsider_client": self.outsider_client.user,
        }[role]


ROLES = [
    "coach",
    "co_coach",
    "colleague",
    "admin",
    "viewer",
    "outsider_admin",
    "client",
    "outsider_client",
]

OBJECTS = {
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
    "membership_pk": lambda world: world.membership.pk,
    "invitation_pk": lambda world: world.practice_invitation.pk,
    "share_pk": lambda world: world.share.pk,
    "message_pk": lambda world: world.inbound_message.pk,
    "suggestion_pk": lambda world: world.suggestion.pk,
    "action_item_pk": lambda world: world.action_item.pk,
    # Not objects: the verb in the URL.
    "direction": lambda world: "up",
    "action": lambda world: "complete",
}
OWNED_BY_FIRST_COACH = OBJECTS  # the name other test modules knew


def url_for(name, pattern, world):
    kwargs = {}
    for key in pattern.pattern.converters:
        assert key in OBJECTS, f"URL {name!r} takes {key!r}: add it to OBJECTS in {__file__}"
        kwargs[key] = OBJECTS[key](world)
    return reverse(name, kwargs=kwargs)


# What each role gets: IN (let in), OUT (refused), READ (a viewer: GET answered, unsafe refused).
IN, OUT, READ, EITHER = "in", "out", "read", "either"


def expected(name, pattern, role) -> str:
    converters = set(pattern.pattern.converters)
    if name in CLIENT_ONLY:
        return IN if role in ("client", "outsider_client") else OUT
    if role in ("client", "outsider_client") and not converters:
        return OUT
    if name in PRACTICE_ADMINS:
        return IN if role in ("admin", "outsider_admin") else OUT
    if name in PRACTICE_READERS:
        return {"admin": IN, "outsider_admin": IN, "viewer": READ}.get(role, OUT)
    if name in COACH_ONLY:
        return OUT if role == "viewer" else IN
    if name in COACH_SIDE:
        return READ if role == "viewer" else IN
    # A URL with an object of the World.
    if role in ("outsider_admin", "outsider_client", "colleague"):
        return OUT
    if name in MOVE_TO_LIBRARY:
        return OUT
    if converters & LIBRARY_KWARGS:
        return IN if role == "coach" else OUT
    if name in ADMIN_ONLY:
        return IN if role == "admin" else OUT
    if name in COACH_OR_ADMIN:
        return IN if role in ("coach", "admin") else OUT
    if role == "viewer":
        return OUT if name in NOT_FOR_VIEWERS else READ
    if role == "client":
        if name in NOT_FOR_THE_CLIENT | CLIENT_CHANGES_ONLY_OWN_ITEMS:
            return OUT
        if name in CLIENT_WORKS_ON_ACTION_ITEMS:
            return IN
        return EITHER  # the client's own pages: each portal page's tests cover them
    return IN


# The data-rights URLs (issue 11): walked like every other client_pk URL below, named here so
# that renaming or moving one fails loudly instead of dropping out of the walk unnoticed.
DATA_RIGHTS = {"dashboard:export_all_data", "clients:client_erase"}


def test_the_data_rights_urls_are_walked():
    walked = {name for name, pattern in ALL_URLS if "client_pk" in pattern.pattern.converters}
    assert walked >= DATA_RIGHTS


def test_every_url_is_classified():
    groups = COACH_ONLY | COACH_SIDE | PRACTICE_READERS | PRACTICE_ADMINS
    for name, pattern in ALL_URLS:
        if pattern.pattern.converters or name in PUBLIC:
            continue
        assert name in groups | CLIENT_ONLY | OWN_ACCOUNT, (
            f"URL {name!r} has no object in it: list it in PUBLIC, COACH_ONLY, COACH_SIDE, "
            "PRACTICE_READERS, PRACTICE_ADMINS, CLIENT_ONLY or OWN_ACCOUNT"
        )


def test_every_page_a_viewer_reads_exists():
    names = {name for name, _ in ALL_URLS}
    assert names >= VIEWER_READS
    assert names >= (COACH_OR_ADMIN | ADMIN_ONLY | NOT_FOR_VIEWERS | MOVE_TO_LIBRARY)
    assert names >= (
        NOT_FOR_THE_CLIENT | CLIENT_WORKS_ON_ACTION_ITEMS | CLIENT_CHANGES_ONLY_OWN_ITEMS
    )


@pytest.mark.parametrize("name", sorted(OWN_ACCOUNT))
@pytest.mark.django_db
def test_own_account_pages_send_an_anonymous_visitor_to_login(client, name):
    for method in (client.get, client.post):
        response = method(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


REFUSED = (404, 405)


@pytest.mark.parametrize(
    ("name", "pattern", "role"),
    [
        (name, pattern, role)
        for name, pattern in ALL_URLS
        if name not in PUBLIC | OWN_ACCOUNT
        for role in ROLES
        if expected(name, pattern, role) != EITHER
    ],
)
@pytest.mark.django_db
def test_each_role_is_let_in_or_refused(client, coach, name, pattern, role):
    world = World(coach)
    url = url_for(name, pattern, world)
    outcome = expected(name, pattern, role)
    user = world.user(role)
    client.force_login(user)
    who = f"{role} ({user.email})"

    if outcome == OUT:
        status = client.get(url).status_code
        assert status in REFUSED, f"{who} got {status} on get {url}"
        status = client.post(url).status_code
        refused = (403, *REFUSED) if role == "viewer" else REFUSED
        assert status in refused, f"{who} got {status} on post {url}"
    elif outcome == READ:
        status = client.get(url).status_code
        if name in VIEWER_READS:
            assert status == 200, f"the viewer cannot read {url}: {status}"
        else:
            assert status in (200, *REFUSED), f"{who} got {status} on get {url}"
        for method in (client.post, client.put, client.delete):
            status = method(url).status_code
            assert status in (403, *REFUSED), f"{who} got {status} on {method.__name__} {url}"
    elif outcome == IN:
        # GET first; POST only where GET is not accepted, so nothing is changed by the check.
        statuses = {client.get(url).status_code}
        if 405 in statuses:
            statuses.add(client.post(url).status_code)
        assert statuses - set(REFUSED), f"{who} was refused on {url}: {statuses}"
        assert not statuses & {403, 500}, f"{who} got {statuses} on {url}"


def owner_of(name, world):
    """Who opens the URL as its rightful user (for tests walking every page)."""
    if name in CLIENT_ONLY:
        return world.client.user
    if name in PRACTICE_ADMINS | PRACTICE_READERS | ADMIN_ONLY:
        return world.admin
    return world.coach
