"""Logging addresses, the messages received at them, and the people they suggest adding.

A touch logged from an email lives in clients (`Touch.email_message_id`); what is kept here is
what a person still has to decide (a message that matched nobody, a participant who is not a
contact yet) and, for every message, its Message-ID: the unique key that lets the same email
arrive any number of times and log once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from clients.models import Client, Contact, VisibleToQuerySet

from . import addresses
from .participants import Participants


class LoggingAddressQuerySet(VisibleToQuerySet):
    client_path = "client"

    def active(self):
        return self.filter(revoked_at__isnull=True)


class LoggingAddress(models.Model):
    """A client's private address for logging email. At most one is active per client;
    replacing or turning it off sets `revoked_at`, and mail to a revoked token is refused like
    mail to a token that never existed. Revoked rows stay so that no token is issued twice."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="logging_addresses")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = LoggingAddressQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "logging addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_logging_address_per_client",
            ),
        ]

    def __str__(self):
        return f"Logging address of {self.client}"

    @property
    def address(self) -> str:
        return addresses.format_address(self.token)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class InboundMessageQuerySet(VisibleToQuerySet):
    client_path = "client"

    def unmatched(self):
        return self.filter(status=InboundMessage.Status.UNMATCHED)


class InboundMessage(models.Model):
    """One email received at a client's logging address. `participants` are those of the
    message that counts: the forwarded original for a forward, else the message itself
    (inbound.participants.Participants reads and writes them)."""

    class Status(models.TextChoices):
        LOGGED = "logged", "Logged"
        UNMATCHED = "unmatched", "Matched nobody"
        DISCARDED = "discarded", "Discarded"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="inbound_messages")
    message_id = models.CharField(max_length=255)
    received_at = models.DateTimeField(default=now)
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was written (its Date, or the original's)."
    )
    participants = models.JSONField(default=dict, blank=True)
    forwarded = models.BooleanField(default=False)
    subject = models.CharField(max_length=255, blank=True)
    first_lines = models.TextField(blank=True, help_text="The new text, quoted history cut.")
    status = models.CharField(max_length=10, choices=Status.choices)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    objects = InboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            # The same email, however often it arrives, is one row: the idempotency key.
            models.UniqueConstraint(
                fields=["client", "message_id"], name="inbound_message_once_per_client"
            ),
        ]
        indexes = [
            # The unmatched list of a client (inbound.selectors.unmatched_messages).
            models.Index(
                fields=["client", "-received_at"],
                condition=Q(status="unmatched"),
                name="inbound_unmatched_idx",
            ),
        ]

    def __str__(self):
        return f"{self.subject or '(no subject)'} · {self.client}"

    @property
    def people(self) -> Participants:
        return Participants.from_json(self.participants)

    @property
    def written_at(self):
        return self.sent_at or self.received_at

    @property
    def note(self) -> str:
        """What a touch logged from this message says: its subject and first lines."""
        return "\n".join(part for part in (self.subject, self.first_lines) if part)


class SuggestionQuerySet(VisibleToQuerySet):
    client_path = "client"

    def pending(self):
        return self.filter(status=Suggestion.Status.PENDING)


class Suggestion(models.Model):
    """Someone who wrote or was written to in a logged email and is not one of the client's
    contacts: offered to the client and coach, who add them (a contact, through
    clients.services) or dismiss them. Never added by itself. One row per address and client,
    so a dismissed person is not offered again."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        ACCEPTED = "accepted", "Added as a contact"
        DISMISSED = "dismissed", "Dismissed"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="suggestions")
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    seen_in = models.ForeignKey(
        InboundMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["client", "email"], name="suggestion_once_per_client"),
        ]

    def __str__(self):
        return f"{self.name or self.email} for {self.client}"

    @property
    def label(self) -> str:
        """ "Sam Lee of Acme", as the question puts it."""
        who = self.name or self.email
        return f"{who} of {self.company_name}" if self.company_name else who
