"""Demo data for the embedded default: run it as often as you like, it converges on one state."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from clients.models import Client
from coachdesk.demo.goals import seed_goals
from coachdesk.demo.inbound import seed_inbound
from coachdesk.demo.interviews import seed_interviews
from coachdesk.demo.practices import seed_practices
from coachdesk.demo.reminders import seed_reminders
from coachdesk.demo.workspace import seed_workspace
from pagecache.pages import invalidate_all

DEMO_PASSWORD = "coachdesk-demo"

# The coach side: Maya runs Northstar Careers with Sofia (a coach) and Helen (a viewer: the
# practice's director, who reads figures); Daniel is a practice of one
# (coachdesk/demo/practices.py).
COACHES = [
    {"email": "coach@example.com", "name": "Maya Okafor", "timezone": "Europe/London"},
    {"email": "coach2@example.com", "name": "Daniel Reyes", "timezone": "America/New_York"},
    {"email": "coach3@example.com", "name": "Sofia Marin", "timezone": "Europe/Dublin"},
    {"email": "viewer@example.com", "name": "Helen Ward", "timezone": "Europe/London"},
]

# Clients with `login` have accepted their coach's invitation and use the portal.
CLIENTS = [
    {
        "coach": "coach@example.com",
        "email": "client@example.com",
        "login": True,
        "name": "Priya Shah",
        "timezone": "Europe/London",
        "goal": "Move from hospital pharmacy into health-tech product management.",
        "target_roles": "Product manager, clinical product specialist",
    },
    {
        "coach": "coach@example.com",
        "email": "tom.becker@example.com",
        "login": False,
        "name": "Tom Becker",
        "timezone": "Europe/Berlin",
        "goal": "Find out whether UX research suits a former journalist.",
        "target_roles": "UX researcher",
    },
    {
        "coach": "coach@example.com",
        "email": "aiko.tanaka@example.com",
        "login": False,
        "name": "Aiko Tanaka",
        "timezone": "Asia/Tokyo",
        "goal": "Explore sustainability roles in manufacturing.",
        "target_roles": "Sustainability analyst, ESG reporting",
    },
    {
        "coach": "coach2@example.com",
        "email": "client2@example.com",
        "login": True,
        "name": "Marcus Lee",
        "timezone": "America/Chicago",
        "goal": "Leave teaching for instructional design in a software company.",
        "target_roles": "Instructional designer, learning experience designer",
    },
    {
        "coach": "coach3@example.com",
        "email": "client3@example.com",
        "login": True,
        "name": "Noah Fischer",
        "timezone": "Europe/Dublin",
        "goal": "Move from retail store management into supply-chain analytics.",
        "target_roles": "Supply-chain analyst, demand planner",
    },
]


class Command(BaseCommand):
    help = "Create or refresh the demo coaches, clients and their data (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        coaches = {
            spec["email"]: self._user(User, role=User.Role.COACH, **spec) for spec in COACHES
        }
        logins = list(coaches)
        for spec in CLIENTS:
            spec = dict(spec)
            coach = coaches[spec.pop("coach")]
            user = None
            if spec.pop("login"):
                user = self._user(
                    User,
                    role=User.Role.CLIENT,
                    email=spec["email"],
                    name=spec["name"],
                    timezone=spec["timezone"],
                )
                logins.append(user.email)
            client, _ = Client.objects.update_or_create(
                coach=coach,
                email=spec.pop("email"),
                defaults={**spec, "user": user, "status": Client.Status.ACTIVE},
            )
            seed_workspace(client)
        seed_practices(coaches)
        seed_interviews()
        seed_goals()
        seed_reminders()
        seed_inbound()

        invalidate_all()  # pages cached before this run no longer match
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(
            f"  Log in at /accounts/login/ as {', '.join(logins)} (password: {DEMO_PASSWORD})"
        )

    def _user(self, User, *, email, name, role, timezone):
        user, _ = User.objects.update_or_create(
            email=email, defaults={"name": name, "role": role, "timezone": timezone}
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user
