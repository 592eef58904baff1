"""Client invitations: the coach sends a signed, expiring link; the client follows it, chooses a
password and gets a portal login linked to their client record.

Invariants:
- A client has at most one pending invitation: sending revokes the older ones, so only the link
  in the latest email works.
- A link works while its signature is younger than INVITATION_MAX_AGE *and* its row is pending,
  the client has no login yet, is not archived and still has the address the link was sent to
  (a coach who corrects a mistyped address must not leave a working link at the wrong one).
- Accepting creates at most one login per invitation: the client and invitation rows are locked
  and re-checked inside the transaction, so a double submit finds the invitation already used.

Rows are locked client first, then invitation, in every write here, so concurrent sends,
revokes and accepts for one client queue up instead of deadlocking.
"""

import logging
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, DateTimeField, ExpressionWrapper, F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.timezone import now

from accounts.models import User, normalize_email

from .models import Client, Invitation

logger = logging.getLogger(__name__)

INVITATION_MAX_AGE = timedelta(days=7)
TOKEN_SALT = "clients.invitation"

ACCOUNT_EXISTS_MESSAGE = (
    "There is already a CoachDesk login with this email address. Log in with it first, "
    "then open the invitation link again."
)


class InvitationLinkError(Exception):
    """Why an invitation link cannot be used. `reason` names the page the visitor sees;
    `invitation` is the row when the link could be read, else None."""

    reason = "invalid"

    def __init__(self, invitation: Invitation | None = None):
        super().__init__(self.reason)
        self.invitation = invitation


class InvitationLinkInvalid(InvitationLinkError):
    """The token was tampered with, truncated, or names no invitation."""

    reason = "invalid"


class InvitationLinkExpired(InvitationLinkError):
    reason = "expired"


class InvitationLinkRevoked(InvitationLinkError):
    """Withdrawn by the coach, replaced by a newer invitation, or no longer valid because the
    client was archived or their email address changed since it was sent."""

    reason = "revoked"


class InvitationLinkUsed(InvitationLinkError):
    """Accepted already: the client has a login."""

    reason = "used"


# -- reads ---------------------------------------------------------------------------------------


def invitation_latest(*, client: Client) -> Invitation | None:
    """The client's most recent invitation, annotated with `expires_at` and `is_expired` for the
    coach's invitation panel (templates/clients/_invitation_panel.html)."""
    return (
        client.invitations.annotate(
            expires_at=ExpressionWrapper(
                F("sent_at") + INVITATION_MAX_AGE, output_field=DateTimeField()
            ),
            is_expired=ExpressionWrapper(
                Q(sent_at__lte=now() - INVITATION_MAX_AGE), output_field=BooleanField()
            ),
        )
        .order_by("-sent_at", "-pk")
        .first()
    )


def invitation_expires_at(invitation: Invitation) -> datetime:
    return invitation.sent_at + INVITATION_MAX_AGE


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=TOKEN_SALT)


