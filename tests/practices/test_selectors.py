"""The team page counts each member's active clients in one grouped query; generated teams hold
that count and the rule it restates (practices.selectors.member_active_clients) together."""

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from practices.selectors import member_active_clients, team_members
from tests.factories import ClientFactory, CoachFactory, PracticeFactory


class TestActiveClientCounts(TestCase):
    """The team page's grouped count agrees with member_active_clients, on generated teams."""

    @settings(max_examples=25, deadline=None)
    @given(
        caseloads=st.lists(
            st.lists(st.sampled_from(["active", "archived"]), max_size=4), min_size=1, max_size=4
        ),
        shared=st.booleans(),
    )
    def test_the_grouped_count_is_the_rules_count(self, caseloads, shared):
        practice = PracticeFactory()
        members = [
            CoachFactory(membership__practice=practice, membership__role="coach") for _ in caseloads
        ]
        for coach, statuses in zip(members, caseloads, strict=True):
            for status in statuses:
                client = ClientFactory(coach=coach, status=status)
                if shared and len(members) > 1:  # shared clients count for their coach only
                    client.shares.create(coach=members[0] if coach != members[0] else members[1])

        counted = {row.user_id: row.active_client_count for row in team_members(practice)}

        assert counted == {coach.pk: member_active_clients(coach).count() for coach in members}
