"""The debrief page (what came out of the conversation, and who else to talk to) and the
thank-you mark. The client writes, the coach reads and may write too; anyone else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.http import require_POST

from .. import debriefs
from ..access import get_interview
from ..forms_debrief import (
    DebriefForm,
    ReferralFormSet,
    ThankYouForm,
    referral_formset_with_more_rows,
    typed_values,
)


def _saved_message(n_contacts: int) -> str:
    if n_contacts == 0:
        return "Debrief saved."
    people = "1 new contact" if n_contacts == 1 else f"{n_contacts} new contacts"
    return f"Debrief saved. {people} added to the list."


def _show_save_errors(form, formset, error: ValidationError) -> None:
    """Row refusals go on their rows; anything else above the form."""
    rows = getattr(error, "error_dict", None)
    if rows and all(isinstance(key, int) for key in rows):
        formset.add_save_errors(error)
    else:
        form.add_error(None, error.messages)


@login_required
def debrief_edit(request, interview_pk):
    interview = get_interview(request.user, interview_pk)
    debrief = debriefs.debrief_of(interview)
    context = {
        "interview": interview,
        "client": interview.client,
        "contact": interview.contact,
        "referrals": debriefs.referrals_of(interview),
        "refusal": debriefs.debrief_refusal(interview),
    }
    if context["refusal"]:
        return render(request, "interviews/debrief_form.html", context)

    data = request.POST if request.method == "POST" else None
    form = DebriefForm(data, instance=debrief)
    formset = ReferralFormSet(data, client=interview.client)
    if data is not None and "add_rows" in data:
        form = DebriefForm(instance=debrief, initial=typed_values(form))
        formset = referral_formset_with_more_rows(formset)
    elif data is not None and all([form.is_valid(), formset.is_valid()]):
        rows = formset.referral_rows()
        try:
            debriefs.debrief_save(
                interview=interview, by=request.user, referrals=rows, **form.cleaned_data
            )
        except ValidationError as error:
            _show_save_errors(form, formset, error)
        else:
            messages.success(request, _saved_message(len(rows)))
            return redirect("interviews:interview_detail", interview_pk=interview.pk)
    context |= {"form": form, "formset": formset}
    return render(request, "interviews/debrief_form.html", context)


def _mark_thank_you(request, interview) -> None:
    form = ThankYouForm(request.POST)
    if not form.is_valid():
        problems = [message for messages_ in form.errors.values() for message in messages_]
        messages.error(request, f"The thank-you was not marked: {' '.join(problems)}")
        return
    at = form.cleaned_data["at"]
    try:
        debrief = debriefs.thank_you_mark_sent(interview=interview, at=at, by=request.user)
    except ValidationError as error:
        messages.error(request, f"The thank-you was not marked: {' '.join(error.messages)}")
        return
    sent = date_format(localtime(debrief.thank_you_sent_at), "j M Y, H:i")
    if debrief.thank_you_sent_at != at:
        messages.info(request, f"The thank-you was already marked as sent on {sent}.")
    else:
        messages.success(
            request, f"Thank-you to {interview.contact.name} marked as sent on {sent}. Well done."
        )


@require_POST
@login_required
def thank_you_sent(request, interview_pk):
    """`action=mark` with `at`, or `action=unmark` to undo a mistaken mark."""
    interview = get_interview(request.user, interview_pk)
    action = request.POST.get("action")
    if action == "mark":
        _mark_thank_you(request, interview)
    elif action == "unmark":
        debriefs.thank_you_unmark(interview=interview)
        messages.success(
            request,
            "The thank-you is no longer marked as sent. It stays in "
            f"{interview.contact.name}'s history, as logged.",
        )
    else:
        messages.error(request, "Nothing changed: choose to mark the thank-you or to undo it.")
    return redirect("interviews:interview_detail", interview_pk=interview.pk)
