"""Object loaders for the interviews app. Scoping is the same `visible_to` rule as in
clients.access (a coach: their own clients' rows; a client: their own), so a second coach or
client gets a 404 on every interview URL."""

from django.shortcuts import get_object_or_404

from clients.access import require_coach

from .models import Interview, InterviewQuestion, QuestionBank


def get_interview(user, pk) -> Interview:
    return get_object_or_404(
        Interview.objects.visible_to(user).select_related(
            "client", "client__coach", "contact", "contact__company"
        ),
        pk=pk,
    )


def get_chosen_question(user, pk) -> InterviewQuestion:
    """A question chosen for an interview the user may see."""
    return get_object_or_404(
        InterviewQuestion.objects.filter(
            interview__in=Interview.objects.visible_to(user)
        ).select_related("interview"),
        pk=pk,
    )


def get_usable_bank(user, pk) -> QuestionBank:
    """A bank the coach may read or copy: built-in or their own."""
    require_coach(user)
    return get_object_or_404(QuestionBank.objects.usable_by(user), pk=pk)


def get_own_bank(user, pk) -> QuestionBank:
    """A bank the coach may change: only their own (built-ins are read-only)."""
    require_coach(user)
    return get_object_or_404(QuestionBank.objects.filter(owner=user), pk=pk)
