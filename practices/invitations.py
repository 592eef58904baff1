"""Invitations to join a practice: an admin invites someone by email with a role (admin, coach
or viewer); they follow the signed, expiring link, choose their name and a password, and get a
CoachDesk login that is a member of the practice with that role.

Invariants:
- An address has at most one pending invitation per practice: sending (or re-sending) revokes
  the older ones, so only the link in the latest email works.
- A link works while its signature is younger than INVITATION_MAX_AGE (the week a client's
  invitation lasts too) and its row is pending.
- Only a new login joins. An address that already has a CoachDesk login (a member of this or
  another practice, a former member, a client's portal login, staff) is refused when inviting
  and again when accepting: a login belongs to one practice, and no link moves someone between
  practices or turns a client's login into a coach's. A former member is reactivated from the
  team page instead.
- Accepting creates at most one login per invitation: the invitation row is locked and checked
  again inside the transaction, so a double submit finds it used; the unique email turns two
  invitations (of two practices) accepted at the same moment into one login and one refusal.

Rows are locked practice first, then invitation, in every write here (and in practices.services),
so concurrent sends, revokes and accepts queue up instead of deadlocking.
"""

import logging
from datetime import datetime
from email.utils import formataddr, parseaddr
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, DateTimeField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.timezone import now

from accounts.models import Membership, Practice, PracticeInvitation, User, normalize_email
from clients import invitations as client_invitations
from clients.invitations import INVITATION_MAX_AGE

from .roles import ROLE_DESCRIPTIONS

logger = logging.getLogger(__name__)

TOKEN_SALT = "practices.invitation"

ACCOUNT_EXISTS_MESSAGE = (
    "There is already a CoachDesk login with this email address, and a login belongs to one "
    "practice. Please ask for an invitation at another address."
)


# Why a link cannot be used (invalid, expired, revoked, used): the same outcomes, and the same
# pages' reasons, as a client's invitation link.
InvitationLinkError = client_invitations.InvitationLinkError
InvitationLinkInvalid = client_invitations.InvitationLinkInvalid
InvitationLinkExpired = client_invitations.InvitationLinkExpired
InvitationLinkRevoked = client_invitations.InvitationLinkRevoked
InvitationLinkUsed = client_invitations.InvitationLinkUsed


# -- reads ---------------------------------------------------------------------------------------


def pending_invitations(practice: Practice) -> QuerySet[PracticeInvitation]:
    """The practice's invitations nobody has accepted or withdrawn yet, newest first, each with
    `expires_at` and `is_expired` for the team page. An expired one stays listed (re-sending
    it is the way out) until it is revoked."""
    return (
        practice.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .annotate(
            expires_at=ExpressionWrapper(
                F("created_at") + INVITATION_MAX_AGE, output_field=DateTimeField()
            ),
            is_expired=ExpressionWrapper(
                Q(created_at__lte=now() - INVITATION_MAX_AGE), output_field=BooleanField()
            ),
        )
        .order_by("-created_at", "-pk")
    )


def invitation_expires_at(invitation: PracticeInvitation) -> datetime:
    return invitation.created_at + INVITATION_MAX_AGE


def invitation_token(invitation: PracticeInvitation) -> str:
    return signing.dumps({"practice_invitation": invitation.pk}, salt=TOKEN_SALT)


def invitation_accept_url(invitation: PracticeInvitation) -> str:
    """The absolute link for the email and for create_practice (neither has a request)."""
    path = reverse("practices:invitation_accept", kwargs={"token": invitation_token(invitation)})
    return settings.SITE_URL.rstrip("/") + path


