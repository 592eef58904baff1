"""Reads for the inbound pages: a client's unmatched messages and pending suggestions, and the
panel on the client page and the client home."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower

from clients.models import Client, Contact

from .models import InboundMessage, LoggingAddress, Suggestion


def unmatched_messages(client: Client):
    """Newest first (uses inbound_unmatched_idx)."""
    return InboundMessage.objects.filter(client=client).unmatched().order_by("-received_at", "-pk")


def pending_suggestions(client: Client):
    """Suggestions still to decide, less those someone has since added as a contact by hand."""
    added = Contact.objects.annotate(lower_email=Lower("email")).filter(
        client=OuterRef("client"), lower_email=OuterRef("email")
    )
    return (
        Suggestion.objects.filter(client=client)
        .pending()
        .filter(~Exists(added))
        .select_related("seen_in")
        .order_by("-created_at", "-pk")
    )


def active_address(client: Client) -> LoggingAddress | None:
    return LoggingAddress.objects.filter(client=client).active().first()


@dataclass(frozen=True)
class Panel:
    address: LoggingAddress | None
    n_unmatched: int
    n_suggestions: int


def panel_for(client: Client) -> Panel:
    """The logging address and what waits for a decision: three small queries."""
    address = active_address(client)
    return Panel(
        address=address,
        n_unmatched=unmatched_messages(client).count(),
        n_suggestions=pending_suggestions(client).count(),
    )
