"""Object loaders for the goals pages. Who may do what is clients.access's ("Action items"
section): everyone who sees a client sees their items; those who work on the client and the
client themselves complete any item; a client edits and deletes only the items they set. Anything
else is a 404."""

from django.shortcuts import get_object_or_404

from clients.access import action_items_to_change, action_items_to_complete

from .models import ActionItem


def _items():
    return ActionItem.objects.select_related("client", "client__coach")


def get_action_item(user, pk) -> ActionItem:
    """An item the user may mark done or open again."""
    return get_object_or_404(action_items_to_complete(user, _items()), pk=pk)


def get_action_item_to_change(user, pk) -> ActionItem:
    """An item the user may edit or delete."""
    return get_object_or_404(action_items_to_change(user, _items()), pk=pk)
