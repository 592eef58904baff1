import pytest

from tests.factories import CoachFactory, MembershipFactory


@pytest.fixture
def practice(coach):
    """The practice the `coach` fixture is the only admin of."""
    return coach.membership.practice


@pytest.fixture
def member(practice):
    """A coach of the practice (not an admin)."""
    return CoachFactory(name="Lena Novak", membership__practice=practice, membership__role="coach")


@pytest.fixture
def second_admin(practice):
    return CoachFactory(name="Omar Haddad", membership__practice=practice, membership__role="admin")


@pytest.fixture
def viewer(practice):
    return MembershipFactory(practice=practice, role="viewer", user__name="Vera Lind").user


@pytest.fixture
def admin_client(coach_client):
    """Django's test client, logged in as the practice's admin (the `coach` fixture)."""
    return coach_client
