"""Reads for the inbound pages: a client's unmatched messages and pending suggestions, and the
panel on the client page and the client home."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Lower

from clients.models import Client, Contact

from . import addresses
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
    address: str | None  # log+<token>@…, None while logging is off
    created_at: datetime | None
    n_unmatched: int
    n_suggestions: int


def _count(queryset) -> Coalesce:
    counted = queryset.order_by().values("client").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def panel_for(client: Client) -> Panel:
    """The logging address and how much waits for a decision, in one query: the panel sits on
    the client page and the client home, whose query counts are held flat."""
    active = LoggingAddress.objects.filter(client=OuterRef("pk")).active()
    row = (
        Client.objects.filter(pk=client.pk)
        .annotate(
            token=Subquery(active.values("token")[:1]),
            created_at_=Subquery(active.values("created_at")[:1]),
            n_unmatched=_count(unmatched_messages(client)),
            n_suggestions=_count(pending_suggestions(client)),
        )
        .values("token", "created_at_", "n_unmatched", "n_suggestions")
        .get()
    )
    return Panel(
        address=addresses.format_address(row["token"]) if row["token"] else None,
        created_at=row["created_at_"],
        n_unmatched=row["n_unmatched"],
        n_suggestions=row["n_suggestions"],
    )
