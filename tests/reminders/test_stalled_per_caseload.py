"""The practice home's form of "stalled outreach", counted for many coaches at once, agrees with
the rule applied to each coach's caseload, on generated outreach with shared clients."""

from collections import Counter
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.models import Membership
from clients.models import Client, ClientShare, Contact, Touch
from clients.services import contact_log_touch
from dashboard.insights import caseload_clients, caseloads_clients
from reminders import candidates
from tests.factories import ClientFactory, CoachFactory, ContactFactory, PracticeFactory
from tests.reminders.test_properties import database_examples, minutes, moments, zones

# Outreach from 0 to 14 days old (every band, and younger than any), some of it answered.
outreach = st.tuples(minutes(days_from=0, days_to=14), st.integers(0, 4).map(lambda n: n == 0))
clients = st.fixed_dictionaries(
    {
        "zone": zones,
        "archived": st.integers(0, 9).map(lambda n: n == 0),
        "outreach": st.lists(outreach, min_size=1, max_size=4),
        # The other coaches (by index) the client is shared with.
        "shared_with": st.sets(st.integers(0, 2), max_size=2),
    }
)
practices = st.lists(
    st.tuples(zones, st.lists(clients, min_size=1, max_size=3)), min_size=2, max_size=3
)


def build_practice(coach_histories, now) -> list:
    practice = PracticeFactory()
    coaches = [
        CoachFactory(
            timezone=zone, membership__practice=practice, membership__role=Membership.Role.COACH
        )
        for zone, _clients in coach_histories
    ]
    for coach, (_zone, histories) in zip(coaches, coach_histories, strict=True):
        for history in histories:
            client = ClientFactory(
                coach=coach,
                timezone=history["zone"],
                status=Client.Status.ARCHIVED if history["archived"] else Client.Status.ACTIVE,
            )
            for minutes_ago, replied in history["outreach"]:
                contact = ContactFactory(client=client, stage=Contact.Stage.IDENTIFIED)
                sent = now - timedelta(minutes=minutes_ago)
                contact_log_touch(
                    contact=contact, kind=Touch.Kind.OUTREACH, channel="email", at=sent
                )
                if replied:
                    contact_log_touch(
                        contact=contact, kind=Touch.Kind.REPLY, channel="email", at=now
                    )
            for index in history["shared_with"]:
                other = coaches[index % len(coaches)]
                if other != coach:
                    ClientShare.objects.get_or_create(client=client, coach=other)
    return coaches


class TestStalledOutreachPerCaseload(TestCase):
    @database_examples
    @given(coach_histories=practices, now=moments)
    def test_the_counts_per_caseload_are_the_rule_applied_to_each_caseload(
        self, coach_histories, now
    ):
        coaches = build_practice(coach_histories, now)
        coach_ids = [coach.pk for coach in coaches]

        tally = candidates.stalled_outreach_per_caseload(
            caseloads_clients(coach_ids), coach_ids, now
        )

        for coach in coaches:
            by_rule = Counter(
                stalled.step
                for stalled in candidates.stalled_outreach(caseload_clients(coach), now)
            )
            assert +tally.of(coach.pk) == by_rule
