"""Reads for the pages that show targets and action items, each a fixed number of queries
whatever the number of items.

Overdue is the model's rule (ActionItem.is_overdue) applied with the client's own today
(`client_today`); over a caseload, the coach home reads its SQL form (ActionItem.objects.overdue).
This week's progress is goals.progress's (`this_week` reads it for one client).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F
from django.utils import timezone

from .models import ActionItem
from .progress import ClientPace, caseload_on_track
from .weeks import local_date

# What a row of an item shows besides the item: the one thing it is about, and that thing's own
# name (an interview is named by its contact).
LINKED = ("contact", "company", "interview", "interview__contact")
# The columns a row reads (templates/goals/_action_item.html, the progress report): the linked
# rows are read for their names only, so their other columns (an interview's notes and pitch, a
# contact's notes) are not fetched. Every join of LINKED costs planning time on each page view.
ROW_FIELDS = (
    "client_id",
    "title",
    "notes",
    "due_on",
    "set_by",
    "done_at",
    "contact__name",
    "company__name",
    "interview__contact__name",
)


@dataclass(frozen=True)
class ActionItemRow:
    item: ActionItem
    is_overdue: bool


def client_today(client, now: datetime | None = None) -> date:
    """The client's local date: an item due before it is overdue."""
    return local_date(now or timezone.now(), client.timezone)


def rows(items, today: date) -> list[ActionItemRow]:
    """Items of one client, each with whether it is overdue on `today`, the client's date."""
    return [ActionItemRow(item=item, is_overdue=item.is_overdue(today)) for item in items]


def open_items(client):
    """The client's open items, soonest due first, those without a date last."""
    return client.action_items.open().select_related(*LINKED).only(*ROW_FIELDS)


def done_items(client):
    """The client's done items, the most recently done first."""
    return (
        client.action_items.done()
        .select_related(*LINKED)
        .only(*ROW_FIELDS)
        .order_by("-done_at", "-pk")
    )


def items_about(obj, client) -> list[ActionItemRow]:
    """The items linked to one contact, company or interview of `client`: open ones first (soonest
    due first), then done ones. One query."""
    items = obj.action_items.order_by(
        F("done_at").desc(nulls_first=True), *ActionItem._meta.ordering
    )
    return rows(items, client_today(client))


def this_week(client, now: datetime | None = None) -> ClientPace:
    """The client's targets for their current week, each with its count so far, and whether they
    are on track (goals.progress's rule). One query without targets, up to four with."""
    return caseload_on_track([client], now=now)[client.pk]
