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


def client_access_ended(client: Client) -> bool:
    """Archiving a client ends their access: no portal pages, no calendar feed. Their coach
    still sees everything, and unarchiving gives the access back."""
    return client.is_archived


def ended_coaching(user) -> Client | None:
    """The client record of a client login whose access has ended (clients.middleware logs them
    out), else None. Coaches and visitors cost no query."""
    if not (user.is_authenticated and user.is_client):
        return None
    client = _portal_client(user)
    return client if client is not None and client_access_ended(client) else None


def _portal_client(user) -> Client | None:
    """A client login's record with its coach, read once per request: the middleware's check,
    the view (client_profile_for) and the portal's navigation (`user.client_profile`) share it."""
    relation = Client.user.field.remote_field  # the reverse one-to-one, user.client_profile
    if not relation.is_cached(user):
        client = Client.objects.select_related("coach").filter(user=user).first()
        relation.set_cached_value(user, client)
    return relation.get_cached_value(user)


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
    client = _portal_client(user)
    if client is None:
        raise Http404
    return client


def get_client(user, pk) -> Client:
    """A client the user may see: a coach's own client, or a client's own record."""
    return get_object_or_404(Client.objects.visible_to(user).select_related("coach"), pk=pk)


def get_client_to_erase(user, pk) -> Client:
    """A client the user may erase: only their own coach (`Client.coach`), archived or not.
    Erasing cannot be undone, so this stays with the primary coach even where others may see
    the client."""
    require_coach(user)
    return get_object_or_404(Client.objects.for_coach(user), pk=pk)


def get_company(user, pk) -> Company:
    return get_object_or_404(Company.objects.visible_to(user).select_related("client"), pk=pk)


def get_contact(user, pk) -> Contact:
    return get_object_or_404(
        Contact.objects.visible_to(user).select_related("client", "client__coach", "company"),
        pk=pk,
    )
