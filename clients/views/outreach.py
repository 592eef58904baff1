"""Outreach templates (the coach's library) and drafts (a template filled in for one contact)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from .. import outreach
from ..access import coach_required, get_contact
from ..forms_outreach import OutreachTemplateForm
from ..models import OutreachTemplate


def _own_template(coach, template_pk) -> OutreachTemplate:
    """A template the coach may change: their own. Built-ins and other coaches' are a 404."""
    return get_object_or_404(OutreachTemplate.objects.filter(owner=coach), pk=template_pk)


def _form_page(request, form, template=None):
    return render(
        request,
        "clients/outreach_template_form.html",
        {"form": form, "template": template, "placeholders": outreach.PLACEHOLDERS},
    )


@coach_required
def outreach_template_list(request):
    templates = list(OutreachTemplate.objects.usable_by(request.user))
    return render(
        request,
        "clients/outreach_template_list.html",
        {
            "builtin_templates": [t for t in templates if t.is_builtin],
            "own_templates": [t for t in templates if not t.is_builtin],
        },
    )


@coach_required
def outreach_template_create(request):
    form = OutreachTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        template = outreach.outreach_template_create(owner=request.user, **form.cleaned_data)
        messages.success(request, f"“{template.name}” saved.")
        return redirect("clients:outreach_template_list")
    return _form_page(request, form)


@coach_required
def outreach_template_edit(request, template_pk):
    template = _own_template(request.user, template_pk)
    form = OutreachTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        outreach.outreach_template_update(template=template, **form.cleaned_data)
        messages.success(request, f"“{template.name}” saved.")
        return redirect("clients:outreach_template_list")
    return _form_page(request, form, template)


@coach_required
def outreach_template_copy(request, template_pk):
    # Scope first, method second: a template outside the coach's reach is a 404 whatever the
    # method, so the answer never tells another coach's template ids apart from missing ones.
    template = get_object_or_404(OutreachTemplate.objects.usable_by(request.user), pk=template_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    copy = outreach.outreach_template_copy(template=template, owner=request.user)
    messages.success(request, f"Copied “{template.name}”. Make it your own, then save.")
    return redirect("clients:outreach_template_edit", template_pk=copy.pk)


@coach_required
def outreach_template_delete(request, template_pk):
    template = _own_template(request.user, template_pk)
    if request.method == "POST":
        outreach.outreach_template_delete(template=template)
        messages.success(request, f"“{template.name}” deleted.")
        return redirect("clients:outreach_template_list")
    return render(request, "clients/outreach_template_confirm_delete.html", {"template": template})


@login_required
def contact_draft(request, contact_pk):
    contact = get_contact(request.user, contact_pk)
    templates = list(OutreachTemplate.objects.usable_by(contact.client.coach))
    selected = _selected_template(templates, request.GET.get("template"))
    context = {"contact": contact, "client": contact.client, "templates": templates}
    if selected is not None:
        subject, body = outreach.outreach_render(template=selected, contact=contact)
        context.update(selected=selected, subject=subject, body=body)
        if contact.email:
            context["mailto_url"] = outreach.outreach_mailto_url(
                to=contact.email, subject=subject, body=body
            )
    return render(request, "clients/contact_draft.html", context)


def _selected_template(templates, requested_pk):
    """The template asked for in ?template=, else the first built-in (else the first at all).
    A pk that is not among the offered templates is a 404, like any object out of reach."""
    if requested_pk:
        for template in templates:
            if str(template.pk) == requested_pk:
                return template
        raise Http404
    return next((t for t in templates if t.is_builtin), templates[0] if templates else None)
