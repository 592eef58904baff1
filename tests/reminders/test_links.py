"""The one-click links in reminder emails, and the client's reminder preferences page."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client as HttpClient
from django.urls import reverse

from clients.models import Client, Contact, Touch
from interviews.models import Debrief
from reminders import emails, links, occurrences
from reminders.links import Action
from reminders.models import Reminder
from tests.factories import ContactFactory, InterviewFactory, TouchFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
Kind = Reminder.Kind


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def recorded(occurrence) -> Reminder:
    reminder = occurrence.as_reminder(NOW)
    reminder.save()
    return reminder


@pytest.fixture
def contact(portal_client):
    return ContactFactory(client=portal_client, name="Sam Lee", stage=Contact.Stage.SCHEDULED)


@pytest.fixture
def interview(portal_client, contact):
    """A conversation that ended yesterday afternoon."""
    starts_at = NOW - timedelta(days=1)
    return InterviewFactory(client=portal_client, contact=contact, starts_at=starts_at)


@pytest.fixture
def thank_you_reminder(interview):
    (found,) = [o for o in occurrences.interview_occurrences(interview) if o.kind == Kind.THANK_YOU]
    return recorded(found)


@pytest.fixture
def follow_up_reminder(contact):
    outreach = TouchFactory(contact=contact, kind=Touch.Kind.OUTREACH, at=NOW - timedelta(days=5))
    Contact.objects.filter(pk=contact.pk).update(stage=Contact.Stage.REACHED_OUT)
    contact.refresh_from_db()
    return recorded(occurrences.follow_up_occurrences(contact, outreach)[0])


@pytest.fixture
def keep_in_touch_reminder(contact):
    Contact.objects.filter(pk=contact.pk).update(stage=Contact.Stage.INTERVIEWED)
    contact.refresh_from_db()
    last = TouchFactory(contact=contact, kind=Touch.Kind.REPLY, at=NOW - timedelta(weeks=8))
    return recorded(occurrences.keep_in_touch_occurrence(contact, last))


@pytest.fixture
def digest_reminder(coach):
    return recorded(occurrences.digest_occurrence(coach, NOW.date()))


def link_path(action, reminder) -> str:
    token = links.link_token(action=action, reminder=reminder)
    return reverse(links.URL_NAMES[action], kwargs={"token": token})


def resigned(token, *, salt="reminders.link.thank_you_sent", **changes):
    """A token carrying the same payload with `changes`, properly signed with `salt`."""
    payload = signing.loads(token, salt="reminders.link.thank_you_sent")
    return signing.dumps(payload | changes, salt=salt)


def thank_you_sent_at(interview):
    return (
        Debrief.objects.filter(interview=interview)
        .values_list("thank_you_sent_at", flat=True)
        .first()
    )


# --- "I sent my thank-you" -----------------------------------------------------------------


def test_opening_the_thank_you_link_only_asks(client, thank_you_reminder, interview, contact):
    response = client.get(link_path(Action.THANK_YOU_SENT, thank_you_reminder))

    assert response.status_code == 200
    assert "Mark your thank-you to Sam Lee as sent?" in response.text
    assert '<form method="post">' in response.text
    assert thank_you_sent_at(interview) is None
    assert not contact.touches.exists()
    contact.refresh_from_db()
    assert contact.stage == Contact.Stage.SCHEDULED


def test_pressing_the_button_marks_the_thank_you_sent(
    client, thank_you_reminder, interview, contact
):
    response = client.post(link_path(Action.THANK_YOU_SENT, thank_you_reminder))

    assert response.status_code == 200
    assert "Thank-you marked as sent" in response.text
    assert thank_you_sent_at(interview) == NOW
    contact.refresh_from_db()
    assert contact.stage == Contact.Stage.THANKED
    assert list(contact.touches.values_list("kind", flat=True)) == [Touch.Kind.THANK_YOU]


def test_a_second_press_changes_nothing_and_says_it_is_already_marked(
    client, thank_you_reminder, interview, contact
):
    url = link_path(Action.THANK_YOU_SENT, thank_you_reminder)
    client.post(url)

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        response = client.post(url)

    assert response.status_code == 200
    assert "Already marked as sent" in response.text
    assert thank_you_sent_at(interview) == NOW
    assert contact.touches.count() == 1


def test_the_thank_you_link_from_the_email_works_without_a_login(
    client, thank_you_reminder, interview
):
    message = emails.build_message(thank_you_reminder)
    (url,) = [word for word in message.body.split() if "/r/thank-you/" in word]

    client.post(url.removeprefix(emails.site_url("")))

    assert thank_you_sent_at(interview) == NOW


def test_the_thank_you_button_is_protected_against_forged_posts(thank_you_reminder, interview):
    browser = HttpClient(enforce_csrf_checks=True)

    response = browser.post(link_path(Action.THANK_YOU_SENT, thank_you_reminder))

    assert response.status_code == 403
    assert thank_you_sent_at(interview) is None


def test_a_cancelled_interview_cannot_be_thanked_from_the_link(
    client, thank_you_reminder, interview
):
    interview.status = interview.Status.CANCELLED
    interview.save()

    response = client.post(link_path(Action.THANK_YOU_SENT, thank_you_reminder))

    assert response.status_code == 409
    assert "This conversation was cancelled." in response.text
    assert thank_you_sent_at(interview) is None


# --- expired and tampered links --------------------------------------------------------------


def test_an_expired_link_shows_a_friendly_page_and_changes_nothing(
    client, thank_you_reminder, interview
):
    url = link_path(Action.THANK_YOU_SENT, thank_you_reminder)

    with time_machine.travel(NOW + links.LINK_MAX_AGE + timedelta(minutes=1), tick=False):
        response = client.post(url)

    assert response.status_code == 400
    assert "This link has expired" in response.text
    assert reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk}) in (
        response.text
    )
    assert thank_you_sent_at(interview) is None


def test_a_link_still_works_on_its_last_day(client, thank_you_reminder, interview):
    url = link_path(Action.THANK_YOU_SENT, thank_you_reminder)

    with time_machine.travel(NOW + links.LINK_MAX_AGE - timedelta(minutes=1), tick=False):
        response = client.post(url)

    assert response.status_code == 200
    assert thank_you_sent_at(interview) is not None


@pytest.mark.parametrize(
    "spoil",
    [
        lambda token: token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),
        lambda token: token[:20],
        lambda token: "not-a-token",
        # Well signed, but with another action's salt: a snooze token cannot mark a thank-you.
        lambda token: resigned(token, salt="reminders.link.snooze"),
        # Well signed, but naming another action, another interview, or no id at all.
        lambda token: resigned(token, action="snooze"),
        lambda token: resigned(token, object=987654),
        lambda token: resigned(token, reminder="1"),
        lambda token: signing.dumps(["thank_you_sent", 1], salt="reminders.link.thank_you_sent"),
    ],
)
def test_a_tampered_link_shows_a_friendly_page_and_changes_nothing(
    client, thank_you_reminder, interview, spoil
):
    token = links.link_token(action=Action.THANK_YOU_SENT, reminder=thank_you_reminder)
    url = reverse("reminders:action_thank_you_sent", kwargs={"token": spoil(token)})

    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 400
        assert "We could not read this link" in response.text
    assert thank_you_sent_at(interview) is None


def test_a_thank_you_token_does_not_work_as_an_unsubscribe(client, thank_you_reminder):
    token = links.link_token(action=Action.THANK_YOU_SENT, reminder=thank_you_reminder)

    response = client.post(reverse("reminders:unsubscribe", kwargs={"token": token}))

    assert response.status_code == 400


def test_essential_reminders_get_no_unsubscribe_token(thank_you_reminder):
    with pytest.raises(ValueError, match="no unsubscribe link"):
        links.link_token(action=Action.UNSUBSCRIBE, reminder=thank_you_reminder)


# --- snooze ----------------------------------------------------------------------------------


def test_opening_the_snooze_link_changes_nothing(client, follow_up_reminder, contact):
    response = client.get(link_path(Action.SNOOZE, follow_up_reminder))

    assert response.status_code == 200
    assert "Snooze reminders about Sam Lee for a week?" in response.text
    contact.refresh_from_db()
    assert contact.reminders_paused_until is None


@pytest.mark.parametrize("reminder_fixture", ["follow_up_reminder", "keep_in_touch_reminder"])
def test_snoozing_pauses_the_contacts_reminders_for_a_week(
    client, request, contact, reminder_fixture
):
    reminder = request.getfixturevalue(reminder_fixture)

    response = client.post(link_path(Action.SNOOZE, reminder))

    assert response.status_code == 200
    assert "Snoozed" in response.text
    contact.refresh_from_db()
    assert contact.reminders_paused_until == NOW + timedelta(days=7)


def test_snoozing_keeps_a_longer_pause(client, follow_up_reminder, contact):
    later = NOW + timedelta(days=20)
    Contact.objects.filter(pk=contact.pk).update(reminders_paused_until=later)

    client.post(link_path(Action.SNOOZE, follow_up_reminder))

    contact.refresh_from_db()
    assert contact.reminders_paused_until == later


def test_a_snoozed_follow_up_is_not_due_until_the_pause_ends(client, follow_up_reminder, contact):
    client.post(link_path(Action.SNOOZE, follow_up_reminder))
    contact.refresh_from_db()
    outreach = contact.touches.get(kind=Touch.Kind.OUTREACH)

    dues = [o.due.at for o in occurrences.follow_up_occurrences(contact, outreach)]

    assert min(dues) >= NOW + timedelta(days=7)


# --- unsubscribe -----------------------------------------------------------------------------


def one_click_post(url):
    """What a mail program sends for RFC 8058: no cookie, no CSRF token."""
    return HttpClient(enforce_csrf_checks=True).post(
        url,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )


def test_the_one_click_post_turns_follow_up_reminders_off(follow_up_reminder, portal_client):
    message = emails.build_message(follow_up_reminder)
    url = message.extra_headers["List-Unsubscribe"].strip("<>")

    response = one_click_post(url.removeprefix(emails.site_url("")))

    assert response.status_code == 200
    portal_client.refresh_from_db()
    assert portal_client.remind_follow_ups is False
    assert portal_client.remind_keep_in_touch is True


def test_the_one_click_post_turns_keep_in_touch_reminders_off(
    keep_in_touch_reminder, portal_client
):
    response = one_click_post(link_path(Action.UNSUBSCRIBE, keep_in_touch_reminder))

    assert response.status_code == 200
    portal_client.refresh_from_db()
    assert portal_client.remind_keep_in_touch is False
    assert portal_client.remind_follow_ups is True


def test_the_one_click_post_stops_the_coachs_digest(digest_reminder, coach):
    response = one_click_post(link_path(Action.UNSUBSCRIBE, digest_reminder))

    assert response.status_code == 200
    assert "You are unsubscribed from the daily digest" in response.text
    coach.refresh_from_db()
    assert coach.daily_digest is False
    assert occurrences.digest_occurrence(coach, NOW.date()) is None


def test_opening_the_unsubscribe_link_changes_nothing(client, follow_up_reminder, portal_client):
    response = client.get(link_path(Action.UNSUBSCRIBE, follow_up_reminder))

    assert response.status_code == 200
    assert "Unsubscribe from follow-up reminders?" in response.text
    portal_client.refresh_from_db()
    assert portal_client.remind_follow_ups is True


def test_the_unsubscribe_page_offers_to_turn_reminders_back_on(
    client, follow_up_reminder, portal_client
):
    url = link_path(Action.UNSUBSCRIBE, follow_up_reminder)
    response = client.post(url)
    assert reverse("reminders:reminder_preferences") in response.text
    assert "Turn follow-up reminders back on" in response.text

    response = client.post(url, {"resubscribe": "1"})

    assert "Follow-up reminders are back on" in response.text
    portal_client.refresh_from_db()
    assert portal_client.remind_follow_ups is True


# --- preferences page ------------------------------------------------------------------------


@pytest.fixture
def portal_http(client, portal_client):
    client.force_login(portal_client.user)
    return client


def test_the_preferences_page_explains_what_is_always_sent(portal_http):
    response = portal_http.get(reverse("reminders:reminder_preferences"))

    assert response.status_code == 200
    assert "heart of the method" in response.text
    assert 'name="keep_in_touch_weeks"' in response.text


def test_the_client_saves_their_reminder_preferences(portal_http, portal_client):
    response = portal_http.post(
        reverse("reminders:reminder_preferences"),
        {"remind_follow_ups": "", "remind_keep_in_touch": "on", "keep_in_touch_weeks": "12"},
        follow=True,
    )

    assert "Your reminder preferences are saved." in response.text
    saved = Client.objects.get(pk=portal_client.pk)
    assert (saved.remind_follow_ups, saved.remind_keep_in_touch, saved.keep_in_touch_weeks) == (
        False,
        True,
        12,
    )


def test_the_client_turns_off_new_action_item_emails_and_keeps_the_weekly_summary(
    portal_http, portal_client
):
    page = portal_http.get(reverse("reminders:reminder_preferences")).text
    assert 'name="remind_assigned_actions"' in page
    assert 'name="remind_weekly_summary"' in page
    assert "Due today" in page  # listed among the reminders always sent

    portal_http.post(
        reverse("reminders:reminder_preferences"),
        {
            "remind_follow_ups": "on",
            "remind_keep_in_touch": "on",
            "keep_in_touch_weeks": "8",
            "remind_assigned_actions": "",
            "remind_weekly_summary": "on",
        },
    )

    saved = Client.objects.get(pk=portal_client.pk)
    assert (saved.remind_assigned_actions, saved.remind_weekly_summary) == (False, True)
    assert (saved.remind_follow_ups, saved.remind_keep_in_touch) == (True, True)


def test_an_unknown_interval_is_refused(portal_http, portal_client):
    response = portal_http.post(
        reverse("reminders:reminder_preferences"),
        {"remind_follow_ups": "on", "remind_keep_in_touch": "on", "keep_in_touch_weeks": "5"},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert Client.objects.get(pk=portal_client.pk).keep_in_touch_weeks == 8


def test_the_preferences_page_is_not_found_for_a_coach(coach_client):
    assert coach_client.get(reverse("reminders:reminder_preferences")).status_code == 404
    assert coach_client.post(reverse("reminders:reminder_preferences")).status_code == 404


def test_the_client_nav_has_a_reminders_link(portal_http):
    url = reverse("reminders:reminder_preferences")

    response = portal_http.get(url)

    assert f'active" aria-current="page" href="{url}">Reminders</a>' in response.text


# --- how long links work ---------------------------------------------------------------------


def test_an_unsubscribe_link_still_works_400_days_later(follow_up_reminder, portal_client):
    url = link_path(Action.UNSUBSCRIBE, follow_up_reminder)

    with time_machine.travel(NOW + timedelta(days=400), tick=False):
        response = one_click_post(url)

    assert response.status_code == 200
    portal_client.refresh_from_db()
    assert portal_client.remind_follow_ups is False


def test_an_old_unsubscribe_link_still_names_only_its_own_kind_and_recipient(
    follow_up_reminder, keep_in_touch_reminder
):
    token = links.link_token(action=Action.UNSUBSCRIBE, reminder=follow_up_reminder)

    with time_machine.travel(NOW + timedelta(days=400), tick=False):
        assert links.reminder_from_token(token, action=Action.UNSUBSCRIBE) == follow_up_reminder
        with pytest.raises(links.LinkInvalid):
            links.reminder_from_token(token + "x", action=Action.UNSUBSCRIBE)
        with pytest.raises(links.LinkInvalid):
            links.reminder_from_token(token, action=Action.SNOOZE)


def test_a_snooze_link_15_days_old_is_refused(client, follow_up_reminder, contact):
    url = link_path(Action.SNOOZE, follow_up_reminder)

    with time_machine.travel(NOW + timedelta(days=15), tick=False):
        response = client.post(url)

    assert response.status_code == 400
    assert "This link has expired" in response.text
    contact.refresh_from_db()
    assert contact.reminders_paused_until is None
