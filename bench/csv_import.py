"""Times the CSV import of a LinkedIn-style export against the configured database.

    createdb -h 127.0.0.1 -U postgres coachdesk_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coachdesk_bench \\
    .venv/bin/python manage.py migrate
    DJANGO_SETTINGS_MODULE=coachdesk.settings \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coachdesk_bench \\
    .venv/bin/python bench/csv_import.py [--rows 5000] [--repeat 3]

Each run makes a throwaway coach and client who already has a few hundred contacts, previews and
confirms a generated export (a third of the rows with an email, a few hundred companies, some
duplicates and some bad emails, as real exports have), prints the time and query count of each
step, and deletes what it made.
"""

import argparse
import csv
import io
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coachdesk.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from clients.imports import contact_import_confirm, contact_import_preview  # noqa: E402
from clients.models import Client, Contact  # noqa: E402

EXISTING_CONTACTS = 300
COMPANIES = 400

LINKEDIN_PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing."\r\n'
    "\r\n"
)


def linkedin_export(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    )
    for n in range(rows):
        # Every 100th row repeats the row before it; every 97th has a broken email.
        person = n - 1 if n % 100 == 99 else n
        email = f"person{person}@example.com" if person % 3 == 0 else ""
        if n % 97 == 96:
            email = f"person{n}@"
        writer.writerow(
            [
                f"Firstname{person}",
                f"Lastname{person}",
                f"https://www.linkedin.com/in/person-{person}",
                email,
                f"Company {person % COMPANIES}",
                "Senior product manager",
                "12 Mar 2024",
            ]
        )
    return "\ufeff".encode() + LINKEDIN_PREAMBLE.encode() + out.getvalue().encode()


def run_once(content: bytes) -> dict:
    tag = uuid.uuid4().hex[:8]
    coach = User.objects.create_user(
        email=f"bench-{tag}@example.com", name="Bench Coach", role=User.Role.COACH
    )
    client = Client.objects.create(coach=coach, name="Bench Client", email=f"c-{tag}@example.com")
    # Some existing contacts, a few of whom are in the file too.
    Contact.objects.bulk_create(
        Contact(
            client=client,
            name=f"Existing {n}",
            linkedin_url=f"https://www.linkedin.com/in/person-{n * 17}",
        )
        for n in range(EXISTING_CONTACTS)
    )
    try:
        upload = SimpleUploadedFile("Connections.csv", content, content_type="text/csv")
        with CaptureQueriesContext(connection) as preview_queries:
            started = time.perf_counter()
            contact_import = contact_import_preview(client=client, uploaded_file=upload, by=coach)
            preview_seconds = time.perf_counter() - started
        with CaptureQueriesContext(connection) as confirm_queries:
            started = time.perf_counter()
            added = contact_import_confirm(contact_import=contact_import, by=coach)
            confirm_seconds = time.perf_counter() - started
        return {
            "preview": preview_seconds,
            "preview_queries": len(preview_queries),
            "confirm": confirm_seconds,
            "confirm_queries": len(confirm_queries),
            "added": added,
            "skipped": len(contact_import.rejected),
            "companies": client.companies.count(),
        }
    finally:
        client.delete()
        coach.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    content = linkedin_export(args.rows)
    vendor = connection.vendor
    print(f"{args.rows:,} rows, {len(content) / 1024:.0f} KB, database: {vendor}")
    results = []
    for attempt in range(1, args.repeat + 1):
        result = run_once(content)
        results.append(result)
        print(
            f"run {attempt}: preview {result['preview'] * 1000:.0f} ms "
            f"({result['preview_queries']} queries), "
            f"confirm {result['confirm'] * 1000:.0f} ms ({result['confirm_queries']} queries); "
            f"{result['added']:,} added, {result['skipped']:,} skipped, "
            f"{result['companies']} companies"
        )
    for step in ("preview", "confirm"):
        times = [result[step] * 1000 for result in results]
        print(f"{step}: median {statistics.median(times):.0f} ms, best {min(times):.0f} ms")


if __name__ == "__main__":
    main()
