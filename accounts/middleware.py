import zoneinfo

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils import timezone

from . import two_factor


class UserTimezoneMiddleware:
    """Shows times in the logged-in user's timezone; everything inside stays UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class TwoFactorMiddleware:
    """The one place two-factor login is enforced for those who must have it
    (accounts.two_factor.two_factor_required), on every page:

    - no authenticator yet: only enrolment (and logging out) is open, until a code is confirmed;
    - an authenticator, but a session the code step did not verify (a login through another
      door, such as the admin's own form): the session ends and the login asks for the code.

    Everyone else passes with no database query: the rule reads the user and the session.
    """

    LOGOUT_VIEWS = {"logout", "admin:logout"}
    ENROLMENT_VIEWS = {"two_factor_setup", "two_factor_recovery_codes"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if (
            not user.is_authenticated
            or not two_factor.two_factor_required(user)
            or two_factor.session_is_verified(request)
        ):
            return None
        view_name = request.resolver_match.view_name
        if view_name in self.LOGOUT_VIEWS:
            return None
        if two_factor.two_factor_enabled(user):
            logout(request)
            messages.info(request, "Log in here, with your password and then your code.")
            return redirect_to_login(request.get_full_path())
        if view_name in self.ENROLMENT_VIEWS:
            return None
        messages.info(
            request,
            "Your account needs two-factor login: set it up to continue.",
        )
        return redirect("two_factor_setup")
