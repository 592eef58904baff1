from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pagecache.pages import cached_page

from .. import selectors, services
from ..access import (
    caseload_to_list,
    client_coaches_for,
    coach_required,
    get_client,
    get_client_to_erase,
    member_required,
    practice_coaches_and_former,
    practice_of,
    reads_practice,
)
from ..forms import ClientEraseForm, ClientForm
from ..invitations import invitation_latest
from ..models import Client

PAGE_SIZE = 25


@member_required
@cached_page
def caseload(request):
    search = request.GET.get("q", "").strip()
    archived = request.GET.get("archived") == "1"
    clients, whose = caseload_to_list(request.user, request.GET.get("coach", ""))
    rows = selectors.caseload(clients, search=search, archived=archived)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_last_activity(page.object_list)
    return render(
        request,
        "clients/caseload.html",
        {
            "page": page,
            "search": search,
            "archived": archived,
            "stages": selectors.FUNNEL_STAGES,
            "whose": whose,
            "coaches": (
                practice_coaches_and_former(practice_of(request.user))
                if reads_practice(request.user)
                else None
            ),
        },
    )


@coach_required
def client_create(request):
    form = ClientForm(request.POST or None, initial={"timezone": request.user.timezone})
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(coach=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{client.name} is on your caseload.")
            return redirect("clients:client_detail", client_pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form})


@coach_required
def client_edit(request, client_pk):
    client = get_client(request.user, client_pk)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(client=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Client details saved.")
            return redirect("clients:client_detail", client_pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@member_required
@cached_page
def client_detail(request, client_pk):
    client = get_client(request.user, client_pk)
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "counts": selectors.stage_counts(client),
            "stages": selectors.FUNNEL_STAGES,
            "top_companies": selectors.companies_for_list(client)[:5],
            "recent_touches": selectors.recent_touches(client, limit=8),
            "invitation": invitation_latest(client=client),
            "client_coaches": client_coaches_for(request.user, client),
        },
    )


@coach_required
def client_archive(request, client_pk):
    client = get_client(request.user, client_pk)
    if request.method == "POST":
        services.client_set_archived(client=client, archived=True)
        messages.success(
            request, f"{client.name} is archived. Find them under “Archived” on your caseload."
        )
        return redirect("clients:caseload")
    return render(request, "clients/client_confirm_archive.html", {"client": client})


@require_POST
@coach_required
def client_unarchive(request, client_pk):
    client = get_client(request.user, client_pk)
    services.client_set_archived(client=client, archived=False)
    messages.success(request, f"{client.name} is back on your active caseload.")
    return redirect("clients:client_detail", client_pk=client.pk)


@coach_required
def client_email_works_again(request, client_pk):
    """GET asks for confirmation; POST lifts the hold a bounce put on the client's reminders."""
    client = get_client(request.user, client_pk)
    if client.email_bounced_at is None:
        return redirect("clients:client_detail", client_pk=client.pk)
    if request.method == "POST":
        services.client_email_works_again(client=client)
        messages.success(request, f"Reminders to {client.email} start again.")
        return redirect("clients:client_detail", client_pk=client.pk)
    return render(request, "clients/client_confirm_email_works_again.html", {"client": client})


@coach_required
def client_erase(request, client_pk):
    """GET shows what erasing deletes; POST with the client's name typed does it."""
    client = get_client_to_erase(request.user, client_pk)
    form = ClientEraseForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_erase(client=client, by=request.user)
        except Client.DoesNotExist:
            raise Http404 from None  # erased a moment ago by another request
        messages.success(request, f"{client.name} and everything recorded about them are erased.")
        return redirect("clients:caseload")
    return render(request, "clients/client_confirm_erase.html", {"client": client, "form": form})
