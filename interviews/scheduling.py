"""Writes on interviews: scheduling, rescheduling, outcomes, preparation and chosen questions.
(Question-bank writes are in interviews/services.py, debriefs in interviews/debriefs.py.)

Stage moves of the contact go through clients.services, the one place that moves stages."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from clients.models import Contact
from clients.services import contact_advance

from .checklist import CHECKLIST_KEYS
from .models import Interview, InterviewQuestion, Question

SUGGESTED_QUESTIONS = 10

LOGISTICS_FIELDS = ("format", "platform", "meeting_link", "phone", "location")


def suggest_questions(*, client, limit: int = SUGGESTED_QUESTIONS) -> list[Question]:
    """About ten questions from the client's assigned banks, taken in turn from each category so
    that the conversation covers the path, the role, the company, the industry, advice and
    referrals rather than ten variations of one theme."""
    pool = list(
        Question.objects.filter(bank__clients=client, bank__archived_at__isnull=True)
        .select_related("bank")
        .order_by("bank__name", "bank_id", "position", "pk")
        .distinct()
    )
    by_category: dict[str, list[Question]] = {}
    for question in pool:
        by_category.setdefault(question.category, []).append(question)
    chosen: list[Question] = []
    while len(chosen) < limit and any(by_category.values()):
        for questions in by_category.values():
            if questions and len(chosen) < limit:
                chosen.append(questions.pop(0))
    order = [c.value for c in Question.Category]
    return sorted(chosen, key=lambda q: (order.index(q.category), q.position))


@transaction.atomic
def interview_schedule(
    *, client, contact, starts_at, duration_minutes=30, by=None, **logistics
) -> Interview:
    if contact.client_id != client.pk:
        raise ValidationError({"contact": "This contact is not on this client's list."})
    interview = Interview(
        client=client, contact=contact, starts_at=starts_at, duration_minutes=duration_minutes
    )
    for name in LOGISTICS_FIELDS:
        if name in logistics:
            setattr(interview, name, logistics[name])
    interview.full_clean()
    interview.save()
    InterviewQuestion.objects.bulk_create(
        InterviewQuestion(interview=interview, question=q, text=q.text, position=i)
        for i, q in enumerate(suggest_questions(client=client))
    )
    contact_advance(contact=contact, to=Contact.Stage.SCHEDULED)
    return interview


@transaction.atomic
def interview_reschedule(*, interview, starts_at, duration_minutes, **logistics) -> Interview:
    """New time or logistics. A cancelled or no-show interview that gets a new time is on again.
    The calendar sequence goes up so subscribed calendars replace the old event."""
    moved = (starts_at, duration_minutes) != (interview.starts_at, interview.duration_minutes)
    interview.starts_at = starts_at
    interview.duration_minutes = duration_minutes
    for name in LOGISTICS_FIELDS:
        if name in logistics:
            setattr(interview, name, logistics[name])
    if moved and interview.status in (Interview.Status.CANCELLED, Interview.Status.NO_SHOW):
        interview.status = Interview.Status.SCHEDULED
    interview.calendar_sequence = F("calendar_sequence") + 1
    interview.full_clean(exclude=["calendar_sequence"])
    interview.save()
    interview.refresh_from_db(fields=["calendar_sequence"])
    if interview.status == Interview.Status.SCHEDULED:
        contact_advance(contact=interview.contact, to=Contact.Stage.SCHEDULED)
    return interview


@transaction.atomic
def interview_set_status(*, interview, status: str) -> Interview:
    """Completed moves the contact to "interviewed"; cancelled and no-show leave it where it is."""
    if status not in Interview.Status.values:
        raise ValidationError(f"Unknown status {status!r}.")
    interview.status = status
    fields = ["status", "updated_at"]
    if status == Interview.Status.CANCELLED:
        interview.calendar_sequence = F("calendar_sequence") + 1
        fields.append("calendar_sequence")
    interview.save(update_fields=fields)
    interview.refresh_from_db(fields=["calendar_sequence"])
    if status == Interview.Status.COMPLETED:
        contact_advance(contact=interview.contact, to=Contact.Stage.INTERVIEWED)
    return interview


def interview_update_prep(*, interview, **fields) -> Interview:
    """Pitch, research notes and (for the coach) private notes."""
    allowed = {"pitch", "research_notes", "coach_notes"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not prep fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(interview, name, value)
    interview.save(update_fields=[*fields, "updated_at"])
    return interview


def interview_set_checklist(*, interview, done: list[str]) -> Interview:
    interview.checklist_done = sorted(set(done) & CHECKLIST_KEYS)
    interview.save(update_fields=["checklist_done", "updated_at"])
    return interview


def _next_position(interview) -> int:
    top = interview.chosen_questions.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def interview_question_add(*, interview, question=None, text="", by_client=False):
    """Add a pool question (must be in the client's assigned banks) or the user's own text."""
    if question is not None:
        if not question.bank.clients.filter(pk=interview.client_id).exists():
            raise ValidationError("That question is not in this client's question banks.")
        if interview.chosen_questions.filter(question=question).exists():
            return None
        text = question.text
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Type a question first."})
    chosen = InterviewQuestion(
        interview=interview,
        question=question,
        text=text,
        position=_next_position(interview),
        added_by_client=by_client,
    )
    chosen.full_clean()
    chosen.save()
    return chosen


def interview_question_remove(*, chosen: InterviewQuestion) -> None:
    chosen.delete()


@transaction.atomic
def interview_question_move(*, chosen: InterviewQuestion, direction: str) -> None:
    siblings = list(
        chosen.interview.chosen_questions.select_for_update().order_by("position", "pk")
    )
    index = next(i for i, q in enumerate(siblings) if q.pk == chosen.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, question in enumerate(siblings):
        question.position = position
    InterviewQuestion.objects.bulk_update(siblings, ["position"])