def invitation_from_token(token: str) -> PracticeInvitation:
    """The invitation a link names, if the link may still be used; else an InvitationLinkError
    saying why (invalid, expired, revoked or used)."""
    try:
        pk = _signed_invitation_pk(token, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        # An old link to an invitation that was accepted says "used" (log in), which helps
        # more than "expired" (ask for a new one).
        invitation = _invitation_or_none(_signed_invitation_pk(token, max_age=None))
        if invitation is not None and invitation.accepted_at is not None:
            raise InvitationLinkUsed(invitation) from None
        raise InvitationLinkExpired(invitation) from None
    except signing.BadSignature:
        raise InvitationLinkInvalid() from None
    invitation = _invitation_or_none(pk)
    if invitation is None:
        raise InvitationLinkInvalid()
    _refuse_unusable(invitation)
    return invitation


def existing_login(email: str) -> User | None:
    """The CoachDesk login that already uses this address, if any."""
    return User.objects.filter(email=normalize_email(email)).select_related("membership").first()


# -- writes --------------------------------------------------------------------------------------


def practice_invitation_create(
    *, practice: Practice, email: str, role: str, by: User | None, name: str = ""
) -> PracticeInvitation:
    """A new pending invitation, without an email (create_practice prints its link instead).
    Older pending invitations of the practice to this address stop working."""
    with transaction.atomic():
        practice = _lock_practice(practice)
        return _create(practice=practice, email=email, name=name, role=role, by=by)


def practice_invitation_send(
    *, practice: Practice, email: str, role: str, by: User, name: str = ""
) -> PracticeInvitation:
    """Invite someone to the practice, or invite them again. The email goes out once the
    invitation is committed, so a rolled-back send mails nothing."""
    with transaction.atomic():
        invitation = practice_invitation_create(
            practice=practice, email=email, name=name, role=role, by=by
        )
        transaction.on_commit(partial(_email_invitation, invitation))
    return invitation


def practice_invitation_resend(*, invitation: PracticeInvitation, by: User) -> PracticeInvitation:
    """A fresh link (and email) for a pending invitation, with its address, name and role; the
    old link stops working. Also the way out of an expired invitation."""
    with transaction.atomic():
        practice = _lock_practice(invitation.practice)
        invitation = PracticeInvitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_pending:
            raise ValidationError(
                f"The invitation to {invitation.email} was accepted or withdrawn, so there is "
                "nothing to re-send.",
                code="not_pending",
            )
        fresh = _create(
            practice=practice,
            email=invitation.email,
            name=invitation.name,
            role=invitation.role,
            by=by,
        )
        transaction.on_commit(partial(_email_invitation, fresh))
    return fresh


def practice_invitation_revoke(*, invitation: PracticeInvitation) -> bool:
    """Withdraw a pending invitation; its link stops working. False when it was no longer
    pending (accepted or withdrawn meanwhile)."""
    with transaction.atomic():
        _lock_practice(invitation.practice)
        return bool(
            PracticeInvitation.objects.filter(
                pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=now())
        )


@transaction.atomic
def practice_invitation_accept(
    *, invitation: PracticeInvitation, name: str, password: str, timezone: str
) -> User:
    """Create the invited person's login (a coach login, whatever the role: the membership
    carries the role) and their membership of the practice.

    Refused (ValidationError) when a login with the invited address exists already, so nobody
    can take over an existing account by setting a password through an invitation link."""
    invitation = _lock_usable(invitation)
    if existing_login(invitation.email) is not None:
        raise ValidationError(ACCOUNT_EXISTS_MESSAGE, code="account_exists")
    try:
        # A savepoint: a login made for this address a moment ago (through another practice's
        # invitation) becomes the same clear refusal, not a crash.
        with transaction.atomic():
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                name=name.strip(),
                role=User.Role.COACH,
                timezone=timezone,
            )
    except IntegrityError as error:
        raise ValidationError(ACCOUNT_EXISTS_MESSAGE, code="account_exists") from error
    except ValidationError as error:
        # The other login committed between the check above and create_user's full_clean,
        # whose uniqueness checks then see it first: the email field's, or the case-blind
        # constraint's (user_email_ci_unique), reported as a non-field error. Either way the
        # address is taken now, as that constraint reads it: LOWER(email), compared with the
        # normalized address (not __iexact, whose UPPER() folds "ı" into "I": normalize_email).
        taken = User.objects.alias(email_lower=Lower("email"))
        if taken.filter(email_lower=normalize_email(invitation.email)).exists():
            raise ValidationError(ACCOUNT_EXISTS_MESSAGE, code="account_exists") from error
        raise
    membership = Membership(practice=invitation.practice, user=user, role=invitation.role)
    membership.full_clean()
    membership.save()
    invitation.accepted_at = now()
    invitation.save(update_fields=["accepted_at"])
    logger.info("Practice invitation %s accepted", invitation.pk)
    return user


