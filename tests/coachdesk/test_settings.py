"""Production mode refuses to start without a real secret and passes `check --deploy`."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.coachdesk.processes import python_under_settings

# Variables of the test process that a production process would never have, and those each
# test names itself.
NOT_IN_PRODUCTION = {
    "SECRET_KEY",
    "DJANGO_ENV",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "EMAIL_URL",
    "EMAIL_PROVIDER",
}
STRONG_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Everything production needs; each refusal test leaves one out or spoils it.
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "coachdesk.example.com",
    "SITE_URL": "https://coachdesk.example.com",
    "EMAIL_URL": "smtp+tls://coachdesk:secret@smtp.example.com:587",
}


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "coachdesk.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="coachdesk.example.com")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = manage(
        "check",
        DJANGO_ENV="production",
        ALLOWED_HOSTS="coachdesk.example.com",
        SECRET_KEY="django-insecure-short",
    )

    assert result.returncode != 0
    assert "too weak" in result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SITE_URL", "SITE_URL is not set"),
        ("EMAIL_URL", "EMAIL_URL is not set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS is not set"),
    ],
)
def test_production_refuses_to_start_without_a_setting_it_has_no_safe_default_for(missing, message):
    result = manage("check", **{k: v for k, v in PRODUCTION.items() if k != missing})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_refuses_a_site_url_that_is_not_https():
    result = manage("check", **PRODUCTION | {"SITE_URL": "http://coachdesk.example.com"})

    assert result.returncode != 0
    assert "SITE_URL must start with https://" in result.stderr


def test_production_names_every_missing_setting_at_once():
    result = manage("check", DJANGO_ENV="production", SECRET_KEY=STRONG_KEY)

    assert result.returncode != 0
    for name in ("SITE_URL", "EMAIL_URL", "ALLOWED_HOSTS"):
        assert f"{name} is not set" in result.stderr


def test_production_passes_the_deploy_checks_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_embedded_default_needs_no_services(tmp_path):
    result = python_under_settings(
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.DEBUG)",
        env={"COACHDESK_VAR_DIR": str(tmp_path)},
    )

    assert result.returncode == 0, result.stderr
    engine, broker, email, debug = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert broker == "filesystem://"
    assert email.endswith("filebased.EmailBackend")
    assert debug == "True"


def test_production_accepts_plain_http_only_for_a_trial_on_this_machine():
    trial = PRODUCTION | {"SITE_URL": "http://localhost:8000", "ALLOWED_HOSTS": "localhost"}

    assert manage("check", **trial).returncode == 0


def email_backend_under(env: dict) -> subprocess.CompletedProcess:
    return python_under_settings(
        "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.ANYMAIL)", env=env
    )


def test_email_goes_over_smtp_by_default(tmp_path):
    result = email_backend_under(
        {"COACHDESK_VAR_DIR": str(tmp_path), "EMAIL_URL": "smtp+tls://u:p@smtp.example.com:587"}
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("django.core.mail.backends.smtp.EmailBackend ")


@pytest.mark.parametrize(
    ("provider", "key", "backend"),
    [
        ("mailgun", "MAILGUN_API_KEY", "anymail.backends.mailgun.EmailBackend"),
        ("Postmark", "POSTMARK_SERVER_TOKEN", "anymail.backends.postmark.EmailBackend"),
    ],
)
def test_email_provider_sends_through_the_provider_s_api_with_its_key(
    tmp_path, provider, key, backend
):
    result = email_backend_under(
        {
            "COACHDESK_VAR_DIR": str(tmp_path),
            "EMAIL_PROVIDER": provider,
            key: "provider-key-for-tests",
            # A provider chosen wins over an SMTP address left behind.
            "EMAIL_URL": "smtp+tls://u:p@smtp.example.com:587",
        }
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{backend} ")
    assert f"'{key}': 'provider-key-for-tests'" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EMAIL_PROVIDER": "sendmail"}, "use one of mailgun, postmark"),
        ({"EMAIL_PROVIDER": "postmark"}, "EMAIL_PROVIDER=postmark needs POSTMARK_SERVER_TOKEN"),
    ],
    ids=["unknown", "without-its-key"],
)
def test_a_provider_that_cannot_send_is_refused_at_start(tmp_path, env, message):
    result = email_backend_under({"COACHDESK_VAR_DIR": str(tmp_path), **env})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_with_a_provider_needs_no_email_url_and_passes_the_deploy_checks():
    with_provider = {k: v for k, v in PRODUCTION.items() if k != "EMAIL_URL"} | {
        "EMAIL_PROVIDER": "postmark",
        "POSTMARK_SERVER_TOKEN": "server-token-for-tests",
    }

    result = manage("check", "--deploy", "--fail-level", "WARNING", **with_provider)

    assert result.returncode == 0, result.stdout + result.stderr
