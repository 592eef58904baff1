"""CSV import of a client's contacts: a preview first, contacts only once the coach confirms.

Two files are understood: LinkedIn's "Connections" export and the CoachDesk template. The preview
reads and checks every row and keeps the outcome on a `ContactImport` (rows to add, rows skipped
with their reasons); no `Contact` exists until `contact_import_confirm`. Both steps load the
client's contacts and companies once and write with `bulk_create`, so a 5,000-row file costs the
same handful of queries as a 5-row one (SQLite only splits the inserts into batches).
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils.timezone import now

from .models import Client, Company, Contact, ContactImport

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

MAX_FILE_MB = 5
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
MAX_ROWS = 10_000
# LinkedIn puts a few "Notes:" lines above its header row; the header is looked for this far down.
HEADER_SCAN_LINES = 10
# Excel in many European locales writes "CSV" with semicolons.
DELIMITERS = (",", ";", "\t")

TEMPLATE_COLUMNS = ["name", "email", "company", "title", "linkedin_url", "phone", "source", "notes"]
LINKEDIN_COLUMNS = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]


def file_too_large(size: int) -> ValidationError:
    size_mb = math.ceil(size * 10 / (1024 * 1024)) / 10
    return ValidationError(
        f"The file is {size_mb} MB; the limit is {MAX_FILE_MB} MB. Split it into smaller files.",
        code="too_large",
    )


def _column_key(header: str) -> str:
    """ "LinkedIn URL", "linkedin_url" and " Linkedin-Url " all name the same column."""
    return re.sub(r"[^a-z0-9]", "", header.lower())


@dataclass(frozen=True)
class CsvFormat:
    label: str
    # Column key (see _column_key) -> row field; None for a known column that is not imported.
    columns: dict[str, str | None]
    required: frozenset[str]
    # LinkedIn decides what its export holds; a column it adds some day must not stop imports.
    # Template columns are typed by people, so one CoachDesk does not know is reported rather
    # than silently dropped.
    skips_unknown_columns: bool = False


LINKEDIN = CsvFormat(
    label="LinkedIn connections export",
    columns={
        "firstname": "first_name",
        "lastname": "last_name",
        "url": "linkedin_url",
        "emailaddress": "email",
        "company": "company",
        "position": "title",
        "connectedon": None,
    },
    required=frozenset({"first_name", "last_name"}),
    skips_unknown_columns=True,
)
TEMPLATE = CsvFormat(
    label="CoachDesk template",
    columns={
        "name": "name",
        "fullname": "name",
        "email": "email",
        "emailaddress": "email",
        "company": "company",
        "companyname": "company",
        "title": "title",
        "jobtitle": "title",
        "position": "title",
        "linkedinurl": "linkedin_url",
        "linkedin": "linkedin_url",
        "linkedinprofile": "linkedin_url",
        "phone": "phone",
        "phonenumber": "phone",
        "source": "source",
        "notes": "notes",
        "note": "notes",
    },
    required=frozenset({"name"}),
)
FORMATS = (LINKEDIN, TEMPLATE)

# What each field may hold, taken from the models so the two never disagree.
FIELD_LIMITS = [
    ("name", "name", Contact._meta.get_field("name").max_length),
    ("email", "email address", Contact._meta.get_field("email").max_length),
    ("company", "company name", Company._meta.get_field("name").max_length),
    ("title", "job title", Contact._meta.get_field("title").max_length),
    ("linkedin_url", "LinkedIn URL", Contact._meta.get_field("linkedin_url").max_length),
    ("phone", "phone number", Contact._meta.get_field("phone").max_length),
]
DEFAULT_SOURCE = Contact._meta.get_field("source").default
validate_web_address = URLValidator(schemes=["http", "https"])


def _source_key(text: str) -> str:
    return _column_key(text.replace("&", "and"))


# "friends_family", "Friends & family" and "friends and family" all find the same source.
SOURCES = {
    _source_key(text): value for value, label in Contact.Source.choices for text in (value, label)
}


@dataclass(frozen=True)
class HeaderRow:
    format: CsvFormat
    fields: list[str | None]  # the row field of each column, None where ignored
    delimiter: str
    line: int  # 1-based line of the header in the file


def _read_text(uploaded_file: UploadedFile) -> str:
    if uploaded_file.size > MAX_FILE_BYTES:
        raise file_too_large(uploaded_file.size)
    raw = uploaded_file.read()
    if raw.startswith(b"PK\x03\x04"):
        raise ValidationError(
            "This looks like an Excel workbook rather than a CSV file. In Excel, choose "
            "File › Save As › “CSV UTF-8 (Comma delimited)” and upload that file.",
            code="not_csv",
        )
    try:
        # utf-8-sig also reads the byte order mark that Excel and LinkedIn put at the start.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            "This file is not saved as UTF-8, so names with accents would come out garbled. "
            "In Excel, choose File › Save As › “CSV UTF-8 (Comma delimited)”; Google Sheets "
            "and Numbers already export CSV as UTF-8. Then upload the new file.",
            code="not_utf8",
        ) from None
    if not text.strip():
        raise ValidationError("The file is empty.", code="empty")
    return text


def _match_header(cells: list[str], csv_format: CsvFormat) -> tuple[list, list[str]] | None:
    """The field of each column and the columns the format does not know, or None when the
    format's required columns are not all there."""
    fields: list[str | None] = []
    unknown: list[str] = []
    for cell in cells:
        key = _column_key(cell)
        field = csv_format.columns.get(key)
        if key and key not in csv_format.columns:
            if not csv_format.skips_unknown_columns:
                unknown.append(cell.strip())
        elif field is not None and field in fields:
            unknown.append(f"{cell.strip()} (a second time)")
            field = None
        fields.append(field)
    if not csv_format.required <= set(fields):
        return None
    return fields, unknown


