from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import Practice
from clients.access import (
    library_editable_scope,
    library_movable_scope,
    library_rights,
    library_scope,
)
from clients.models import Client, Contact, VisibleToQuerySet


class QuestionBankQuerySet(models.QuerySet):
    def usable_by(self, coach):
        """Built-in banks, the coach's own and their practice's library."""
        return self.filter(library_scope(coach))

    def editable_by(self, user):
        """The user's own banks, and their practice's library if they keep it."""
        return self.filter(library_editable_scope(user))

    def movable_to_practice_by(self, user):
        """Banks the user may move into their practice's library."""
        return self.filter(library_movable_scope(user))

    def with_rights(self, user):
        """Each bank with `editable` and `movable`: what `user` may do with it."""
        return self.annotate(**library_rights(user))

    def active(self):
        return self.filter(archived_at__isnull=True)

    def builtin(self):
        """The read-only banks every coach has (neither a coach's nor a practice's)."""
        return self.filter(owner__isnull=True, practice__isnull=True)

    def pool_choices_for(self, client):
        """What a client's question pool may hold: the banks their coach may use, and the banks
        in it already."""
        in_pool = QuestionBank.clients.through.objects.filter(client=client).values("questionbank")
        return self.filter(Q(library_scope(client.coach)) | Q(pk__in=in_pool))


class QuestionBank(models.Model):
    """A set of questions to choose from. A bank is a coach's own (`owner`), in a practice's
    library (`practice`), or built-in (neither): built-ins come from a data migration and are
    read-only, and a coach copies one to edit it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="question_banks",
    )
    practice = models.ForeignKey(
        Practice,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="question_banks",
        help_text="Set for the practice's library: every coach uses it, its admins edit it.",
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    clients = models.ManyToManyField(
        Client,
        blank=True,
        related_name="question_banks",
        help_text="Clients whose question pool includes this bank.",
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuestionBankQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(practice__isnull=True),
                name="question_bank_one_owner",
                violation_error_message="A bank belongs to a coach or to a practice, not both.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None and self.practice_id is None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Question(models.Model):
    class Category(models.TextChoices):
        CAREER_PATH = "career_path", "Career path"
        ROLE = "role", "Role and daily life"
        COMPANY = "company", "Company and culture"
        INDUSTRY = "industry", "Industry and trends"
        SKILLS = "skills", "Skills and preparation"
        ADVICE = "advice", "Advice and next steps"
        REFERRALS = "referrals", "Referrals"
        OTHER = "other", "Other"

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["bank", "position"])]

    def __str__(self):
        return self.text


# A thank-you is best sent within 24–48 hours of the end of the conversation.
THANK_YOU_WINDOW = timedelta(hours=48)
# How long an interview whose thank-you was never marked stays on the lists that ask for it
# (the coach home, the digest, the client's next steps); after that it is history.
THANK_YOU_LISTED_FOR = timedelta(days=14)


class InterviewQuerySet(VisibleToQuerySet):
    client_path = "client"

    def with_ended_at(self):
        """`ended_at`, the interview's end (Interview.ends_at), computed in SQL."""
        # Typed step by step: Django's SQLite backend multiplies a duration only by a plain
        # integer field and must be told the product is a duration.
        minutes = models.ExpressionWrapper(
            models.F("duration_minutes"), output_field=models.IntegerField()
        )
        duration = models.ExpressionWrapper(
            minutes * timedelta(minutes=1), output_field=models.DurationField()
        )
        return self.annotate(ended_at=models.F("starts_at") + duration)

    def awaiting_thank_you(self, now):
        """Interviews held (or still marked scheduled) that ended by `now`, within
        THANK_YOU_LISTED_FOR, and whose thank-you is not marked sent yet; `ended_at` annotated.
        """
        return (
            self.filter(
                status__in=[Interview.Status.SCHEDULED, Interview.Status.COMPLETED],
                starts_at__gte=now - THANK_YOU_LISTED_FOR,
                starts_at__lte=now,
            )
            .filter(Q(debrief__isnull=True) | Q(debrief__thank_you_sent_at__isnull=True))
            .with_ended_at()
            .filter(ended_at__lte=now)
        )

    def thanked_on_time(self):
        """Interviews whose thank-you was marked sent within THANK_YOU_WINDOW of their end."""
        return self.with_ended_at().filter(
            debrief__thank_you_sent_at__lte=models.F("ended_at") + THANK_YOU_WINDOW
        )

    def thank_you_overdue(self, now):
        """Awaiting a thank-you THANK_YOU_WINDOW (48 h) after their end: the moment the coach is
        told (reminders.rules.thank_you_overdue_due)."""
        return self.awaiting_thank_you(now).filter(ended_at__lte=now - THANK_YOU_WINDOW)


