"""The login name django-axes counts failures against: the email as typed in the login form,
in one spelling, so "Coach@Example.com" and "coach@example.com" share one counter."""


def login_username(request, credentials) -> str | None:
    if credentials and credentials.get("username"):
        return credentials["username"].strip().lower()
    if request is not None and request.POST.get("username"):
        return request.POST["username"].strip().lower()
    return None
