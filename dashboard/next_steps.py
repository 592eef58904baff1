"""The client's own "what next" list on their home page (and in the progress report)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from clients.models import Contact
from goals import selectors as goal_selectors
from interviews.models import Interview
from reminders import candidates

from .attention import stalled_items

# Open action items listed, soonest due (so the overdue ones) first; the rest are on the
# client's action items page.
ACTIONS_LISTED = 8


@dataclass
class NextSteps:
    next_interview: Interview | None
    thank_yous: list  # (interview, deadline, overdue)
    follow_ups: list  # attention Items for this client's quiet outreach
    not_reached: list  # (pk, name) rows of the first contacts still to reach out to
    n_not_reached: int
    # Open action items (goals.selectors.ActionItemRow), overdue ones first, at most
    # ACTIONS_LISTED; `more_actions` when there are others.
    actions: list
    more_actions: bool

    @property
    def is_empty(self) -> bool:
        return not (
            self.next_interview
            or self.thank_yous
            or self.follow_ups
            or self.not_reached
            or self.actions
        )


def next_steps(client, now: datetime | None = None, *, stage_counts=None) -> NextSteps:
    """`stage_counts`: clients.selectors.stage_counts(client), when the caller has read it for
    its own page (the client home shows them); the contacts not reached yet are its IDENTIFIED,
    so they are not counted again."""
    now = now or timezone.now()
    interviews = client.interviews.select_related("contact", "contact__company")
    upcoming = (
        interviews.filter(
            status=Interview.Status.SCHEDULED, starts_at__gte=now - timedelta(hours=1)
        )
        .order_by("starts_at")
        .first()
    )
    # The same interviews the coach home and the digest list as overdue, plus the ones still
    # inside their 48 h (the rule: Interview.objects.awaiting_thank_you).
    awaiting = interviews.awaiting_thank_you(now).order_by("ended_at", "starts_at", "pk")
    thank_yous = [
        (interview, interview.thank_you_due_by, interview.thank_you_due_by <= now)
        for interview in awaiting
    ]
    caseload = type(client).objects.filter(pk=client.pk)
    identified = client.contacts.filter(stage=Contact.Stage.IDENTIFIED)
    actions = goal_selectors.rows(
        goal_selectors.open_items(client)[: ACTIONS_LISTED + 1],
        goal_selectors.client_today(client, now),
    )
    return NextSteps(
        next_interview=upcoming,
        thank_yous=thank_yous,
        follow_ups=stalled_items(candidates.stalled_outreach(caseload, now)),
        # The home links each by name: (pk, name) rows, not instances with their company.
        not_reached=list(
            identified.order_by("created_at").values_list("pk", "name", named=True)[:5]
        ),
        n_not_reached=(
            identified.count() if stage_counts is None else stage_counts[Contact.Stage.IDENTIFIED]
        ),
        actions=actions[:ACTIONS_LISTED],
        more_actions=len(actions) > ACTIONS_LISTED,
    )
