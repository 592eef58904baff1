import csv
import io
import math

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client as WebClient
from django.urls import reverse

from clients.imports import (
    ContactKeys,
    contact_import_cancel,
    contact_import_confirm,
    contact_import_preview,
)
from clients.models import Company, Contact, ContactImport
from tests.factories import ClientFactory, CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db

# What LinkedIn's Connections.csv starts with: notes, a blank line, then the header.
LINKEDIN_NOTES = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    "missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address using this setting."\r\n'
    "\r\n"
)
LINKEDIN_HEADER = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]
FIRST_LINKEDIN_ROW = 5  # notes on lines 1-3, header on line 4


def csv_text(header, rows, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def linkedin_export(rows):
    return LINKEDIN_NOTES + csv_text(LINKEDIN_HEADER, rows)


def upload(text, name="contacts.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def generated_linkedin_rows(count, companies=20):
    return [
        [
            f"First{n}",
            f"Last{n}",
            f"https://www.linkedin.com/in/person-{n}",
            f"person{n}@example.com" if n % 3 == 0 else "",
            f"Company {n % companies}",
            "Engineering manager",
            "12 Mar 2024",
        ]
        for n in range(count)
    ]


def preview(client_record, text, **kwargs):
    return contact_import_preview(
        client=client_record, uploaded_file=upload(text, **kwargs), by=client_record.coach
    )


def reasons_by_line(contact_import):
    return {entry["line"]: entry["reason"] for entry in contact_import.rejected}


# --- Reading the file ----------------------------------------------------------------------


def test_a_linkedin_export_with_notes_above_the_header_becomes_linkedin_contacts(client_record):
    text = linkedin_export(
        [
            [
                "Ana",
                "Lima",
                "https://www.linkedin.com/in/ana-lima",
                "",
                "Acme",
                "CTO",
                "1 Jan 2024",
            ],
            ["Ben", "Okoro", "https://www.linkedin.com/in/ben", "ben@x.org", "", "", "2 Jan 2024"],
        ]
    )

    contact_import = preview(client_record, text, name="Connections.csv")

    assert contact_import.status == ContactImport.Status.PREVIEW
    assert contact_import.filename == "Connections.csv"
    assert contact_import.rejected == []
    assert contact_import.rows == [
        {
            "line": FIRST_LINKEDIN_ROW,
            "name": "Ana Lima",
            "email": "",
            "company": "Acme",
            "title": "CTO",
            "linkedin_url": "https://www.linkedin.com/in/ana-lima",
            "phone": "",
            "source": "linkedin",
            "notes": "",
        },
        {
            "line": FIRST_LINKEDIN_ROW + 1,
            "name": "Ben Okoro",
            "email": "ben@x.org",
            "company": "",
            "title": "",
            "linkedin_url": "https://www.linkedin.com/in/ben",
            "phone": "",
            "source": "linkedin",
            "notes": "",
        },
    ]


def test_the_template_is_read_with_headers_in_any_case_spacing_or_underscores(client_record):
    text = csv_text(
        ["Name", "E-mail", "Company", "Job Title", "LinkedIn URL", "phone", " Source ", "NOTES"],
        [
            [
                "Chloé Martin",
                "Chloe@Example.com",
                "Fabrikam",
                "Designer",
                "linkedin.com/in/chloe",
                "+33 1 23",
                "friends & family",
                "Met at a wedding",
            ],
            ["Dev Patel", "", "", "", "", "", "alumni", ""],
            ["Eve Stone", "", "", "", "", "", "", ""],
        ],
    )

    contact_import = preview(client_record, text)

    assert contact_import.rejected == []
    first, second, third = contact_import.rows
    assert first == {
        "line": 2,
        "name": "Chloé Martin",
        "email": "chloe@example.com",
        "company": "Fabrikam",
        "title": "Designer",
        "linkedin_url": "https://linkedin.com/in/chloe",
        "phone": "+33 1 23",
        "source": Contact.Source.FRIENDS_FAMILY,
        "notes": "Met at a wedding",
    }
    assert second["source"] == Contact.Source.ALUMNI
    assert third["source"] == Contact.Source.LINKEDIN  # the model's default


def test_a_file_saved_with_a_byte_order_mark_keeps_its_accents(client_record):
    text = "\ufeffname,email\r\nJosé Álvarez,jose@example.com\r\n"

    contact_import = preview(client_record, text)

    assert [row["name"] for row in contact_import.rows] == ["José Álvarez"]


def test_a_semicolon_separated_file_from_excel_is_read(client_record):
    text = csv_text(["name", "company"], [["Ada Brandt", "Müller; Söhne GmbH"]], delimiter=";")

    contact_import = preview(client_record, text)

    assert contact_import.rows[0]["company"] == "Müller; Söhne GmbH"


def test_an_unknown_header_is_refused_and_the_message_names_the_expected_columns(client_record):
    text = csv_text(["Full Name Please", "Mail"], [["Ana", "ana@example.com"]])

    with pytest.raises(ValidationError) as raised:
        preview(client_record, text)

    message = raised.value.messages[0]
    assert "header row was not found" in message
    assert "First Name, Last Name, URL, Email Address, Company, Position, Connected On" in message
    assert "name, email, company, title, linkedin_url, phone, source, notes" in message
    assert ContactImport.objects.count() == 0


def test_columns_the_template_does_not_know_are_named_rather_than_dropped(client_record):
    text = csv_text(["name", "email", "Mobile", "Priority"], [["Ana", "", "07700", "high"]])

    with pytest.raises(ValidationError) as raised:
        preview(client_record, text)

    assert "does not know these columns: “Mobile”, “Priority”" in raised.value.messages[0]


def test_a_column_linkedin_adds_to_its_export_one_day_does_not_stop_the_import(client_record):
    text = csv_text(LINKEDIN_HEADER + ["Phone Numbers"], [["Ana", "Lima", "", "", "", "", "", "1"]])

    contact_import = preview(client_record, text)

    assert [row["name"] for row in contact_import.rows] == ["Ana Lima"]


def test_a_row_the_csv_reader_cannot_take_is_refused_with_its_line(client_record):
    text = "name,notes\r\nAna Lima,short\r\nBen Okoro," + "x" * 200_000 + "\r\n"

    with pytest.raises(ValidationError) as raised:
        preview(client_record, text)

    assert raised.value.messages[0].startswith("Line 3 could not be read as CSV")
    assert ContactImport.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused_with_how_to_save_it(client_record):
    text = "name,email\r\nZoë Brontë,zoe@example.com\r\n"

    with pytest.raises(ValidationError) as raised:
        preview(client_record, text, encoding="cp1252")

    assert "not saved as UTF-8" in raised.value.messages[0]
    assert "CSV UTF-8" in raised.value.messages[0]
    assert ContactImport.objects.count() == 0


def test_an_excel_workbook_is_refused_with_how_to_save_it_as_csv(client_record):
    workbook = SimpleUploadedFile("contacts.xlsx", b"PK\x03\x04" + b"\x00" * 100)

    with pytest.raises(ValidationError) as raised:
        contact_import_preview(client=client_record, uploaded_file=workbook, by=client_record.coach)

    assert "Excel workbook" in raised.value.messages[0]


def test_a_file_over_5_mb_is_refused_with_the_limit_and_nothing_is_written(client_record):
    row = "Ana Lima,,Acme,A title long enough to fill the file quickly,,,,\r\n"
    text = "name,email,company,title,linkedin_url,phone,source,notes\r\n" + row * 163_500

    with pytest.raises(ValidationError) as raised:
        preview(client_record, text)

    assert raised.value.messages == [
        "The file is 10.2 MB; the limit is 5 MB. Split it into smaller files."
    ]
    assert ContactImport.objects.count() == 0
    assert Contact.objects.count() == 0


@pytest.mark.parametrize("text", ["", "\ufeff", " \r\n\r\n"])
def test_an_empty_file_is_refused(client_record, text):
    with pytest.raises(ValidationError) as raised:
        preview(client_record, text)

    assert raised.value.messages == ["The file is empty."]


def test_a_header_without_rows_is_refused(client_record):
    with pytest.raises(ValidationError) as raised:
        preview(client_record, "name,email\r\n\r\n")

    assert "no contacts under it" in raised.value.messages[0]


def test_more_than_10000_rows_are_refused(client_record):
    text = csv_text(["name"], [[f"Person {n}"] for n in range(10_001)])

    with pytest.raises(ValidationError) as raised:
        preview(client_record, text)

    assert "more than 10,000 rows" in raised.value.messages[0]
    assert ContactImport.objects.count() == 0


# --- Checking each row ---------------------------------------------------------------------


def test_duplicates_in_the_file_and_of_existing_contacts_are_skipped_with_what_they_repeat(
    client_record,
):
    ContactFactory(client=client_record, name="Ana Lima", email="ana@example.com")
    ContactFactory(
        client=client_record,
        name="Ben Okoro",
        email="",
        linkedin_url="https://www.linkedin.com/in/ben",
    )
    ContactFactory(email="carla@example.com")  # another client's contact is no duplicate
    text = linkedin_export(
        [
            ["Ana", "L.", "", "ANA@example.com", "", "", ""],
            ["Benjamin", "Okoro", "http://linkedin.com/in/Ben/", "", "", "", ""],
            ["Carla", "Diaz", "https://www.linkedin.com/in/carla", "carla@example.com", "", "", ""],
            ["Carla", "D.", "", "Carla@Example.com", "", "", ""],
            ["C.", "Diaz", "https://www.linkedin.com/in/carla/", "", "", "", ""],
        ]
    )

    contact_import = preview(client_record, text)

    line = FIRST_LINKEDIN_ROW
    assert [row["name"] for row in contact_import.rows] == ["Carla Diaz"]
    assert reasons_by_line(contact_import) == {
        line: "Already a contact: Ana Lima has the same email address.",
        line + 1: "Already a contact: Ben Okoro has the same LinkedIn URL.",
        line + 3: f"Same email address as line {line + 2} (Carla Diaz).",
        line + 4: f"Same LinkedIn URL as line {line + 2} (Carla Diaz).",
    }
    assert contact_import.rejected[0]["name"] == "Ana L."
    assert contact_import.rejected[0]["email"] == "ana@example.com"


def test_an_invalid_email_is_skipped_with_the_reason(client_record):
    text = csv_text(["name", "email"], [["Ana Lima", "ana@@example"], ["Ben Okoro", "ben@x.org"]])

    contact_import = preview(client_record, text)

    assert [row["name"] for row in contact_import.rows] == ["Ben Okoro"]
    assert contact_import.rejected == [
        {
            "line": 2,
            "name": "Ana Lima",
            "email": "ana@@example",
            "reason": "“ana@@example” is not a valid email address.",
        }
    ]


def test_rows_with_missing_names_bad_urls_unknown_sources_or_too_long_values_say_why(
    client_record,
):
    text = csv_text(
        ["name", "linkedin_url", "source", "title", "notes"],
        [
            ["", "", "", "", "only notes"],
            ["Ana Lima", "not a url", "", "", ""],
            ["Ben Okoro", "", "Conference", "", ""],
            ["Carla Diaz", "", "", "x" * 201, ""],
            ["Dev Patel", "", "", "", "x" * 5000],
        ],
    )

    contact_import = preview(client_record, text)

    assert reasons_by_line(contact_import) == {
        2: "The name is empty.",
        3: "“not a url” is not a valid web address.",
        4: (
            "The source “Conference” is not one of: LinkedIn, Friends & family, Alumni, "
            "Colleague, Referral, Cold, Event, Other."
        ),
        5: "The job title is 201 characters long; the limit is 200.",
    }
    assert [row["name"] for row in contact_import.rows] == ["Dev Patel"]


def test_a_linkedin_row_without_a_name_and_a_row_with_extra_values_are_skipped(client_record):
    text = LINKEDIN_NOTES + (
        ",".join(LINKEDIN_HEADER) + "\r\n"
        ",,https://www.linkedin.com/in/nobody,,,,\r\n"
        "Ana,Lima,,,Acme, Inc,CEO,1 Jan 2024\r\n"
    )

    contact_import = preview(client_record, text)

    reasons = reasons_by_line(contact_import)
    assert reasons[FIRST_LINKEDIN_ROW] == "First and last name are both empty."
    assert "more values than the header has columns" in reasons[FIRST_LINKEDIN_ROW + 1]
    assert contact_import.rows == []


def test_the_preview_writes_no_contacts_or_companies(client_record):
    contact_import = preview(client_record, linkedin_export(generated_linkedin_rows(30)))

    assert len(contact_import.rows) == 30
    assert Contact.objects.count() == 0
    assert Company.objects.count() == 0


# --- Confirming and cancelling -------------------------------------------------------------


def test_confirm_writes_the_contacts_and_creates_each_company_once(client_record):
    existing = CompanyFactory(client=client_record, name="Acme Corp")
    CompanyFactory(name="Globex")  # another client's company is not reused
    text = csv_text(
        ["name", "email", "company", "title", "source"],
        [
            ["Ana Lima", "ana@example.com", "ACME corp", "CTO", "Colleague"],
            ["Ben Okoro", "", "Globex", "", ""],
            ["Carla Diaz", "", "globex", "", ""],
            ["Dev Patel", "", "", "", ""],
        ],
    )
    contact_import = preview(client_record, text)

    count = contact_import_confirm(contact_import=contact_import, by=client_record.coach)

    assert count == 4
    contacts = {c.name: c for c in Contact.objects.filter(client=client_record)}
    assert set(contacts) == {"Ana Lima", "Ben Okoro", "Carla Diaz", "Dev Patel"}
    assert contacts["Ana Lima"].company == existing
    assert contacts["Ana Lima"].email == "ana@example.com"
    assert contacts["Ana Lima"].title == "CTO"
    assert contacts["Ana Lima"].source == Contact.Source.COLLEAGUE
    assert contacts["Ana Lima"].stage == Contact.Stage.IDENTIFIED
    assert contacts["Ben Okoro"].company == contacts["Carla Diaz"].company
    assert contacts["Ben Okoro"].company.name == "Globex"
    assert contacts["Dev Patel"].company is None
    assert sorted(client_record.companies.values_list("name", flat=True)) == ["Acme Corp", "Globex"]
    contact_import.refresh_from_db()
    assert contact_import.status == ContactImport.Status.IMPORTED
    assert contact_import.imported_count == 4
    assert contact_import.imported_at is not None


def test_a_second_confirm_imports_nothing_more(client_record):
    contact_import = preview(client_record, linkedin_export(generated_linkedin_rows(3)))
    contact_import_confirm(contact_import=contact_import, by=client_record.coach)
    stale_copy = ContactImport.objects.get(pk=contact_import.pk)
    stale_copy.status = ContactImport.Status.PREVIEW  # as a second browser tab still sees it

    with pytest.raises(ValidationError) as raised:
        contact_import_confirm(contact_import=stale_copy, by=client_record.coach)

    assert raised.value.code == "finished"
    assert Contact.objects.count() == 3
    assert Company.objects.count() == 3
    assert ContactImport.objects.get(pk=contact_import.pk).imported_count == 3


def test_confirm_skips_rows_whose_contact_was_added_after_the_preview(client_record):
    text = csv_text(["name", "email"], [["Ana Lima", "ana@example.com"], ["Ben Okoro", ""]])
    contact_import = preview(client_record, text)
    ContactFactory(client=client_record, name="Ana L.", email="ANA@example.com")

    count = contact_import_confirm(contact_import=contact_import, by=client_record.coach)

    assert count == 1
    assert Contact.objects.filter(client=client_record, name="Ben Okoro").exists()
    assert not Contact.objects.filter(client=client_record, name="Ana Lima").exists()
    contact_import.refresh_from_db()
    assert contact_import.imported_count == 1
    assert contact_import.rejected == [
        {
            "line": 2,
            "name": "Ana Lima",
            "email": "ana@example.com",
            "reason": "Already a contact: Ana L. has the same email address.",
        }
    ]


def test_cancel_keeps_the_contacts_out_and_a_cancelled_import_cannot_be_confirmed(
    client_record,
):
    contact_import = preview(client_record, linkedin_export(generated_linkedin_rows(3)))

    contact_import_cancel(contact_import=contact_import)

    assert ContactImport.objects.get().status == ContactImport.Status.CANCELLED
    with pytest.raises(ValidationError):
        contact_import_confirm(contact_import=contact_import, by=client_record.coach)
    assert Contact.objects.count() == 0


def test_a_contact_saved_at_the_same_moment_stops_the_whole_import_until_confirmed_again(
    client_record, monkeypatch
):
    text = csv_text(["name", "email"], [["Ana Lima", "ana@example.com"], ["Ben Okoro", ""]])
    contact_import = preview(client_record, text)
    ContactFactory(client=client_record, name="Ana L.", email="ana@example.com")
    # As if Ana were saved between confirm's duplicate check and its insert.
    with monkeypatch.context() as patch:
        patch.setattr(ContactKeys, "duplicate_reason", lambda self, row: None)
        with pytest.raises(ValidationError) as raised:
            contact_import_confirm(contact_import=contact_import, by=client_record.coach)

    assert raised.value.code == "conflict"
    assert list(Contact.objects.values_list("name", flat=True)) == ["Ana L."]
    assert ContactImport.objects.get().status == ContactImport.Status.PREVIEW
    assert contact_import_confirm(contact_import=contact_import, by=client_record.coach) == 1


def extra_insert_statements(model, rows):
    """Inserts bulk_create needs beyond the first. None on PostgreSQL; SQLite's 999-parameter
    limit splits 5,000 contacts into batches of 76."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    batch = connection.ops.bulk_batch_size(fields, [None] * rows)
    return math.ceil(rows / batch) - 1


@pytest.mark.parametrize("rows", [50, 5_000])
def test_preview_and_confirm_use_the_same_few_queries_for_50_or_5000_rows(
    client_record, django_assert_max_num_queries, rows
):
    ContactFactory.create_batch(5, client=client_record)
    text = linkedin_export(generated_linkedin_rows(rows))

    with django_assert_max_num_queries(2):
        contact_import = preview(client_record, text)
    with django_assert_max_num_queries(8 + extra_insert_statements(Contact, rows)):
        count = contact_import_confirm(contact_import=contact_import, by=client_record.coach)

    assert count == rows
    assert Contact.objects.filter(client=client_record).count() == rows + 5


# --- Pages ---------------------------------------------------------------------------------


@pytest.fixture
def previewed_import(client_record):
    text = csv_text(
        ["name", "email", "company"],
        [
            ["Ana Lima", "ana@example.com", "Acme"],
            ["Ben Okoro", "ben@@example", ""],
            ["Carla Diaz", "", "Acme"],
        ],
    )
    return preview(client_record, text)


def import_url(name, contact_import):
    return reverse(
        f"clients:{name}",
        kwargs={"client_pk": contact_import.client_id, "import_pk": contact_import.pk},
    )


def test_the_upload_page_explains_both_formats_and_links_the_template(coach_client, client_record):
    response = coach_client.get(
        reverse("clients:import_upload", kwargs={"client_pk": client_record.pk})
    )

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert "Connections.csv" in response.text
    assert "name, email, company, title, linkedin_url, phone, source, notes" in response.text
    assert (
        reverse("clients:import_template", kwargs={"client_pk": client_record.pk}) in response.text
    )
    assert reverse("clients:client_detail", kwargs={"client_pk": client_record.pk}) in response.text


def test_the_downloaded_template_is_a_file_the_import_accepts(coach_client, client_record):
    response = coach_client.get(
        reverse("clients:import_template", kwargs={"client_pk": client_record.pk})
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "name,email,company,title,linkedin_url,phone,source,notes"
    contact_import = preview(client_record, text)
    assert len(contact_import.rows) == 1
    assert contact_import.rejected == []


def test_uploading_a_file_shows_what_will_be_added_and_what_skipped(coach_client, client_record):
    text = csv_text(
        ["name", "email"], [["Ana Lima", "ana@example.com"], ["Ben Okoro", "ben@@example"]]
    )
    url = reverse("clients:import_upload", kwargs={"client_pk": client_record.pk})

    response = coach_client.post(url, {"file": upload(text)})

    contact_import = ContactImport.objects.get()
    assert response.status_code == 302
    assert response.url == import_url("import_preview", contact_import)
    page = coach_client.get(response.url)
    assert "1 contact will be added" in page.text
    assert "1 row will be skipped" in page.text
    assert "Ana Lima" in page.text
    assert "“ben@@example” is not a valid email address." in page.text
    assert import_url("import_confirm", contact_import) in page.text
    assert import_url("import_cancel", contact_import) in page.text
    assert Contact.objects.count() == 0


def test_a_preview_with_nothing_skipped_says_so(coach_client, client_record):
    contact_import = preview(client_record, "name\r\nAna Lima\r\n")

    page = coach_client.get(import_url("import_preview", contact_import))

    assert "No row will be skipped" in page.text
    assert "nothing will be skipped" in page.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,email\r\nZoë,zoe@example.com\r\n".encode("cp1252"), "not saved as UTF-8"),
        (b"Mail,Phone\r\nana@example.com,0123\r\n", "header row was not found"),
        (b"", "The submitted file is empty."),
    ],
)
def test_an_unusable_file_re_renders_the_form_with_the_reason(
    coach_client, client_record, content, message
):
    url = reverse("clients:import_upload", kwargs={"client_pk": client_record.pk})

    response = coach_client.post(url, {"file": SimpleUploadedFile("contacts.csv", content)})

    assert response.status_code == 200
    assert message in response.text
    assert 'enctype="multipart/form-data"' in response.text
    assert ContactImport.objects.count() == 0


def test_a_file_over_5_mb_re_renders_the_form_with_the_limit(coach_client, client_record):
    url = reverse("clients:import_upload", kwargs={"client_pk": client_record.pk})
    big = SimpleUploadedFile("contacts.csv", b"name\r\n" + b"Ana Lima\r\n" * 600_000)

    response = coach_client.post(url, {"file": big})

    assert response.status_code == 200
    assert "The file is 5.8 MB; the limit is 5 MB. Split it into smaller files." in response.text
    assert ContactImport.objects.count() == 0
    assert Contact.objects.count() == 0


def test_posting_without_a_file_re_renders_the_form_with_an_error(coach_client, client_record):
    url = reverse("clients:import_upload", kwargs={"client_pk": client_record.pk})

    response = coach_client.post(url, {})

    assert response.status_code == 200
    assert "This field is required." in response.text


def test_confirming_adds_the_contacts_and_says_how_many(coach_client, previewed_import):
    response = coach_client.post(import_url("import_confirm", previewed_import), follow=True)

    client_pk = previewed_import.client_id
    assert response.redirect_chain[-1][0] == reverse(
        "clients:contact_list", kwargs={"client_pk": client_pk}
    )
    assert "Imported 2 contacts; 1 row skipped." in response.text
    assert sorted(Contact.objects.values_list("name", flat=True)) == ["Ana Lima", "Carla Diaz"]
    assert Company.objects.filter(client_id=client_pk).count() == 1


def test_a_second_click_on_confirm_adds_nothing_and_shows_the_result(
    coach_client, previewed_import
):
    coach_client.post(import_url("import_confirm", previewed_import))

    response = coach_client.post(import_url("import_confirm", previewed_import), follow=True)

    assert response.redirect_chain[-1][0] == import_url("import_preview", previewed_import)
    assert "This import is already finished." in response.text
    assert "Imported 2 contacts on" in response.text
    assert import_url("import_confirm", previewed_import) not in response.text
    assert Contact.objects.count() == 2


def test_cancelling_adds_nothing_and_returns_to_the_upload_page(coach_client, previewed_import):
    response = coach_client.post(import_url("import_cancel", previewed_import), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "clients:import_upload", kwargs={"client_pk": previewed_import.client_id}
    )
    assert "Import cancelled; no contacts were added." in response.text
    assert Contact.objects.count() == 0
    page = coach_client.get(import_url("import_preview", previewed_import))
    assert "This import was cancelled; nothing was added." in page.text


def test_the_preview_lists_the_first_50_contacts_and_pages_skipped_rows_by_100(
    coach_client, client_record
):
    rows = [[f"Person {n}", f"person{n}@example.com"] for n in range(60)]
    rows += [[f"Broken {n}", f"broken{n}@"] for n in range(250)]
    contact_import = preview(client_record, csv_text(["name", "email"], rows))
    url = import_url("import_preview", contact_import)

    first = coach_client.get(url)
    last = coach_client.get(url, {"page": 3})

    assert "Person 49<" in first.text
    assert "Person 50<" not in first.text
    assert "The first 50 of 60" in first.text
    assert first.text.count("is not a valid email address") == 100
    assert "Page 1 of 3" in first.text
    assert last.text.count("is not a valid email address") == 50
    assert "Broken 249" in last.text


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "url_name",
    ["import_upload", "import_template", "import_preview", "import_confirm", "import_cancel"],
)
def test_another_coach_gets_404_on_every_import_page(
    other_coach, previewed_import, method, url_name
):
    web = WebClient()
    web.force_login(other_coach)
    kwargs = {"client_pk": previewed_import.client_id}
    if url_name not in ("import_upload", "import_template"):
        kwargs["import_pk"] = previewed_import.pk
    url = reverse(f"clients:{url_name}", kwargs=kwargs)

    response = getattr(web, method)(
        url, {"file": upload("name\r\nMallory\r\n")} if method == "post" else {}
    )

    assert response.status_code == 404
    assert ContactImport.objects.get().status == ContactImport.Status.PREVIEW
    assert ContactImport.objects.count() == 1
    assert Contact.objects.count() == 0


def test_a_client_logged_in_to_the_portal_gets_404_on_the_import(portal_client, previewed_import):
    web = WebClient()
    web.force_login(portal_client.user)
    url = reverse("clients:import_upload", kwargs={"client_pk": portal_client.pk})

    assert web.get(url).status_code == 404
    assert web.get(import_url("import_preview", previewed_import)).status_code == 404


def test_an_import_is_only_found_under_its_own_client(coach_client, coach, previewed_import):
    other_client = ClientFactory(coach=coach)
    kwargs = {"client_pk": other_client.pk, "import_pk": previewed_import.pk}

    assert coach_client.get(reverse("clients:import_preview", kwargs=kwargs)).status_code == 404
    assert coach_client.post(reverse("clients:import_confirm", kwargs=kwargs)).status_code == 404
    assert Contact.objects.count() == 0


def test_confirm_and_cancel_only_answer_post(coach_client, previewed_import):
    assert coach_client.get(import_url("import_confirm", previewed_import)).status_code == 405
    assert coach_client.get(import_url("import_cancel", previewed_import)).status_code == 405
    assert ContactImport.objects.get().status == ContactImport.Status.PREVIEW


def test_a_file_declared_over_5_mb_is_refused_before_it_is_read(
    coach_client, client_record, unread_post
):
    url = reverse("clients:import_upload", kwargs={"client_pk": client_record.pk})

    response = unread_post(coach_client, url, size=int(5.5 * 1024 * 1024))

    assert response.status_code == 200
    assert "The file is 5.5 MB; the limit is 5 MB. Split it into smaller files." in response.text
    assert 'enctype="multipart/form-data"' in response.text
    assert ContactImport.objects.count() == 0


def test_an_upload_without_the_csrf_token_is_still_refused(coach, client_record):
    from django.test import Client as HttpClient

    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(coach)
    url = reverse("clients:import_upload", kwargs={"client_pk": client_record.pk})

    response = browser.post(url, {"file": SimpleUploadedFile("contacts.csv", b"name\r\nAna\r\n")})

    assert response.status_code == 403
    assert ContactImport.objects.count() == 0
