"""Outreach templates (the built-ins, the practice's library and the coach's own) and drafts (a
template filled in for one contact). Who changes which template is
clients.access.library_editable_scope: anything else is a 404 on the URLs that change one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from .. import outreach
from ..access import coach_required, get_contact, practice_library_of
from ..forms_outreach import OutreachTemplateForm
from ..models import OutreachTemplate
from ..selectors import library_groups


def _editable_template(user, template_pk) -> OutreachTemplate:
    """A template the user may change: their own, or their practice's if they keep its library.
    Built-ins, other coaches' and, for a coach, the practice's are a 404."""
    return get_object_or_404(
        OutreachTemplate.objects.editable_by(user).select_related("practice"), pk=template_pk
    )


def _form_page(request, form, template=None):
    return render(
        request,
        "clients/outreach_template_form.html",
        {"form": form, "template": template, "placeholders": outreach.PLACEHOLDERS},
    )


@coach_required
def outreach_template_list(request):
    templates = OutreachTemplate.objects.usable_by(request.user).with_rights(request.user)
    groups = library_groups(templates, user=request.user)
    return render(
        request,
        "clients/outreach_template_list.html",
        {
            "builtin_templates": groups.builtin,
            "practice_templates": groups.practice,
            "own_templates": groups.own,
            "library": groups,
        },
    )


@coach_required
def outreach_template_create(request):
    form = OutreachTemplateForm(request.POST or None, practice=practice_library_of(request.user))
    if request.method == "POST" and form.is_valid():
        template = outreach.outreach_template_create(
            **form.belongs_to(request.user), **form.cleaned_data
        )
        where = f" in the {template.practice.name} library" if template.practice else ""
        messages.success(request, f"“{template.name}” saved{where}.")
        return redirect("clients:outreach_template_list")
    return _form_page(request, form)


@coach_required
def outreach_template_edit(request, template_pk):
    template = _editable_template(request.user, template_pk)
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
    template = _editable_template(request.user, template_pk)
    if request.method == "POST":
        outreach.outreach_template_delete(template=template)
        messages.success(request, f"“{template.name}” deleted.")
        return redirect("clients:outreach_template_list")
    return render(request, "clients/outreach_template_confirm_delete.html", {"template": template})


@coach_required
def outreach_template_move_to_practice(request, template_pk):
    """An admin hands one of their own templates to the practice's library, after a
    confirmation."""
    template = get_object_or_404(
        OutreachTemplate.objects.movable_to_practice_by(request.user), pk=template_pk
    )
    practice = practice_library_of(request.user)
    if request.method == "POST":
        outreach.outreach_template_move_to_practice(template=template, practice=practice)
        messages.success(
            request,
            f"“{template.name}” is in the {practice.name} library now: every coach can use it.",
        )
        return redirect("clients:outreach_template_list")
    return render(request, "clients/outreach_template_confirm_move.html", {"template": template})


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