# -- internals -----------------------------------------------------------------------------------


def _lock_practice(practice: Practice) -> Practice:
    return Practice.objects.select_for_update().get(pk=practice.pk)


def _create(*, practice: Practice, email: str, name: str, role: str, by) -> PracticeInvitation:
    """Inside a transaction that holds the practice's lock."""
    email = normalize_email(email)
    _refuse_existing_login(practice, email)
    practice.invitations.filter(
        email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now())
    invitation = PracticeInvitation(
        practice=practice, email=email, name=name.strip(), role=role, invited_by=by
    )
    invitation.full_clean()
    invitation.save()
    return invitation


def _refuse_existing_login(practice: Practice, email: str) -> None:
    user = existing_login(email)
    if user is None:
        return
    membership = getattr(user, "membership", None) if user.is_coach else None
    if membership is not None and membership.practice_id == practice.pk:
        if membership.is_active:
            message = f"{email} is already a member of {practice.name}."
        else:
            message = (
                f"{email} is a former member of {practice.name}. Reactivate them on the team "
                "page instead of inviting them."
            )
    else:
        # Where that login belongs is not this admin's business: say only that it exists.
        message = (
            f"{email} already has a CoachDesk login, and a login belongs to one practice. "
            "Please invite them at another address."
        )
    raise ValidationError({"email": message}, code="account_exists")


def _lock_usable(invitation: PracticeInvitation) -> PracticeInvitation:
    """The invitation, locked and checked again: whatever happened since the link was read
    (another submit, a revoke) is seen here."""
    practice = _lock_practice(invitation.practice)
    invitation = PracticeInvitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.practice = practice
    _refuse_unusable(invitation)
    return invitation


def _signed_invitation_pk(token: str, *, max_age) -> int:
    payload = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    pk = payload.get("practice_invitation") if isinstance(payload, dict) else None
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise signing.BadSignature("The token does not name an invitation.")
    return pk


def _invitation_or_none(pk: int) -> PracticeInvitation | None:
    return PracticeInvitation.objects.select_related("practice", "invited_by").filter(pk=pk).first()


def _refuse_unusable(invitation: PracticeInvitation) -> None:
    if invitation.accepted_at is not None:
        raise InvitationLinkUsed(invitation)
    if invitation.revoked_at is not None:
        raise InvitationLinkRevoked(invitation)


def _email_invitation(invitation: PracticeInvitation) -> None:
    practice = invitation.practice
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "practice": practice,
        "inviter": inviter,
        "role": Membership.Role(invitation.role).label,
        "role_description": ROLE_DESCRIPTIONS[invitation.role],
        "accept_url": invitation_accept_url(invitation),
        "expires_at": invitation_expires_at(invitation),
        "max_age_days": INVITATION_MAX_AGE.days,
    }
    subject = render_to_string("practices/emails/invitation_subject.txt", context)
    # Headers cannot hold line breaks; the template may end with one.
    subject = " ".join(subject.split())
    sender_name, sender_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    sender_name = sender_name or "CoachDesk"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("practices/emails/invitation_body.txt", context),
        from_email=formataddr(
            (f"{inviter.name} via {sender_name}" if inviter else sender_name, sender_address)
        ),
        to=[invitation.email],
        reply_to=[inviter.email] if inviter else None,
    )
    message.attach_alternative(
        render_to_string("practices/emails/invitation_body.html", context), "text/html"
    )
    message.send()
    logger.info("Practice invitation %s sent", invitation.pk)
