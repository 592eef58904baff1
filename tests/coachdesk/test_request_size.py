"""A request body over MAX_REQUEST_BODY_BYTES is refused from its Content-Length, unread."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/"])
def test_a_body_over_the_cap_gets_413_with_a_clear_page_and_is_never_read(
    client, unread_post, url, settings
):
    response = unread_post(client, url, size=settings.MAX_REQUEST_BODY_BYTES + 1)

    assert response.status_code == 413
    assert "too large" in response.text
    assert f"{settings.MAX_REQUEST_BODY_BYTES // (1024 * 1024)} MB" in response.text


@pytest.mark.django_db
def test_a_body_at_the_cap_goes_through(client, settings):
    response = client.post(reverse("login"), {"username": "someone@example.com", "password": "x"})

    assert response.status_code == 200
