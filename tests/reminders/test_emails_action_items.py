"""The action item and weekly summary emails as their readers see them: what they say, their
one-click "Done" link (signed, for one item, idempotent), and unsubscribe on the two kinds a
client may turn off."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client as HttpClient
from django.urls import resolve, reverse

from clients.models import Client, Touch
from goals.models import ActionItem
from goals.services import action_item_complete
from reminders import emails, links, occurrences
from reminders.links import Action
from reminders.models import Reminder
from tests.factories import (
    ActionItemFactory,
    CompanyFactory,
    ContactFactory,
    InterviewFactory,
    TouchFactory,
    WeeklyTargetFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # Tuesday 10 March, 15:00 in London (GMT)
SITE = "https://coachdesk.example"
Kind = Reminder.Kind


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def recorded(occurrence) -> Reminder:
    reminder = occurrence.as_reminder(NOW)
    reminder.save()
    return reminder


@pytest.fixture
def item(portal_client):
    return ActionItemFactory(
        client=portal_client,
        title="Rewrite the 30-second pitch",
        notes="Lead with the <b>customer</b> work & the numbers.",
        due_on=date(2026, 3, 12),
    )


@pytest.fixture
def assigned(item) -> Reminder:
    return recorded(occurrences.action_assigned_occurrence(item))


@pytest.fixture
def due_today(item) -> Reminder:
    return recorded(occurrences.action_due_occurrence(item))


def html_of(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


def done_path(message) -> str:
    (url,) = [word for word in message.body.split() if word.startswith(f"{SITE}/r/done/")]
    return url.removeprefix(SITE)


def done_at(item):
    return ActionItem.objects.values_list("done_at", flat=True).get(pk=item.pk)


def link_path(action, reminder) -> str:
    token = links.link_token(action=action, reminder=reminder)
    return reverse(links.URL_NAMES[action], kwargs={"token": token})


# --- what they say ---------------------------------------------------------------------------


def test_the_new_item_email_names_the_item_its_due_date_and_the_coachs_notes(assigned):
    message = emails.build_message(assigned)

    assert message.subject == "New from Maya: Rewrite the 30-second pitch (due Thu 12 Mar)"
    assert "Maya Okafor has set you something to do" in message.body
    assert "Due Thursday 12 March" in message.body
    assert "Lead with the <b>customer</b> work & the numbers." in message.body
    assert "Lead with the &lt;b&gt;customer&lt;/b&gt; work &amp; the numbers." in html_of(message)
    item = assigned.action_item
    assert f"{SITE}/clients/{item.client_id}/actions/#action-item-{item.pk}" in message.body
    assert message.reply_to == [assigned.client.coach.email]


def test_an_item_set_for_today_says_so(portal_client):
    item = ActionItemFactory(client=portal_client, title="Send the CV to Lena", due_on=NOW.date())

    message = emails.build_message(recorded(occurrences.action_assigned_occurrence(item)))

    assert message.subject == "New from Maya: Send the CV to Lena (due today)"
    assert "Due today, Tuesday 10 March" in message.body


def test_an_item_about_a_contact_or_an_interview_links_to_its_page(portal_client):
    sam = ContactFactory(
        client=portal_client, name="Sam Lee", company=CompanyFactory(client=portal_client)
    )
    interview = InterviewFactory(
        client=portal_client, contact=sam, starts_at=datetime(2026, 3, 13, 14, 0, tzinfo=UTC)
    )
    about_sam = ActionItemFactory(client=portal_client, contact=sam)
    about_the_call = ActionItemFactory(client=portal_client, interview=interview)

    to_sam, call = (
        emails.build_message(recorded(occurrences.action_assigned_occurrence(item)))
        for item in (about_sam, about_the_call)
    )

    assert f"{SITE}/contacts/{sam.pk}/" in to_sam.body
    assert "about your conversation with Sam Lee on Friday 13 March" in call.body
    assert f"{SITE}/interviews/{interview.pk}/" in call.body


def test_the_due_today_email_is_essential_and_has_the_done_link(due_today):
    message = emails.build_message(due_today)

    assert message.subject == "Due today: Rewrite the 30-second pitch"
    assert "You agreed on it with Maya." in message.body
    assert resolve(done_path(message)).view_name == "reminders:action_item_done"
    assert ">Done</a>" in html_of(message)
    assert "List-Unsubscribe" not in message.extra_headers
    assert "/r/unsubscribe/" not in message.body + html_of(message)
    assert "Due-today reminders are always sent" in message.body


def test_an_item_the_client_set_does_not_say_the_coach_agreed_it(portal_client):
    item = ActionItemFactory(
        client=portal_client, set_by=ActionItem.SetBy.CLIENT, due_on=date(2026, 3, 12)
    )

    message = emails.build_message(recorded(occurrences.action_due_occurrence(item)))

    assert "You agreed on it" not in message.body


@pytest.mark.parametrize("kind", [Kind.ACTION_ASSIGNED, Kind.WEEKLY_SUMMARY])
def test_the_kinds_a_client_may_turn_off_carry_one_click_unsubscribe(
    request, item, portal_client, kind
):
    if kind == Kind.ACTION_ASSIGNED:
        reminder = request.getfixturevalue("assigned")
    else:
        WeeklyTargetFactory(client=portal_client)
        reminder = recorded(occurrences.weekly_summary_occurrence(portal_client, date(2026, 3, 2)))

    message = emails.build_message(reminder)

    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(f"{SITE}/r/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body
    assert url in html_of(message)


# --- the weekly summary ----------------------------------------------------------------------


@pytest.fixture
def last_week(portal_client):
    """Targets of 5 people, 1 conversation and 2 thank-yous on time; in the week of Monday 2
    March, 1 person reached and 1 conversation held."""
    WeeklyTargetFactory(client=portal_client, kind="outreach", per_week=5)
    WeeklyTargetFactory(client=portal_client, kind="conversations", per_week=1)
    WeeklyTargetFactory(client=portal_client, kind="thank_yous", per_week=2)
    sam = ContactFactory(client=portal_client)
    TouchFactory(contact=sam, kind=Touch.Kind.OUTREACH, at=datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    InterviewFactory(
        client=portal_client,
        contact=sam,
        starts_at=datetime(2026, 3, 6, 16, 0, tzinfo=UTC),
        status="completed",
    )
    # Sunday 23:30 in London is still last week; Monday 00:30 is this one.
    TouchFactory(
        contact=ContactFactory(client=portal_client),
        kind=Touch.Kind.OUTREACH,
        at=datetime(2026, 3, 9, 0, 30, tzinfo=UTC),
    )
    return recorded(occurrences.weekly_summary_occurrence(portal_client, date(2026, 3, 2)))


def test_the_weekly_summary_gives_target_against_actual_for_each_kind(last_week):
    message = emails.build_message(last_week)

    assert message.subject == (
        "Your week of 2 March: you reached 1 of 5 people; 1 conversation of 1; "
        "0 of 2 thank-yous sent on time"
    )
    assert "Monday 2 March to Sunday 8 March" in message.body
    assert "- People reached out to: 1 of 5\n" in message.body
    assert "- Conversations held: 1 of 1 (met)\n" in message.body
    assert "- Thank-yous sent on time: 0 of 2\n" in message.body
    html = html_of(message)
    assert '<th scope="col"' in html
    assert "✓ met" in html
    assert f"{SITE}/clients/{last_week.client_id}/progress/" in message.body


def test_a_week_with_every_target_met_says_well_done(portal_client):
    WeeklyTargetFactory(client=portal_client, kind="outreach", per_week=1)
    TouchFactory(
        contact=ContactFactory(client=portal_client),
        kind=Touch.Kind.OUTREACH,
        at=datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
    )

    message = emails.build_message(
        recorded(occurrences.weekly_summary_occurrence(portal_client, date(2026, 3, 2)))
    )

    assert message.subject == "Your week of 2 March: you reached 1 of 1 person"
    assert "Every target met. Well done" in message.body


def test_a_kind_whose_target_began_after_the_week_is_left_out(portal_client):
    WeeklyTargetFactory(client=portal_client, kind="outreach", per_week=3)
    WeeklyTargetFactory(client=portal_client, kind="conversations", since=date(2026, 3, 9))

    message = emails.build_message(
        recorded(occurrences.weekly_summary_occurrence(portal_client, date(2026, 3, 2)))
    )

    assert message.subject == "Your week of 2 March: you reached 0 of 3 people"
    assert "Conversations held" not in message.body


# --- the "Done" link -------------------------------------------------------------------------


def test_opening_the_done_link_only_asks(client, due_today, item):
    response = client.get(done_path(emails.build_message(due_today)))

    assert response.status_code == 200
    assert "Mark “Rewrite the 30-second pitch” as done?" in response.text
    assert '<form method="post">' in response.text
    assert done_at(item) is None


def test_the_done_link_from_the_email_marks_the_item_done_without_a_login(client, assigned, item):
    response = client.post(done_path(emails.build_message(assigned)))

    assert response.status_code == 200
    assert "Marked as done" in response.text
    assert done_at(item) == NOW


def test_the_done_link_works_once_and_a_second_press_keeps_the_first_time(client, due_today, item):
    url = done_path(emails.build_message(due_today))
    client.post(url)

    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        response = client.post(url)

    assert response.status_code == 200
    assert "Already done" in response.text
    assert done_at(item) == NOW


def test_an_item_done_in_the_app_meanwhile_is_already_done_on_the_link(client, due_today, item):
    action_item_complete(item=item, at=NOW - timedelta(hours=1))

    response = client.post(link_path(Action.ACTION_DONE, due_today))

    assert "Already done" in response.text
    assert done_at(item) == NOW - timedelta(hours=1)


def test_the_done_button_is_protected_against_forged_posts(due_today, item):
    response = HttpClient(enforce_csrf_checks=True).post(link_path(Action.ACTION_DONE, due_today))

    assert response.status_code == 403
    assert done_at(item) is None


def resigned(token, **changes):
    payload = signing.loads(token, salt="reminders.link.action_done")
    return signing.dumps(payload | changes, salt="reminders.link.action_done")


@pytest.mark.parametrize(
    "spoil",
    [
        lambda token, other: token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),
        lambda token, other: token[:20],
        # Well signed, but for another item of the same client: the reminder names its own.
        lambda token, other: resigned(token, object=other.pk),
        lambda token, other: resigned(token, action="thank_you_sent"),
        # Another action's salt: a snooze or unsubscribe token cannot tick an item off.
        lambda token, other: signing.dumps(
            signing.loads(token, salt="reminders.link.action_done"),
            salt="reminders.link.unsubscribe",
        ),
    ],
)
def test_a_tampered_done_link_changes_nothing(client, due_today, item, portal_client, spoil):
    other = ActionItemFactory(client=portal_client)
    token = links.link_token(action=Action.ACTION_DONE, reminder=due_today)
    url = reverse("reminders:action_item_done", kwargs={"token": spoil(token, other)})

    for method in (client.get, client.post):
        assert method(url).status_code == 400
    assert done_at(item) is None
    assert done_at(other) is None


def test_an_unsubscribe_token_does_not_work_as_a_done_link(client, assigned, item):
    token = links.link_token(action=Action.UNSUBSCRIBE, reminder=assigned)

    response = client.post(reverse("reminders:action_item_done", kwargs={"token": token}))

    assert response.status_code == 400
    assert done_at(item) is None


def test_the_weekly_summary_has_no_done_link(portal_client):
    WeeklyTargetFactory(client=portal_client)
    summary = recorded(occurrences.weekly_summary_occurrence(portal_client, date(2026, 3, 2)))

    with pytest.raises(ValueError, match="no action_done link"):
        links.link_token(action=Action.ACTION_DONE, reminder=summary)


def test_an_expired_done_link_points_to_the_clients_action_items(client, due_today, item):
    url = link_path(Action.ACTION_DONE, due_today)

    with time_machine.travel(NOW + links.LINK_MAX_AGE + timedelta(minutes=1), tick=False):
        response = client.post(url)

    assert response.status_code == 400
    assert "This link has expired" in response.text
    assert "Rewrite the 30-second pitch" in response.text
    assert reverse("goals:action_items", kwargs={"client_pk": item.client_id}) in response.text
    assert done_at(item) is None


# --- unsubscribe -----------------------------------------------------------------------------


def one_click_post(url):
    """What a mail program sends for RFC 8058: no cookie, no CSRF token."""
    return HttpClient(enforce_csrf_checks=True).post(
        url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )


def test_the_one_click_post_turns_new_item_emails_off_and_nothing_else(assigned, portal_client):
    url = emails.build_message(assigned).extra_headers["List-Unsubscribe"].strip("<>")

    response = one_click_post(url.removeprefix(SITE))

    assert response.status_code == 200
    assert "You are unsubscribed from emails about new action items" in response.text
    client = Client.objects.get(pk=portal_client.pk)
    assert client.remind_assigned_actions is False
    assert (client.remind_weekly_summary, client.remind_follow_ups) == (True, True)
    # Turned off, the same item is announced no more.
    item = ActionItem.objects.select_related("client").get(pk=assigned.action_item_id)
    assert occurrences.action_assigned_occurrence(item) is None


def test_the_one_click_post_turns_weekly_summaries_off(portal_client):
    WeeklyTargetFactory(client=portal_client)
    summary = recorded(occurrences.weekly_summary_occurrence(portal_client, date(2026, 3, 2)))

    one_click_post(link_path(Action.UNSUBSCRIBE, summary))

    client = Client.objects.get(pk=portal_client.pk)
    assert (client.remind_weekly_summary, client.remind_assigned_actions) == (False, True)
    assert occurrences.weekly_summary_occurrence(client, date(2026, 3, 9)) is None
