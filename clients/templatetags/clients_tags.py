from collections.abc import Iterable

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from coachdesk.templatetags.machine_readable import datetime_attr, time_element
from coachdesk.templatetags.remembered_urls import remembered_reverse

register = template.Library()

STAGE_CLASSES = {
    "identified": "text-bg-secondary",
    "reached_out": "text-bg-info",
    "replied": "text-bg-primary",
    "scheduled": "text-bg-warning",
    "interviewed": "text-bg-success",
    "thanked": "text-bg-success",
    "keeping_in_touch": "text-bg-dark",
    "declined": "text-bg-light border",
    "no_response": "text-bg-light border",
    "archived": "text-bg-light border",
}


@register.filter
def stage_class(stage: str) -> str:
    """Bootstrap badge classes for a contact stage (the label is always shown as text too)."""
    return STAGE_CLASSES.get(stage, "text-bg-secondary")


@register.filter
def stage_badge(contact) -> str:
    """`{{ contact|stage_badge }}`: the contact's stage as a badge, its label in words.

    A filter rather than an included partial: the contact list prints one per row, and an
    include costs each row a template render of its own.
    """
    return format_html(
        '<span class="badge {}">{}</span>', stage_class(contact.stage), contact.get_stage_display()
    )


def contact_url(pk: int) -> str:
    """A contact page's URL, remembered as `{% url %}` remembers it (coachdesk.templatetags.
    remembered_urls): the lists below write one per row."""
    return remembered_reverse("clients:contact_detail", (), {"contact_pk": pk}, None)


_NEVER_TOUCHED = mark_safe('<span class="text-body-secondary">never</span>')


def contact_row(contact, href: str) -> str:
    """One `<tr>` of the contact list, for a contact of `selectors.contacts_for_list` (which
    annotates `company_name` and `last_touch_at`)."""
    title = (
        format_html('<div class="small text-body-secondary">{}</div>', contact.title)
        if contact.title
        else ""
    )
    last_touch = (
        time_element(template_localtime(contact.last_touch_at), "j M Y")
        if contact.last_touch_at
        else _NEVER_TOUCHED
    )
    return format_html(
        '<tr><th scope="row"><a href="{}">{}</a></th><td>{}{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td></tr>",
        href,
        contact.name,
        contact.company_name or "—",
        title,
        contact.get_source_display(),
        stage_badge(contact),
        last_touch,
    )


@register.simple_tag
def contact_rows(contacts: Iterable) -> str:
    """`{% contact_rows page.object_list %}`: the contact list's table rows, one per contact.

    Written in Python rather than as a `{% for %}` over markup: the list prints 50 rows, and
    there each `{% url %}`, variable and filter cost a row about 0.5 ms on the bench machine.
    tests/clients/test_row_markup.py holds the rows to the markup the template wrote.
    """
    return format_html_join("\n", "{}", ((contact_row(c, contact_url(c.pk)),) for c in contacts))


_LOGGED_FROM_EMAIL = mark_safe(
    ' <span class="badge text-bg-light"><i class="bi bi-envelope-check" aria-hidden="true"></i>'
    " logged from the email</span>"
)


def touch_item(touch, href: str) -> str:
    """One `<li>` of a touch history: what happened, with whom, by which channel, when."""
    contact = touch.contact
    at = template_localtime(touch.at)
    return format_html(
        '<li class="list-group-item"><div class="d-flex justify-content-between flex-wrap gap-2">'
        '<div><span class="fw-semibold">{}</span> · <a href="{}">{}</a>{}'
        ' <span class="text-body-secondary small">via {}</span>{}</div>'
        '<time class="small text-body-secondary" datetime="{}">{}</time></div>{}</li>',
        touch.get_kind_display(),
        href,
        contact.name,
        format_html(" ({})", contact.company.name) if contact.company else "",
        touch.get_channel_display(),
        _LOGGED_FROM_EMAIL if touch.logged_by_email else "",
        datetime_attr(at),
        date_format(at, "D j M Y, H:i"),
        format_html('<div class="small mt-1">{}</div>', linebreaksbr(touch.note, autoescape=True))
        if touch.note
        else "",
    )


@register.simple_tag
def touch_items(touches: Iterable) -> str:
    """`{% touch_items touches %}`: the `<li>`s of a touch history (the contact and client
    pages), in Python for the reason `contact_rows` gives."""
    return format_html_join(
        "\n", "{}", ((touch_item(t, contact_url(t.contact_id)),) for t in touches)
    )


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0) if mapping else 0


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (for pagination and sorting)."""
    query = context["request"].GET.copy()
    for name, value in changes.items():
        if value in (None, ""):
            query.pop(name, None)
        else:
            query[name] = value
    return f"?{query.urlencode()}" if query else "?"
