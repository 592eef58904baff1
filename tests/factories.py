"""factory_boy factories: the one place tests build data."""

import factory

from accounts.models import User
from clients.models import Client

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    role = User.Role.CLIENT
    timezone = "UTC"
    password = factory.django.Password(PASSWORD)


class CoachFactory(UserFactory):
    role = User.Role.COACH
    email = factory.Sequence(lambda n: f"coach{n}@example.com")


class ClientUserFactory(UserFactory):
    role = User.Role.CLIENT


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    coach = factory.SubFactory(CoachFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    timezone = "Europe/London"
    target_roles = "Product manager"


class PortalClientFactory(ClientFactory):
    """A client who has accepted the invitation and logs in to the portal."""

    user = factory.SubFactory(
        ClientUserFactory,
        email=factory.SelfAttribute("..email"),
        name=factory.SelfAttribute("..name"),
    )
