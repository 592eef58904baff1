"""Erasing a client: everything about them and their login go, one audit line without personal
data stays, and only after the coach typed the client's name."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.urls import reverse

from accounts.models import User
from clients.models import (
    AuditEvent,
    Client,
    Company,
    Contact,
    ContactImport,
    Invitation,
    Opportunity,
    Touch,
)
from clients.services import client_erase
from clients.views import caseload
from goals.models import ActionItem, WeeklyTarget
from interviews.models import (
    CalendarFeed,
    Debrief,
    Interview,
    InterviewQuestion,
    QuestionBank,
    Referral,
)
from reminders.models import Reminder

pytestmark = pytest.mark.django_db

# Every model with rows about a client, and how to count one client's rows in it.
ROWS_OF = {
    Client: "pk",
    Company: "client",
    Contact: "client",
    Touch: "contact__client",
    Opportunity: "client",
    Interview: "client",
    InterviewQuestion: "interview__client",
    Debrief: "interview__client",
    Referral: "interview__client",
    Reminder: "client",
    Invitation: "client",
    ContactImport: "client",
    CalendarFeed: "client",
    WeeklyTarget: "client",
    ActionItem: "client",
}


def rows_of(client_pk) -> dict[str, int]:
    return {
        model.__name__: model.objects.filter(**{path: client_pk}).count()
        for model, path in ROWS_OF.items()
    }


def erase_url(client):
    return reverse("clients:client_erase", kwargs={"client_pk": client.pk})


def test_erasing_deletes_every_row_about_the_client_and_their_login(coach, client_with_everything):
    client = client_with_everything(coach, size=2)
    client_pk, login_pk = client.pk, client.user_id
    assert all(rows_of(client_pk).values())

    client_erase(client=client, by=coach)

    assert rows_of(client_pk) == dict.fromkeys(rows_of(client_pk), 0)
    assert not User.objects.filter(pk=login_pk).exists()
    assert User.objects.filter(pk=coach.pk).exists()
    # The coach's question bank stays; only its link to the client went.
    assert QuestionBank.objects.filter(owner=coach).count() == 1


def test_erasing_forgets_the_logins_sign_in_records_and_no_one_elses(
    client, settings, coach, portal_client, other_portal_client, password
):
    settings.AXES_ENABLED = True
    for user in (portal_client.user, other_portal_client.user):
        for attempt in ("wrong password", password):
            client.post(reverse("login"), {"username": user.email, "password": attempt})
            client.logout()
        client.post(reverse("login"), {"username": user.email, "password": "wrong again"})
    assert AccessLog.objects.filter(username=portal_client.user.email).exists()
    assert AccessAttempt.objects.filter(username=portal_client.user.email).exists()

    client_erase(client=portal_client, by=coach)

    assert not AccessLog.objects.filter(username=portal_client.user.email).exists()
    assert not AccessAttempt.objects.filter(username=portal_client.user.email).exists()
    assert AccessLog.objects.filter(username=other_portal_client.user.email).exists()
    assert AccessAttempt.objects.filter(username=other_portal_client.user.email).exists()


def test_erasing_leaves_the_coachs_other_clients_and_other_coaches_alone(
    coach, other_coach, client_with_everything
):
    erased = client_with_everything(coach, name="Priya Shah")
    kept = client_with_everything(coach, name="Tom Becker")
    elsewhere = client_with_everything(other_coach, name="Marcus Lee")
    before = {c.pk: rows_of(c.pk) for c in (kept, elsewhere)}

    client_erase(client=erased, by=coach)

    assert {c.pk: rows_of(c.pk) for c in (kept, elsewhere)} == before
    assert User.objects.filter(pk__in=[kept.user_id, elsewhere.user_id]).count() == 2


def test_erasing_writes_one_audit_line_without_personal_data(coach, client_with_everything):
    client = client_with_everything(coach, name="Priya Shah")
    client_pk, email = client.pk, client.email

    client_erase(client=client, by=coach)

    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.client_number) == (
        coach,
        AuditEvent.Action.CLIENT_ERASED,
        client_pk,
    )
    assert event.at is not None
    stored = " ".join(str(value) for value in AuditEvent.objects.values().get().values())
    assert "Priya" not in stored
    assert "Shah" not in stored
    assert email not in stored


def test_a_client_without_a_login_is_erased_too(coach, client_record):
    users_before = User.objects.count()

    client_erase(client=client_record, by=coach)

    assert not Client.objects.filter(pk=client_record.pk).exists()
    assert User.objects.count() == users_before
    assert AuditEvent.objects.count() == 1


def test_the_confirmation_page_explains_and_erases_nothing(coach_client, portal_client):
    response = coach_client.get(erase_url(portal_client))

    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be undone" in page
    assert "Type “Priya Shah” to confirm" in page
    assert Client.objects.filter(pk=portal_client.pk).exists()
    assert AuditEvent.objects.count() == 0


def test_the_coach_erases_a_client_by_typing_their_name(coach_client, coach, portal_client):
    response = coach_client.post(
        erase_url(portal_client), {"confirm_name": "  priya   SHAH "}, follow=True
    )

    assert response.redirect_chain == [(reverse("clients:caseload"), 302)]
    assert "Priya Shah and everything recorded about them are erased." in (
        response.content.decode()
    )
    assert not Client.objects.filter(pk=portal_client.pk).exists()
    assert not User.objects.filter(pk=portal_client.user_id).exists()
    assert AuditEvent.objects.get().actor == coach


def test_a_wrong_name_is_refused_and_what_was_typed_is_kept(coach_client, portal_client):
    response = coach_client.post(erase_url(portal_client), {"confirm_name": "Priya Sha"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "That is not the client’s full name. Nothing was erased." in page
    assert 'value="Priya Sha"' in page
    assert Client.objects.filter(pk=portal_client.pk).exists()
    assert AuditEvent.objects.count() == 0


def test_an_archived_client_can_be_erased(coach_client, client_record):
    client_record.status = Client.Status.ARCHIVED
    client_record.save()

    coach_client.post(erase_url(client_record), {"confirm_name": client_record.name})

    assert not Client.objects.filter(pk=client_record.pk).exists()


def test_the_client_cannot_erase_themselves(client, portal_client):
    client.force_login(portal_client.user)

    response = client.post(erase_url(portal_client), {"confirm_name": portal_client.name})

    assert response.status_code == 404
    assert Client.objects.filter(pk=portal_client.pk).exists()


def test_the_erased_clients_session_ends(client, coach, portal_client):
    client.force_login(portal_client.user)
    client_erase(client=portal_client, by=coach)

    response = client.get(reverse("dashboard:client_home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_second_erase_of_a_client_erased_a_moment_ago_answers_not_found(
    coach_client, portal_client, monkeypatch
):
    """Two erase requests at once: the second finds the client gone under its lock."""
    real_erase = caseload.services.client_erase

    def erased_meanwhile(*, client, by):
        Client.objects.filter(pk=client.pk).delete()  # the other request got there first
        return real_erase(client=client, by=by)

    monkeypatch.setattr(caseload.services, "client_erase", erased_meanwhile)

    response = coach_client.post(erase_url(portal_client), {"confirm_name": "Priya Shah"})

    assert response.status_code == 404
    assert not AuditEvent.objects.exists()
