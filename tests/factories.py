"""factory_boy factories: the one place tests build data."""

from datetime import date, timedelta

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Practice, User
from clients.models import Client, Company, Contact, OutreachTemplate, Touch
from interviews.models import Interview

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    role = User.Role.CLIENT
    timezone = "UTC"
    password = factory.django.Password(PASSWORD)


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n}")
    timezone = "UTC"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    practice = factory.SubFactory(PracticeFactory)
    user = factory.SubFactory("tests.factories.CoachFactory", membership=None)
    role = Membership.Role.COACH


class CoachFactory(UserFactory):
    """A coach as the practices migration leaves every coach: the admin of a practice of one.
    `CoachFactory(membership=None)` is a coach without one; `CoachFactory(membership__practice=p,
    membership__role="coach")` joins a practice."""

    role = User.Role.COACH
    email = factory.Sequence(lambda n: f"coach{n}@example.com")
    membership = factory.RelatedFactory(
        MembershipFactory, factory_related_name="user", role=Membership.Role.ADMIN
    )


class ClientUserFactory(UserFactory):
    role = User.Role.CLIENT


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app: two-factor login is on for its user."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(CoachFactory)
    name = "Authenticator app"
    confirmed = True


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    coach = factory.SubFactory(CoachFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    timezone = "Europe/London"
    target_roles = "Product manager"


class PortalClientFactory(ClientFactory):
    """A client who has accepted the invitation and logs in to the portal."""

    user = factory.SubFactory(
        ClientUserFactory,
        email=factory.SelfAttribute("..email"),
        name=factory.SelfAttribute("..name"),
    )


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Company {n}")
    motivation = 2
    posting = 1
    advocacy = 1


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    company = factory.SubFactory(CompanyFactory, client=factory.SelfAttribute("..client"))
    name = factory.Faker("name")
    title = "Product lead"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    source = Contact.Source.LINKEDIN


class TouchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touch

    contact = factory.SubFactory(ContactFactory)
    kind = Touch.Kind.OUTREACH
    channel = Touch.Channel.EMAIL


class OutreachTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutreachTemplate

    owner = factory.SubFactory(CoachFactory)
    name = factory.Sequence(lambda n: f"Template {n}")
    subject = "A short conversation about {company}?"
    body = "Hello {contact_first_name}, I am {client_name}."


def next_week_on_the_hour():
    return (timezone.now() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    client = factory.SubFactory(ClientFactory)
    contact = factory.SubFactory(ContactFactory, client=factory.SelfAttribute("..client"))
    starts_at = factory.LazyFunction(next_week_on_the_hour)
    duration_minutes = 30
    format = Interview.Format.VIDEO
    platform = Interview.Platform.ZOOM
    meeting_link = factory.Sequence(lambda n: f"https://zoom.us/j/{9000000000 + n}")


# Question banks. Models named as "app.Model" strings so this block needs no import line.
class QuestionBankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interviews.QuestionBank"

    owner = factory.SubFactory(CoachFactory)
    name = factory.Sequence(lambda n: f"Question bank {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interviews.Question"

    bank = factory.SubFactory(QuestionBankFactory)
    text = factory.Sequence(lambda n: f"What surprised you most in your work, part {n}?")
    category = "role"
    # Appended at the end of the bank, as question_add does.
    position = factory.LazyAttribute(lambda question: question.bank.questions.count())


# Debriefs. Model named as an "app.Model" string so this block needs no import line.
class DebriefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "interviews.Debrief"

    interview = factory.SubFactory(InterviewFactory)
    highlights = "Most of the work is talking to customers; the roadmap comes after."
    advice = "Take a short course in SQL and ask for a shadowing day."
    fit = 4
    next_steps = "Write to the two people she suggested this week."


# Practice invitations. Model named as an "app.Model" string so this block needs no import line.
class PracticeInvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation to join a practice."""

    class Meta:
        model = "accounts.PracticeInvitation"

    practice = factory.SubFactory(PracticeFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    name = factory.Faker("name")
    role = "coach"


# Goals. Models named as "app.Model" strings so this block needs no import line.
class WeeklyTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "goals.WeeklyTarget"

    client = factory.SubFactory(ClientFactory)
    kind = "outreach"
    per_week = 5
    # A Monday long ago: the target applies to every week a test builds, unless it says.
    since = date(2000, 1, 3)
    created_by = factory.SelfAttribute("client.coach")


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "goals.ActionItem"

    client = factory.SubFactory(ClientFactory)
    title = factory.Sequence(lambda n: f"Write to three alumni, round {n}")
    created_by = factory.SelfAttribute("client.coach")
    set_by = "coach"
