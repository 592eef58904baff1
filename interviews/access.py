"""Object loaders for the interviews app. Scoping is the same `visible_to` rule as in
clients.access (a coach: their own clients' rows; a client: their own), so a second coach or
client gets a 404 on every interview URL. Question banks follow the library rules there
(`library_scope` to use one, `library_editable_scope` to change one)."""

from django.shortcuts import get_object_or_404

from clients.access import require_coach

from .models import Interview, InterviewQuestion, Question, QuestionBank


def get_interview(user, pk) -> Interview:
    """The interview with its client, contact and debrief (the prep page shows all four)."""
    return get_object_or_404(
        Interview.objects.visible_to(user).select_related(
            "client", "client__coach", "contact", "contact__company", "debrief"
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
    """A bank the coach may read or copy: built-in, their practice's or their own; with
    `editable` and `movable`, what else they may do with it."""
    require_coach(user)
    return get_object_or_404(
        QuestionBank.objects.usable_by(user).with_rights(user).select_related("practice"), pk=pk
    )


def get_editable_bank(user, pk) -> QuestionBank:
    """A bank the coach may change: their own, or their practice's if they keep its library
    (clients.access.library_editable_scope). Built-ins are read-only."""
    require_coach(user)
    return get_object_or_404(
        QuestionBank.objects.editable_by(user).with_rights(user).select_related("practice"),
        pk=pk,
    )


def get_editable_question(user, pk) -> Question:
    """A question of a bank the coach may change."""
    require_coach(user)
    return get_object_or_404(
        Question.objects.filter(bank__in=QuestionBank.objects.editable_by(user)).select_related(
            "bank"
        ),
        pk=pk,
    )


def get_bank_to_move_to_practice(user, pk) -> QuestionBank:
    """One of the coach's own banks, if they keep their practice's library."""
    require_coach(user)
    return get_object_or_404(QuestionBank.objects.movable_to_practice_by(user), pk=pk)
