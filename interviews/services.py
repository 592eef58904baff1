"""Writes for the interviews app. Views and other apps call these; nothing else writes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.timezone import now

from .models import Question, QuestionBank

# -- question banks -------------------------------------------------------------------------
#
# Invariants kept here:
# - a bank belongs to one coach (`owner`) or to one practice's library (`practice`); built-in
#   banks (neither) come only from migrations and are never written: a coach copies one and
#   edits the copy. Who may change which bank is clients.access.library_editable_scope, which
#   the views' loaders apply;
# - a bank's questions are numbered 0, 1, 2, ... in the order they are shown, after every write;
# - a client's pool holds only active banks usable by the client's coach (archiving a bank takes
#   it out of every pool).
#
# Writes that renumber a bank's questions lock the bank row first, so that two of them on the same
# bank (two tabs, a double click) run one after the other instead of mixing their numbers.

MOVE_DIRECTIONS = ("up", "down")


def _require_own(bank: QuestionBank) -> None:
    if bank.is_builtin:
        raise PermissionDenied("Built-in question banks are read-only; copy one to edit it.")


def _lock(bank: QuestionBank) -> None:
    list(QuestionBank.objects.select_for_update().filter(pk=bank.pk).order_by().values_list("pk"))


def _save_positions(questions: list[Question]) -> None:
    """Number `questions` 0, 1, 2, ... in list order, writing only the ones that moved."""
    moved = []
    for position, question in enumerate(questions):
        if question.position != position:
            question.position = position
            moved.append(question)
    Question.objects.bulk_update(moved, ["position"])


def bank_create(*, owner=None, practice=None, name: str, description: str = "") -> QuestionBank:
    """A coach's own bank (`owner`) or one in a practice's library (`practice`)."""
    if (owner is None) == (practice is None):
        raise PermissionDenied(
            "A bank belongs to a coach or to a practice; built-in banks come only from migrations."
        )
    bank = QuestionBank(owner=owner, practice=practice, name=name, description=description)
    bank.full_clean()
    bank.save()
    return bank


def bank_update(*, bank: QuestionBank, name: str, description: str = "") -> QuestionBank:
    _require_own(bank)
    bank.name, bank.description = name, description
    bank.full_clean()
    bank.save(update_fields=["name", "description"])
    return bank


@transaction.atomic
def bank_copy(*, bank: QuestionBank, owner) -> QuestionBank:
    """An editable copy of a bank `owner` may use (built-in, their practice's or their own),
    owned by `owner`, with the same questions in the same order. The copy starts active and in
    no client's pool."""
    if not QuestionBank.objects.usable_by(owner).filter(pk=bank.pk).exists():
        raise PermissionDenied("Only banks you can use can be copied.")
    name_length = QuestionBank._meta.get_field("name").max_length
    copy = QuestionBank.objects.create(
        owner=owner,
        name=f"Copy of {bank.name}"[:name_length],
        description=bank.description,
        copied_from=bank,
    )
    Question.objects.bulk_create(
        Question(bank=copy, text=question.text, category=question.category, position=position)
        for position, question in enumerate(bank.questions.order_by("position", "pk"))
    )
    return copy


@transaction.atomic
def bank_set_archived(*, bank: QuestionBank, archived: bool) -> QuestionBank:
    """Archiving hides a bank from the list and from pool choices and takes it out of every
    client's pool (an archived bank offers no questions). Unarchiving does not put it back in
    the pools: the coach assigns it again where it is wanted."""
    _require_own(bank)
    if archived:
        bank.clients.clear()
        bank.archived_at = bank.archived_at or now()
    else:
        bank.archived_at = None
    bank.save(update_fields=["archived_at"])
    return bank


def bank_move_to_practice(*, bank: QuestionBank, practice) -> QuestionBank:
    """Hands a coach's own bank to the practice's library, questions and client pools included:
    the pools are its coach's clients, who are the practice's, so the bank stays usable there.
    Every coach of the practice can use it from now on; only its admins change it."""
    if bank.owner_id is None:
        raise PermissionDenied("Only a coach's own bank moves into a practice's library.")
    bank.owner, bank.practice = None, practice
    bank.full_clean()
    bank.save(update_fields=["owner", "practice"])
    return bank


@transaction.atomic
def question_add(*, bank: QuestionBank, text: str, category: str) -> Question:
    """Appends a question at the end of the bank."""
    _require_own(bank)
    _lock(bank)
    last = bank.questions.aggregate(last=Max("position"))["last"]
    question = Question(
        bank=bank, text=text, category=category, position=0 if last is None else last + 1
    )
    question.full_clean()
    question.save()
    return question


def question_update(*, question: Question, text: str, category: str) -> Question:
    _require_own(question.bank)
    question.text, question.category = text, category
    question.full_clean()
    question.save(update_fields=["text", "category"])
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    """Removes a question and closes the gap it leaves in the numbering."""
    bank = question.bank
    _require_own(bank)
    _lock(bank)
    question.delete()
    _save_positions(list(bank.questions.order_by("position", "pk")))


@transaction.atomic
def question_move(*, question: Question, direction: str) -> Question:
    """Swaps the question with its neighbour above ("up") or below ("down"); at either end of
    the bank nothing changes."""
    if direction not in MOVE_DIRECTIONS:
        raise ValueError(f"direction must be one of {MOVE_DIRECTIONS}, not {direction!r}")
    bank = question.bank
    _require_own(bank)
    _lock(bank)
    questions = list(bank.questions.order_by("position", "pk"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    _save_positions(questions)
    question.position = questions.index(question)
    return question


@transaction.atomic
def question_reorder(*, bank: QuestionBank, question_ids: list[int]) -> None:
    """Puts the bank's questions in the order of `question_ids`, which must name every question
    of the bank exactly once (a page that is out of date is refused, not half applied)."""
    _require_own(bank)
    _lock(bank)
    questions = {question.pk: question for question in bank.questions.all()}
    if len(question_ids) != len(questions) or set(question_ids) != set(questions):
        raise ValidationError(
            "The list of questions has changed since the page was loaded. Reload it and try again.",
            code="stale_order",
        )
    _save_positions([questions[pk] for pk in question_ids])


@transaction.atomic
def banks_assign(*, client, banks) -> None:
    """Makes the client's question pool exactly `banks`: active banks that the client's coach
    may use (built-in, their practice's or their own), or that are in the pool already (a
    former coach's own bank stays until someone removes it)."""
    banks = list(banks)
    usable = set(
        QuestionBank.objects.pool_choices_for(client)
        .active()
        .filter(pk__in=[bank.pk for bank in banks])
        .values_list("pk", flat=True)
    )
    refused = [bank for bank in banks if bank.pk not in usable]
    if refused:
        raise ValidationError(
            "These banks cannot be offered to %(client)s: %(names)s.",
            code="bank_not_usable",
            params={"client": client.name, "names": ", ".join(bank.name for bank in refused)},
        )
    client.question_banks.set(banks)
