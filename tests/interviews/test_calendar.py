from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from interviews.models import CalendarFeed, Interview
from tests.factories import ContactFactory, InterviewFactory, PortalClientFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
# New York springs forward at 02:00 on Sunday 8 March 2026: 07:30 UTC is 03:30 EDT (UTC-4).
AFTER_NEW_YORK_DST = datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def ics_url(interview):
    return reverse("interviews:interview_ics", kwargs={"interview_pk": interview.pk})


def manage_url(client_record):
    return reverse("interviews:calendar_feed_manage", kwargs={"client_pk": client_record.pk})


def feed_path(feed):
    return reverse("interviews:calendar_feed", kwargs={"token": feed.token})


def download(http, interview):
    response = http.get(ics_url(interview))
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def the_event(calendar):
    (event,) = calendar.events
    return event


def prep_url(interview):
    path = reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk})
    return settings.SITE_URL.rstrip("/") + path


@pytest.fixture
def interview(portal_client):
    return InterviewFactory(
        client=portal_client,
        contact=ContactFactory(client=portal_client, name="Ana Lima", company__name="Acme"),
        starts_at=datetime(2026, 3, 10, 15, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("zone", "starts_at", "wall_clock", "utc_offset"),
    [
        ("America/New_York", AFTER_NEW_YORK_DST, (3, 30), timedelta(hours=-4)),
        ("Asia/Kolkata", datetime(2026, 3, 9, 4, 0, tzinfo=UTC), (9, 30), timedelta(hours=5.5)),
        ("Europe/London", datetime(2026, 3, 9, 10, 0, tzinfo=UTC), (10, 0), timedelta(0)),
    ],
)
def test_the_ics_file_holds_the_same_instant_in_the_clients_timezone(
    coach_client, coach, zone, starts_at, wall_clock, utc_offset
):
    client_record = PortalClientFactory(coach=coach, timezone=zone)
    interview = InterviewFactory(client=client_record, starts_at=starts_at)

    calendar = download(coach_client, interview)
    event = the_event(calendar)

    assert event["DTSTART"].params["TZID"] == zone
    assert event.start.astimezone(UTC) == interview.starts_at
    assert (event.start.hour, event.start.minute) == wall_clock
    assert event.start.utcoffset() == utc_offset
    # Calendars that do not know the zone by name (Outlook) read the VTIMEZONE instead.
    (vtimezone,) = calendar.timezones
    assert vtimezone.tz_name == zone
    rules = vtimezone.to_tz(lookup_tzid=False)
    local_start = event["DTSTART"].dt.replace(tzinfo=None)
    assert local_start.replace(tzinfo=rules).astimezone(UTC) == interview.starts_at


def test_the_event_ends_after_the_interview_duration(coach_client, interview):
    interview.duration_minutes = 20
    interview.save()

    event = the_event(download(coach_client, interview))

    assert event["DTEND"].params["TZID"] == "Europe/London"
    assert event.end - event.start == timedelta(minutes=20)
    assert event.end.astimezone(UTC) == interview.ends_at


def test_the_file_is_a_publish_calendar_with_a_name_and_a_stamp(coach_client, interview):
    response = coach_client.get(ics_url(interview))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="interview-{interview.pk}.ics"'
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == "CoachDesk"
    event = the_event(calendar)
    assert event["SUMMARY"] == "Informational interview with Ana Lima (Acme)"
    assert event.stamp == NOW
    assert event["STATUS"] == "CONFIRMED"


def test_the_summary_leaves_out_a_missing_company(coach_client, portal_client):
    contact = ContactFactory(client=portal_client, name="Ana Lima", company=None)
    interview = InterviewFactory(client=portal_client, contact=contact)

    event = the_event(download(coach_client, interview))

    assert event["SUMMARY"] == "Informational interview with Ana Lima"


def test_the_uid_stays_the_same_across_downloads_and_a_reschedule(coach_client, interview):
    first = the_event(download(coach_client, interview))
    again = the_event(download(coach_client, interview))
    # What rescheduling does: a new time and a bumped sequence.
    interview.starts_at += timedelta(days=1)
    interview.calendar_sequence += 1
    interview.save()
    moved = the_event(download(coach_client, interview))

    host = urlsplit(settings.SITE_URL).hostname
    assert first["UID"] == again["UID"] == moved["UID"] == f"interview-{interview.pk}@{host}"
    assert moved.sequence > first.sequence
    assert moved.start.astimezone(UTC) == datetime(2026, 3, 11, 15, 0, tzinfo=UTC)


def test_a_cancelled_interview_file_cancels_the_same_event(coach_client, interview):
    before = the_event(download(coach_client, interview))
    interview.status = Interview.Status.CANCELLED
    interview.calendar_sequence += 1
    interview.save()

    after = the_event(download(coach_client, interview))

    assert after["STATUS"] == "CANCELLED"
    assert after["UID"] == before["UID"]
    assert after.sequence > before.sequence
    assert after["SUMMARY"].startswith("Cancelled: ")


@pytest.mark.parametrize(
    ("fields", "location"),
    [
        (
            {"format": Interview.Format.IN_PERSON, "location": "Café Nero, 12 High St, Leeds"},
            "Café Nero, 12 High St, Leeds",
        ),
        ({"format": Interview.Format.PHONE, "phone": "+44 20 7946 0958"}, "+44 20 7946 0958"),
        (
            {
                "format": Interview.Format.VIDEO,
                "meeting_link": "https://meet.google.com/abc-defg-hij",
            },
            "https://meet.google.com/abc-defg-hij",
        ),
    ],
    ids=["in person: the address", "phone: the number", "video: the meeting link"],
)
def test_the_location_says_where_to_go_for_each_format(
    coach_client, portal_client, fields, location
):
    interview = InterviewFactory(client=portal_client, **fields)

    event = the_event(download(coach_client, interview))

    assert event["LOCATION"] == location


def test_the_event_links_back_to_the_prep_page(coach_client, interview):
    event = the_event(download(coach_client, interview))

    assert event["URL"] == prep_url(interview)
    assert prep_url(interview) in event["DESCRIPTION"]


def test_the_client_downloads_their_own_interview(client, portal_client, interview):
    client.force_login(portal_client.user)

    assert the_event(download(client, interview))["STATUS"] == "CONFIRMED"


def test_another_coach_and_another_client_get_404_on_the_file_and_the_feed_page(
    client, interview, portal_client, other_coach, other_portal_client
):
    CalendarFeed.objects.create(client=portal_client, token="the-first-clients-token")
    for outsider in (other_coach, other_portal_client.user):
        client.force_login(outsider)
        assert client.get(ics_url(interview)).status_code == 404
        assert client.get(manage_url(portal_client)).status_code == 404
        for action in ("create", "rotate", "revoke"):
            response = client.post(manage_url(portal_client), {"action": action})
            assert response.status_code == 404

    assert CalendarFeed.objects.get(client=portal_client).token == "the-first-clients-token"


def test_the_file_needs_a_login(client, interview):
    response = client.get(ics_url(interview))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_client_creates_a_feed_and_sees_its_url(client, portal_client):
    client.force_login(portal_client.user)
    page = client.get(manage_url(portal_client))
    assert page.status_code == 200
    assert page.context["feed"] is None

    response = client.post(manage_url(portal_client), {"action": "create"}, follow=True)

    feed = CalendarFeed.objects.get(client=portal_client)
    assert len(feed.token) >= 40
    assert response.redirect_chain == [(manage_url(portal_client), 302)]
    assert settings.SITE_URL.rstrip("/") + feed_path(feed) in response.content.decode()
    assert "Anyone who has the link" in response.content.decode()


def test_creating_a_feed_twice_keeps_the_same_link(coach_client, portal_client):
    coach_client.post(manage_url(portal_client), {"action": "create"})
    token = CalendarFeed.objects.get(client=portal_client).token

    coach_client.post(manage_url(portal_client), {"action": "create"})

    assert CalendarFeed.objects.get(client=portal_client).token == token


def test_an_unknown_action_is_a_bad_request(coach_client, portal_client):
    response = coach_client.post(manage_url(portal_client), {"action": "delete-everything"})

    assert response.status_code == 400
    assert not CalendarFeed.objects.exists()


@pytest.fixture
def feed(portal_client):
    return CalendarFeed.objects.create(client=portal_client, token="a-long-random-token-for-tests")


def feed_events(client, feed):
    response = client.get(feed_path(feed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).events


def test_the_feed_lists_the_clients_interviews_without_a_login(client, coach, portal_client, feed):
    upcoming = InterviewFactory(client=portal_client, starts_at=NOW + timedelta(days=3))
    cancelled = InterviewFactory(
        client=portal_client,
        starts_at=NOW + timedelta(days=5),
        status=Interview.Status.CANCELLED,
        calendar_sequence=1,
    )
    last_month = InterviewFactory(client=portal_client, starts_at=NOW - timedelta(days=29))
    InterviewFactory(client=portal_client, starts_at=NOW - timedelta(days=31))
    InterviewFactory(client=PortalClientFactory(coach=coach), starts_at=NOW + timedelta(days=1))

    events = feed_events(client, feed)

    host = urlsplit(settings.SITE_URL).hostname
    assert [str(event["UID"]) for event in events] == [
        f"interview-{interview.pk}@{host}" for interview in (last_month, upcoming, cancelled)
    ]
    assert [str(event["STATUS"]) for event in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]


def test_the_feed_is_named_after_the_client(client, portal_client, feed):
    response = client.get(feed_path(feed))

    assert Calendar.from_ical(response.content)["X-WR-CALNAME"] == "CoachDesk · Priya Shah"


def test_the_feed_of_a_client_without_interviews_is_an_empty_calendar(client, feed):
    assert feed_events(client, feed) == []


def test_the_coach_sees_the_link_and_confirms_before_replacing_or_revoking(
    coach_client, portal_client, feed
):
    page = coach_client.get(manage_url(portal_client)).content.decode()

    assert settings.SITE_URL.rstrip("/") + feed_path(feed) in page
    assert "webcal://" + urlsplit(settings.SITE_URL).netloc + feed_path(feed) in page
    # Both actions sit behind a disclosure whose button says what will happen.
    assert page.count("<details") == 2
    assert "Yes, replace the link" in page
    assert "Yes, revoke the link" in page


def test_a_revoked_feed_stops_working(client, portal_client, feed):
    client.force_login(portal_client.user)
    response = client.post(manage_url(portal_client), {"action": "revoke"})
    client.logout()

    assert response.status_code == 302
    assert not CalendarFeed.objects.filter(client=portal_client).exists()
    assert client.get(feed_path(feed)).status_code == 404


def test_a_replaced_feed_link_stops_working_and_the_new_one_works(
    client, coach_client, portal_client, feed
):
    InterviewFactory(client=portal_client)

    coach_client.post(manage_url(portal_client), {"action": "rotate"})

    new_feed = CalendarFeed.objects.get(client=portal_client)
    assert new_feed.token != feed.token
    client.logout()
    assert client.get(feed_path(feed)).status_code == 404
    assert len(feed_events(client, new_feed)) == 1


def test_a_bad_token_is_404(client, feed):
    response = client.get(reverse("interviews:calendar_feed", kwargs={"token": "not-a-token"}))

    assert response.status_code == 404


# The feed token, then the interviews with their contacts and companies.
FEED_QUERIES = 2


@pytest.mark.parametrize("n_interviews", [5, 50])
def test_the_feed_query_count_is_flat(
    client, portal_client, feed, django_assert_max_num_queries, n_interviews
):
    for day in range(n_interviews):
        InterviewFactory(client=portal_client, starts_at=NOW + timedelta(days=day, hours=1))

    with django_assert_max_num_queries(FEED_QUERIES):
        events = feed_events(client, feed)

    assert len(events) == n_interviews
