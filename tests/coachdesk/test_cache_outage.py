"""With Redis down, a logged-in coach still gets their pages: the cache misses, nothing fails."""

import socket

import pytest
from django.urls import reverse

from tests.factories import ClientFactory


@pytest.fixture
def redis_down(settings):
    with socket.socket() as probe:  # a local port with nothing listening on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.PAGE_CACHE_SECONDS = 60


def test_the_production_cache_settings_ignore_a_redis_outage(monkeypatch):
    import importlib

    import coachdesk.settings as production

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        options = importlib.reload(production).CACHES["default"]["OPTIONS"]
    finally:
        monkeypatch.delenv("REDIS_URL")
        importlib.reload(production)
    assert options["IGNORE_EXCEPTIONS"] is True
    assert options["SOCKET_TIMEOUT"] <= 1


def test_pages_and_writes_work_while_redis_is_down(client, coach, redis_down):
    record = ClientFactory(coach=coach, name="Zoe Park")
    client.force_login(coach, backend="accounts.backends.CachedModelBackend")
    detail = reverse("clients:client_detail", kwargs={"client_pk": record.pk})

    assert client.get(detail).status_code == 200
    assert client.get(reverse("dashboard:coach_home")).status_code == 200
    response = client.post(
        reverse("clients:client_edit", kwargs={"client_pk": record.pk}),
        {"name": "Zoe Park-Lee", "email": record.email, "timezone": "UTC"},
    )
    assert response.status_code == 302
    assert "Zoe Park-Lee" in client.get(detail).text
