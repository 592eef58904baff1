"""Reads for interview pages, each a fixed number of queries whatever the data size."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Debrief, Interview

# An interview stays "upcoming" until an hour after it started (it may be running late).
UPCOMING_GRACE = timedelta(hours=1)


def interviews_split(client) -> tuple[QuerySet[Interview], QuerySet[Interview]]:
    """(upcoming soonest first, past most recent first) for one client."""
    base = client.interviews.select_related("contact", "contact__company", "debrief")
    upcoming_filter = Q(
        status=Interview.Status.SCHEDULED, starts_at__gte=timezone.now() - UPCOMING_GRACE
    )
    return (
        base.filter(upcoming_filter).order_by("starts_at"),
        base.exclude(upcoming_filter).order_by("-starts_at"),
    )


def prep_page_context(interview: Interview) -> dict:
    """Everything the prep page shows beyond the interview itself."""
    return {
        "chosen_questions": list(interview.chosen_questions.all()),
        "referrals": list(interview.referrals.select_related("contact", "contact__company")),
        "debrief": _debrief_read_with(interview),
    }


def _debrief_read_with(interview: Interview) -> Debrief | None:
    """The debrief access.get_interview read with the interview (a query only for an interview
    loaded otherwise). Pages only: a service that writes the debrief reads it afresh
    (debriefs.debrief_of)."""
    try:
        return interview.debrief
    except Debrief.DoesNotExist:
        return None
