"""Reads for the team pages. A member's *active clients* are the clients they are the coach of
(`Client.coach`) and have not archived: the caseload that must move to another coach before
the member becomes a viewer or leaves. Clients shared with them stay with their own coach."""

from django.db.models import Count, F, Q, QuerySet

from accounts.models import Membership, Practice, User
from accounts.two_factor import without_two_factor
from clients.models import Client


def member_active_clients(user: User) -> QuerySet[Client]:
    return Client.objects.for_coach(user).filter(status=Client.Status.ACTIVE).order_by("name")


def team_members(practice: Practice) -> QuerySet[Membership]:
    """Every member of the practice, active ones first, each with `active_client_count`: the
    count of member_active_clients, for all members in one grouped query (tests/practices hold
    the two forms together)."""
    active_clients = Count("user__clients", filter=Q(user__clients__status=Client.Status.ACTIVE))
    return (
        Membership.objects.filter(practice=practice)
        .select_related("user")
        .annotate(active_client_count=active_clients)
        .order_by(F("deactivated_at").asc(nulls_first=True), "user__name")
    )


def other_active_admins(membership: Membership) -> QuerySet[Membership]:
    """The practice's active admins but this member: none left means this member may neither
    give up the admin role nor leave (practices.services)."""
    return Membership.objects.filter(
        practice_id=membership.practice_id,
        role=Membership.Role.ADMIN,
        deactivated_at__isnull=True,
        user__is_active=True,
    ).exclude(pk=membership.pk)


def members_without_two_factor(practice: Practice) -> QuerySet[User]:
    """Active members who have not set up two-factor login: the ones a practice that requires
    it sends to enrolment on their next page."""
    members = User.objects.filter(
        membership__practice=practice, membership__deactivated_at__isnull=True, is_active=True
    )
    return without_two_factor(members).order_by("name")
