"""The client's own "what next" list on their home page."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from clients.models import Contact
from interviews.models import Interview
from reminders import candidates

from .attention import stalled_items


@dataclass
class NextSteps:
    next_interview: Interview | None
    thank_yous: list  # (interview, deadline, overdue)
    follow_ups: list  # attention Items for this client's quiet outreach
    not_reached: list  # contacts still to reach out to
    n_not_reached: int

    @property
    def is_empty(self) -> bool:
        return not (self.next_interview or self.thank_yous or self.follow_ups or self.not_reached)


def next_steps(client, now: datetime | None = None) -> NextSteps:
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
    identified = client.contacts.filter(stage=Contact.Stage.IDENTIFIED).select_related("company")
    return NextSteps(
        next_interview=upcoming,
        thank_yous=thank_yous,
        follow_ups=stalled_items(candidates.stalled_outreach(caseload, now)),
        not_reached=list(identified.order_by("created_at")[:5]),
        n_not_reached=identified.count(),
    )
