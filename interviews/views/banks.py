"""Question banks: the built-ins and the practice's library (read and copy), the coach's own and,
for an admin, the practice's library (change), and the banks in a client's pool. A bank the user
may not change is a 404 on every URL that changes one (clients.access.library_editable_scope)."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clients.access import coach_required, get_client, practice_library_of
from clients.selectors import library_groups

from .. import services
from ..access import (
    get_bank_to_move_to_practice,
    get_editable_bank,
    get_editable_question,
    get_usable_bank,
)
from ..forms_banks import ClientBanksForm, QuestionBankForm, QuestionForm, QuestionOrderForm
from ..models import QuestionBank


def _posted(request):
    """The submitted data on a POST, else None (an unbound form). Unlike `request.POST or None`,
    a POST with nothing ticked still binds the form."""
    return request.POST if request.method == "POST" else None


def _bank_page(request, bank, question_form=None):
    """`bank` comes from a loader that annotates what the user may do with it."""
    editable = bank.editable
    if editable and question_form is None:
        question_form = QuestionForm()
    return render(
        request,
        "interviews/bank_detail.html",
        {
            "bank": bank,
            "editable": editable,
            "movable": bank.movable,
            "questions": list(bank.questions.all()),
            "question_form": question_form,
            "n_clients": bank.clients.count() if editable else None,
        },
    )


def _at_question(question) -> str:
    """The bank page, scrolled to the question, so a move or an edit keeps the reader's place."""
    url = reverse("interviews:bank_detail", kwargs={"bank_pk": question.bank_id})
    return f"{url}#question-{question.pk}"


@coach_required
def bank_list(request):
    archived = request.GET.get("archived") == "1"
    if archived:  # only banks the user may unarchive
        banks = QuestionBank.objects.editable_by(request.user).filter(archived_at__isnull=False)
    else:
        banks = QuestionBank.objects.usable_by(request.user).active()
    banks = banks.with_rights(request.user).annotate(
        n_questions=Count("questions", distinct=True), n_clients=Count("clients", distinct=True)
    )
    groups = library_groups(banks, user=request.user)
    return render(
        request,
        "interviews/bank_list.html",
        {
            "archived": archived,
            "builtin_banks": groups.builtin,
            "practice_banks": groups.practice,
            "own_banks": groups.own,
            "library": groups,
        },
    )


@coach_required
def bank_create(request):
    form = QuestionBankForm(_posted(request), practice=practice_library_of(request.user))
    if request.method == "POST" and form.is_valid():
        bank = services.bank_create(**form.belongs_to(request.user), **form.cleaned_data)
        where = f" in the {bank.practice.name} library" if bank.practice else ""
        messages.success(request, f"“{bank.name}” created{where}. Add its first questions below.")
        return redirect("interviews:bank_detail", bank_pk=bank.pk)
    return render(request, "interviews/bank_form.html", {"form": form})


@coach_required
def bank_detail(request, bank_pk):
    return _bank_page(request, get_usable_bank(request.user, bank_pk))


@coach_required
def bank_edit(request, bank_pk):
    bank = get_editable_bank(request.user, bank_pk)
    form = QuestionBankForm(_posted(request), instance=bank)
    if request.method == "POST" and form.is_valid():
        services.bank_update(bank=bank, **form.cleaned_data)
        messages.success(request, "Bank details saved.")
        return redirect("interviews:bank_detail", bank_pk=bank.pk)
    return render(request, "interviews/bank_form.html", {"form": form, "bank": bank})


@require_POST
@coach_required
def bank_copy(request, bank_pk):
    bank = get_usable_bank(request.user, bank_pk)
    copy = services.bank_copy(bank=bank, owner=request.user)
    messages.success(request, f"Copied “{bank.name}”: this copy is yours to change.")
    return redirect("interviews:bank_detail", bank_pk=copy.pk)


@coach_required
def bank_archive(request, bank_pk):
    bank = get_editable_bank(request.user, bank_pk)
    if request.method == "POST":
        services.bank_set_archived(bank=bank, archived=True)
        messages.success(
            request, f"“{bank.name}” is archived. “Show archived banks” brings it back into view."
        )
        return redirect("interviews:bank_list")
    return render(
        request,
        "interviews/bank_confirm_archive.html",
        {"bank": bank, "clients": list(bank.clients.order_by("name"))},
    )


