"""Reminder emails as their readers see them: what each kind says, its links and its headers."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import resolve

from clients.models import Contact, Touch
from interviews.models import InterviewQuestion, Referral
from reminders import emails, occurrences
from reminders.models import Reminder
from reminders.sweep import run_sweep
from tests.factories import (
    ActionItemFactory,
    CompanyFactory,
    ContactFactory,
    DebriefFactory,
    InterviewFactory,
    TouchFactory,
    WeeklyTargetFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # a Tuesday
SITE = "https://coachdesk.example"
Kind = Reminder.Kind
NON_ESSENTIAL = {
    Kind.OUTREACH_FOLLOW_UP,
    Kind.KEEP_IN_TOUCH,
    Kind.COACH_DIGEST,
    Kind.ACTION_ASSIGNED,
    Kind.WEEKLY_SUMMARY,
}
# The Monday of the week before NOW's: the week a summary sent on Monday 9 March is about.
LAST_WEEK = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def company(portal_client):
    return CompanyFactory(client=portal_client, name="Acme & Co")


@pytest.fixture
def contact(portal_client, company):
    # An apostrophe and an ampersand: subjects are plain text and must not be HTML-escaped.
    return ContactFactory(client=portal_client, company=company, name="Sam O'Neill")


def recorded(occurrence) -> Reminder:
    reminder = occurrence.as_reminder(NOW)
    reminder.save()
    return reminder


def interview_reminder(interview, kind) -> Reminder:
    (found,) = [o for o in occurrences.interview_occurrences(interview) if o.kind == kind]
    return recorded(found)


@pytest.fixture
def past_interview(portal_client, contact):
    """A conversation that ended 25 hours ago: the thank-you is due."""
    return InterviewFactory(
        client=portal_client, contact=contact, starts_at=NOW - timedelta(hours=25, minutes=30)
    )


@pytest.fixture
def upcoming_interview(portal_client, contact):
    interview = InterviewFactory(
        client=portal_client,
        contact=contact,
        starts_at=NOW + timedelta(hours=20),
        duration_minutes=45,
        meeting_link="https://zoom.us/j/123456789",
        checklist_done=["logistics", "pitch"],
    )
    for text in ("How did you start?", "What is a typical week?", "Who else should I ask?"):
        InterviewQuestion.objects.create(interview=interview, text=text)
    return interview


@pytest.fixture
def outreach(contact):
    """The client wrote to the contact a week and a half ago and heard nothing."""
    touch = TouchFactory(contact=contact, kind=Touch.Kind.OUTREACH, at=NOW - timedelta(days=10))
    Contact.objects.filter(pk=contact.pk).update(stage=Contact.Stage.REACHED_OUT)
    contact.refresh_from_db()
    return touch


def follow_up_reminder(contact, outreach, step) -> Reminder:
    (found,) = [
        o for o in occurrences.follow_up_occurrences(contact, outreach) if o.occasion.step == step
    ]
    return recorded(found)


@pytest.fixture
def keep_in_touch_reminder(contact):
    Contact.objects.filter(pk=contact.pk).update(stage=Contact.Stage.THANKED)
    contact.refresh_from_db()
    last = TouchFactory(contact=contact, kind=Touch.Kind.THANK_YOU, at=NOW - timedelta(weeks=8))
    return recorded(occurrences.keep_in_touch_occurrence(contact, last))


@pytest.fixture
def digest_reminder(coach, portal_client, contact, outreach):
    InterviewFactory(client=portal_client, contact=contact, starts_at=NOW + timedelta(hours=2))
    InterviewFactory(client=portal_client, contact=contact, starts_at=NOW - timedelta(days=3))
    return recorded(occurrences.digest_occurrence(coach, NOW.date()))


@pytest.fixture
def action_item(portal_client, contact):
    """Set by the coach a moment ago, about the contact, due on Thursday."""
    return ActionItemFactory(
        client=portal_client,
        contact=contact,
        title="Ask Sam for two names at Acme",
        notes="Mention the product talk you both went to.",
        due_on=date(2026, 3, 12),
    )


def action_item_reminder(item, kind) -> Reminder:
    build = {
        Kind.ACTION_ASSIGNED: occurrences.action_assigned_occurrence,
        Kind.ACTION_DUE: occurrences.action_due_occurrence,
    }[kind]
    return recorded(build(item))


@pytest.fixture
def weekly_summary_reminder(portal_client, contact):
    """Targets of 5 people and 2 conversations; last week 3 people reached (one twice) and two
    conversations held, one of them cancelled."""
    WeeklyTargetFactory(client=portal_client, kind="outreach", per_week=5)
    WeeklyTargetFactory(client=portal_client, kind="conversations", per_week=2)
    tuesday = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    reached = [contact, ContactFactory(client=portal_client), ContactFactory(client=portal_client)]
    for n, person in enumerate(reached):
        TouchFactory(contact=person, kind=Touch.Kind.OUTREACH, at=tuesday + timedelta(hours=n))
    TouchFactory(contact=contact, kind=Touch.Kind.OUTREACH, at=tuesday + timedelta(days=1))
    for status in ("completed", "completed", "cancelled"):
        InterviewFactory(client=portal_client, contact=contact, starts_at=tuesday, status=status)
    return recorded(occurrences.weekly_summary_occurrence(portal_client, LAST_WEEK))


@pytest.fixture
def reminder_of_kind(request, past_interview, upcoming_interview, contact, outreach, coach):
    """A recorded reminder of any kind, by name."""
    builders = {
        Kind.PREP: lambda: interview_reminder(upcoming_interview, Kind.PREP),
        Kind.THANK_YOU: lambda: interview_reminder(past_interview, Kind.THANK_YOU),
        Kind.THANK_YOU_OVERDUE: lambda: interview_reminder(past_interview, Kind.THANK_YOU_OVERDUE),
        Kind.OUTREACH_FOLLOW_UP: lambda: follow_up_reminder(contact, outreach, 7),
        Kind.KEEP_IN_TOUCH: lambda: request.getfixturevalue("keep_in_touch_reminder"),
        Kind.COACH_DIGEST: lambda: request.getfixturevalue("digest_reminder"),
        Kind.ACTION_ASSIGNED: lambda: action_item_reminder(
            request.getfixturevalue("action_item"), Kind.ACTION_ASSIGNED
        ),
        Kind.ACTION_DUE: lambda: action_item_reminder(
            request.getfixturevalue("action_item"), Kind.ACTION_DUE
        ),
        Kind.WEEKLY_SUMMARY: lambda: request.getfixturevalue("weekly_summary_reminder"),
    }
    return builders


def html_of(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


# --- every kind ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", Kind.values)
def test_each_kind_is_a_text_and_html_email_whose_subject_names_the_contact(reminder_of_kind, kind):
    reminder = reminder_of_kind[kind]()

    message = emails.build_message(reminder)

    assert message.to == [reminder.recipient_email]
    assert message.body.strip()
    assert "</html>" in html_of(message)
    if kind == Kind.COACH_DIGEST:
        assert message.subject.startswith("Your day, Tuesday 10 March: 1 interview, ")
    elif kind == Kind.WEEKLY_SUMMARY:
        assert message.subject == (
            "Your week of 2 March: you reached 3 of 5 people; 2 conversations of 2"
        )
    elif kind in (Kind.ACTION_ASSIGNED, Kind.ACTION_DUE):
        assert "Ask Sam for two names at Acme" in message.subject
        assert "Sam O'Neill (Acme & Co)" in message.body  # what the item is about
    else:
        assert "Sam O'Neill (Acme & Co)" in message.subject
    # The whole message serialises (headers included) as it would be sent.
    assert b"Content-Type: text/html" in message.message().as_bytes()


@pytest.mark.parametrize("kind", Kind.values)
def test_client_emails_reply_to_the_coach_and_coach_emails_have_no_reply_to(
    reminder_of_kind, kind, coach
):
    message = emails.build_message(reminder_of_kind[kind]())

    if kind in emails.COACH_KINDS:
        assert message.to == [coach.email]
        assert message.reply_to == []
    else:
        assert message.reply_to == [coach.email]


@pytest.mark.parametrize("kind", Kind.values)
def test_the_message_id_is_the_same_each_time_the_reminder_is_built(reminder_of_kind, kind):
    reminder = reminder_of_kind[kind]()

    first = emails.build_message(reminder).extra_headers["Message-ID"]
    second = emails.build_message(Reminder.objects.get(pk=reminder.pk)).extra_headers["Message-ID"]

    assert first == second
    assert first.startswith(f"<reminder-{reminder.pk}.")
    assert first.endswith("@coachdesk.example>")


def test_different_reminders_have_different_message_ids(past_interview):
    thank_you = interview_reminder(past_interview, Kind.THANK_YOU)
    overdue = interview_reminder(past_interview, Kind.THANK_YOU_OVERDUE)

    assert emails.message_id_for(thank_you) != emails.message_id_for(overdue)


@pytest.mark.parametrize("kind", Kind.values)
def test_only_the_non_essential_kinds_carry_one_click_unsubscribe(reminder_of_kind, kind):
    message = emails.build_message(reminder_of_kind[kind]())
    headers = message.extra_headers

    if kind in NON_ESSENTIAL:
        url = headers["List-Unsubscribe"].strip("<>")
        assert url.startswith(f"{SITE}/r/unsubscribe/")
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert url in message.body
        assert url in html_of(message)
        assert "Unsubscribe from" in message.body
        # The header survives serialisation whole, so a mail program can POST to it.
        assert url in message.message().as_string().replace("\n ", " ")
    else:
        assert "List-Unsubscribe" not in headers
        assert "List-Unsubscribe-Post" not in headers
        assert "/r/unsubscribe/" not in message.body
        assert "/r/unsubscribe/" not in html_of(message)


# --- prep -----------------------------------------------------------------------------------


def test_the_prep_email_gives_time_place_checklist_and_questions(upcoming_interview):
    message = emails.build_message(interview_reminder(upcoming_interview, Kind.PREP))
    text = message.body

    # 11:00 UTC on 11 March is 11:00 in London (GMT until the end of March).
    assert "Wednesday 11 March, 11:00 (Europe/London time)" in text
    assert "45 minutes" in text
    assert "Video call on Zoom" in text
    assert "https://zoom.us/j/123456789" in text
    assert f"{SITE}/interviews/{upcoming_interview.pk}/" in text
    assert "You have chosen 3 questions" in text
    # Four reminders from the checklist, none of those already ticked.
    checklist = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(checklist) == 4
    assert not any("30-second introduction" in line for line in checklist)
    assert not any("meeting link" in line for line in checklist)
    assert "Wed 11 Mar, 11:00" in message.subject


def test_prep_times_are_in_the_clients_timezone_across_a_dst_change(portal_client, contact):
    portal_client.timezone = "America/New_York"  # on daylight time since 8 March 2026
    portal_client.save()
    interview = InterviewFactory(
        client=portal_client, contact=contact, starts_at=datetime(2026, 3, 11, 13, 0, tzinfo=UTC)
    )

    message = emails.build_message(interview_reminder(interview, Kind.PREP))

    assert "Wednesday 11 March, 09:00 (America/New_York time)" in message.body


# --- thank-you ------------------------------------------------------------------------------


def test_the_thank_you_draft_is_built_from_the_debrief(past_interview, portal_client):
    DebriefFactory(
        interview=past_interview,
        highlights="How the team tests ideas with customers before writing any code.",
        advice="Volunteer for a discovery project in my current job.",
    )
    referred = ContactFactory(client=portal_client, name="Lena Park")
    Referral.objects.create(interview=past_interview, contact=referred)

    message = emails.build_message(interview_reminder(past_interview, Kind.THANK_YOU))

    for part in (message.body, html_of(message)):
        assert "How the team tests ideas with customers before writing any code." in part
        assert "Volunteer for a discovery project in my current job." in part
        assert "Lena Park" in part
        assert "Hi Sam," in part
    assert "Best wishes,\nPriya Shah" in message.body
    assert "[One thing they said" not in message.body
    assert "[A piece of advice" not in message.body


def test_the_thank_you_email_says_until_when_in_local_time(past_interview, portal_client):
    portal_client.timezone = "America/New_York"
    portal_client.save()

    message = emails.build_message(interview_reminder(past_interview, Kind.THANK_YOU))

    # The conversation ended at 14:00 UTC on 9 March; 48 hours later is 10:00 in New York.
    assert "24 to 48 hours" in message.body
    assert "by Wednesday 11 March, 10:00 (America/New_York time)" in message.body


def test_the_thank_you_email_has_the_one_click_link_and_the_prep_page(past_interview):
    message = emails.build_message(interview_reminder(past_interview, Kind.THANK_YOU))

    links = [word for word in message.body.split() if word.startswith(f"{SITE}/r/thank-you/")]
    assert len(links) == 1
    assert resolve(links[0].removeprefix(SITE)).view_name == "reminders:action_thank_you_sent"
    assert "I sent my thank-you" in html_of(message)
    assert f"{SITE}/interviews/{past_interview.pk}/" in message.body


def test_without_a_debrief_the_draft_has_gaps_to_fill_and_points_to_the_debrief(past_interview):
    message = emails.build_message(interview_reminder(past_interview, Kind.THANK_YOU))

    assert "[One thing they said that stayed with you" in message.body
    assert f"{SITE}/interviews/{past_interview.pk}/debrief/" in message.body


def test_the_html_part_escapes_what_the_client_wrote(past_interview):
    DebriefFactory(interview=past_interview, highlights="<script>alert(1)</script> & more")

    message = emails.build_message(interview_reminder(past_interview, Kind.THANK_YOU))

    assert "<script>" not in html_of(message)
    assert "&lt;script&gt;" in html_of(message)
    assert "<script>alert(1)</script> & more" in message.body
    assert "Sam O&#x27;Neill" in html_of(message)


def test_the_overdue_notice_tells_the_coach_who_and_when(coach, past_interview):
    coach.timezone = "Europe/Paris"
    coach.save()

    message = emails.build_message(interview_reminder(past_interview, Kind.THANK_YOU_OVERDUE))

    assert message.to == [coach.email]
    assert "Priya Shah has not marked a thank-you to Sam O'Neill (Acme & Co)" in message.body
    assert "Monday 9 March, 15:00 (Europe/Paris time)" in message.body
    assert f"{SITE}/interviews/{past_interview.pk}/" in message.body


# --- follow-ups and keeping in touch ---------------------------------------------------------


def test_the_first_follow_up_suggests_someone_else_at_the_company(contact, outreach, company):
    ContactFactory(client=contact.client, company=company, name="Ravi Menon")

    message = emails.build_message(follow_up_reminder(contact, outreach, 3))

    assert message.subject == (
        "No reply yet from Sam O'Neill (Acme & Co): meanwhile, try someone else at Acme & Co"
    )
    assert "try another person at Acme & Co" in message.body
    assert "Ravi Menon" in message.body
    assert "Subject:" not in message.body  # no draft yet: it is too early to chase


def test_the_second_follow_up_has_one_polite_draft(contact, outreach):
    message = emails.build_message(follow_up_reminder(contact, outreach, 7))

    assert message.subject == "Time for one polite follow-up to Sam O'Neill (Acme & Co)"
    assert "one short, polite follow-up" in message.body
    assert "I wanted to follow up on the note I sent you on Saturday 28 February" in message.body
    assert "mailto:" in html_of(message)


@pytest.mark.parametrize("step", [3, 7])
def test_follow_up_emails_link_to_snooze_and_to_the_contact(contact, outreach, step):
    message = emails.build_message(follow_up_reminder(contact, outreach, step))

    assert f"{SITE}/r/snooze/" in message.body
    assert f"{SITE}/contacts/{contact.pk}/" in message.body
    assert f"{SITE}/portal/reminders/" in message.body


def test_the_keep_in_touch_email_has_an_update_draft_and_snooze(keep_in_touch_reminder):
    message = emails.build_message(keep_in_touch_reminder)

    assert message.subject == "Keep in touch with Sam O'Neill (Acme & Co): a short update to send"
    assert "about 8 weeks ago" in message.body
    assert "Subject: A quick update, and thanks again" in message.body
    assert f"{SITE}/r/snooze/" in message.body


# --- the coach's digest -----------------------------------------------------------------------


def test_the_digest_lists_todays_interviews_overdue_thank_yous_and_stalled_outreach(
    digest_reminder, contact
):
    message = emails.build_message(digest_reminder)
    text = message.body

    assert "1 interview, 1 overdue thank-you, 1 waiting for a reply" in message.subject
    assert "17:00  Priya Shah with Sam O'Neill (Acme & Co)" in text
    assert "Priya Shah to Sam O'Neill (Acme & Co): the conversation ended" in text
    assert "Priya Shah wrote to Sam O'Neill (Acme & Co) 10 days ago" in text
    assert f"{SITE}/contacts/{contact.pk}/" in text
    assert text.count(f"{SITE}/interviews/") == 2


def test_the_digest_lists_the_15_longest_overdue_action_items_and_counts_the_rest(
    coach, portal_client
):
    for n in range(17):
        ActionItemFactory(
            client=portal_client, title=f"Homework {n}", due_on=date(2026, 3, 9) - timedelta(n)
        )
    ActionItemFactory(client=portal_client, title="Due today", due_on=NOW.date())
    ActionItemFactory(client=portal_client, title="Done", due_on=date(2026, 3, 2), done_at=NOW)

    message = emails.build_message(recorded(occurrences.digest_occurrence(coach, NOW.date())))

    assert message.subject.endswith(", 17 overdue action items")
    text = message.body
    listed = [line for line in text.splitlines() if line.startswith("- Priya Shah: Homework")]
    assert listed[0] == "- Priya Shah: Homework 16 · due Saturday 21 February, 17 days ago"
    assert listed[-1] == "- Priya Shah: Homework 2 · due Saturday 7 March, 3 days ago"
    assert len(listed) == emails.DIGEST_ROWS_PER_LIST == 15
    assert "…and 2 more on your home page" in text
    assert "Due today" not in text
    assert "Homework 1 " not in text
    assert "- Priya Shah: Done" not in text
    assert f"{SITE}/clients/{portal_client.pk}/actions/#action-item-" in text
    assert "Homework 16" in html_of(message)


# --- through the sweep ----------------------------------------------------------------------


def test_the_sweep_sends_the_thank_you_email_with_its_draft(past_interview):
    DebriefFactory(interview=past_interview, highlights="The story of the first product launch.")

    run_sweep(NOW)

    (message,) = [m for m in mail.outbox if "thank-you" in m.subject]
    assert "The story of the first product launch." in message.body
    reminder = Reminder.objects.get(kind=Kind.THANK_YOU)
    assert reminder.status == Reminder.Status.SENT
    assert reminder.message_id == message.extra_headers["Message-ID"]