def _find_header(text: str) -> HeaderRow:
    lines = list(islice(io.StringIO(text, newline=""), HEADER_SCAN_LINES))
    unknown_columns: list[str] = []
    for number, line in enumerate(lines, start=1):
        for delimiter in DELIMITERS:
            cells = next(csv.reader([line], delimiter=delimiter), [])
            for csv_format in FORMATS:
                match = _match_header(cells, csv_format)
                if match is None:
                    continue
                fields, unknown = match
                if not unknown:
                    return HeaderRow(csv_format, fields, delimiter, number)
                unknown_columns = unknown_columns or unknown
    expected = (
        "CoachDesk reads two kinds of file: LinkedIn's connections export (columns "
        f"{', '.join(LINKEDIN_COLUMNS)}) and the CoachDesk template (columns "
        f"{', '.join(TEMPLATE_COLUMNS)}; only name is required)."
    )
    if unknown_columns:
        names = ", ".join(f"“{name}”" for name in unknown_columns)
        raise ValidationError(
            f"CoachDesk does not know these columns: {names}. Rename them to the template's "
            f"column names or delete them, then upload the file again. {expected}",
            code="unknown_columns",
        )
    first_line = next((line.strip() for line in lines if line.strip()), "")
    if len(first_line) > 80:
        first_line = first_line[:80] + "…"
    raise ValidationError(
        f"The header row was not found in the first {HEADER_SCAN_LINES} lines (the file "
        f"starts with “{first_line}”). {expected}",
        code="unknown_header",
    )


def _records(text: str, header: HeaderRow) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank row under the header with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=header.delimiter)
    last_line = 0
    count = 0
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if line <= header.line or not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise ValidationError(
                    f"The file has more than {MAX_ROWS:,} rows. Split it into files of up to "
                    f"{MAX_ROWS:,} rows and import them one after the other.",
                    code="too_many_rows",
                )
            yield line, cells
    except csv.Error as error:
        raise ValidationError(
            f"Line {last_line + 1} could not be read as CSV ({error}). Check that the file "
            "is a CSV export and upload it again.",
            code="unreadable",
        ) from error


def _linkedin_key(url: str) -> str:
    """One key for every spelling of a profile URL: scheme, "www.", case, trailing slash."""
    key = re.sub(r"^https?://", "", url.strip().lower())
    return key.removeprefix("www.").rstrip("/")


