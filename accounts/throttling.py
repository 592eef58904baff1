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
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db.models import Sum

from .models import normalize_email


def login_username(request, credentials) -> str | None:
    if credentials and credentials.get("username"):
        return normalize_email(credentials["username"])
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
