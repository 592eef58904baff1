"""The inbound pages, for the client (portal) and whoever works on them: the logging address,
the emails that matched nobody, and the people suggested from logged emails. Every object is
loaded through clients.access (get_client, get_inbound_item)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clients.access import get_client, get_inbound_item
from clients.forms import ContactForm
from clients.models import Contact

from . import selectors, services
from .forms import ResolveForm
from .matching import client_emails, is_client
from .models import InboundMessage, Suggestion

PAGE_SIZE = 20


@login_required
def logging_address(request, client_pk):
    client = get_client(request.user, client_pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create" and selectors.active_address(client) is not None:
            messages.info(request, "There already is a logging address: it is shown below.")
        elif action in ("create", "replace"):
            services.logging_address_issue(client=client)
            messages.success(
                request,
                "New logging address ready."
                + (" The old one stopped working." if action == "replace" else ""),
            )
        elif action == "revoke":
            if services.logging_address_revoke(client=client):
                messages.success(request, "Email logging is off: the address stopped working.")
            else:
                messages.info(request, "Email logging was already off.")
        else:
            return HttpResponseBadRequest("Unknown action.")
        return redirect("inbound:logging_address", client_pk=client.pk)
    return render(
        request,
        "inbound/logging_address.html",
        {"client": client, "panel": selectors.panel_for(client)},
    )


@login_required
def message_list(request, client_pk):
    client = get_client(request.user, client_pk)
    page = Paginator(selectors.unmatched_messages(client), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "inbound/message_list.html", {"client": client, "page": page})


@login_required
def message_resolve(request, message_pk):
    message = get_inbound_item(request.user, InboundMessage.objects, message_pk)
    client = message.client
    if message.status != InboundMessage.Status.UNMATCHED:
        messages.info(request, "That email was already dealt with.")
        return redirect("inbound:message_list", client_pk=client.pk)
    sender = message.people.sender
    from_client = sender is not None and is_client(client_emails(client), sender.email)
    form = ResolveForm(request.POST or None, message=message, from_client=from_client)
    if request.method == "POST" and form.is_valid():
        try:
            touch = services.inbound_message_resolve(
                message=message, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("inbound:message_list", client_pk=client.pk)
        messages.success(
            request, f"Logged: {touch.get_kind_display().lower()} with {touch.contact.name}."
        )
        return redirect("inbound:message_list", client_pk=client.pk)
    return render(
        request,
        "inbound/message_resolve.html",
        {"client": client, "message": message, "form": form},
    )


@require_POST
@login_required
def message_discard(request, message_pk):
    message = get_inbound_item(request.user, InboundMessage.objects, message_pk)
    try:
        services.inbound_message_discard(message=message, by=request.user)
    except ValidationError:
        messages.info(request, "That email was already dealt with.")
    else:
        messages.success(request, "Email discarded: it will not be kept again if it comes back.")
    return redirect("inbound:message_list", client_pk=message.client.pk)


@login_required
def suggestion_list(request, client_pk):
    client = get_client(request.user, client_pk)
    page = Paginator(selectors.pending_suggestions(client), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "inbound/suggestion_list.html", {"client": client, "page": page})


@login_required
def suggestion_accept(request, suggestion_pk):
    suggestion = get_inbound_item(request.user, Suggestion.objects, suggestion_pk)
    client = suggestion.client
    if suggestion.status != Suggestion.Status.PENDING:
        messages.info(request, "That suggestion was already dealt with.")
        return redirect("inbound:suggestion_list", client_pk=client.pk)
    company = client.companies.filter(name__iexact=suggestion.company_name).first()
    form = ContactForm(
        request.POST or None,
        instance=Contact(client=client),
        client=client,
        user=request.user,
        initial={
            "name": suggestion.name,
            "email": suggestion.email,
            "company": company,
            "new_company_name": "" if company else suggestion.company_name,
            "source": Contact.Source.OTHER,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact, touches = services.suggestion_accept(
                suggestion=suggestion,
                contact=form.instance,
                new_company_name=form.cleaned_data["new_company_name"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{contact.name} added to the contacts."
                + (f" Emails with them logged: {len(touches)}." if touches else ""),
            )
            return redirect("clients:contact_detail", contact_pk=contact.pk)
    return render(
        request,
        "inbound/suggestion_accept.html",
        {"client": client, "suggestion": suggestion, "form": form},
    )


@require_POST
@login_required
def suggestion_dismiss(request, suggestion_pk):
    suggestion = get_inbound_item(request.user, Suggestion.objects, suggestion_pk)
    if services.suggestion_dismiss(suggestion=suggestion):
        messages.success(request, f"{suggestion.label}: dismissed, and not suggested again.")
    else:
        messages.info(request, "That suggestion was already dealt with.")
    return redirect("inbound:suggestion_list", client_pk=suggestion.client.pk)
