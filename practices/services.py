"""Writes that run a practice: a member's role, deactivation (handing their clients to other
coaches in the same step) and reactivation, and the practice's settings.

Invariants:
- A practice always has an active admin: a role change or a deactivation that would leave it
  without one is refused, whoever asks (an admin demoting or deactivating themselves included).
- A member who is the coach of active clients (practices.selectors.member_active_clients)
  keeps a role with a caseload and stays active: becoming a viewer, or leaving, is refused
  until every one of those clients has another coach. membership_deactivate hands them over
  itself, in the same transaction as the deactivation: either all move and the member leaves,
  or nothing changes.
- A deactivated member cannot log in (`User.is_active` is off too) and keeps their row and
  their archived clients, which admins still see and can give to another coach.

Each write locks the practice row first (then the membership, then clients), so two admins
changing the team at the same moment queue up: the second sees what the first did, and two
admins cannot demote each other into a practice without one.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.timezone import now

from accounts.models import Membership, Practice, User
from clients.models import Client
from clients.services import client_reassign

from .selectors import member_active_clients, other_active_admins


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    membership = _lock(membership)
    if role not in Membership.Role.values:
        raise ValidationError(f"“{role}” is not a role of a practice.", code="unknown_role")
    if not membership.is_active:
        raise ValidationError(
            f"{membership.user.name} is deactivated: reactivate them before changing their role.",
            code="inactive",
        )
    if role == membership.role:
        return membership
    if membership.role == Membership.Role.ADMIN:
        _refuse_last_admin(membership, by=by, change="give up the admin role")
    if role == Membership.Role.VIEWER:
        count = member_active_clients(membership.user).count()
        if count:
            raise ValidationError(
                f"{membership.user.name} is the coach of {_clients(count)}, and a viewer has no "
                "clients. Give them to another coach first, then make "
                f"{membership.user.get_short_name()} a viewer.",
                code="has_clients",
            )
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_deactivate(
    *,
    membership: Membership,
    by: User,
    reassign_to: User | None = None,
    reassign_each: Mapping[int, User] | None = None,
) -> list[Client]:
    """Deactivate a member, first giving each of their active clients to a new coach: the one
    `reassign_each` names for that client (by client id), else `reassign_to`. A client left
    without a new coach refuses the whole step. Returns the clients that moved.

    The clients are read under lock here, not taken from the page the admin saw, so a client
    added or unarchived since cannot stay behind with a coach who has left."""
    reassign_each = reassign_each or {}
    membership = _lock(membership)
    user = membership.user
    if not membership.is_active:
        raise ValidationError(f"{user.name} is deactivated already.", code="inactive")
    if membership.role == Membership.Role.ADMIN:
        _refuse_last_admin(membership, by=by, change="leave")
    clients = list(member_active_clients(user).select_for_update())
    if any(reassign_each.get(client.pk, reassign_to) is None for client in clients):
        raise ValidationError(
            f"{user.name} is the coach of {_clients(len(clients))}. Choose who takes over "
            f"{'it' if len(clients) == 1 else 'each of them'} before deactivating "
            f"{user.get_short_name()}.",
            code="has_clients",
        )
    for client in clients:
        client_reassign(client=client, to_coach=reassign_each.get(client.pk, reassign_to), by=by)
    membership.deactivated_at = now()
    membership.save(update_fields=["deactivated_at"])
    # A queryset update, which also drops the cached user: their sessions end on their next
    # request (accounts.backends refuses an inactive user).
    User.objects.filter(pk=user.pk).update(is_active=False)
    return clients


@transaction.atomic
def membership_reactivate(*, membership: Membership) -> Membership:
    """A former member logs in again, with the role they had."""
    membership = _lock(membership)
    if membership.is_active:
        raise ValidationError(f"{membership.user.name} is active already.", code="active")
    membership.deactivated_at = None
    membership.save(update_fields=["deactivated_at"])
    User.objects.filter(pk=membership.user_id).update(is_active=True)
    return membership


def practice_update(*, practice: Practice, name: str, timezone: str, require_two_factor: bool):
    """Saving the practice drops its members' cached logins (accounts.backends), so a newly
    required two-factor login applies to each member from their next page."""
    practice.name = name.strip()
    practice.timezone = timezone
    practice.require_two_factor = require_two_factor
    practice.full_clean()
    practice.save(update_fields=["name", "timezone", "require_two_factor"])
    return practice


# -- internals -----------------------------------------------------------------------------------


def _lock(membership: Membership) -> Membership:
    """The practice, then the membership, locked and read again with its user."""
    Practice.objects.select_for_update().get(pk=membership.practice_id)
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "practice")
        .get(pk=membership.pk)
    )


def _refuse_last_admin(membership: Membership, *, by: User, change: str) -> None:
    if other_active_admins(membership).exists():
        return
    if membership.user_id == by.pk:
        message = (
            f"You are the only admin of {membership.practice.name}: make another member an "
            f"admin before you {change}."
        )
    else:
        message = (
            f"{membership.user.name} is the only admin of {membership.practice.name}. Make "
            "another member an admin first."
        )
    raise ValidationError(message, code="last_admin")


def _clients(count: int) -> str:
    return f"{count} active client{'' if count == 1 else 's'}"
