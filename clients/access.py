"""Who may see what: the one home of the access rules.

Every view gets its objects through these helpers, so a coach sees only their own clients and a
client only themselves. Anything else is a 404, never a 403 that would confirm the object exists.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404

from .models import Client


def require_coach(user) -> None:
    if not (user.is_authenticated and user.is_coach):
        raise Http404


def require_client(user) -> None:
    if not (user.is_authenticated and user.is_client):
        raise Http404


def clients_for_coach(user):
    """The clients a coach may see: their own caseload."""
    require_coach(user)
    return Client.objects.for_coach(user)


def client_profile_for(user):
    """The Client record a client user may see (their own), or 404."""
    require_client(user)
    try:
        return Client.objects.select_related("coach").get(user=user)
    except Client.DoesNotExist as missing:
        raise Http404 from missing


class CoachRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_coach(request.user)
        return super().dispatch(request, *args, **kwargs)


class ClientRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_client(request.user)
        return super().dispatch(request, *args, **kwargs)
