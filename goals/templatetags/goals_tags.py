"""Targets and action items on pages that other apps render.

The caseload, the client page, the contact page (clients) and the prep page (interviews) show
goals, but their views may not import goals: the apps depend on each other one way, and goals
sits above clients and interviews (tests/test_dependencies.py). Their templates ask these tags
instead, each a goals.selectors read of a fixed number of queries. The goals pages and the
dashboard, which sit above goals, call the selectors themselves.
"""

from django import template
from django.utils.html import format_html

from clients.access import may_change_action_item

from .. import selectors
from ..progress import Pace, caseload_on_track

register = template.Library()


@register.simple_tag
def caseload_paces(clients) -> dict:
    """{client pk: ClientPace} for the clients of a caseload page: at most four queries."""
    return caseload_on_track(clients)


@register.simple_tag
def this_week(client):
    """The client's targets this week, with their counts and pace (selectors.this_week)."""
    return selectors.this_week(client)


@register.simple_tag
def open_action_items(client) -> list:
    """The client's open items, soonest due first, each with whether it is overdue."""
    return selectors.rows(selectors.open_items(client), selectors.client_today(client))


@register.simple_tag
def action_items_about(obj, client) -> list:
    """The items about one contact, company or interview of the client: open, then done."""
    return selectors.items_about(obj, client)


@register.filter
def pace_of(paces: dict, client_pk):
    return paces.get(client_pk)


# What pace_badge prints for each pace: a badge whose words say it, colour aside.
PACE_BADGES = {
    Pace.ON_TRACK: format_html(
        '<span class="badge text-bg-success">{}</span>', Pace.ON_TRACK.label
    ),
    Pace.BEHIND: format_html('<span class="badge text-bg-warning">{}</span>', Pace.BEHIND.label),
}
NO_PACE = format_html('<span class="text-body-secondary">{}</span>', Pace.NO_TARGETS.label)


@register.filter
def pace_badge(pace) -> str:
    """`{{ week.pace|pace_badge }}`: the pace of a week (goals.progress.Pace) as a badge. A
    filter rather than an included partial, since the caseload prints one per row."""
    return PACE_BADGES.get(pace, NO_PACE)


@register.filter
def changeable_by(item, user) -> bool:
    """Whether the user may edit and delete the item (clients.access.may_change_action_item)."""
    return may_change_action_item(user, item)