def _clean_row(cells: list[str], header: HeaderRow) -> tuple[dict, list[str]]:
    """The contact fields of one row and the reasons it cannot be imported (none if it can)."""
    values: dict[str, str] = {}
    for field, cell in zip(header.fields, cells, strict=False):
        if field is not None:
            values[field] = cell.strip()
    reasons = []
    if any(cell.strip() for cell in cells[len(header.fields) :]):
        reasons.append(
            "This row has more values than the header has columns. A value that contains "
            f"a “{header.delimiter}” needs double quotes around it."
        )

    if header.format is LINKEDIN:
        first, last = values.get("first_name", ""), values.get("last_name", "")
        name = f"{first} {last}".strip()
        if not name:
            reasons.append("First and last name are both empty.")
        source = Contact.Source.LINKEDIN.value
    else:
        name = values.get("name", "")
        if not name:
            reasons.append("The name is empty.")
        source_text = values.get("source", "")
        source = SOURCES.get(_source_key(source_text)) if source_text else DEFAULT_SOURCE
        if source is None:
            labels = ", ".join(Contact.Source.labels)
            reasons.append(f"The source “{source_text}” is not one of: {labels}.")

    linkedin_url = values.get("linkedin_url", "")
    if linkedin_url and "://" not in linkedin_url:
        linkedin_url = f"https://{linkedin_url}"
    row = {
        "name": name,
        "email": values.get("email", "").lower(),
        "company": values.get("company", ""),
        "title": values.get("title", ""),
        "linkedin_url": linkedin_url,
        "phone": values.get("phone", ""),
        "source": source or "",
        "notes": values.get("notes", ""),
    }

    too_long = set()
    for field, label, limit in FIELD_LIMITS:
        if len(row[field]) > limit:
            too_long.add(field)
            reasons.append(
                f"The {label} is {len(row[field]):,} characters long; the limit is {limit}."
            )
    if row["email"] and "email" not in too_long:
        try:
            validate_email(row["email"])
        except ValidationError:
            reasons.append(f"“{values['email']}” is not a valid email address.")
    if row["linkedin_url"] and "linkedin_url" not in too_long:
        try:
            validate_web_address(row["linkedin_url"])
        except ValidationError:
            reasons.append(f"“{values['linkedin_url']}” is not a valid web address.")
    return row, reasons


class ContactKeys:
    """Who already has each email address and LinkedIn URL: the client's contacts, loaded in
    one query, then every row accepted so far. Emails compare without case, as the database's
    unique constraints do; URLs by `_linkedin_key`, which also catches the same profile written
    with or without "www." or a trailing slash."""

    def __init__(self, client: Client):
        self.emails: dict[str, tuple[int | None, str]] = {}
        self.urls: dict[str, tuple[int | None, str]] = {}
        for name, email, url in client.contacts.values_list("name", "email", "linkedin_url"):
            self._remember(email, url, (None, name))

    def _remember(self, email: str, url: str, holder: tuple[int | None, str]) -> None:
        if email:
            self.emails.setdefault(email.lower(), holder)
        if url:
            self.urls.setdefault(_linkedin_key(url), holder)

    def add(self, row: dict, line: int) -> None:
        self._remember(row["email"], row["linkedin_url"], (line, row["name"]))

    def duplicate_reason(self, row: dict) -> str | None:
        if row["email"] and row["email"].lower() in self.emails:
            return self._reason(self.emails[row["email"].lower()], "email address")
        if row["linkedin_url"] and _linkedin_key(row["linkedin_url"]) in self.urls:
            return self._reason(self.urls[_linkedin_key(row["linkedin_url"])], "LinkedIn URL")
        return None

    @staticmethod
    def _reason(holder: tuple[int | None, str], what: str) -> str:
        line, name = holder
        if line is None:
            return f"Already a contact: {name} has the same {what}."
        return f"Same {what} as line {line} ({name})."


def _rejected(line: int, row: dict, reasons: list[str]) -> dict:
    return {"line": line, "name": row["name"], "email": row["email"], "reason": " ".join(reasons)}


def contact_import_preview(
    *, client: Client, uploaded_file: UploadedFile, by: User
) -> ContactImport:
    """Read and check the file; keep the rows to add and the rows skipped (with line and reason)
    on a new ContactImport waiting for confirmation. Writes no contact.

    Raises ValidationError, with a message for the coach, when the file as a whole cannot be
    used: too large, not UTF-8, empty, no known header row, too many rows."""
    text = _read_text(uploaded_file)
    header = _find_header(text)
    keys = ContactKeys(client)
    rows, rejected = [], []
    for line, cells in _records(text, header):
        row, reasons = _clean_row(cells, header)
        duplicate = keys.duplicate_reason(row)
        if duplicate:
            reasons.append(duplicate)
        if reasons:
            rejected.append(_rejected(line, row, reasons))
        else:
            keys.add(row, line)
            rows.append({"line": line, **row})
    if not rows and not rejected:
        raise ValidationError("The file has a header row but no contacts under it.", code="no_rows")
    return ContactImport.objects.create(
        client=client,
        uploaded_by=by,
        filename=(uploaded_file.name or "contacts.csv")[:255],
        rows=rows,
        rejected=rejected,
    )


