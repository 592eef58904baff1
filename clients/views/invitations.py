"""Invitations: the coach sends, re-sends or withdraws one; the invited client accepts it from
the emailed link (no login needed) and lands on their portal."""

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .. import invitations
from ..access import coach_required, get_client
from ..forms_invitation import InvitationAcceptForm

logger = logging.getLogger(__name__)

# A link we cannot read is "not found"; one that was good but no longer works is "gone".
REFUSED_STATUS = {"invalid": 404, "expired": 410, "revoked": 410, "used": 410}


@coach_required
def invitation_send(request, client_pk):
    # Access before the method check: another coach gets a 404 whatever the method.
    client = get_client(request.user, client_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        invitations.invitation_send(client=client, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except OSError:
        # smtplib errors are OSErrors. The invitation is saved; re-sending makes a fresh one.
        logger.exception("Could not email the invitation for client %s", client.pk)
        messages.error(
            request,
            "The invitation email could not be sent just now. Please try “Re-send” in a "
            "few minutes.",
        )
    else:
        messages.success(request, f"Invitation sent to {client.email}.")
    return redirect("clients:client_detail", client_pk=client.pk)


@coach_required
def invitation_revoke(request, client_pk):
    client = get_client(request.user, client_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if invitations.invitation_revoke(client=client):
        messages.success(
            request, f"Invitation withdrawn: the link sent to {client.email} no longer works."
        )
    else:
        messages.info(request, f"{client.name} had no open invitation to withdraw.")
    return redirect("clients:client_detail", client_pk=client.pk)


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request, token):
    """Public: the token is the credential. Each refusal gets its own friendly page."""
    try:
        invitation = invitations.invitation_from_token(token)
    except invitations.InvitationLinkError as error:
        return _link_refused(request, error)
    if request.user.is_authenticated:
        return _accept_while_logged_in(request, invitation)
    existing = invitations.existing_account(invitation=invitation)
    if existing is not None:
        can_accept = invitations.account_can_accept(user=existing, invitation=invitation)
        return _accept_page(request, invitation, "account_exists", can_accept=can_accept)

    client = invitation.client
    form = InvitationAcceptForm(
        request.POST or None,
        email=client.email,
        initial={"name": client.name, "timezone": client.timezone},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(
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
            return _welcome(request, user)
    return _accept_page(request, invitation, "form", form=form)


def _accept_while_logged_in(request, invitation):
    """A client login with the invited address and no client record may join with one click;
    anyone else logged in is asked to log out first, never signed up on top of their session."""
    if not invitations.account_can_accept(user=request.user, invitation=invitation):
        if request.user.email.lower() == invitation.client.email.lower():
            # This very login is a coach's or is on another caseload already.
            return _accept_page(request, invitation, "account_exists", can_accept=False)
        return _accept_page(request, invitation, "logged_in_elsewhere")
    if request.method == "POST":
        try:
            invitations.invitation_accept_existing(invitation=invitation, user=request.user)
        except invitations.InvitationLinkError as error:
            return _link_refused(request, error)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return _welcome(request, request.user)
    return _accept_page(request, invitation, "join")


def _accept_page(request, invitation, mode, **context):
    return render(
        request,
        "clients/invitation_accept.html",
        {"invitation": invitation, "client": invitation.client, "mode": mode, **context},
    )


def _welcome(request, user):
    messages.success(
        request,
        f"Welcome to CoachDesk, {user.get_short_name()}! From now on, log in with {user.email} "
        "and your password.",
    )
    return redirect("home")


def _link_refused(request, error: invitations.InvitationLinkError):
    invitation = error.invitation
    # The client who already accepted, clicking the email link again: just take them home.
    if (
        error.reason == "used"
        and request.user.is_authenticated
        and invitation.client.user_id == request.user.pk
    ):
        messages.info(request, "Your account is already set up.")
        return redirect("home")
    return render(
        request,
        "clients/invitation_invalid.html",
        {
            "reason": error.reason,
            "coach": invitation.client.coach if invitation else None,
            "email": invitation.client.email if invitation else "",
        },
        status=REFUSED_STATUS[error.reason],
    )
