from django import template
from django.utils.html import format_html

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
