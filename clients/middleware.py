from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from .access import ended_coaching, may_make_unsafe_request

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class EndedCoachingMiddleware:
    """Logs a client out, with a message saying why, once their coach has archived them.

    One place for every portal page, present and future (the rule is clients.access's). It also
    covers a fresh login: the login succeeds, and the first page after it ends the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        client = ended_coaching(request.user)
        if client is None:
            return self.get_response(request)
        coach = client.coach
        logout(request)
        messages.info(
            request,
            f"Your coaching with {coach.name} has ended, so your CoachDesk portal is closed. "
            f"If you think this is a mistake, contact {coach.get_short_name()} at {coach.email}.",
        )
        return redirect("login")


class ReadOnlyViewerMiddleware:
    """Refuses (403) every unsafe request of a practice's viewer, for every view present and
    future, except signing in and out and their own account (clients.access.VIEWER_MAY_POST).
    A 403 here confirms nothing: the viewer may read what they tried to change."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        match = request.resolver_match
        if not may_make_unsafe_request(request.user, match.view_name if match else None):
            raise PermissionDenied("Viewers can read the practice's pages but not change them.")
        return None
