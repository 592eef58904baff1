from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.timezone import localdate, now

from accounts.models import Practice
from accounts.timezones import validate_timezone


class VisibleToQuerySet(models.QuerySet):
    """Scopes rows to what a user may see, by the rules of clients.access.client_scope.

    `client_path` is the lookup from the model to its `Client` ("" for Client itself).
    """

    client_path = ""

    def visible_to(self, user):
        from .access import client_scope  # access reads these models; the rule lives there

        scope = client_scope(user, self.client_path)
        return self.none() if scope is None else self.filter(scope)


class ClientQuerySet(VisibleToQuerySet):
    def for_coach(self, coach):
        """The clients this user is the coach of (`Client.coach`): the ones reminders name."""
        return self.filter(coach=coach)

    def caseload_of(self, coach):
        """The clients a coach works on: their own and those shared with them."""
        from .access import caseload_scope

        return self.filter(caseload_scope(coach))


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
    # Reminder preferences. Prep, thank-you and action-item-due reminders are essential and
    # always sent.
    remind_follow_ups = models.BooleanField(
        "remind me to follow up when a contact has not answered", default=True
    )
    remind_keep_in_touch = models.BooleanField(
        "remind me to keep in touch with people I interviewed", default=True
    )
    keep_in_touch_weeks = models.PositiveSmallIntegerField(
        "keep in touch every",
        choices=[(4, "4 weeks"), (8, "8 weeks"), (12, "12 weeks")],
        default=8,
    )
    remind_assigned_actions = models.BooleanField(
        "email me when my coach sets me an action item", default=True
    )
    remind_weekly_summary = models.BooleanField(
        "send me a summary of my weekly targets on Mondays", default=True
    )
    # Set when the email provider reported that a reminder to `email` bounced for good or was
    # marked as spam (reminders.bounces). While it is set the reminders the client may turn off
    # wait (the essential ones still go); it is cleared when the address is changed
    # (services.client_update) or the coach says it works again.
    email_bounced_at = models.DateTimeField(null=True, blank=True)
    email_bounce_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coach", "email"],
                name="client_email_unique_per_coach",
                violation_error_message="You already have a client with this email address.",
            ),
        ]
        indexes = [models.Index(fields=["coach", "status", "name"])]

    def __str__(self):
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0]

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED


