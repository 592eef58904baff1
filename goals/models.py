"""Weekly targets and action items (homework) of a client.

A target is a number per week; what counts against it is read from what is already recorded
(goals.progress), never typed here. An action item's due date is a date in the client's
timezone, and "overdue" means that date has passed there (ActionItem.is_overdue, and its SQL
form ActionItemQuerySet.overdue).
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from clients.models import Client, Company, Contact, VisibleToQuerySet
from interviews.models import Interview

from .weeks import zones_by_local_date

MAX_PER_WEEK = 50


class WeeklyTargetQuerySet(VisibleToQuerySet):
    client_path = "client"

    def in_force(self, monday):
        """The targets that apply to the week starting on this (client-local) Monday."""
        return self.filter(since__lte=monday)


class WeeklyTarget(models.Model):
    """A client's current target for one kind of work, per week, set by the coach.

    There is one row per client and kind; changing the number changes the row, and no history
    of earlier numbers is kept: the current number is the target of every week from `since` on,
    past weeks included. Removing a target deletes the row; setting one again starts a new
    `since`. Weeks before `since` have no target.
    """

    class Kind(models.TextChoices):
        # In the order pages and emails list them.
        OUTREACH = "outreach", "People reached out to"
        CONVERSATIONS = "conversations", "Conversations held"
        THANK_YOUS = "thank_yous", "Thank-yous sent on time"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="weekly_targets")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    per_week = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PER_WEEK)]
    )
    since = models.DateField(
        help_text="The Monday of the first week it applies to, in the client's timezone."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WeeklyTargetQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind"],
                name="weekly_target_one_per_kind",
                violation_error_message="This client already has a target of this kind.",
            ),
            models.CheckConstraint(
                condition=Q(per_week__gte=1, per_week__lte=MAX_PER_WEEK),
                name="weekly_target_per_week_1_to_50",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.per_week} a week"

    def clean(self):
        if self.since is not None and self.since.weekday() != 0:
            raise ValidationError({"since": "A target starts on a Monday."})

    def applies_to(self, monday) -> bool:
        return self.since <= monday


class ActionItemQuerySet(VisibleToQuerySet):
    client_path = "client"

    def open(self):
        return self.filter(done_at__isnull=True)

    def done(self):
        return self.filter(done_at__isnull=False)

    def overdue(self, now):
        """Open items whose due date has passed in their client's timezone at `now`: the SQL
        form of `item.is_overdue(goals.weeks.local_date(now, item.client.timezone))`, held to
        it on generated data (tests/goals/test_overdue.py).

        SQL cannot turn `now` into each client's local date portably, but at any instant every
        timezone is on one of at most three dates (weeks.zones_by_local_date). An item due
        before the earliest is overdue everywhere; one due on a later date only for clients in
        zones already past it, named in the query. Read through action_item_open_idx: over a
        caseload (`.filter(client__in=...)`, the coach home and the digest) or one client.
        """
        groups = zones_by_local_date(now)
        dates = list(groups)
        condition = Q(due_on__lt=dates[0])
        for i in range(1, len(dates)):
            earlier = [zone for day in dates[:i] for zone in groups[day]]
            later = [zone for day in dates[i:] for zone in groups[day]]
            # The shorter list of names: every client's timezone is one of them (validated).
            past_it = (
                Q(client__timezone__in=later)
                if len(later) <= len(earlier)
                else ~Q(client__timezone__in=earlier)
            )
            condition |= Q(due_on__gte=dates[i - 1], due_on__lt=dates[i]) & past_it
        # The bound is implied; stated, it is a range on the index.
        return self.open().filter(due_on__lt=dates[-1]).filter(condition)


class ActionItem(models.Model):
    """A piece of homework: set by the coach or by the client, due on a client-local date (or
    not at all), optionally about one contact, company or interview of the same client (then
    it shows there, e.g. on the interview's prep page). Done when `done_at` is set."""

    class SetBy(models.TextChoices):
        COACH = "coach", "Coach"
        CLIENT = "client", "Client"

    LINKS = ("contact", "company", "interview")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    due_on = models.DateField(
        "due date", null=True, blank=True, help_text="A date in the client's timezone."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_by = models.CharField(max_length=10, choices=SetBy.choices, default=SetBy.COACH)
    # An item outlives what it was about: deleting the contact, company or interview unlinks it.
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    interview = models.ForeignKey(
        Interview,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = [F("due_on").asc(nulls_last=True), "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=True, company__isnull=True)
                | Q(contact__isnull=True, interview__isnull=True)
                | Q(company__isnull=True, interview__isnull=True),
                name="action_item_one_link_at_most",
                violation_error_message=(
                    "Link an item to a contact, a company or an interview: one of them at most."
                ),
            ),
        ]
        indexes = [
            # Open items only (done ones are history): a client's list by due date
            # (`client.action_items.open()`), and overdue items over a caseload
            # (`.overdue(now).filter(client__in=caseload)`: the coach home, the digest).
            models.Index(
                fields=["client", "due_on"],
                condition=Q(done_at__isnull=True),
                name="action_item_open_idx",
            ),
            # The reminder sweep, every minute over all clients (reminders.candidates): open
            # items due from a date on (the due-today email), and open items the coach set
            # lately (the new-item email).
            models.Index(
                fields=["due_on"],
                condition=Q(done_at__isnull=True),
                name="action_item_open_due_idx",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(done_at__isnull=True, set_by="coach"),
                name="action_item_open_new_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        for name in self.LINKS:
            if getattr(self, f"{name}_id") is None or self.client_id is None:
                continue
            try:
                linked = getattr(self, name)
            except ObjectDoesNotExist:
                continue  # the field's own validation says so
            if linked.client_id != self.client_id:
                plural = self._meta.get_field(name).related_model._meta.verbose_name_plural
                errors[name] = f"Choose one of this client’s {plural}."
        if errors:
            raise ValidationError(errors)

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today) -> bool:
        """Not done, and due before `today`, the client's local date. An item is due all day:
        on its due date it is due today, not overdue."""
        return not self.is_done and self.due_on is not None and self.due_on < today