@coach_required
def bank_move_to_practice(request, bank_pk):
    """An admin hands one of their own banks to the practice's library, after a confirmation."""
    bank = get_bank_to_move_to_practice(request.user, bank_pk)
    practice = practice_library_of(request.user)
    if request.method == "POST":
        services.bank_move_to_practice(bank=bank, practice=practice)
        messages.success(
            request, f"“{bank.name}” is in the {practice.name} library now: every coach can use it."
        )
        return redirect("interviews:bank_detail", bank_pk=bank.pk)
    return render(request, "interviews/bank_confirm_move.html", {"bank": bank})


@require_POST
@coach_required
def bank_unarchive(request, bank_pk):
    bank = get_editable_bank(request.user, bank_pk)
    services.bank_set_archived(bank=bank, archived=False)
    messages.success(request, f"“{bank.name}” is active again.")
    return redirect("interviews:bank_detail", bank_pk=bank.pk)


def _posted_order(request) -> dict:
    """The posted order: a JSON object from the page's script, else the form fields. Anything
    unreadable is an empty dict, which the order form refuses."""
    if request.content_type != "application/json":
        return request.POST
    try:
        data = json.loads(request.body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@require_POST
@coach_required
def bank_reorder(request, bank_pk):
    """Saves a drag-and-drop order. The page's script sends JSON and gets JSON back; a plain
    form post (question_ids repeated) is answered with a redirect to the bank."""
    bank = get_editable_bank(request.user, bank_pk)
    form = QuestionOrderForm(_posted_order(request), bank=bank)
    error = "The new order could not be read. Reload the page and try again."
    if form.is_valid():
        try:
            services.question_reorder(bank=bank, question_ids=form.cleaned_data["question_ids"])
            error = None
        except ValidationError as exc:
            error = exc.messages[0]
    if request.content_type == "application/json":
        return JsonResponse({"error": error}, status=400) if error else JsonResponse({"ok": True})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "New order saved.")
    return redirect("interviews:bank_detail", bank_pk=bank.pk)


@require_POST
@coach_required
def question_create(request, bank_pk):
    bank = get_editable_bank(request.user, bank_pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        question = services.question_add(bank=bank, **form.cleaned_data)
        messages.success(request, "Question added at the end of the list.")
        return redirect(_at_question(question))
    return _bank_page(request, bank, question_form=form)


@coach_required
def question_edit(request, question_pk):
    question = get_editable_question(request.user, question_pk)
    form = QuestionForm(_posted(request), instance=question)
    if request.method == "POST" and form.is_valid():
        services.question_update(question=question, **form.cleaned_data)
        messages.success(request, "Question saved.")
        return redirect(_at_question(question))
    return render(request, "interviews/question_form.html", {"form": form, "question": question})


@coach_required
def question_delete(request, question_pk):
    question = get_editable_question(request.user, question_pk)
    if request.method == "POST":
        services.question_delete(question=question)
        messages.success(request, "Question removed.")
        return redirect("interviews:bank_detail", bank_pk=question.bank_id)
    return render(request, "interviews/question_confirm_delete.html", {"question": question})


@require_POST
@coach_required
def question_move(request, question_pk, direction):
    if direction not in services.MOVE_DIRECTIONS:
        raise Http404
    question = get_editable_question(request.user, question_pk)
    services.question_move(question=question, direction=direction)
    return redirect(_at_question(question))


@coach_required
def client_banks(request, client_pk):
    client = get_client(request.user, client_pk)
    form = ClientBanksForm(
        _posted(request),
        client=client,
        initial={"banks": list(client.question_banks.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.banks_assign(client=client, banks=form.cleaned_data["banks"])
        except ValidationError as error:
            form.add_error("banks", error)
        else:
            messages.success(request, f"{client.name}'s question pool is saved.")
            return redirect("interviews:client_banks", client_pk=client.pk)
    return render(request, "interviews/client_banks.html", {"client": client, "form": form})
