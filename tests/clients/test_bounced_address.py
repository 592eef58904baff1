"""A client whose address bounced, on the coach's client page: the warning with the reason and
what to do, correcting the address or saying it works again."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from clients.models import ClientShare
from tests.factories import CoachFactory, PortalClientFactory

pytestmark = pytest.mark.django_db

BOUNCED_AT = datetime(2026, 6, 10, 12, 5, tzinfo=UTC)
REASON = "Bounced (Mailgun): 5.1.1 The email account that you tried to reach does not exist."
WARNING = "Reminders to priya@example.com are not getting through"


@pytest.fixture
def priya(coach):
    return PortalClientFactory(
        coach=coach,
        name="Priya Shah",
        email="priya@example.com",
        email_bounced_at=BOUNCED_AT,
        email_bounce_reason=REASON,
    )


def page_of(priya):
    return reverse("clients:client_detail", kwargs={"client_pk": priya.pk})


def works_again(priya):
    return reverse("clients:client_email_works_again", kwargs={"client_pk": priya.pk})


def test_the_client_page_warns_the_coach_with_the_reason_and_what_to_do(coach_client, priya):
    page = coach_client.get(page_of(priya)).text

    assert WARNING in page
    assert f"On 10 Jun 2026 the email service said: {REASON}" in page
    assert reverse("clients:client_edit", kwargs={"client_pk": priya.pk}) in page
    assert works_again(priya) in page


def test_a_client_whose_address_works_has_no_warning(coach_client, priya):
    priya.email_bounced_at = None
    priya.save()

    assert WARNING not in coach_client.get(page_of(priya)).text


def test_a_viewer_reads_the_warning_without_the_buttons(client, coach, priya):
    viewer = CoachFactory(membership__practice=coach.membership.practice, membership__role="viewer")
    client.force_login(viewer)

    page = client.get(page_of(priya)).text

    assert WARNING in page
    assert works_again(priya) not in page


def test_it_works_again_asks_first_then_lets_the_reminders_go(coach_client, priya):
    confirm = coach_client.get(works_again(priya))
    assert confirm.status_code == 200
    assert "Does priya@example.com take mail again?" in confirm.text
    priya.refresh_from_db()
    assert priya.email_bounced_at == BOUNCED_AT  # asking changed nothing

    response = coach_client.post(works_again(priya), follow=True)

    assert response.redirect_chain == [(page_of(priya), 302)]
    assert "Reminders to priya@example.com start again." in response.text
    assert WARNING not in response.text
    priya.refresh_from_db()
    assert (priya.email_bounced_at, priya.email_bounce_reason) == (None, "")


def test_a_co_coach_may_say_it_works_again(client, coach, priya):
    practice = coach.membership.practice
    co_coach = CoachFactory(membership__practice=practice, membership__role="coach")
    ClientShare.objects.create(client=priya, coach=co_coach, shared_by=coach)
    client.force_login(co_coach)

    assert client.post(works_again(priya)).status_code == 302

    priya.refresh_from_db()
    assert priya.email_bounced_at is None


def test_a_viewer_and_the_client_may_not_say_it_works_again(client, coach, priya):
    viewer = CoachFactory(membership__practice=coach.membership.practice, membership__role="viewer")
    for user, refused in ((viewer, 403), (priya.user, 404)):
        client.force_login(user)
        assert client.post(works_again(priya)).status_code == refused

    priya.refresh_from_db()
    assert priya.email_bounced_at == BOUNCED_AT


def test_it_works_again_for_an_address_that_never_bounced_just_goes_back(coach_client, priya):
    priya.email_bounced_at = None
    priya.save()

    response = coach_client.get(works_again(priya))

    assert response.url == page_of(priya)


def client_form(priya, **changes):
    return {
        "name": priya.name,
        "email": priya.email,
        "timezone": priya.timezone,
        "target_roles": priya.target_roles,
        "goal": priya.goal,
    } | changes


def test_correcting_the_address_ends_the_warning(coach_client, priya):
    edit = reverse("clients:client_edit", kwargs={"client_pk": priya.pk})

    coach_client.post(edit, client_form(priya, email="priya.shah@example.org"))

    priya.refresh_from_db()
    assert (priya.email, priya.email_bounced_at) == ("priya.shah@example.org", None)
    assert "not getting through" not in coach_client.get(page_of(priya)).text


def test_saving_the_details_with_the_same_address_keeps_the_warning(coach_client, priya):
    edit = reverse("clients:client_edit", kwargs={"client_pk": priya.pk})

    coach_client.post(edit, client_form(priya, email="Priya@Example.com", goal="Policy work"))

    priya.refresh_from_db()
    assert (priya.goal, priya.email_bounced_at) == ("Policy work", BOUNCED_AT)
