"""The coach's Reminders tab of a client: what is coming up and everything recorded so far."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from clients.access import get_client, member_required

from . import selectors

LOG_PAGE_SIZE = 50


@member_required
def client_reminders(request, client_pk):
    client = get_client(request.user, client_pk)
    log = Paginator(selectors.client_reminder_log(client), LOG_PAGE_SIZE)
    return render(
        request,
        "reminders/client_reminders.html",
        {
            "client": client,
            "upcoming": selectors.upcoming_reminders(client, timezone.now()),
            "log_page": log.get_page(request.GET.get("page")),
        },
    )
