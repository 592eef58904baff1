from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

from .access import ended_coaching


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
