"""The client's own "what next" list on their home page."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from clients.models import Contact
from interviews.models import Interview
from reminders import rules

from .attention import stalled_outreach


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
    ended = (
        interviews.filter(
            status__in=[Interview.Status.SCHEDULED, Interview.Status.COMPLETED],
            starts_at__gte=now - timedelta(days=14),
            starts_at__lte=now,
        )
        .filter(Q(debrief__isnull=True) | Q(debrief__thank_you_sent_at__isnull=True))
        .order_by("starts_at")
    )
    thank_yous = [
        (
            interview,
            interview.ends_at + rules.THANK_YOU_CAP,
            interview.ends_at + rules.THANK_YOU_CAP < now,
        )
        for interview in ended
        if interview.ends_at <= now
    ]
    identified = client.contacts.filter(stage=Contact.Stage.IDENTIFIED).select_related("company")
    return NextSteps(
        next_interview=upcoming,
        thank_yous=thank_yous,
        follow_ups=list(stalled_outreach(type(client).objects.filter(pk=client.pk), now)),
        not_reached=list(identified.order_by("created_at")[:5]),
        n_not_reached=identified.count(),
    )
