"""Login throttling with django-axes: what failures are counted under, and the two limits.

- Per account and address: LOGIN_FAILURE_LIMIT (AXES_FAILURE_LIMIT) wrong passwords for one
  email from one visitor address lock that pair. A stranger elsewhere cannot lock the owner out.
- Per address: LOGIN_ADDRESS_FAILURE_LIMIT wrong passwords from one address, whatever the
  emails, lock that address, which stops one password being tried against many accounts.

django-axes compares one count with one limit, so the handler below turns the two counts into
one. The email is counted in the spelling the account is stored and looked up in
(accounts.models.normalize_email): "Coach@Example.com" and "coach@example.com" share one counter,
and a counter always belongs to the account a right password would open.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_failure_limit, get_lockout_response
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum

from .models import User, normalize_email


def login_username(request, credentials) -> str | None:
    # authenticate() passes the login form's "username"; django-axes passes the account's
    # USERNAME_FIELD ("email") when a login completes, as after the code step, whose form
    # has no email in it.
    for key in ("username", User.USERNAME_FIELD):
        if credentials and credentials.get(key):
            return normalize_email(credentials[key])
    if request is not None and request.POST.get("username"):
        return normalize_email(request.POST["username"])
    return None


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):
    """Reads AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"], in that order."""

    def get_failures(self, request, credentials=None) -> int:
        per_account, per_address = self.get_user_attempts(request, credentials)
        failures = _failures(per_account)
        if _failures(per_address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A right password clears that email's count at that address, not the whole address's:
        # else a sprayer with one real account would sign in to it to start counting afresh.
        per_account = self.filter_user_attempts(request, credentials)[0]
        count, _ = per_account.delete()
        return count


def login_records_delete(*, email) -> None:
    """Forgets what django-axes keeps under an address — failed attempts, and the access log of
    every sign-in with its IP address and browser — for a login being erased."""
    username = normalize_email(email)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=username).delete()


# --- The second step of the login (accounts/two_factor.py) ----------------------------------
# A wrong authenticator or recovery code counts as a failed login of that account from that
# address, under the same limits as a wrong password: the password alone does not buy unlimited
# guesses at the code. The count is cleared only when the login completes (django-axes clears it
# on `user_logged_in`, which the code step sends), not after the password step.


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def second_step_allowed(request, user) -> bool:
    return AxesProxyHandler.is_allowed(request, _credentials(user))


def second_step_failed(request, user) -> None:
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)


def second_step_lockout_response(request, user):
    return get_lockout_response(request, None, _credentials(user))
