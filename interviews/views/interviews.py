from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clients.access import get_client, require_coach
from pagecache.pages import cached_page

from .. import scheduling, selectors
from ..access import get_chosen_question, get_interview
from ..checklist import checklist_items
from ..forms import CoachNotesForm, InterviewForm, OwnQuestionForm, PrepForm
from ..models import Interview, Question

PAST_PAGE_SIZE = 20


def to_prep(interview):
    return redirect("interviews:interview_detail", interview_pk=interview.pk)


@login_required
def interview_list(request, client_pk):
    client = get_client(request.user, client_pk)
    upcoming, past = selectors.interviews_split(client)
    return render(
        request,
        "interviews/interview_list.html",
        {
            "client": client,
            "upcoming": upcoming,
            "past_page": Paginator(past, PAST_PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


@login_required
def interview_schedule(request, client_pk):
    client = get_client(request.user, client_pk)
    initial = {"contact": request.GET.get("contact"), "duration_minutes": 30, "format": "video"}
    form = InterviewForm(request.POST or None, client=client, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            interview = scheduling.interview_schedule(
                client=client,
                contact=form.cleaned_data["contact"],
                by=request.user,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Interview with {interview.contact.name} scheduled. Time to prepare!"
            )
            return to_prep(interview)
    return render(request, "interviews/interview_form.html", {"form": form, "client": client})


@login_required
@cached_page
def interview_detail(request, interview_pk):
    """The prep page: the client's main page for one interview."""
    interview = get_interview(request.user, interview_pk)
    done = set(interview.checklist_done)
    context = {
        "interview": interview,
        "client": interview.client,
        "contact": interview.contact,
        "checklist": [(key, label, key in done) for key, label in checklist_items(interview)],
        "prep_form": PrepForm(instance=interview),
        "question_form": OwnQuestionForm(),
        **selectors.prep_page_context(interview),
    }
    if request.user.is_coach:
        context["notes_form"] = CoachNotesForm(instance=interview)
    return render(request, "interviews/interview_detail.html", context)


@login_required
def interview_edit(request, interview_pk):
    """Reschedule or change the logistics."""
    interview = get_interview(request.user, interview_pk)
    client = interview.client
    form = InterviewForm(request.POST or None, client=client, interview=interview)
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.interview_reschedule(interview=interview, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Interview updated.")
            return to_prep(interview)
    return render(
        request,
        "interviews/interview_form.html",
        {"form": form, "client": client, "interview": interview},
    )


STATUS_ACTIONS = {
    "complete": (
        Interview.Status.COMPLETED,
        "Marked as done. Write the debrief while it is fresh.",
    ),
    "cancel": (Interview.Status.CANCELLED, "Interview cancelled."),
    "no-show": (Interview.Status.NO_SHOW, "Marked as a no-show."),
}


@login_required
def interview_set_status(request, interview_pk, action):
    interview = get_interview(request.user, interview_pk)
    if action not in STATUS_ACTIONS:
        raise Http404
    status, message = STATUS_ACTIONS[action]
    if request.method == "POST":
        scheduling.interview_set_status(interview=interview, status=status)
        messages.success(request, message)
        return to_prep(interview)
    return render(
        request,
        "interviews/interview_confirm_status.html",
        {"interview": interview, "client": interview.client, "action": action, "status": status},
    )


@require_POST
@login_required
def interview_prep_save(request, interview_pk):
    interview = get_interview(request.user, interview_pk)
    form = PrepForm(request.POST, instance=interview)
    if form.is_valid():
        scheduling.interview_update_prep(interview=interview, **form.cleaned_data)
        messages.success(request, "Preparation saved.")
    else:
        messages.error(request, "Your preparation could not be saved; please try again.")
    return to_prep(interview)


@require_POST
@login_required
def interview_checklist_save(request, interview_pk):
    interview = get_interview(request.user, interview_pk)
    scheduling.interview_set_checklist(interview=interview, done=request.POST.getlist("done"))
    messages.success(request, "Checklist saved.")
    return to_prep(interview)


@require_POST
@login_required
def interview_notes_save(request, interview_pk):
    interview = get_interview(request.user, interview_pk)
    require_coach(request.user)
    form = CoachNotesForm(request.POST, instance=interview)
    if form.is_valid():
        scheduling.interview_update_prep(interview=interview, **form.cleaned_data)
        messages.success(request, "Private notes saved.")
    return to_prep(interview)


@login_required
def interview_questions(request, interview_pk):
    """Choose the interview's questions from the client's assigned banks, in order."""
    interview = get_interview(request.user, interview_pk)
    chosen = list(interview.chosen_questions.all())
    taken = {q.question_id for q in chosen}
    pool = (
        Question.objects.filter(bank__clients=interview.client, bank__archived_at__isnull=True)
        .select_related("bank")
        .order_by("bank__name", "bank_id", "position", "pk")
        .distinct()
    )
    return render(
        request,
        "interviews/interview_questions.html",
        {
            "interview": interview,
            "client": interview.client,
            "chosen": chosen,
            "pool": [q for q in pool if q.pk not in taken],
            "question_form": OwnQuestionForm(),
        },
    )


@require_POST
@login_required
def interview_question_add(request, interview_pk):
    interview = get_interview(request.user, interview_pk)
    question = None
    if request.POST.get("question"):
        question = get_object_or_404(
            Question.objects.filter(bank__clients=interview.client).distinct(),
            pk=request.POST["question"],
        )
    form = OwnQuestionForm(request.POST) if question is None else None
    if form is not None and not form.is_valid():
        messages.error(request, "Type a question (up to 300 characters) before adding it.")
    else:
        try:
            scheduling.interview_question_add(
                interview=interview,
                question=question,
                text=form.cleaned_data["text"] if form else "",
                by_client=request.user.is_client,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Question added.")
    if request.POST.get("next") == "prep":
        return to_prep(interview)
    return redirect("interviews:interview_questions", interview_pk=interview.pk)


@require_POST
@login_required
def interview_question_move(request, chosen_pk, direction):
    chosen = get_chosen_question(request.user, chosen_pk)
    if direction not in ("up", "down"):
        raise Http404
    scheduling.interview_question_move(chosen=chosen, direction=direction)
    return redirect("interviews:interview_questions", interview_pk=chosen.interview_id)


@require_POST
@login_required
def interview_question_remove(request, chosen_pk):
    chosen = get_chosen_question(request.user, chosen_pk)
    scheduling.interview_question_remove(chosen=chosen)
    messages.success(request, "Question removed.")
    return redirect("interviews:interview_questions", interview_pk=chosen.interview_id)
