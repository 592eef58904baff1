"""Who may see what: the one home of the access rules.

Every view gets its objects through these helpers, so a coach sees only their own clients (and
everything under them) and a client only themselves. Anything else is a 404, never a 403 that
would confirm the object exists. The scoping itself is `VisibleToQuerySet.visible_to` on each
model's manager; the helpers below add the role checks views need.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Client, Company, Contact


def require_coach(user) -> None:
    if not (user.is_authenticated and user.is_coach):
        raise Http404


def require_client(user) -> None:
    if not (user.is_authenticated and user.is_client):
        raise Http404


def coach_required(view):
    """Logged in (else to the login page) and a coach (else 404)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        require_coach(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def client_required(view):
    """Logged in (else to the login page) and a client (else 404)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        require_client(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def client_profile_for(user) -> Client:
    """The Client record a client user may see (their own), or 404."""
    require_client(user)
    client = get_object_or_404(Client.objects.select_related("coach"), user=user)
    user.client_profile = client  # the portal's navigation reads it: no second query
    return client


def get_client(user, pk) -> Client:
    """A client the user may see: a coach's own client, or a client's own record."""
    return get_object_or_404(Client.objects.visible_to(user).select_related("coach"), pk=pk)


def get_company(user, pk) -> Company:
    return get_object_or_404(Company.objects.visible_to(user).select_related("client"), pk=pk)


def get_contact(user, pk) -> Contact:
    return get_object_or_404(
        Contact.objects.visible_to(user).select_related("client", "client__coach", "company"),
        pk=pk,
    )
