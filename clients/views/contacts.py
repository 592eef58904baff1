from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pagecache.pages import cached_page

from .. import selectors, services
from ..access import get_client, get_contact
from ..forms import ContactCloseForm, ContactForm, OpportunityForm, TouchForm
from ..models import Contact, Opportunity, Touch

PAGE_SIZE = 50


@login_required
@cached_page
def contact_list(request, client_pk):
    client = get_client(request.user, client_pk)
    stage = request.GET.get("stage", "")
    if stage not in {"", "open", *Contact.Stage.values}:
        stage = ""
    search = request.GET.get("q", "").strip()
    contacts = selectors.contacts_for_list(client, stage=stage, search=search)
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/contact_list.html",
        {
            "client": client,
            "page": page,
            "stage": stage,
            "search": search,
            "stage_choices": Contact.Stage.choices,
            "counts": selectors.stage_counts(client),
        },
    )


@login_required
def contact_create(request, client_pk):
    client = get_client(request.user, client_pk)
    form = ContactForm(request.POST or None, client=client, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_save(
                contact=form.instance, new_company_name=form.cleaned_data["new_company_name"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{contact.name} added to the list.")
            return redirect("clients:contact_detail", contact_pk=contact.pk)
    return render(request, "clients/contact_form.html", {"form": form, "client": client})


@login_required
@cached_page
def contact_detail(request, contact_pk):
    contact = get_contact(request.user, contact_pk)
    touches = contact.touches.all()
    return render(
        request,
        "clients/contact_detail.html",
        {
            "contact": contact,
            "client": contact.client,
            "touches": touches,
            "close_form": ContactCloseForm(),
            "opportunities": contact.opportunities.all(),
            "opportunity_form": OpportunityForm(),
        },
    )


@login_required
def contact_edit(request, contact_pk):
    contact = get_contact(request.user, contact_pk)
    form = ContactForm(
        request.POST or None, instance=contact, client=contact.client, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_save(
                contact=form.instance, new_company_name=form.cleaned_data["new_company_name"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Contact saved.")
            return redirect("clients:contact_detail", contact_pk=contact.pk)
    return render(
        request,
        "clients/contact_form.html",
        {"form": form, "client": contact.client, "contact": contact},
    )


@login_required
def contact_log_touch(request, contact_pk):
    contact = get_contact(request.user, contact_pk)
    kind = request.GET.get("kind")
    initial = {"kind": kind} if kind in Touch.Kind.values else {}
    form = TouchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        touch = services.contact_log_touch(contact=contact, by=request.user, **form.cleaned_data)
        messages.success(
            request, f"Logged: {touch.get_kind_display().lower()} with {contact.name}."
        )
        return redirect("clients:contact_detail", contact_pk=contact.pk)
    return render(
        request,
        "clients/touch_form.html",
        {"form": form, "contact": contact, "client": contact.client},
    )


@login_required
def contact_close(request, contact_pk):
    contact = get_contact(request.user, contact_pk)
    form = ContactCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.contact_close(contact=contact, by=request.user, **form.cleaned_data)
        messages.success(request, f"{contact.name}: {contact.get_stage_display().lower()}.")
        return redirect("clients:contact_detail", contact_pk=contact.pk)
    return render(
        request,
        "clients/contact_confirm_close.html",
        {"form": form, "contact": contact, "client": contact.client},
    )


@require_POST
@login_required
def contact_reopen(request, contact_pk):
    contact = get_contact(request.user, contact_pk)
    services.contact_reopen(contact=contact)
    messages.success(
        request, f"{contact.name} is back on the list as “{contact.get_stage_display()}”."
    )
    return redirect("clients:contact_detail", contact_pk=contact.pk)


@require_POST
@login_required
def contact_opportunity_add(request, contact_pk):
    contact = get_contact(request.user, contact_pk)
    form = OpportunityForm(request.POST)
    if form.is_valid():
        services.opportunity_record(contact=contact, **form.cleaned_data)
        messages.success(request, f"Recorded: {form.instance.get_kind_display().lower()}.")
    else:
        messages.error(request, "Choose what the conversation led to, and a valid date.")
    return redirect(
        reverse("clients:contact_detail", kwargs={"contact_pk": contact.pk}) + "#opportunities"
    )


@login_required
def opportunity_delete(request, opportunity_pk):
    opportunity = get_object_or_404(
        Opportunity.objects.visible_to(request.user).select_related("contact", "client"),
        pk=opportunity_pk,
    )
    contact = opportunity.contact
    if request.method == "POST":
        services.opportunity_delete(opportunity=opportunity)
        messages.success(request, "Opportunity removed.")
        return redirect("clients:contact_detail", contact_pk=contact.pk)
    return render(
        request,
        "clients/opportunity_confirm_delete.html",
        {"opportunity": opportunity, "contact": contact, "client": contact.client},
    )
