"""Calendar files and feeds: one interview as an .ics download, and a client's secret
subscription URL (created, rotated and revoked by the client or their coach)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from clients.access import client_access_ended, get_client

from .. import calendar
from ..access import get_interview
from ..models import CalendarFeed

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


@login_required
def interview_ics(request, interview_pk):
    interview = get_interview(request.user, interview_pk)
    response = HttpResponse(
        calendar.calendar_for([interview], name="CoachDesk"), content_type=ICS_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="interview-{interview.pk}.ics"'
    return response


@login_required
def calendar_feed_manage(request, client_pk):
    client = get_client(request.user, client_pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _, created = calendar.calendar_feed_create(client=client)
            if created:
                messages.success(request, "Your calendar link is ready: add it to your calendar.")
            else:
                messages.info(request, "There already is a calendar link: it is shown below.")
        elif action == "rotate":
            calendar.calendar_feed_rotate(client=client)
            messages.success(
                request,
                "New link created and the old one stopped working. Subscribe to the new link "
                "in your calendar app and remove the old subscription.",
            )
        elif action == "revoke":
            if calendar.calendar_feed_revoke(client=client):
                messages.success(request, "Calendar link revoked: it stopped working at once.")
            else:
                messages.info(request, "There was no calendar link to revoke.")
        else:
            return HttpResponseBadRequest("Unknown action.")
        return redirect("interviews:calendar_feed_manage", client_pk=client.pk)

    feed = CalendarFeed.objects.filter(client=client).first()
    context = {"client": client, "feed": feed}
    if feed:
        context |= {
            "feed_url": calendar.feed_url(feed),
            "webcal_url": calendar.feed_webcal_url(feed),
        }
    return render(request, "interviews/calendar_feed_manage.html", context)


@require_safe
def calendar_feed(request, token):
    """Public: the secret token is the access check. A revoked or rotated token is a 404, and so
    is the feed of a client whose access has ended (archived)."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("client"), token=token)
    if client_access_ended(feed.client):
        raise Http404
    body = calendar.calendar_for(
        calendar.feed_interviews(feed.client), name=calendar.feed_name(feed.client)
    )
    return HttpResponse(body, content_type=ICS_CONTENT_TYPE)