def _company_ids(client: Client, names: list[str]) -> dict[str, int]:
    """The id of the client's company for each name (by its lower-case form). A name the client
    has in any case is reused; each new name is created once, spelled as it first appears."""
    ids = {name.lower(): pk for pk, name in client.companies.values_list("pk", "name")}
    new_names: dict[str, str] = {}
    for name in names:
        if name and name.lower() not in ids:
            new_names.setdefault(name.lower(), name)
    created = Company.objects.bulk_create(
        [Company(client=client, name=name) for name in new_names.values()]
    )
    ids.update((company.name.lower(), company.pk) for company in created)
    return ids


def _write_contacts(contact_import: ContactImport, imported_at) -> tuple[int, list[dict]]:
    claimed = ContactImport.objects.filter(
        pk=contact_import.pk, status=ContactImport.Status.PREVIEW
    ).update(status=ContactImport.Status.IMPORTED, imported_at=imported_at)
    if claimed != 1:
        raise ValidationError("This import is already finished.", code="finished")

    client = contact_import.client
    # Contacts may have been added since the preview; those rows are skipped now.
    keys = ContactKeys(client)
    rows, rejected = [], list(contact_import.rejected)
    for row in contact_import.rows:
        duplicate = keys.duplicate_reason(row)
        if duplicate:
            rejected.append(_rejected(row["line"], row, [duplicate]))
        else:
            rows.append(row)
    rejected.sort(key=lambda entry: entry["line"])

    company_ids = _company_ids(client, [row["company"] for row in rows])
    # No full_clean() per contact: the preview checked every field, and the unique
    # constraints would cost one query per row. The database still enforces them.
    Contact.objects.bulk_create(
        [
            Contact(
                client=client,
                company_id=company_ids.get(row["company"].lower()),
                name=row["name"],
                title=row["title"],
                email=row["email"],
                linkedin_url=row["linkedin_url"],
                phone=row["phone"],
                source=row["source"],
                notes=row["notes"],
            )
            for row in rows
        ]
    )
    ContactImport.objects.filter(pk=contact_import.pk).update(
        imported_count=len(rows), rejected=rejected
    )
    return len(rows), rejected


def contact_import_confirm(*, contact_import: ContactImport, by: User) -> int:
    """Create the previewed contacts (and their new companies) in one transaction; return how
    many were added.

    An import is written at most once: the status moves from preview to imported with a
    conditional update, and a second confirmation (a double click, a second tab) finds no row to
    move and raises ValidationError with code "finished". If contacts with the same email or
    URL are saved at the very same moment, the unique constraints stop the whole import and
    nothing is written (code "conflict"); confirming again skips them."""
    imported_at = now()
    try:
        with transaction.atomic():
            count, rejected = _write_contacts(contact_import, imported_at)
    except IntegrityError as error:
        raise ValidationError(
            "Some of these contacts were added by someone else at the same moment, so nothing "
            "was imported. Confirm again and CoachDesk will skip them.",
            code="conflict",
        ) from error
    contact_import.status = ContactImport.Status.IMPORTED
    contact_import.imported_at = imported_at
    contact_import.imported_count = count
    contact_import.rejected = rejected
    logger.info(
        "Contact import %s for client %s: %s contacts added by user %s",
        contact_import.pk,
        contact_import.client_id,
        count,
        by.pk,
    )
    return count


def contact_import_cancel(*, contact_import: ContactImport) -> None:
    """Drop an import waiting for confirmation. A finished import cannot be cancelled."""
    cancelled = ContactImport.objects.filter(
        pk=contact_import.pk, status=ContactImport.Status.PREVIEW
    ).update(status=ContactImport.Status.CANCELLED)
    if cancelled != 1:
        raise ValidationError("This import is already finished.", code="finished")
    contact_import.status = ContactImport.Status.CANCELLED
