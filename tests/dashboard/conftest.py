from datetime import date, timedelta

import pytest

from accounts.models import Membership
from clients.models import Client, Contact, Opportunity, Touch
from goals.models import ActionItem, WeeklyTarget
from interviews.models import Debrief, Interview, Referral
from reminders.models import Reminder
from tests.factories import CoachFactory, PracticeFactory


@pytest.fixture
def practice_of_five(db):
    """A practice of five coaches (its admin first) and a viewer: (practice, coaches, viewer)."""
    practice = PracticeFactory(name="Northside Careers", timezone="Europe/London")
    admin = CoachFactory(name="Ada Admin", timezone="Europe/London", membership__practice=practice)
    coaches = [admin] + [
        CoachFactory(
            name=f"Coach {n}",
            timezone="Europe/London",
            membership__practice=practice,
            membership__role=Membership.Role.COACH,
        )
        for n in range(1, 5)
    ]
    viewer = CoachFactory(
        name="Vic Viewer", membership__practice=practice, membership__role=Membership.Role.VIEWER
    )
    return practice, coaches, viewer


@pytest.fixture
def fill_caseload():
    """Builds, with a few bulk inserts, `n_clients` clients of `coach` with something for every
    figure of the practice home and every rule of "needs attention" as of `now` (which the
    clock must read): contacts reached out to from 1 to many days ago (some answered),
    interviews held (thanked on time, and not yet thanked 5 days on), interviews today and
    tomorrow, a referral, an opportunity, a failed reminder, weekly targets of every kind and
    an overdue and a done action item per client, and a last client quiet for three weeks.
    Returns the clients."""

    def fill(coach, *, n_clients, contacts_each, now):
        clients = Client.objects.bulk_create(
            Client(
                coach=coach,
                name=f"{coach.name} client {n}",
                email=f"client-{coach.pk}-{n}@example.com",
                timezone="Europe/London",
            )
            for n in range(n_clients)
        )
        *busy, quiet = clients
        Client.objects.filter(pk=quiet.pk).update(updated_at=now - timedelta(days=21))
        contacts = Contact.objects.bulk_create(
            Contact(
                client=client,
                name=f"Person {client.pk}-{n}",
                email=f"person-{client.pk}-{n}@example.org",
                stage=Contact.Stage.REPLIED if n % 4 == 3 else Contact.Stage.REACHED_OUT,
            )
            for client in busy
            for n in range(contacts_each)
        )
        Touch.objects.bulk_create(
            Touch(
                contact=contact,
                kind=Touch.Kind.OUTREACH,
                channel=Touch.Channel.EMAIL,
                at=now - timedelta(hours=30 + 7 * n),
            )
            for n, contact in enumerate(contacts)
        )
        Touch.objects.bulk_create(
            Touch(contact=contact, kind=Touch.Kind.REPLY, channel=Touch.Channel.EMAIL, at=now)
            for contact in contacts
            if contact.stage == Contact.Stage.REPLIED
        )
        by_client = {}
        for contact in contacts:
            by_client.setdefault(contact.client_id, []).append(contact)
        interviews = []
        for client in busy:
            met = by_client[client.pk]
            interviews += [
                Interview(
                    client=client,
                    contact=met[0],
                    starts_at=now - timedelta(days=3),
                    status=Interview.Status.COMPLETED,
                ),
                Interview(
                    client=client,
                    contact=met[1 % len(met)],
                    starts_at=now - timedelta(days=5),
                    status=Interview.Status.COMPLETED,
                ),
                Interview(client=client, contact=met[0], starts_at=now + timedelta(hours=2)),
                Interview(client=client, contact=met[0], starts_at=now + timedelta(days=1)),
            ]
        interviews = Interview.objects.bulk_create(interviews)
        thanked = interviews[::4]
        Debrief.objects.bulk_create(
            Debrief(interview=interview, thank_you_sent_at=now - timedelta(days=2))
            for interview in thanked
        )
        Referral.objects.bulk_create(
            Referral(interview=interview, contact=by_client[interview.client_id][-1])
            for interview in thanked
        )
        Opportunity.objects.bulk_create(
            Opportunity(
                client=client,
                contact=by_client[client.pk][0],
                kind=Opportunity.Kind.JOB_LEAD,
                at=now.date() - timedelta(days=2),
            )
            for client in busy
        )
        Reminder.objects.bulk_create(
            Reminder(
                kind=Reminder.Kind.PREP,
                key=f"test:failed:{client.pk}",
                client=client,
                recipient_email=client.email,
                due_at=now - timedelta(hours=3),
                window_ends_at=now - timedelta(hours=1),
                next_attempt_at=now,
                status=Reminder.Status.FAILED,
                last_error="550 mailbox unavailable",
            )
            for client in busy
        )
        WeeklyTarget.objects.bulk_create(
            WeeklyTarget(client=client, kind=kind, per_week=3, since=date(2000, 1, 3))
            for client in clients
            for kind in WeeklyTarget.Kind
        )
        ActionItem.objects.bulk_create(
            ActionItem(
                client=client, title=title, due_on=now.date() - timedelta(days=2), done_at=done
            )
            for client in busy
            for title, done in (("Overdue homework", None), ("Done homework", now))
        )
        return clients

    return fill
