"""/healthz answers the container health check under production settings: the check calls
gunicorn directly, with its own Host and over plain HTTP."""

import pytest
from django.test import override_settings

PRODUCTION_LIKE = override_settings(
    DEBUG=False,
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    ALLOWED_HOSTS=["coachdesk.example.com"],
)


@PRODUCTION_LIKE
@pytest.mark.parametrize("host", ["web:8000", "127.0.0.1:8000", "coachdesk.example.com"])
def test_the_health_check_gets_ok_whatever_the_host_and_without_https(client, host):
    response = client.get("/healthz", HTTP_HOST=host)

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


@PRODUCTION_LIKE
@pytest.mark.django_db
def test_every_other_path_still_checks_the_host_and_redirects_to_https(client):
    assert client.get("/healthz/", HTTP_HOST="web:8000").status_code == 400
    assert client.get("/accounts/login/", HTTP_HOST="web:8000").status_code == 400
    response = client.get("/accounts/login/", HTTP_HOST="coachdesk.example.com")
    assert response.status_code == 301
    assert response.url.startswith("https://")