class Interview(models.Model):
    """One informational interview between a client and one of their contacts."""

    class Format(models.TextChoices):
        VIDEO = "video", "Video call"
        PHONE = "phone", "Phone call"
        IN_PERSON = "in_person", "In person"

    class Platform(models.TextChoices):
        ZOOM = "zoom", "Zoom"
        GOOGLE_MEET = "google_meet", "Google Meet"
        TEAMS = "teams", "Microsoft Teams"
        SKYPE = "skype", "Skype"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No-show"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="interviews")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="interviews")
    starts_at = models.DateTimeField(help_text="Stored in UTC; shown in the client's timezone.")
    duration_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.VIDEO)
    platform = models.CharField(max_length=20, choices=Platform.choices, blank=True)
    meeting_link = models.URLField(max_length=500, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    pitch = models.TextField(
        "personal pitch", blank=True, help_text="Who you are and why you asked, in 30 seconds."
    )
    research_notes = models.TextField(blank=True)
    checklist_done = models.JSONField(
        default=list, blank=True, help_text="Keys of the ticked preparation checklist items."
    )
    coach_notes = models.TextField("coach's private notes", blank=True)
    # Bumped on every reschedule or cancellation so calendars replace the old event.
    calendar_sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["client", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self):
        return f"{self.contact} · {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def thank_you_due_by(self):
        """The last moment a thank-you counts as prompt: 48 hours after the conversation ended."""
        return self.ends_at + THANK_YOU_WINDOW

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SCHEDULED


class InterviewQuestionQuerySet(VisibleToQuerySet):
    client_path = "interview__client"


class InterviewQuestion(models.Model):
    """A question chosen for one interview, in order: from a bank, or the client's own."""

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="chosen_questions"
    )
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    added_by_client = models.BooleanField(default=False)

    objects = InterviewQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "question"],
                condition=Q(question__isnull=False),
                name="interview_question_once",
            )
        ]

    def __str__(self):
        return self.text


class Debrief(models.Model):
    """What came out of an interview, written by the client (the coach reads it)."""

    interview = models.OneToOneField(Interview, on_delete=models.CASCADE, related_name="debrief")
    highlights = models.TextField(blank=True, help_text="What stood out in the conversation.")
    advice = models.TextField("advice received", blank=True)
    fit = models.PositiveSmallIntegerField(
        "fit for me",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 = not for me, 5 = a great fit.",
    )
    reflection_fit = models.TextField("Is this kind of job a good fit for me?", blank=True)
    reflection_interest = models.TextField("What interested me about the company?", blank=True)
    reflection_prepare = models.TextField("How can I prepare better next time?", blank=True)
    next_steps = models.TextField("my next steps", blank=True)
    thank_you_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(fit__isnull=True) | Q(fit__gte=1, fit__lte=5), name="debrief_fit_1_to_5"
            )
        ]

    def __str__(self):
        return f"Debrief of {self.interview}"


class Referral(models.Model):
    """A contact suggested during an interview. Lives here, not on Contact, so that `clients`
    never depends on `interviews`; read it as `contact.referral.interview`."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="referrals")
    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="referral")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.contact} (referred in {self.interview})"


class CalendarFeed(models.Model):
    """A client's secret calendar subscription URL. Revoking deletes the row; a new token is a
    new row, so an old URL stops working at once."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Calendar feed of {self.client}"
