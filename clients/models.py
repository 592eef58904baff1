from django.conf import settings
from django.db import models

from accounts.timezones import validate_timezone


class ClientQuerySet(models.QuerySet):
    def for_coach(self, coach):
        return self.filter(coach=coach)

    def active(self):
        return self.filter(status=Client.Status.ACTIVE)


class Client(models.Model):
    """A person a coach works with. `user` is set once the client accepts an invitation."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="clients",
        limit_choices_to={"role": "coach"},
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client_profile",
        limit_choices_to={"role": "client"},
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    goal = models.TextField(blank=True, help_text="What the client wants from their search.")
    target_roles = models.CharField(
        max_length=255, blank=True, help_text="Roles or fields the client is exploring."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coach", "email"], name="client_email_unique_per_coach"
            ),
        ]
        indexes = [models.Index(fields=["coach", "status", "name"])]

    def __str__(self):
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0]