class ClientShare(models.Model):
    """A client shared with a second coach of the same practice (a co-coach), who sees and
    works on the client as their coach does. The client's coach stays the one reminders name."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="shares")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shared_clients",
        limit_choices_to={"role": "coach"},
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["client", "coach"], name="client_share_unique"),
        ]
        indexes = [models.Index(fields=["coach", "client"])]

    def __str__(self):
        return f"{self.client} shared with {self.coach}"


class CompanyQuerySet(VisibleToQuerySet):
    client_path = "client"


LAMP_SCORE = [MinValueValidator(0), MaxValueValidator(3)]


class Company(models.Model):
    """A target employer, ranked the LAMP way (The 2-Hour Job Search): motivation, posting,
    advocacy, each 0–3."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="companies")
    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    motivation = models.PositiveSmallIntegerField(
        default=0, validators=LAMP_SCORE, help_text="How much the client wants to work there (0–3)."
    )
    posting = models.PositiveSmallIntegerField(
        default=0, validators=LAMP_SCORE, help_text="Relevant job postings seen (0–3)."
    )
    advocacy = models.PositiveSmallIntegerField(
        default=0,
        validators=LAMP_SCORE,
        help_text="Is there someone inside to talk to? 0 none, 3 a warm contact.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        constraints = [
            models.UniqueConstraint(
                "client",
                Lower("name"),
                name="company_name_unique_per_client",
                violation_error_message="This client already has a company with this name.",
            ),
            models.CheckConstraint(
                condition=Q(motivation__lte=3) & Q(posting__lte=3) & Q(advocacy__lte=3),
                name="company_lamp_scores_0_to_3",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def lamp_total(self) -> int:
        return self.motivation + self.posting + self.advocacy


class ContactQuerySet(VisibleToQuerySet):
    client_path = "client"


class Contact(models.Model):
    """A person the client would like an informational interview with."""

    class Source(models.TextChoices):
        LINKEDIN = "linkedin", "LinkedIn"
        FRIENDS_FAMILY = "friends_family", "Friends & family"
        ALUMNI = "alumni", "Alumni"
        COLLEAGUE = "colleague", "Colleague"
        REFERRAL = "referral", "Referral"
        COLD = "cold", "Cold"
        EVENT = "event", "Event"
        OTHER = "other", "Other"

    class Stage(models.TextChoices):
        IDENTIFIED = "identified", "Identified"
        REACHED_OUT = "reached_out", "Reached out"
        REPLIED = "replied", "Replied"
        SCHEDULED = "scheduled", "Scheduled"
        INTERVIEWED = "interviewed", "Interviewed"
        THANKED = "thanked", "Thanked"
        KEEPING_IN_TOUCH = "keeping_in_touch", "Keeping in touch"
        DECLINED = "declined", "Declined"
        NO_RESPONSE = "no_response", "No response"
        ARCHIVED = "archived", "Archived"

    # The pipeline in order; the stages after it are side exits.
    PIPELINE = [
        Stage.IDENTIFIED,
        Stage.REACHED_OUT,
        Stage.REPLIED,
        Stage.SCHEDULED,
        Stage.INTERVIEWED,
        Stage.THANKED,
        Stage.KEEPING_IN_TOUCH,
    ]
    CLOSED = [Stage.DECLINED, Stage.NO_RESPONSE, Stage.ARCHIVED]

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    company = models.ForeignKey(
        Company, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(max_length=150)
    title = models.CharField("job title", max_length=200, blank=True)
    email = models.EmailField(blank=True)
    linkedin_url = models.URLField("LinkedIn URL", max_length=300, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    source = models.CharField(
        "how the client knows them", max_length=20, choices=Source.choices, default=Source.LINKEDIN
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED)
    notes = models.TextField(blank=True, help_text="Seen by the client and the coach.")
    coach_notes = models.TextField(
        "coach's private notes", blank=True, help_text="Only the coach sees these."
    )
    reminders_paused_until = models.DateTimeField(
        null=True, blank=True, help_text="Follow-up and keep-in-touch reminders wait until then."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "client",
                Lower("email"),
                condition=~Q(email=""),
                name="contact_email_unique_per_client",
                violation_error_message="This client already has a contact with this email.",
            ),
            models.UniqueConstraint(
                "client",
                Lower("linkedin_url"),
                condition=~Q(linkedin_url=""),
                name="contact_linkedin_unique_per_client",
                violation_error_message=(
                    "This client already has a contact with this LinkedIn URL."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["client", "stage"]),
            # The sweep reads the contacts whose snooze just ended (reminders/sweep.py): few
            # contacts are ever snoozed, so the index holds only those.
            models.Index(
                fields=["reminders_paused_until"],
                condition=Q(reminders_paused_until__isnull=False),
                name="contact_paused_idx",
            ),
            # A caseload's contacts waiting for a reply (Touch.objects.waiting_for_reply, on the
            # coach home and the practice home): read from the index alone, by client.
            models.Index(
                fields=["client", "id"],
                condition=Q(stage="reached_out"),
                name="contact_reached_out_idx",
            ),
            # A caseload's contacts by client, with when each was identified: the funnel
            # (dashboard.insights.funnel) counts them, and joins its touches to them, from the
            # index alone.
            models.Index(
                fields=["client", "created_at"], include=["id"], name="contact_client_created_idx"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0]

    @property
    def is_closed(self) -> bool:
        return self.stage in self.CLOSED


class TouchQuerySet(VisibleToQuerySet):
    client_path = "contact__client"

    def latest_per_contact(self, *, since=None):
        """Each contact's latest touch among these: no newer touch of the contact exists (newer
        by `at`, then by pk). With `since`, only touches from then on are read, on both sides:
        the work follows the touches of the range, not the length of the history."""
        return self._latest(Touch.objects.all(), since=since)

    def latest_outreach_per_contact(self, *, as_of=None, since=None):
        """Each contact's latest outreach touch as of `as_of` (default: any time)."""
        outreach = Touch.objects.filter(kind=Touch.Kind.OUTREACH)
        touches = self.filter(kind=Touch.Kind.OUTREACH)
        if as_of is not None:
            outreach, touches = outreach.filter(at__lte=as_of), touches.filter(at__lte=as_of)
        return touches._latest(outreach, since=since)

    def waiting_for_reply(self, *, as_of, since=None):
        """The latest outreach of each contact still waiting for a reply as of `as_of`: the
        contact is "reached out" (no reply, interview or close since) and its client active.
        What the 3B7 follow-ups, the no-response close and every "no reply yet" list read."""
        return self.latest_outreach_per_contact(as_of=as_of, since=since).filter(
            contact__stage=Contact.Stage.REACHED_OUT,
            contact__client__status=Client.Status.ACTIVE,
        )

    def _latest(self, others, *, since):
        newer = others.filter(contact=OuterRef("contact")).filter(
            Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk"))
        )
        touches = self
        if since is not None:
            # Implied for `newer`; stated, it lets PostgreSQL look up each contact's recent
            # touches by index instead of hashing every touch ever logged.
            newer, touches = newer.filter(at__gte=since), touches.filter(at__gte=since)
        return touches.filter(~Exists(newer))


class Touch(models.Model):
    """One logged moment of contact: an outreach, a follow-up, a reply, a thank-you, an update."""

    class Kind(models.TextChoices):
        OUTREACH = "outreach", "Outreach"
        FOLLOW_UP = "follow_up", "Follow-up"
        REPLY = "reply", "Reply received"
        THANK_YOU = "thank_you", "Thank-you sent"
        UPDATE = "update", "Update / keeping in touch"
        OTHER = "other", "Other"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        LINKEDIN = "linkedin", "LinkedIn"
        PHONE = "phone", "Phone"
        IN_PERSON = "in_person", "In person"
        OTHER = "other", "Other"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="touches")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    at = models.DateTimeField(default=now)
    note = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email_message_id = models.CharField(
        max_length=255,
        blank=True,
        help_text="The Message-ID of the email this was logged from (the inbound app); "
        "empty when logged by hand.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TouchQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["contact", "-at"]),
            # The touches of some kinds in a period, with their contact: the funnel and the
            # weekly chart (dashboard.insights) read a caseload's from this index and
            # contact_client_created_idx alone.
            models.Index(fields=["kind", "at"], include=["contact"], name="touch_kind_at_idx"),
            # Each contact's latest outreach (TouchQuerySet.latest_outreach_per_contact, under
            # waiting_for_reply): the contact's outreach in a range of time and the "no newer
            # outreach" test, read from the index alone.
            models.Index(
                fields=["contact", "at", "id"],
                condition=Q(kind="outreach"),
                name="touch_outreach_idx",
            ),
        ]
        constraints = [
            # One email logs one touch per contact, however often it arrives or is resolved.
            models.UniqueConstraint(
                fields=["contact", "email_message_id"],
                condition=~Q(email_message_id=""),
                name="touch_one_per_email_per_contact",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.contact} · {self.at:%Y-%m-%d}"

    @property
    def logged_by_email(self) -> bool:
        return bool(self.email_message_id)


class OutreachTemplateQuerySet(models.QuerySet):
    def usable_by(self, coach):
        """Built-in templates, the coach's own and their practice's library."""
        from .access import library_scope

        return self.filter(library_scope(coach))

    def editable_by(self, user):
        """The user's own templates, and their practice's library if they keep it."""
        from .access import library_editable_scope

        return self.filter(library_editable_scope(user))

    def movable_to_practice_by(self, user):
        """Templates the user may move into their practice's library."""
        from .access import library_movable_scope

        return self.filter(library_movable_scope(user))

    def with_rights(self, user):
        """Each template with `editable` and `movable`: what `user` may do with it."""
        from .access import library_rights

        return self.annotate(**library_rights(user))


class OutreachTemplate(models.Model):
    """A message a client can adapt to ask for a conversation. Placeholders in braces are filled
    from the contact and client (see clients.outreach.PLACEHOLDERS)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outreach_templates",
        help_text="Empty for the built-in templates, which coaches copy rather than edit.",
    )
    practice = models.ForeignKey(
        Practice,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outreach_templates",
        help_text="Set for the practice's library: every coach uses it, its admins edit it.",
    )
    name = models.CharField(max_length=120)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OutreachTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(practice__isnull=True),
                name="outreach_template_one_owner",
                violation_error_message="A template belongs to a coach or a practice, not both.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None and self.practice_id is None


class Invitation(models.Model):
    """An invitation for a client to join the portal. The emailed link carries a signed token
    with this row's id; it works for INVITATION_MAX_AGE and only while the row is pending, so
    revoking (or re-sending, which revokes the older rows) kills old links."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return f"Invitation for {self.email}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class ContactImport(models.Model):
    """A CSV upload waiting for the coach's confirmation. The parsed, validated rows wait here
    (not as contacts) until the coach confirms; then the contacts are written in one go."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        IMPORTED = "imported", "Imported"
        CANCELLED = "cancelled", "Cancelled"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    rows = models.JSONField(default=list, help_text="Rows that will become contacts.")
    rejected = models.JSONField(default=list, help_text="Rows skipped, each with its reason.")
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} for {self.client}"


class OpportunityQuerySet(VisibleToQuerySet):
    client_path = "client"


class Opportunity(models.Model):
    """Something a conversation led to: the result the whole method works towards."""

    class Kind(models.TextChoices):
        JOB_LEAD = "job_lead", "Job lead"
        INTRODUCTION = "introduction", "Introduction to a hiring manager"
        APPLICATION = "application", "Application"
        OFFER = "offer", "Offer"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="opportunities")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="opportunities")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField(blank=True)
    at = models.DateField("date", default=localdate)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "opportunities"
        indexes = [models.Index(fields=["client", "at"])]

    def __str__(self):
        return f"{self.get_kind_display()} via {self.contact}"


class AuditEvent(models.Model):
    """What stays of a client after erasure (clients.services.client_erase): who did it, what,
    when, and the erased client's id — a number only. It must never hold a name, an email or
    anything else that would identify the person whose data was erased."""

    class Action(models.TextChoices):
        CLIENT_ERASED = "client_erased", "Client erased"
        CLIENT_REASSIGNED = "client_reassigned", "Client reassigned to another coach"
        CLIENT_SHARED = "client_shared", "Client shared with a co-coach"
        CLIENT_UNSHARED = "client_unshared", "Client no longer shared with a co-coach"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The coach or admin who did it.",
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    client_number = models.PositiveBigIntegerField(
        help_text="The id the erased client had: a number, no name or email."
    )
    at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} #{self.client_number} · {self.at:%Y-%m-%d %H:%M} UTC"
