"""Writes for weekly targets and action items. Views and other apps call these; nothing else
writes. Access is the caller's: load the client or item through `visible_to(user)` (or
clients.access) first; these functions check the data, not the user.

- target_set(*, client, kind, per_week, by) -> WeeklyTarget | None
- action_item_create(*, client, title, notes="", due_on=None, by, contact=None, company=None,
  interview=None) -> ActionItem
- action_item_update(*, item, **changes) -> ActionItem   (the fields in EDITABLE)
- action_item_complete(*, item, at=None) -> ActionItem   (idempotent)
- action_item_reopen(*, item) -> ActionItem
- action_item_delete(*, item) -> None
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from clients.models import Client

from .models import ActionItem, WeeklyTarget
from .weeks import week_start

# What an edit may change; the client, who set it and when it was done are not edits.
EDITABLE = frozenset({"title", "notes", "due_on", "contact", "company", "interview"})


@transaction.atomic
def target_set(*, client: Client, kind: str, per_week: int | None, by) -> WeeklyTarget | None:
    """Sets the client's target of this kind to `per_week`; 0 or None removes it (and returns
    None).

    A new target applies from the Monday of the client's current week, so this week's work
    already counts. Changing the number keeps the row and its `since`: the new number becomes
    the target of every week since then (no history is kept, see WeeklyTarget). The client row
    is locked first, so two changes at once run one after the other.
    """
    Client.objects.select_for_update().filter(pk=client.pk).values_list("pk").first()
    target = WeeklyTarget.objects.filter(client=client, kind=kind).first()
    if not per_week:
        if target is not None:
            target.delete()
        return None
    if target is None:
        target = WeeklyTarget(
            client=client,
            kind=kind,
            since=week_start(timezone.now(), client.timezone),
            created_by=by,
        )
    target.per_week = per_week
    target.full_clean()
    target.save()
    return target


def _set_by(user) -> str:
    """A portal client sets their own items; everyone else (coaches, admins, the shell) is on
    the coach's side."""
    is_client = user is not None and user.is_authenticated and user.is_client
    return ActionItem.SetBy.CLIENT if is_client else ActionItem.SetBy.COACH


@transaction.atomic
def action_item_create(
    *,
    client: Client,
    title: str,
    notes: str = "",
    due_on=None,
    by,
    contact=None,
    company=None,
    interview=None,
) -> ActionItem:
    item = ActionItem(
        client=client,
        title=title.strip(),
        notes=notes,
        due_on=due_on,
        created_by=by,
        set_by=_set_by(by),
        contact=contact,
        company=company,
        interview=interview,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_update(*, item: ActionItem, **changes) -> ActionItem:
    """Changes any of EDITABLE (title, notes, due_on and the one link); others are refused."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise TypeError(f"action_item_update cannot change {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(item, name, value.strip() if name == "title" else value)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_complete(*, item: ActionItem, at: datetime | None = None) -> ActionItem:
    """Marks the item done at `at` (default: now). Completing a done item changes nothing: it
    keeps the moment it was first done, whoever clicks again (a second tab, a double click) —
    the row is only written while `done_at` is still empty."""
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise ValueError("action_item_complete needs an aware datetime")
    ActionItem.objects.filter(pk=item.pk, done_at__isnull=True).update(
        done_at=at, updated_at=timezone.now()
    )
    item.done_at = ActionItem.objects.values_list("done_at", flat=True).get(pk=item.pk)
    return item


@transaction.atomic
def action_item_reopen(*, item: ActionItem) -> ActionItem:
    """Not done after all: open again, with its due date as it was."""
    ActionItem.objects.filter(pk=item.pk).update(done_at=None, updated_at=timezone.now())
    item.done_at = None
    return item


@transaction.atomic
def action_item_delete(*, item: ActionItem) -> None:
    item.delete()
