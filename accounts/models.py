from functools import partial

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.timezone import now

from .timezones import validate_timezone


def normalize_email(email) -> str:
    """The one spelling of an address: stored, looked up and counted by login throttling.

    Lookups compare this spelling exactly, never with `__iexact`: PostgreSQL runs that through
    UPPER(), which turns "ı" and "ſ" into "I" and "S", so "prıya@…" would find "priya@…" while
    login throttling counts it as another address."""
    return (email or "").strip().lower()


class UserQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """Also drops the updated users' cached rows (accounts.backends): a deactivation from
        an admin action or the shell ends their sessions on the next request, as a save does.
        The rows are forgotten again once the transaction commits, so a request that read the
        old row meanwhile cannot keep it in the cache."""
        from .backends import forget_users

        user_ids = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        forget_users(user_ids)
        transaction.on_commit(partial(forget_users, user_ids), using=self.db)
        return count


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def normalize_email(self, email):
        return normalize_email(email)

    def get_by_natural_key(self, username):
        return self.get(email=normalize_email(username))

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.COACH)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: a coach, or a client invited by a coach. Email is the login."""

    class Role(models.TextChoices):
        COACH = "coach", "Coach"
        CLIENT = "client", "Client"

    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CLIENT)
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="Reminders and times on screen use this timezone.",
    )
    daily_digest = models.BooleanField(
        "send me a daily digest", default=True, help_text="Coaches: a morning summary email."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can log in to the operator's admin site."
    )
    date_joined = models.DateTimeField(default=now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email

    @property
    def is_coach(self) -> bool:
        return self.role == self.Role.COACH

    @property
    def is_client(self) -> bool:
        return self.role == self.Role.CLIENT


class Practice(models.Model):
    """A coaching practice or career centre: the coaches who share clients, libraries and
    figures. A solo coach is a practice of one, its admin."""

    name = models.CharField(max_length=150)
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="The practice's figures (weeks, periods) are counted in this timezone.",
    )
    require_two_factor = models.BooleanField(
        "require two-factor login",
        default=False,
        help_text="Every member must set up an authenticator app before using CoachDesk.",
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A coach's place in a practice. A user belongs to at most one practice.

    A deactivated membership keeps the row (who coached whom stays readable) and its user cannot
    log in: `practices.services.membership_deactivate` turns both off together."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        COACH = "coach", "Coach"
        VIEWER = "viewer", "Viewer"

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.COACH)
    created_at = models.DateTimeField(default=now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["practice", "user__name"]
        indexes = [models.Index(fields=["practice", "role"])]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} of {self.practice}"

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role == self.Role.ADMIN

    @property
    def is_viewer(self) -> bool:
        return self.role == self.Role.VIEWER

    @property
    def coaches(self) -> bool:
        """Admins and coaches work on clients; viewers only read."""
        return self.is_active and self.role in (self.Role.ADMIN, self.Role.COACH)


class PracticeInvitation(models.Model):
    """An invitation to join a practice. The link carries a signed token of this row's id
    (practices.invitations); accepting sets `accepted_at`, so a link works once."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(
        max_length=10, choices=Membership.Role.choices, default=Membership.Role.COACH
    )
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} to {self.practice} as {self.get_role_display()}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