def invitation_accept_url(invitation: Invitation) -> str:
    """The absolute link for the email (emails have no request to build it from)."""
    path = reverse("clients:invitation_accept", kwargs={"token": invitation_token(invitation)})
    return settings.SITE_URL.rstrip("/") + path


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link names, if the link may still be used; else an InvitationLinkError
    saying why (invalid, expired, revoked or used)."""
    try:
        pk = _signed_invitation_pk(token, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        # The signature is genuine, only old. An old link to an invitation that was accepted
        # says "used" (log in), which helps more than "expired" (ask for a new one).
        invitation = _invitation_or_none(_signed_invitation_pk(token, max_age=None))
        if invitation is not None and _is_used(invitation):
            raise InvitationLinkUsed(invitation) from None
        raise InvitationLinkExpired(invitation) from None
    except signing.BadSignature:
        raise InvitationLinkInvalid() from None
    invitation = _invitation_or_none(pk)
    if invitation is None:
        raise InvitationLinkInvalid()
    _refuse_unusable(invitation)
    return invitation


def existing_account(*, invitation: Invitation) -> User | None:
    """The login that already uses the invited address, if any."""
    return User.objects.filter(email=normalize_email(invitation.client.email)).first()


def account_can_accept(*, user: User, invitation: Invitation) -> bool:
    """An existing login may take an invitation only when it is a client login with the invited
    address and no client record yet (say its earlier record was deleted). A coach login, or a
    client already on a caseload, cannot: a login belongs to one client record."""
    return (
        user.is_authenticated
        and user.is_client
        and user.email.lower() == invitation.client.email.lower()
        and not Client.objects.filter(user=user).exists()
    )


# -- writes --------------------------------------------------------------------------------------


def invitation_send(*, client: Client, by: User) -> Invitation:
    """Invite the client to the portal, or invite them again: older links stop working. The
    email goes out once the invitation is committed, so a rolled-back send mails nothing."""
    with transaction.atomic():
        client = _lock_client(client)
        if client.user_id is not None:
            raise ValidationError(
                f"{client.name} already has a portal account, so there is nothing to send.",
                code="has_account",
            )
        if client.is_archived:
            raise ValidationError(
                f"{client.name} is archived. Unarchive them before inviting them to the portal.",
                code="archived",
            )
        _pending(client).update(revoked_at=now())
        invitation = Invitation(client=client, email=client.email, invited_by=by)
        invitation.full_clean()
        invitation.save()
        transaction.on_commit(partial(_email_invitation, invitation))
    return invitation


def invitation_revoke(*, client: Client) -> int:
    """Withdraw the client's pending invitation; its link stops working. Returns how many were
    withdrawn (0 when there was none)."""
    with transaction.atomic():
        client = _lock_client(client)
        return _pending(client).update(revoked_at=now())


@transaction.atomic
def invitation_accept(*, invitation: Invitation, name: str, password: str, timezone: str) -> User:
    """Create the client's login from the invitation and link it to their client record.

    Refused (ValidationError) when a login with the client's address exists already: that
    person logs in first and joins with invitation_accept_existing, so nobody can take over
    an existing account by setting a password through an invitation link."""
    invitation = _lock_usable(invitation)
    client = invitation.client
    if User.objects.filter(email=normalize_email(client.email)).exists():
        raise ValidationError(ACCOUNT_EXISTS_MESSAGE, code="account_exists")
    try:
        # A savepoint: a login created for this address a moment ago by another coach's
        # invitation (the unique email) becomes the same clear refusal, not a crash.
        with transaction.atomic():
            user = User.objects.create_user(
                email=client.email,
                password=password,
                name=name.strip(),
                role=User.Role.CLIENT,
                timezone=timezone,
            )
    except IntegrityError as error:
        raise ValidationError(ACCOUNT_EXISTS_MESSAGE, code="account_exists") from error
    # The client knows where they live better than their coach's record does.
    client.timezone = timezone
    _link(invitation, user, update_fields=["user", "timezone", "updated_at"])
    return user


@transaction.atomic
def invitation_accept_existing(*, invitation: Invitation, user: User) -> User:
    """Link an existing, logged-in client login (see account_can_accept) to the invited client."""
    invitation = _lock_usable(invitation)
    if not account_can_accept(user=user, invitation=invitation):
        raise ValidationError(
            "This login cannot take the invitation: it must be a client login with the invited "
            "email address and not yet linked to a coach.",
            code="wrong_account",
        )
    _link(invitation, user, update_fields=["user", "updated_at"])
    return user


# -- internals -----------------------------------------------------------------------------------


def _pending(client: Client) -> QuerySet[Invitation]:
    return client.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)


def _lock_client(client: Client) -> Client:
    # of=("self",): lock the client row only, not the coach's user row joined in.
    return Client.objects.select_for_update(of=("self",)).select_related("coach").get(pk=client.pk)


def _lock_usable(invitation: Invitation) -> Invitation:
    """The invitation and its client, locked and re-checked: whatever happened since the link
    was read (another submit, a revoke) is seen here."""
    client = _lock_client(invitation.client)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.client = client
    _refuse_unusable(invitation)
    return invitation


def _link(invitation: Invitation, user: User, *, update_fields: list[str]) -> None:
    client = invitation.client
    client.user = user
    client.full_clean()
    client.save(update_fields=update_fields)
    invitation.accepted_at = now()
    invitation.save(update_fields=["accepted_at"])


def _signed_invitation_pk(token: str, *, max_age) -> int:
    payload = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    pk = payload.get("invitation") if isinstance(payload, dict) else None
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise signing.BadSignature("The token does not name an invitation.")
    return pk


def _invitation_or_none(pk: int) -> Invitation | None:
    return Invitation.objects.select_related("client", "client__coach").filter(pk=pk).first()


def _is_used(invitation: Invitation) -> bool:
    return invitation.accepted_at is not None or invitation.client.user_id is not None


def _refuse_unusable(invitation: Invitation) -> None:
    client = invitation.client
    if _is_used(invitation):
        raise InvitationLinkUsed(invitation)
    if (
        invitation.revoked_at is not None
        or client.is_archived
        or invitation.email.lower() != client.email.lower()
    ):
        raise InvitationLinkRevoked(invitation)


def _email_invitation(invitation: Invitation) -> None:
    client = invitation.client
    coach = client.coach
    context = {
        "client": client,
        "coach": coach,
        "accept_url": invitation_accept_url(invitation),
        "expires_at": invitation_expires_at(invitation),
        "max_age_days": INVITATION_MAX_AGE.days,
    }
    subject = render_to_string("clients/emails/invitation_subject.txt", context)
    # Headers cannot hold line breaks; the template may end with one.
    subject = " ".join(subject.split())
    sender_name, sender_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("clients/emails/invitation_body.txt", context),
        from_email=formataddr((f"{coach.name} via {sender_name or 'CoachDesk'}", sender_address)),
        to=[invitation.email],
        reply_to=[coach.email],
    )
    message.attach_alternative(
        render_to_string("clients/emails/invitation_body.html", context), "text/html"
    )
    message.send()
    logger.info("Invitation %s sent to client %s", invitation.pk, client.pk)
