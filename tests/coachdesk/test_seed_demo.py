import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import Membership, Practice
from clients.models import Client, ClientShare, Company, Contact, Touch
from goals.models import ActionItem, WeeklyTarget

pytestmark = pytest.mark.django_db

DEMO_LOGINS = [
    "coach@example.com",
    "coach2@example.com",
    "coach3@example.com",
    "viewer@example.com",
    "client@example.com",
    "client2@example.com",
    "client3@example.com",
]


def seed():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def counts():
    models = (
        Client,
        Company,
        Contact,
        Touch,
        Practice,
        Membership,
        ClientShare,
        WeeklyTarget,
        ActionItem,
    )
    return tuple(model.objects.count() for model in models)


def test_seed_demo_converges_when_run_twice():
    seed()
    first = counts()
    seed()

    assert counts() == first
    assert first[2] >= 20


@pytest.mark.parametrize("email", DEMO_LOGINS)
def test_every_demo_account_logs_in_with_the_documented_password(email):
    seed()

    assert authenticate(username=email, password="coachdesk-demo") is not None


def test_each_demo_client_of_the_portal_belongs_to_the_right_coach_and_spans_the_stages():
    seed()

    priya = Client.objects.get(user__email="client@example.com")
    marcus = Client.objects.get(user__email="client2@example.com")
    assert priya.coach.email == "coach@example.com"
    assert marcus.coach.email == "coach2@example.com"
    stages = set(priya.contacts.values_list("stage", flat=True))
    assert stages >= {stage.value for stage in Contact.Stage} - {"archived"}
    assert Touch.objects.filter(contact__client=priya, kind=Touch.Kind.REPLY).exists()


def test_the_demo_has_interviews_in_every_state_with_prep_and_debriefs():
    from interviews.models import Interview

    seed()
    seed()

    statuses = set(Interview.objects.values_list("status", flat=True))
    assert statuses == set(Interview.Status.values)
    completed = Interview.objects.filter(status=Interview.Status.COMPLETED)
    assert all(hasattr(interview, "debrief") for interview in completed)
    upcoming = Interview.objects.filter(status=Interview.Status.SCHEDULED)
    assert all(interview.chosen_questions.count() == 10 for interview in upcoming)


def test_northstar_careers_has_an_admin_a_coach_with_her_own_client_and_a_viewer():
    seed()

    roles = dict(
        Membership.objects.filter(practice__name="Northstar Careers").values_list(
            "user__email", "role"
        )
    )
    assert roles == {
        "coach@example.com": "admin",
        "coach3@example.com": "coach",
        "viewer@example.com": "viewer",
    }
    assert Client.objects.get(user__email="client3@example.com").coach.email == "coach3@example.com"
    assert Client.objects.filter(coach__email="viewer@example.com").count() == 0


def test_the_second_demo_coach_stays_a_practice_of_one():
    seed()

    practice = Membership.objects.get(user__email="coach2@example.com").practice
    assert list(practice.memberships.values_list("user__email", "role")) == [
        ("coach2@example.com", "admin")
    ]


@pytest.mark.parametrize(
    "email", ["client@example.com", "client2@example.com", "client3@example.com"]
)
def test_each_portal_client_has_targets_with_weeks_of_history_and_open_done_and_overdue_items(
    email,
):
    from django.utils import timezone

    from goals.progress import progress_history

    seed()
    client = Client.objects.get(user__email=email)
    now = timezone.now()

    history = progress_history(client, weeks=6)
    assert sum(week.has_targets for week in history) >= 3
    assert any(row.actual for week in history for row in week.targets if row.target)
    items = client.action_items.all()
    assert items.open().exists()
    assert items.done().exists()
    assert items.overdue(now).exists()
    assert items.filter(set_by=ActionItem.SetBy.CLIENT).exists()
    linked = items.exclude(contact=None, company=None, interview=None)
    assert linked.filter(interview__isnull=False).exists()


def test_the_demo_coach_sees_an_overdue_action_item_on_her_attention_list():
    from dashboard.attention import attention_for

    seed()
    coach = Client.objects.get(user__email="client@example.com").coach

    kinds = [item.kind for item in attention_for(coach).items]

    assert "overdue_action" in kinds
