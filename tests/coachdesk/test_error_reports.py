"""Someone hears about errors: a server error reaches the ADMINS by email, /readyz's answers do
not, ADMINS is read from the environment, and Sentry stays off without a DSN."""

import os
from datetime import timedelta

import pytest
import sentry_sdk
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from coachdesk.readiness import SWEEP_TASK, heartbeat_record
from coachdesk.settings import parse_admins
from tests.coachdesk.processes import python_under_settings

OPS = ("Ops", "ops@example.com")


@pytest.fixture
def admins(settings):
    settings.ADMINS = [OPS]
    settings.DEBUG = False


@pytest.mark.urls("tests.coachdesk.failing_urls")
def test_a_server_error_sends_one_email_to_the_admins(client, admins):
    client.raise_request_exception = False

    assert client.get("/fails").status_code == 500

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.com"]
    assert mail.outbox[0].subject.startswith("[CoachDesk] ERROR")
    assert "RuntimeError at /fails\nsomething broke" in mail.outbox[0].body


@pytest.mark.urls("tests.coachdesk.failing_urls")
def test_the_error_email_does_not_show_a_password_in_a_service_address(client, admins, settings):
    address = "redis://:hunter2-redis@redis.internal:6379/0"
    settings.REDIS_URL = settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = address
    settings.SENTRY_DSN = "https://hunter2-dsn@sentry.example.invalid/1"
    client.raise_request_exception = False

    client.get("/fails")

    assert "REDIS_URL" in mail.outbox[0].body
    assert "hunter2" not in mail.outbox[0].body


@pytest.mark.django_db
def test_a_not_ready_answer_from_readyz_is_not_emailed(client, admins, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    heartbeat_record(task=SWEEP_TASK, at=timezone.now() - timedelta(days=1))

    assert client.get("/readyz").status_code == 503
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("value", "admins"),
    [
        ("", []),
        ("ops@example.com", [("", "ops@example.com")]),
        (
            'Maya Okafor <maya@example.com>, "Reyes, Daniel" <dan@example.com>,ops@example.com',
            [
                ("Maya Okafor", "maya@example.com"),
                ("Reyes, Daniel", "dan@example.com"),
                ("", "ops@example.com"),
            ],
        ),
    ],
)
def test_admins_are_read_as_names_and_addresses(value, admins):
    assert parse_admins(value) == admins


@pytest.mark.parametrize("value", ["ops", "Maya Okafor", "ops@example.com, nobody"])
def test_admins_that_are_not_addresses_are_refused(value):
    with pytest.raises(ImproperlyConfigured, match="ADMINS"):
        parse_admins(value)


def test_sentry_is_off_without_a_dsn():
    assert "SENTRY_DSN" not in os.environ
    assert not sentry_sdk.get_client().is_active()


def test_sentry_is_on_with_a_dsn_and_sends_no_personal_data(tmp_path):
    result = python_under_settings(
        "import sentry_sdk; c = sentry_sdk.get_client();"
        "print(c.is_active(), c.options['send_default_pii'], c.options['max_request_body_size'],"
        "sorted(c.integrations))",
        env={
            "COACHDESK_VAR_DIR": str(tmp_path),
            "SENTRY_DSN": "https://public@sentry.example.invalid/1",
        },
    )

    assert result.returncode == 0, result.stderr
    active, pii, body_size, integrations = result.stdout.strip().split(" ", 3)
    assert (active, pii, body_size) == ("True", "False", "never")
    assert "'celery'" in integrations
    assert "'django'" in integrations
