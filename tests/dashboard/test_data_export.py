"""Download all data: the coach's zip of one client, and the client's own from the portal."""

import io
import json
import zipfile
from datetime import date, datetime

import pytest
from django.urls import reverse

from clients.models import Contact
from dashboard.data_export import client_data_export
from interviews.models import Interview

pytestmark = pytest.mark.django_db


def download(http_client, client):
    response = http_client.get(
        reverse("dashboard:export_all_data", kwargs={"client_pk": client.pk})
    )
    assert response.status_code == 200
    return response, zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def records(archive) -> dict:
    return json.loads(archive.read("client.json"))


def test_the_coach_downloads_a_zip_of_json_csvs_and_one_calendar_file_per_interview(
    coach_client, coach, client_with_everything
):
    client = client_with_everything(coach, size=2)
    interview_ids = sorted(client.interviews.values_list("pk", flat=True))

    response, archive = download(coach_client, client)

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="priya-shah-{client.pk}-data.zip"'
    )
    assert sorted(archive.namelist()) == sorted(
        [
            "README.txt",
            "client.json",
            "contacts.csv",
            "interviews.csv",
            *[f"calendar/interview-{pk}.ics" for pk in interview_ids],
        ]
    )
    ics = archive.read(f"calendar/interview-{interview_ids[0]}.ics").decode()
    assert "BEGIN:VEVENT" in ics
    assert f"UID:interview-{interview_ids[0]}@" in ics


def test_the_json_holds_every_record_of_the_client_with_iso_dates(
    coach_client, coach, client_with_everything
):
    client = client_with_everything(coach, size=2)
    interview = client.interviews.order_by("starts_at").first()

    data = records(download(coach_client, client)[1])

    assert data["exported_for"] == "coach"
    assert data["client"]["name"] == "Priya Shah"
    assert data["client"]["email"] == client.email
    assert {c["email"] for c in data["contacts"]} == set(
        client.contacts.values_list("email", flat=True)
    )
    assert len(data["companies"]) == 2
    assert len(data["touches"]) == 4
    assert {t["logged_by"] for t in data["touches"]} == {"coach", "client"}
    assert len(data["opportunities"]) == 2
    first = data["interviews"][0]
    assert first["id"] == interview.pk
    assert datetime.fromisoformat(first["starts_at"]) == interview.starts_at
    assert first["starts_at"].endswith("+00:00")
    assert first["questions"] == [
        {"position": 0, "text": "How did you start 1?", "added_by_client": False}
    ]
    assert first["debrief"]["fit"] == 4
    assert first["referred_contact_ids"] == list(
        interview.referrals.values_list("contact_id", flat=True)
    )
    assert {r["kind"] for r in data["reminders"]} == {"thank_you", "thank_you_overdue"}
    assert data["invitations"][0]["email"] == client.email
    assert data["contact_imports"][0]["rows_waiting"] == 1
    assert len(data["question_banks"]) == 1


def test_the_json_holds_the_weekly_targets_and_the_action_items_with_who_set_them(
    client, coach_client, coach, client_with_everything
):
    record = client_with_everything(coach, size=2)
    interview = record.interviews.order_by("pk").first()

    coachs = records(download(coach_client, record)[1])
    client.force_login(record.user)
    clients = records(download(client, record)[1])

    for data in (coachs, clients):
        assert [(t["kind"], t["per_week"]) for t in data["weekly_targets"]] == [("outreach", 4)]
        assert date.fromisoformat(data["weekly_targets"][0]["since"]).weekday() == 0
        items = {item["title"]: item for item in data["action_items"]}
        assert len(items) == 4
        assert items["Thank them 0"]["interview_id"] == interview.pk
        assert items["Thank them 0"]["set_by"] == "coach"
        assert items["Thank them 0"]["done_at"] is None
        own = items["My own, about them 0"]
        assert (own["set_by"], own["contact_id"] is not None) == ("client", True)
        assert datetime.fromisoformat(own["done_at"]).tzinfo is not None
        assert "created_by_id" not in own


def test_the_download_has_no_password_hash_and_no_secret_token(
    coach_client, coach, client_with_everything
):
    client = client_with_everything(coach)
    _, archive = download(coach_client, client)
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()

    assert client.user.password not in everything
    assert "pbkdf2" not in everything
    assert "md5$" not in everything
    assert client.calendar_feed.token not in everything
    assert "token" not in records(archive)["invitations"][0]


def test_the_coachs_copy_has_the_coachs_private_notes(coach_client, coach, client_with_everything):
    client = client_with_everything(coach)
    data = records(download(coach_client, client)[1])

    assert "COACH_PRIVATE contact 0" in [c["coach_notes"] for c in data["contacts"]]
    assert data["interviews"][0]["coach_notes"] == "COACH_PRIVATE interview 0"


def test_the_client_downloads_their_own_data_without_the_coachs_private_notes(
    client, coach, client_with_everything
):
    record = client_with_everything(coach)
    client.force_login(record.user)

    _, archive = download(client, record)
    data = records(archive)

    assert data["exported_for"] == "client"
    assert data["contacts"]
    assert data["interviews"]
    assert "coach_notes" not in data["contacts"][0]
    assert "coach_notes" not in data["interviews"][0]
    # Nowhere in the zip: not in the JSON, not in the contacts CSV.
    for name in archive.namelist():
        assert b"COACH_PRIVATE" not in archive.read(name), name
    # Reminders that went to the coach are the coach's, not the client's.
    assert {r["kind"] for r in data["reminders"]} == {"thank_you"}


def test_the_portal_links_to_the_clients_download(client, portal_client):
    client.force_login(portal_client.user)

    page = client.get(reverse("reminders:reminder_preferences")).content.decode()

    assert reverse("dashboard:export_all_data", kwargs={"client_pk": portal_client.pk}) in page
    assert "Download my data" in page


def test_the_client_page_links_to_the_download_and_to_erasure(coach_client, client_record):
    page = coach_client.get(
        reverse("clients:client_detail", kwargs={"client_pk": client_record.pk})
    ).content.decode()

    assert reverse("dashboard:export_all_data", kwargs={"client_pk": client_record.pk}) in page
    assert reverse("clients:client_erase", kwargs={"client_pk": client_record.pk}) in page


def test_an_empty_client_downloads_a_zip_with_empty_lists(coach_client, client_record):
    data = records(download(coach_client, client_record)[1])

    assert data["contacts"] == []
    assert data["interviews"] == []
    assert data["client"]["has_portal_login"] is False


def test_a_name_without_letters_still_makes_a_safe_filename(coach_client, coach):
    from tests.factories import ClientFactory

    client = ClientFactory(coach=coach, name='../"; rm *')
    response, _ = download(coach_client, client)

    assert response["Content-Disposition"] == f'attachment; filename="rm-{client.pk}-data.zip"'


# One per kind of record, the weekly targets and the action items included.
EXPORT_QUERIES = 18


@pytest.mark.parametrize("size", [1, 6])
def test_the_export_takes_the_same_queries_whatever_the_size(
    django_assert_max_num_queries, coach, client_with_everything, size
):
    client = client_with_everything(coach, size=size)
    assert Contact.objects.filter(client=client).count() == 2 * size
    assert Interview.objects.filter(client=client).count() == size

    with django_assert_max_num_queries(EXPORT_QUERIES):
        export = client_data_export(client=client, for_coach=True)
    with export.file:
        assert len(zipfile.ZipFile(export.file).namelist()) == 4 + size
