"""Data rights in the browser: the coach downloads a client's zip and erases the client by typing
their name; the client downloads their own data from the portal."""

import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from clients.models import AuditEvent, Client
from tests.factories import CoachFactory, InterviewFactory, PortalClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def zip_from(page, link_name, folder) -> zipfile.ZipFile:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    download = download_info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return zipfile.ZipFile(path)


def test_the_coach_downloads_a_clients_data_then_erases_them_by_typing_their_name(
    live_server, page, log_in, tmp_path
):
    base = live_server.url
    coach = CoachFactory(name="Maya Okafor")
    client = PortalClientFactory(coach=coach, name="Zoe Park")
    interview = InterviewFactory(client=client, coach_notes="Nervous about salary questions")
    log_in(page, base, coach.email)

    page.goto(f"{base}/clients/{client.pk}/")
    archive = zip_from(page, "Download all data", tmp_path)

    assert f"calendar/interview-{interview.pk}.ics" in archive.namelist()
    records = json.loads(archive.read("client.json"))
    assert records["client"]["name"] == "Zoe Park"
    assert records["interviews"][0]["coach_notes"] == "Nervous about salary questions"

    page.get_by_role("link", name="Erase…").click()
    expect(page.get_by_text("It cannot be undone.")).to_be_visible()
    confirm = page.get_by_label("Type “Zoe Park” to confirm")
    confirm.fill("Zoe Parks")
    page.get_by_role("button", name="Erase Zoe Park").click()
    expect(page.get_by_text("That is not the client’s full name.")).to_be_visible()
    expect(page.get_by_label("Type “Zoe Park” to confirm")).to_have_value("Zoe Parks")
    assert Client.objects.filter(pk=client.pk).exists()

    page.get_by_label("Type “Zoe Park” to confirm").fill("Zoe Park")
    page.get_by_role("button", name="Erase Zoe Park").click()

    expect(page).to_have_url(re.compile(r"/clients/$"))
    expect(page.get_by_role("alert")).to_contain_text("Zoe Park and everything recorded")
    expect(page.get_by_role("link", name="Zoe Park")).to_have_count(0)
    assert not Client.objects.filter(pk=client.pk).exists()
    assert AuditEvent.objects.get().client_number == client.pk


def test_the_client_downloads_their_own_data_without_the_coachs_private_notes(
    live_server, page, log_in, tmp_path
):
    base = live_server.url
    client = PortalClientFactory(name="Zoe Park")
    InterviewFactory(client=client, coach_notes="Nervous about salary questions")
    log_in(page, base, client.user.email)

    page.get_by_role("link", name="Reminders").click()
    archive = zip_from(page, "Download my data", tmp_path)

    records = json.loads(archive.read("client.json"))
    assert records["exported_for"] == "client"
    assert len(records["interviews"]) == 1
    for name in archive.namelist():
        assert b"salary" not in archive.read(name), name
