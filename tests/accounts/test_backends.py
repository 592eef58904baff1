"""The logged-in user comes from the cache, and every save of the user drops it."""

import pytest
from django.urls import reverse

from accounts.backends import CachedModelBackend
from accounts.models import User

BACKEND = "accounts.backends.CachedModelBackend"
PAGE = "password_change_done"


@pytest.fixture(autouse=True)
def local_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_the_user_is_read_once_then_from_the_cache(coach, django_assert_num_queries):
    backend = CachedModelBackend()
    with django_assert_num_queries(1):
        assert backend.get_user(coach.pk) == coach
    with django_assert_num_queries(0):
        assert backend.get_user(coach.pk) == coach


def test_a_deactivated_user_is_logged_out_on_the_next_request(client, coach):
    client.force_login(coach, backend=BACKEND)
    assert client.get(reverse(PAGE)).status_code == 200

    coach.is_active = False
    coach.save()

    response = client.get(reverse(PAGE))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_a_new_password_set_elsewhere_ends_this_session(client, coach):
    client.force_login(coach, backend=BACKEND)
    assert client.get(reverse(PAGE)).status_code == 200

    coach.set_password("a-brand-new-passphrase")
    coach.save()

    response = client.get(reverse(PAGE))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_a_new_timezone_shows_on_the_next_request(client, coach):
    client.force_login(coach, backend=BACKEND)
    client.get(reverse(PAGE))

    coach.timezone = "Asia/Tokyo"
    coach.save()

    assert client.get(reverse(PAGE)).wsgi_request.user.timezone == "Asia/Tokyo"


def test_a_deleted_user_is_logged_out(client, coach):
    client.force_login(coach, backend=BACKEND)
    client.get(reverse(PAGE))

    coach.delete()

    assert client.get(reverse(PAGE)).status_code == 302


def test_a_user_deactivated_with_a_queryset_update_is_logged_out_on_the_next_request(client, coach):
    client.force_login(coach, backend=BACKEND)
    assert client.get(reverse(PAGE)).status_code == 200

    User.objects.filter(pk=coach.pk).update(is_active=False)

    response = client.get(reverse(PAGE))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_a_bulk_update_drops_every_changed_user_from_the_cache(coach, other_coach):
    backend = CachedModelBackend()
    backend.get_user(coach.pk), backend.get_user(other_coach.pk)

    User.objects.filter(is_active=True).update(timezone="Asia/Tokyo")

    assert backend.get_user(coach.pk).timezone == "Asia/Tokyo"
    assert backend.get_user(other_coach.pk).timezone == "Asia/Tokyo"
