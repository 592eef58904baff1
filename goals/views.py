"""Weekly targets and action items: the coach's pages about one client and the client's own.

One URL serves both sides (like the contact and company pages): the coach opens a client's, the
client their own. Who may do what is clients.access's; the loaders are goals.access.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clients.access import coach_required, get_client, get_client_to_add_action_item

from . import selectors, services
from .access import get_action_item, get_action_item_to_change
from .forms import ActionItemForm, WeeklyTargetsForm

DONE_PAGE_SIZE = 20


def _next(request) -> str:
    """The page a button or link was on (`next`), if it is a page of this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else ""


def _back(request, client_pk):
    """Back to the page the user acted from, else to the client's action items."""
    return redirect(
        _next(request) or reverse("goals:action_items", kwargs={"client_pk": client_pk})
    )


@login_required
def action_items(request, client_pk):
    """Every action item of the client, open then done, with this week's targets beside them."""
    client = get_client(request.user, client_pk)
    today = selectors.client_today(client)
    done = Paginator(selectors.done_items(client), DONE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "goals/action_items.html",
        {
            "client": client,
            "open_rows": selectors.rows(selectors.open_items(client), today),
            "done_page": done,
            "done_rows": selectors.rows(done.object_list, today),
            "week": selectors.this_week(client),
        },
    )


@login_required
def action_item_create(request, client_pk):
    client = get_client_to_add_action_item(request.user, client_pk)
    form = ActionItemForm(
        request.POST or None, client=client, initial=ActionItemForm.initial_about(request.GET)
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.action_item_create(
                client=client, by=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Added “{item.title}”.")
            return _back(request, client.pk)
    return render(
        request,
        "goals/action_item_form.html",
        {"form": form, "client": client, "next": _next(request)},
    )


@login_required
def action_item_edit(request, action_item_pk):
    item = get_action_item_to_change(request.user, action_item_pk)
    title = item.title  # the heading keeps it while the form shows what was typed
    form = ActionItemForm(request.POST or None, instance=item, client=item.client)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_update(item=item, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved “{item.title}”.")
            return _back(request, item.client_id)
    return render(
        request,
        "goals/action_item_form.html",
        {
            "form": form,
            "client": item.client,
            "item": item,
            "title": title,
            "next": _next(request),
        },
    )


@login_required
def action_item_delete(request, action_item_pk):
    item = get_action_item_to_change(request.user, action_item_pk)
    if request.method == "POST":
        services.action_item_delete(item=item)
        messages.success(request, f"Deleted “{item.title}”.")
        return _back(request, item.client_id)
    return render(
        request,
        "goals/action_item_confirm_delete.html",
        {"item": item, "client": item.client, "next": _next(request)},
    )


@require_POST
@login_required
def action_item_complete(request, action_item_pk):
    item = get_action_item(request.user, action_item_pk)
    services.action_item_complete(item=item)
    messages.success(request, f"Done: “{item.title}”.")
    return _back(request, item.client_id)


@require_POST
@login_required
def action_item_reopen(request, action_item_pk):
    item = get_action_item(request.user, action_item_pk)
    services.action_item_reopen(item=item)
    messages.success(request, f"“{item.title}” is open again.")
    return _back(request, item.client_id)


@coach_required
def targets_edit(request, client_pk):
    """The client's weekly targets: a number for each kind, blank for none."""
    client = get_client(request.user, client_pk)
    current = {target.kind: target.per_week for target in client.weekly_targets.all()}
    form = WeeklyTargetsForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        for kind, per_week in form.per_week_by_kind().items():
            if per_week != current.get(kind):
                services.target_set(client=client, kind=kind, per_week=per_week, by=request.user)
        messages.success(request, f"{client.first_name}’s weekly targets are saved.")
        return redirect("clients:client_detail", client_pk=client.pk)
    return render(request, "goals/targets_form.html", {"form": form, "client": client})
