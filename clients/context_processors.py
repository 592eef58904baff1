"""The signed-in user's role in their practice, for navigation and for hiding what a viewer may
not do. Decided by clients.access; the membership comes with the user, so this costs no query."""

from . import access


def practice_roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_coach:
        return {}
    return {
        "practice": access.practice_of(user),
        "is_practice_admin": access.is_practice_admin(user),
        "reads_practice": access.reads_practice(user),
        "read_only": access.is_viewer(user),
    }
