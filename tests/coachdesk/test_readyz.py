"""/readyz tells a monitor whether the deployment can do its work: the database, the cache, and
when the reminder sweep last succeeded, so a stopped beat shows (coachdesk/readiness.py)."""

import json
import socket
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from coachdesk.readiness import SWEEP_TASK, heartbeat_record
from reminders.tasks import sweep
from tests.coachdesk.processes import python_under_settings

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def closed_port() -> int:
    with socket.socket() as probe:  # a local port with nothing listening on it
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def working_cache(settings):
    # The test settings' dummy cache keeps nothing, which is what the cache check looks for.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ready"}
    }
    settings.READINESS_SWEEP_MAX_AGE = 300


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def readiness(client):
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def test_a_fresh_install_is_not_ready_until_the_first_sweep_succeeds(client):
    status, body = readiness(client)

    assert status == 503
    assert body == {
        "status": "not ready",
        "failing": ["sweep"],
        "database": "ok",
        "cache": "ok",
        "sweep": {
            "status": "never ran",
            "last_success": None,
            "age_seconds": None,
            "max_age_seconds": 300,
        },
    }


def test_it_is_ready_once_a_sweep_has_succeeded(client, clock):
    sweep()
    clock.shift(timedelta(seconds=42))

    status, body = readiness(client)

    assert status == 200
    assert body == {
        "status": "ready",
        "failing": [],
        "database": "ok",
        "cache": "ok",
        "sweep": {
            "status": "ok",
            "last_success": "2026-06-01T09:00:00+00:00",
            "age_seconds": 42,
            "max_age_seconds": 300,
        },
    }


def test_a_stopped_beat_shows_as_a_stale_sweep_once_the_limit_has_passed(client, clock):
    sweep()

    clock.shift(timedelta(seconds=300))
    assert readiness(client)[0] == 200

    clock.shift(timedelta(seconds=1))
    status, body = readiness(client)
    assert status == 503
    assert body["failing"] == ["sweep"]
    assert body["sweep"]["status"] == "stale"
    assert body["sweep"]["age_seconds"] == 301


def test_the_limit_follows_the_setting(client, clock, settings):
    settings.READINESS_SWEEP_MAX_AGE = 60
    heartbeat_record(task=SWEEP_TASK, at=T0 - timedelta(seconds=61))

    assert readiness(client)[0] == 503


def test_it_names_the_cache_when_redis_is_down(client, settings):
    heartbeat_record(task=SWEEP_TASK)
    # As in production: django-redis ignores the outage, so only a round trip shows it.
    location = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
    assert response.json()["cache"] == "unavailable"
    assert location.split(":")[-1].split("/")[0] not in response.text


@pytest.mark.parametrize("host", ["web:8000", "10.0.0.5:8000", "coachdesk.example.com"])
def test_it_answers_a_probe_whatever_the_host_and_without_https(client, settings, host):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["coachdesk.example.com"]
    heartbeat_record(task=SWEEP_TASK)

    assert client.get("/readyz", HTTP_HOST=host).status_code == 200


def test_it_names_the_database_when_the_database_is_down_and_tells_nothing_of_it(tmp_path):
    """A real process whose DATABASE_URL points at a port nobody listens on."""
    url = f"postgres://coachdesk:s3cret-pw@127.0.0.1:{closed_port()}/coachdesk"
    result = python_under_settings(
        "from django.test import Client;"
        "r = Client().get('/readyz', HTTP_HOST='web:8000');"
        "print(r.status_code); print(r.content.decode())",
        env={"COACHDESK_VAR_DIR": str(tmp_path), "DATABASE_URL": url},
    )

    assert result.returncode == 0, result.stderr
    status, body = result.stdout.splitlines()
    assert status == "503"
    report = json.loads(body)
    assert report["failing"] == ["database", "sweep"]
    assert report["database"] == "unavailable"
    assert report["cache"] == "ok"
    for secret in ("s3cret-pw", "coachdesk:", "127.0.0.1", "OperationalError"):
        assert secret not in body
