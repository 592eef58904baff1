import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import Membership, Practice, User
from clients.models import Client, Company, Contact, Touch
from goals.models import ActionItem
from inbound.models import InboundMessage
from interviews.models import Debrief, Interview, InterviewQuestion
from reminders.models import Reminder
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

TINY = ["--coaches", "1", "--clients", "3", "--contacts", "5", "--interviews", "2"]
TINY += ["--reminders", "4"]


def seed_scale(*args):
    out = io.StringIO()
    call_command("seed_scale", *TINY, *args, stdout=out)
    return out.getvalue()


def scale_counts():
    scale = {"email__startswith": "scale-"}
    return {
        "users": User.objects.filter(**scale).count(),
        "clients": Client.objects.filter(coach__email__startswith="scale-").count(),
        "companies": Company.objects.filter(client__coach__email__startswith="scale-").count(),
        "contacts": Contact.objects.filter(client__coach__email__startswith="scale-").count(),
        "touches": Touch.objects.filter(contact__client__coach__email__startswith="scale-").count(),
        "interviews": Interview.objects.filter(client__coach__email__startswith="scale-").count(),
        "questions": InterviewQuestion.objects.filter(
            interview__client__coach__email__startswith="scale-"
        ).count(),
        "reminders": Reminder.objects.filter(client__coach__email__startswith="scale-").count(),
    }


def test_seed_scale_creates_the_sizes_it_is_asked_for():
    output = seed_scale()

    counts = scale_counts()
    # One coach, the two clients of theirs who log in to the portal, the admin and the viewer.
    assert counts["users"] == 5
    assert counts["clients"] == 3
    assert counts["companies"] == 3
    assert counts["contacts"] == 15
    assert counts["interviews"] == 6
    assert counts["questions"] == 60
    assert counts["reminders"] == 12
    assert counts["touches"] > 0
    completed = Interview.objects.filter(status=Interview.Status.COMPLETED).count()
    assert Debrief.objects.count() == completed
    assert "Scale data ready in" in output


def test_the_scale_coaches_work_in_one_practice_with_goals_shares_and_logged_email():
    call_command(
        "seed_scale",
        *["--coaches", "2", "--clients", "12", "--contacts", "6", "--interviews", "2"],
        *["--reminders", "2"],
        stdout=io.StringIO(),
    )

    roles = dict(
        Membership.objects.filter(user__email__startswith="scale-").values_list(
            "user__email", "role"
        )
    )
    assert roles == {
        "scale-coach-1@example.com": "coach",
        "scale-coach-2@example.com": "coach",
        "scale-admin@example.com": "admin",
        "scale-viewer@example.com": "viewer",
    }
    assert len({m.practice_id for m in Membership.objects.all()}) == 1
    # Each coach shares clients with the other, who sees them in their caseload.
    coach_1 = User.objects.get(email="scale-coach-1@example.com")
    shared = Client.objects.caseload_of(coach_1).exclude(coach=coach_1)
    assert shared.exists()
    assert not shared.filter(coach=coach_1).exists()
    # Action items in every state, and messages logged and unmatched.
    now = timezone.now()
    assert ActionItem.objects.done().exists()
    assert ActionItem.objects.overdue(now).exists()
    assert ActionItem.objects.open().exclude(pk__in=ActionItem.objects.overdue(now)).exists()
    statuses = set(InboundMessage.objects.values_list("status", flat=True))
    assert statuses == {"logged", "unmatched"}

    seed_scale("--reset", "--coaches", "0")  # only deletes

    assert not Membership.objects.exists()
    assert not Practice.objects.exists()
    assert not ActionItem.objects.exists()


def test_running_it_with_reset_twice_converges_on_the_same_data():
    seed_scale("--reset")
    first = scale_counts()
    stages = list(Contact.objects.order_by("client__email", "pk").values_list("name", "stage"))

    seed_scale("--reset")

    assert scale_counts() == first
    assert (
        list(Contact.objects.order_by("client__email", "pk").values_list("name", "stage")) == stages
    )


def test_reset_leaves_everyone_elses_data_alone():
    other = ClientFactory(name="Priya Shah")
    seed_scale()

    seed_scale("--reset")

    assert Client.objects.filter(pk=other.pk).exists()
    assert User.objects.filter(pk=other.coach.pk).exists()


def test_it_refuses_to_seed_twice_without_reset():
    seed_scale()

    with pytest.raises(CommandError, match="--reset"):
        seed_scale()


def test_reminder_keys_are_unique_and_statuses_are_mixed_at_a_larger_size():
    call_command(
        "seed_scale",
        *["--coaches", "1", "--clients", "4", "--contacts", "20", "--interviews", "10"],
        *["--reminders", "60"],
        stdout=io.StringIO(),
    )

    keys = list(Reminder.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 240
    assert set(Reminder.objects.values_list("status", flat=True)) >= {"sent", "failed", "skipped"}
    assert set(Interview.objects.values_list("status", flat=True)) == set(Interview.Status.values)


@pytest.mark.parametrize("email", ["scale-coach-1@example.com", "scale-client-1-1@example.com"])
def test_the_scale_coach_and_portal_client_log_in_with_the_demo_password(email):
    seed_scale()

    user = authenticate(username=email, password="coachdesk-demo")

    assert user is not None
    if user.is_client:
        assert user.client_profile.coach.email == "scale-coach-1@example.com"
