"""The login name django-axes counts failures against: the email as typed in the login form,
in the spelling the account is stored and looked up in (accounts.models.normalize_email), so
"Coach@Example.com" and "coach@example.com" share one counter, and a counter always belongs to
the account a right password would open."""

from .models import normalize_email


def login_username(request, credentials) -> str | None:
    if credentials and credentials.get("username"):
        return normalize_email(credentials["username"])
    if request is not None and request.POST.get("username"):
        return normalize_email(request.POST["username"])
    return None
