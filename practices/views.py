"""A practice's own pages, for its admins: the team (members and invitations), a member's role,
deactivation and reactivation, and the practice's settings. And the public page where an
invited person joins: the signed link is their credential."""

import logging

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.models import Membership, Practice
from clients.access import (
    coaches_to_take_over,
    get_membership,
    get_practice_invitation,
    practice_admin_required,
    practice_of,
)

from . import invitations, services
from .forms import (
    InviteForm,
    MemberDeactivateForm,
    MemberRoleForm,
    PracticeJoinForm,
    PracticeSettingsForm,
)
from .roles import ROLE_DESCRIPTIONS, ROLE_NOUNS
from .selectors import (
    member_active_clients,
    members_without_two_factor,
    other_active_admins,
    team_members,
)

logger = logging.getLogger(__name__)

EMAIL_FAILED_MESSAGE = (
    "The invitation is saved, but its email could not be sent just now. Please use “Re-send” "
    "below in a few minutes."
)


# -- the team ------------------------------------------------------------------------------------


@practice_admin_required
def team(request):
    """Every member with their role and active clients, the open invitations, and (POST) a new
    invitation, which re-renders the page with what was typed when it is refused."""
    practice = practice_of(request.user)
    form = InviteForm(request.POST or None, initial={"role": Membership.Role.COACH})
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.practice_invitation_send(
                practice=practice, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        except OSError:
            # smtplib errors are OSErrors. The invitation is saved; re-sending makes a fresh one.
            logger.exception("Could not email an invitation to practice %s", practice.pk)
            messages.error(request, EMAIL_FAILED_MESSAGE)
            return redirect("practices:team")
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("practices:team")
    return render(
        request,
        "practices/team.html",
        {
            "practice": practice,
            "members": team_members(practice),
            "invitations": invitations.pending_invitations(practice),
            "form": form,
            "max_age_days": invitations.INVITATION_MAX_AGE.days,
        },
    )


@require_POST
@practice_admin_required
def invitation_resend(request, invitation_pk):
    invitation = get_practice_invitation(request.user, invitation_pk)
    try:
        fresh = invitations.practice_invitation_resend(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except OSError:
        logger.exception("Could not email a re-sent invitation %s", invitation.pk)
        messages.error(request, EMAIL_FAILED_MESSAGE)
    else:
        messages.success(
            request,
            f"A new invitation is on its way to {fresh.email}; the earlier link no longer works.",
        )
    return redirect("practices:team")


@require_POST
@practice_admin_required
def invitation_revoke(request, invitation_pk):
    invitation = get_practice_invitation(request.user, invitation_pk)
    if invitations.practice_invitation_revoke(invitation=invitation):
        messages.success(
            request, f"Invitation withdrawn: the link sent to {invitation.email} no longer works."
        )
    else:
        messages.info(request, f"The invitation to {invitation.email} was no longer open.")
    return redirect("practices:team")


# -- a member ------------------------------------------------------------------------------------


@practice_admin_required
def member_role(request, membership_pk):
    membership = get_membership(request.user, membership_pk)
    form = MemberRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        try:
            services.membership_change_role(membership=membership, role=role, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if membership.user_id == request.user.pk and role != Membership.Role.ADMIN:
                messages.success(
                    request, f"You are now {ROLE_NOUNS[role]} of {membership.practice.name}."
                )
                return redirect("home")
            messages.success(request, f"{membership.user.name} is now {ROLE_NOUNS[role]}.")
            return redirect("practices:team")
    return render(
        request,
        "practices/member_role.html",
        {
            "membership": membership,
            "form": form,
            "role_noun": ROLE_NOUNS[membership.role],
            "active_client_count": member_active_clients(membership.user).count(),
        },
    )


@practice_admin_required
def member_deactivate(request, membership_pk):
    """The confirmation, listing the member's active clients with a choice of new coach; POST
    hands the clients over and deactivates in one step, or changes nothing."""
    membership = get_membership(request.user, membership_pk)
    clients = list(member_active_clients(membership.user))
    coaches = list(coaches_to_take_over(membership))
    # Bound on any POST: a member without clients is deactivated by a POST with no fields.
    data = request.POST if request.method == "POST" else None
    form = MemberDeactivateForm(data, clients=clients, coaches=coaches)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.membership_deactivate(
                membership=membership,
                by=request.user,
                reassign_to=form.coach_for_all(),
                reassign_each=form.coach_for_each(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _deactivated(request, membership, moved)
    return render(
        request,
        "practices/member_deactivate.html",
        {
            "membership": membership,
            "form": form,
            "clients": clients,
            "coaches": coaches,
            "last_admin": membership.is_admin and not other_active_admins(membership).exists(),
        },
    )


def _deactivated(request, membership, moved):
    name = membership.user.name
    if membership.user_id == request.user.pk:
        logout(request)
        messages.info(
            request, f"You have left {membership.practice.name}: your login no longer works."
        )
        return redirect("login")
    message = f"{name} is deactivated: their login no longer works."
    if moved:
        count = f"{len(moved)} active client{'' if len(moved) == 1 else 's'}"
        message = f"{name} is deactivated and their {count} moved: their login no longer works."
    messages.success(request, message)
    return redirect("practices:team")


@require_POST
@practice_admin_required
def member_reactivate(request, membership_pk):
    membership = get_membership(request.user, membership_pk)
    try:
        services.membership_reactivate(membership=membership)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{membership.user.name} can log in again, as {ROLE_NOUNS[membership.role]}.",
        )
    return redirect("practices:team")


# -- settings ------------------------------------------------------------------------------------


@practice_admin_required
def practice_settings(request):
    practice = practice_of(request.user)
    # A fresh row for the form: a refused name must not show up in the page's navigation.
    form = PracticeSettingsForm(request.POST or None, instance=Practice.objects.get(pk=practice.pk))
    if request.method == "POST" and form.is_valid():
        services.practice_update(practice=form.instance, **form.cleaned_data)
        messages.success(request, "Practice settings saved.")
        return redirect("practices:settings")
    return render(
        request,
        "practices/settings.html",
        {
            "practice": practice,
            "form": form,
            "without_two_factor": members_without_two_factor(practice),
        },
    )


# -- joining (public) ----------------------------------------------------------------------------

# A link we cannot read is "not found"; one that was good but no longer works is "gone".
REFUSED_STATUS = {"invalid": 404, "expired": 410, "revoked": 410, "used": 410}


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request, token):
    """Public: the token is the credential. Each refusal gets its own page."""
    try:
        invitation = invitations.invitation_from_token(token)
    except invitations.InvitationLinkError as error:
        return _link_refused(request, error)
    if request.user.is_authenticated:
        # Never a second login on top of a session: this one is someone's already.
        same = request.user.email == invitation.email
        return _accept_page(request, invitation, "account_exists" if same else "logged_in")
    if invitations.existing_login(invitation.email) is not None:
        return _accept_page(request, invitation, "account_exists")

    practice = invitation.practice
    form = PracticeJoinForm(
        request.POST or None,
        email=invitation.email,
        practice=practice,
        initial={"name": invitation.name, "timezone": practice.timezone},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.practice_invitation_accept(
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
                timezone=form.cleaned_data["timezone"],
            )
        except invitations.InvitationLinkError as error:
            return _link_refused(request, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="accounts.backends.CachedModelBackend")
            messages.success(
                request,
                f"Welcome to {practice.name}, {user.get_short_name()}! From now on, log in with "
                f"{user.email} and your password.",
            )
            return redirect("home")
    return _accept_page(request, invitation, "form", form=form)


def _accept_page(request, invitation, mode, **context):
    return render(
        request,
        "practices/invitation_accept.html",
        {
            "invitation": invitation,
            "invited_to": invitation.practice,
            "inviter": invitation.invited_by,
            "role": Membership.Role(invitation.role).label,
            "role_description": ROLE_DESCRIPTIONS[invitation.role],
            "mode": mode,
            **context,
        },
    )


def _link_refused(request, error: invitations.InvitationLinkError):
    invitation = error.invitation
    # The person who joined, following the email's link again: just take them home.
    if (
        error.reason == "used"
        and request.user.is_authenticated
        and request.user.email == invitation.email
    ):
        messages.info(request, f"You are already a member of {invitation.practice.name}.")
        return redirect("home")
    return render(
        request,
        "practices/invitation_invalid.html",
        {
            "reason": error.reason,
            "invited_to": invitation.practice if invitation else None,
            "inviter": invitation.invited_by if invitation else None,
            "email": invitation.email if invitation else "",
            "max_age_days": invitations.INVITATION_MAX_AGE.days,
        },
        status=REFUSED_STATUS[error.reason],
    )
