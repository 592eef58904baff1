from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from clients.models import ContactImport, Invitation, Opportunity
from interviews.models import CalendarFeed, InterviewQuestion, Referral
from reminders.models import Reminder
from tests.factories import (
    PASSWORD,
    ActionItemFactory,
    ClientFactory,
    CoachFactory,
    CompanyFactory,
    ContactFactory,
    DebriefFactory,
    InterviewFactory,
    PortalClientFactory,
    PracticeFactory,
    QuestionBankFactory,
    TOTPDeviceFactory,
    TouchFactory,
    WeeklyTargetFactory,
)


@pytest.fixture
def locmem_cache(settings):
    """A real cache in this process, empty (the test settings use a dummy one)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def page_cache(locmem_cache, settings):
    """The page cache on, as in production (the test settings turn it off)."""
    settings.PAGE_CACHE_SECONDS = 60
    return locmem_cache


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def coach(db):
    return CoachFactory(name="Maya Okafor")


@pytest.fixture
def other_coach(db):
    return CoachFactory(name="Daniel Reyes")


@pytest.fixture
def colleague(coach):
    """A coach (not an admin) of the practice whose admin is `coach`."""
    return CoachFactory(
        name="Ana Lima", membership__practice=coach.membership.practice, membership__role="coach"
    )


@pytest.fixture
def portal_client(coach):
    return PortalClientFactory(coach=coach, name="Priya Shah")


@pytest.fixture
def other_portal_client(other_coach):
    return PortalClientFactory(coach=other_coach, name="Marcus Lee")


@pytest.fixture
def client_record(coach):
    """A client on the coach's caseload who has not logged in yet."""
    return ClientFactory(coach=coach)


@pytest.fixture
def team(db):
    """A practice of several coaches, to share libraries in."""
    return PracticeFactory(name="Northside Careers")


@pytest.fixture
def team_admin(team):
    """The admin of `team`, who keeps its libraries."""
    return CoachFactory(name="Ines Duarte", membership__practice=team)


@pytest.fixture
def team_coach(team):
    """A coach of `team`, not an admin: uses its libraries, changes nothing in them."""
    return CoachFactory(name="Tom Becker", membership__practice=team, membership__role="coach")


@pytest.fixture
def coach_client(client, coach):
    """Django's test client, logged in as the coach."""
    client.force_login(coach)
    return client


@pytest.fixture
def force_login_verified():
    """Django's force_login plus the code step: the session a full two-factor login leaves,
    which staff need for any page (accounts/middleware.py)."""

    def log_in(http_client, user):
        device = TOTPDeviceFactory(user=user)
        http_client.force_login(user)
        session = http_client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    return log_in


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read


@pytest.fixture
def unread_post():
    """POST through a test client with a declared Content-Length and a body nobody may read."""

    def post(http_client, url, *, size):
        return http_client.generic(
            "POST",
            url,
            content_type="multipart/form-data; boundary=BoUnDaRy",
            CONTENT_LENGTH=str(size),
            **{"wsgi.input": UnreadableBody()},
        )

    return post


@pytest.fixture
def client_with_everything():
    """Builds a portal client with `size` records of every kind CoachDesk keeps about a client
    (what the data export writes and erasure deletes). Coach-only text carries COACH_PRIVATE."""

    def build(coach, *, size=1, name="Priya Shah"):
        client = PortalClientFactory(coach=coach, name=name)
        QuestionBankFactory(owner=coach).clients.add(client)
        Invitation.objects.create(client=client, email=client.email, invited_by=coach)
        ContactImport.objects.create(
            client=client, uploaded_by=coach, filename="connections.csv", rows=[{"name": "A"}]
        )
        CalendarFeed.objects.create(client=client, token=f"feed-secret-{client.pk}")
        WeeklyTargetFactory(client=client, kind="outreach", per_week=4)
        for n in range(size):
            company = CompanyFactory(client=client)
            contact = ContactFactory(
                client=client,
                company=company,
                notes=f"Met at the meetup {n}",
                coach_notes=f"COACH_PRIVATE contact {n}",
            )
            TouchFactory(contact=contact, logged_by=coach, note=f"Wrote to them {n}")
            TouchFactory(contact=contact, logged_by=client.user, kind="reply")
            Opportunity.objects.create(client=client, contact=contact, kind="job_lead")
            interview = InterviewFactory(
                client=client,
                contact=contact,
                starts_at=timezone.now() - timedelta(days=2, hours=n),
                status="completed",
                pitch=f"My pitch {n}",
                coach_notes=f"COACH_PRIVATE interview {n}",
            )
            InterviewQuestion.objects.create(interview=interview, text=f"How did you start {n}?")
            DebriefFactory(interview=interview)
            ActionItemFactory(client=client, title=f"Thank them {n}", interview=interview)
            ActionItemFactory(
                client=client,
                title=f"My own, about them {n}",
                contact=contact,
                created_by=client.user,
                set_by="client",
                done_at=timezone.now(),
            )
            Referral.objects.create(
                interview=interview, contact=ContactFactory(client=client, company=company)
            )
            for kind, to in (("thank_you", client.email), ("thank_you_overdue", coach.email)):
                Reminder.objects.create(
                    kind=kind,
                    key=f"test:{kind}:{interview.pk}",
                    client=client,
                    interview=interview,
                    contact=contact,
                    recipient_email=to,
                    due_at=interview.starts_at,
                    window_ends_at=interview.starts_at + timedelta(days=2),
                    next_attempt_at=interview.starts_at,
                    status="sent",
                    sent_at=interview.starts_at,
                )
        return client

    return build
