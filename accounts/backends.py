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
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            cache.set(key, user, USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None


def forget_saved_user(sender, instance, **kwargs) -> None:
    forget_user(instance.pk)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    user_model = get_user_model()
    post_save.connect(forget_saved_user, sender=user_model, dispatch_uid="accounts.forget_user")
    post_delete.connect(forget_saved_user, sender=user_model, dispatch_uid="accounts.forget_user_d")
