import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from tests.factories import (
    PASSWORD,
    ClientFactory,
    CoachFactory,
    PortalClientFactory,
    TOTPDeviceFactory,
)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def coach(db):
    return CoachFactory(name="Maya Okafor")


@pytest.fixture
def other_coach(db):
    return CoachFactory(name="Daniel Reyes")


@pytest.fixture
def portal_client(coach):
    return PortalClientFactory(coach=coach, name="Priya Shah")


@pytest.fixture
def other_portal_client(other_coach):
    return PortalClientFactory(coach=other_coach, name="Marcus Lee")


@pytest.fixture
def client_record(coach):
    """A client on the coach's caseload who has not logged in yet."""
    return ClientFactory(coach=coach)


@pytest.fixture
def coach_client(client, coach):
    """Django's test client, logged in as the coach."""
    client.force_login(coach)
    return client


@pytest.fixture
def force_login_verified():
    """Django's force_login plus the code step: the session a full two-factor login leaves,
    which staff need for any page (accounts/middleware.py)."""

    def log_in(http_client, user):
        device = TOTPDeviceFactory(user=user)
        http_client.force_login(user)
        session = http_client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    return log_in


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read


@pytest.fixture
def unread_post():
    """POST through a test client with a declared Content-Length and a body nobody may read."""

    def post(http_client, url, *, size):
        return http_client.generic(
            "POST",
            url,
            content_type="multipart/form-data; boundary=BoUnDaRy",
            CONTENT_LENGTH=str(size),
            **{"wsgi.input": UnreadableBody()},
        )

    return post
