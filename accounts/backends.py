"""The login backend, with the logged-in user read from the cache instead of the database.

Every request of a logged-in user loads that user by primary key (`get_user`). On the lightest
page that query is most of the request's time (bench/README.md), so the user row is kept in the
cache for a few minutes. It is dropped whenever the user is saved or deleted (`accounts.apps`)
and by every queryset `update()` of users (`accounts.models.UserQuerySet`, which the admin's
actions and the shell go through), so a new password, a deactivation or a new timezone takes
effect on the next request; Django's session check against the password hash still runs on
every request. Only raw SQL bypasses this, and is then at most USER_CACHE_SECONDS old.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

USER_CACHE_SECONDS = 300


def user_cache_key(user_id) -> str:
    return f"accounts:user:{user_id}"


def forget_user(user_id) -> None:
    cache.delete(user_cache_key(user_id))


def forget_users(user_ids) -> None:
    if user_ids:
        cache.delete_many([user_cache_key(user_id) for user_id in user_ids])


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        """The user with their practice membership and practice, which every request's access
        checks read (clients.access.membership_of): one query, or none from the cache."""
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user_model = get_user_model()
            user = (
                user_model._default_manager.select_related("membership__practice")
                .filter(pk=user_id)
                .first()
            )
            if user is None:
                return None
            cache.set(key, user, USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None


def forget_saved_user(sender, instance, **kwargs) -> None:
    forget_user(instance.pk)


def forget_member(sender, instance, **kwargs) -> None:
    """A membership is cached with its user: a new role or a deactivation applies at once."""
    forget_user(instance.user_id)


def forget_practice_members(sender, instance, **kwargs) -> None:
    """A practice is cached with each member (its two-factor setting, its name)."""
    forget_users(list(instance.memberships.values_list("user_id", flat=True)))


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save, pre_delete

    from .models import Membership, Practice

    user_model = get_user_model()
    post_save.connect(forget_saved_user, sender=user_model, dispatch_uid="accounts.forget_user")
    post_delete.connect(forget_saved_user, sender=user_model, dispatch_uid="accounts.forget_user_d")
    post_save.connect(forget_member, sender=Membership, dispatch_uid="accounts.forget_member")
    post_delete.connect(forget_member, sender=Membership, dispatch_uid="accounts.forget_member_d")
    post_save.connect(
        forget_practice_members, sender=Practice, dispatch_uid="accounts.forget_practice"
    )
    pre_delete.connect(
        forget_practice_members, sender=Practice, dispatch_uid="accounts.forget_practice_d"
    )
