"""The pages behind the one-click links in reminder emails, and the client's reminder preferences.

The link pages need no login: the signed token is the access check (reminders.links). Each page
says what the link does and asks for one press of a button; only the POST changes anything.
Times on them are shown in the recipient's timezone, since there may be no logged-in user.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clients.access import client_profile_for, client_required
from goals.services import action_item_complete
from interviews.debriefs import interview_not_held_reason, thank_you_mark_sent
from interviews.models import Debrief

from . import services
from .emails import UNSUBSCRIBE_LABELS, recipient_timezone
from .forms import ReminderPreferencesForm
from .links import Action, LinkError, reminder_from_token

SNOOZE_FOR = timedelta(days=7)


def _render_for_recipient(request, reminder, template_name, context, status=200):
    with timezone.override(recipient_timezone(reminder)):
        return render(request, template_name, context | {"reminder": reminder}, status=status)


def _link_refused(request, error: LinkError, action: Action):
    """Expired or unreadable: a page that says so and where to do the same after logging in."""
    context = {"reason": error.reason, "action": str(action), "reminder": error.reminder}
    return render(request, "reminders/link_invalid.html", context, status=400)


@require_http_methods(["GET", "POST"])
def action_thank_you_sent(request, token):
    # Mail systems open the links in a message (GET) to scan them, often before anyone reads
    # it. If GET marked the thank-you, scanned emails would record thank-yous nobody wrote: so
    # GET only asks, and the button on the page POSTs.
    try:
        reminder = reminder_from_token(token, action=Action.THANK_YOU_SENT)
    except LinkError as error:
        return _link_refused(request, error, Action.THANK_YOU_SENT)
    interview = reminder.interview
    debrief = Debrief.objects.filter(interview=interview).first()
    context = {
        "interview": interview,
        "contact": interview.contact,
        "sent_at": debrief.thank_you_sent_at if debrief else None,
        "problem": interview_not_held_reason(interview),
    }
    if request.method == "POST" and context["sent_at"] is None:
        at = timezone.now()
        try:
            debrief = thank_you_mark_sent(interview=interview, at=at, by=None)
        except ValidationError as error:
            context["problem"] = " ".join(error.messages)
            return _render_for_recipient(
                request, reminder, "reminders/thank_you_link.html", context, status=409
            )
        # If another click marked it a moment earlier, this one changed nothing; done either way.
        context |= {"sent_at": debrief.thank_you_sent_at, "just_marked": True}
    return _render_for_recipient(request, reminder, "reminders/thank_you_link.html", context)


@require_http_methods(["GET", "POST"])
def action_snooze(request, token):
    try:
        reminder = reminder_from_token(token, action=Action.SNOOZE)
    except LinkError as error:
        return _link_refused(request, error, Action.SNOOZE)
    contact = reminder.contact
    paused_until = contact.reminders_paused_until
    context = {
        "contact": contact,
        "snooze_days": SNOOZE_FOR.days,
        "paused_until": paused_until if paused_until and paused_until > timezone.now() else None,
    }
    if request.method == "POST":
        services.contact_snooze_reminders(contact=contact, until=timezone.now() + SNOOZE_FOR)
        context["done"] = True
    return _render_for_recipient(request, reminder, "reminders/snooze_link.html", context)


@require_http_methods(["GET", "POST"])
def action_item_done(request, token):
    # As for the thank-you: a mail scanner's GET must not tick the item off, so GET asks and
    # the button POSTs. Completing is idempotent: a second press finds it done and says so.
    try:
        reminder = reminder_from_token(token, action=Action.ACTION_DONE)
    except LinkError as error:
        return _link_refused(request, error, Action.ACTION_DONE)
    item = reminder.action_item
    context = {"item": item, "done_at": item.done_at}
    if request.method == "POST" and item.done_at is None:
        item = action_item_complete(item=item)
        context |= {"done_at": item.done_at, "just_marked": True}
    return _render_for_recipient(request, reminder, "reminders/action_done_link.html", context)


# RFC 8058: a mail program's one-click unsubscribe is a POST with the body
# "List-Unsubscribe=One-Click" and no cookie or CSRF token. The signed token in the URL is the
# protection, so this one view is exempt from the CSRF check.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        reminder = reminder_from_token(token, action=Action.UNSUBSCRIBE)
    except LinkError as error:
        return _link_refused(request, error, Action.UNSUBSCRIBE)
    if request.method == "POST":
        # Anything but an explicit "turn it back on" unsubscribes, whatever the body says.
        subscribed = request.POST.get("resubscribe") == "1"
        services.reminder_subscription_set(reminder=reminder, subscribed=subscribed)
    context = {
        "label": UNSUBSCRIBE_LABELS[reminder.kind],
        "subscribed": services.reminder_is_subscribed(reminder=reminder),
        "done": request.method == "POST",
    }
    return _render_for_recipient(request, reminder, "reminders/unsubscribe_link.html", context)


@client_required
def reminder_preferences(request):
    client = client_profile_for(request.user)
    form = ReminderPreferencesForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        services.client_set_reminder_preferences(client=client, **form.cleaned_data)
        messages.success(request, "Your reminder preferences are saved.")
        return redirect("reminders:reminder_preferences")
    return render(request, "reminders/reminder_preferences.html", {"client": client, "form": form})
