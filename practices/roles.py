"""What each role of a practice may do, in the words the team pages and the invitation email
use. Who may actually do what is decided in clients/access.py; this only describes it."""

from accounts.models import Membership

ROLE_DESCRIPTIONS = {
    Membership.Role.ADMIN: (
        "Works with clients like a coach, sees every client of the practice, and manages the "
        "team and the practice's settings."
    ),
    Membership.Role.COACH: (
        "Works with their own clients and with clients another coach shares with them."
    ),
    Membership.Role.VIEWER: (
        "Reads every caseload and figure of the practice and changes nothing. Has no clients."
    ),
}

# "Lena is now a coach", "… as an admin".
ROLE_NOUNS = {
    Membership.Role.ADMIN: "an admin",
    Membership.Role.COACH: "a coach",
    Membership.Role.VIEWER: "a viewer",
}


def role_choices_described() -> list[tuple[str, str]]:
    """The roles as form choices whose labels say what each one may do."""
    return [
        (role, f"{Membership.Role(role).label}: {ROLE_DESCRIPTIONS[role]}")
        for role in Membership.Role.values
    ]
