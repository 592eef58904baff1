"""Everything CoachDesk holds about one client, as one zip: the coach's "download all data"
and the client's "download my data".

The zip holds:

- `client.json`: every record of the client, field by field as listed below (never a password
  hash, an invitation link or a calendar-feed token), dates and times in ISO 8601 (UTC);
  records point to each other by `id` (a touch's `contact_id`, an interview's `contact_id`...);
- `contacts.csv` and `interviews.csv`: the CSV exports of the Progress tab (dashboard.exports);
- `calendar/interview-<id>.ics`: one calendar file per interview (interviews.calendar);
- `README.txt`: what the files are.

The client's own copy leaves out what only their coach sees (COACH_ONLY: the coach's private
notes on contacts and interviews) and the reminders that went to the coach. Built with a fixed
number of queries whatever the size of the caseload, in a file that stays in memory while small
and spills to disk when large.
"""

import datetime
import json
import tempfile
import zipfile
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.text import slugify

from clients.models import Client, Touch
from interviews import calendar
from interviews.models import Debrief, InterviewQuestion, Referral
from reminders.emails import COACH_KINDS
from reminders.models import Reminder

from . import exports

FORMAT_VERSION = 1
# Zips up to this size are built in memory; larger ones in a temporary file.
IN_MEMORY_BYTES = 8 * 1024 * 1024

# The fields each record has in client.json. Explicit, so that a new column (a secret token,
# say) reaches the download only when someone decides it belongs there.
CLIENT_FIELDS = (
    "id",
    "name",
    "email",
    "timezone",
    "goal",
    "target_roles",
    "status",
    "remind_follow_ups",
    "remind_keep_in_touch",
    "keep_in_touch_weeks",
    "created_at",
    "updated_at",
)
COMPANY_FIELDS = (
    "id",
    "name",
    "website",
    "notes",
    "motivation",
    "posting",
    "advocacy",
    "created_at",
)
CONTACT_FIELDS = (
    "id",
    "company_id",
    "name",
    "title",
    "email",
    "linkedin_url",
    "phone",
    "source",
    "stage",
    "notes",
    "coach_notes",
    "reminders_paused_until",
    "created_at",
    "updated_at",
)
TOUCH_FIELDS = ("id", "contact_id", "kind", "channel", "at", "note", "created_at")
OPPORTUNITY_FIELDS = ("id", "contact_id", "kind", "note", "at", "created_at")
INTERVIEW_FIELDS = (
    "id",
    "contact_id",
    "starts_at",
    "duration_minutes",
    "format",
    "platform",
    "meeting_link",
    "phone",
    "location",
    "status",
    "pitch",
    "research_notes",
    "checklist_done",
    "coach_notes",
    "created_at",
    "updated_at",
)
QUESTION_FIELDS = ("position", "text", "added_by_client")
DEBRIEF_FIELDS = (
    "highlights",
    "advice",
    "fit",
    "reflection_fit",
    "reflection_interest",
    "reflection_prepare",
    "next_steps",
    "thank_you_sent_at",
    "created_at",
    "updated_at",
)
REMINDER_FIELDS = (
    "id",
    "kind",
    "status",
    "interview_id",
    "contact_id",
    "recipient_email",
    "due_at",
    "sent_at",
)
WEEKLY_TARGET_FIELDS = ("id", "kind", "per_week", "since", "created_at", "updated_at")
ACTION_ITEM_FIELDS = (
    "id",
    "title",
    "notes",
    "due_on",
    "set_by",
    "contact_id",
    "company_id",
    "interview_id",
    "done_at",
    "created_at",
    "updated_at",
)
INVITATION_FIELDS = ("id", "email", "sent_at", "accepted_at", "revoked_at")
IMPORT_FIELDS = ("id", "filename", "status", "created_at", "imported_at", "imported_count")

# What only the coach sees (the prep page and contact page show these to the coach alone).
COACH_ONLY = {"contacts": {"coach_notes"}, "interviews": {"coach_notes"}}

README = """\
Everything CoachDesk holds about {name}, exported {exported_at} (UTC) for {audience}.

client.json      every record: the client, companies, contacts, touches (outreach, replies,
                 thank-yous...), opportunities, interviews with their chosen questions,
                 debriefs and referrals, weekly targets, action items (who set each: the
                 coach or the client), reminders, portal invitations, contact imports.
                 Records refer to each other by "id"; times are ISO 8601 in UTC.
contacts.csv     the contacts, as on the Progress tab.
interviews.csv   the interviews with their debriefs, as on the Progress tab.
calendar/        one calendar file (.ics) per interview.
"""


class RecordsEncoder(DjangoJSONEncoder):
    """Django's encoder, but times to the microsecond as stored (it cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


@dataclass(frozen=True)
class DataExport:
    filename: str
    file: tempfile.SpooledTemporaryFile  # at position 0, to be read and closed by the caller


def client_data_export(*, client: Client, for_coach: bool) -> DataExport:
    """The zip of everything about `client`; `for_coach` False is the client's own copy."""
    records = client_records(client, for_coach=for_coach)
    # Not a `with`: the open file is handed to the caller (a FileResponse closes it when sent).
    file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115
    try:
        _write_zip(file, client, records, for_coach=for_coach)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return DataExport(
        filename=f"{slugify(client.name) or 'client'}-{client.pk}-data.zip", file=file
    )


def _write_zip(file, client: Client, records: dict, *, for_coach: bool) -> None:
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                name=client.name,
                exported_at=f"{records['exported_at']:%Y-%m-%d %H:%M}",
                audience="their coach" if for_coach else "them",
            ),
        )
        archive.writestr(
            "client.json", json.dumps(records, cls=RecordsEncoder, indent=2, ensure_ascii=False)
        )
        archive.writestr("contacts.csv", exports.contacts_csv(client, include_private=for_coach))
        archive.writestr("interviews.csv", exports.interviews_csv(client))
        for interview in _interviews_for_calendar(client):
            archive.writestr(
                f"calendar/interview-{interview.pk}.ics",
                calendar.calendar_for([interview], name=calendar.feed_name(client)),
            )


def client_records(client: Client, *, for_coach: bool) -> dict:
    """client.json's content: plain values, a fixed number of queries."""

    def fields(kind, listed):
        return (
            listed if for_coach else tuple(f for f in listed if f not in COACH_ONLY.get(kind, ()))
        )

    interviews = list(
        client.interviews.order_by("starts_at", "pk").values(
            *fields("interviews", INTERVIEW_FIELDS)
        )
    )
    # Plain rows throughout (values(), no model instances): the chosen questions, debriefs and
    # referrals are read by interview id, one query each, and hung under their interview.
    interview_ids = [row["id"] for row in interviews]
    questions = _grouped(
        InterviewQuestion.objects.filter(interview_id__in=interview_ids)
        .order_by("position", "pk")
        .values("interview_id", *QUESTION_FIELDS)
    )
    referrals = _grouped(
        Referral.objects.filter(interview_id__in=interview_ids)
        .order_by("pk")
        .values("interview_id", "contact_id")
    )
    debriefs = {
        row.pop("interview_id"): row
        for row in Debrief.objects.filter(interview_id__in=interview_ids).values(
            "interview_id", *DEBRIEF_FIELDS
        )
    }
    for row in interviews:
        row["questions"] = questions.get(row["id"], [])
        row["debrief"] = debriefs.get(row["id"])
        row["referred_contact_ids"] = [r["contact_id"] for r in referrals.get(row["id"], [])]

    reminders = Reminder.objects.filter(client=client).order_by("due_at", "pk")
    if not for_coach:
        reminders = reminders.exclude(kind__in=COACH_KINDS)

    records = {
        "format": "coachdesk-client-data",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "exported_for": "coach" if for_coach else "client",
        "client": Client.objects.filter(pk=client.pk).values(*CLIENT_FIELDS).get()
        | {"coach_name": client.coach.name, "has_portal_login": client.user_id is not None},
        "companies": list(client.companies.order_by("name", "pk").values(*COMPANY_FIELDS)),
        "contacts": list(
            client.contacts.order_by("name", "pk").values(*fields("contacts", CONTACT_FIELDS))
        ),
        "touches": [
            _touch(row, client)
            for row in Touch.objects.filter(contact__client=client)
            .order_by("at", "pk")
            .values(*TOUCH_FIELDS, "logged_by_id")
        ],
        "opportunities": list(
            client.opportunities.order_by("at", "pk").values(*OPPORTUNITY_FIELDS)
        ),
        "interviews": interviews,
        "weekly_targets": list(
            client.weekly_targets.order_by("kind", "pk").values(*WEEKLY_TARGET_FIELDS)
        ),
        "action_items": list(
            client.action_items.order_by("created_at", "pk").values(*ACTION_ITEM_FIELDS)
        ),
        "reminders": list(reminders.values(*REMINDER_FIELDS)),
        "invitations": list(
            client.invitations.order_by("sent_at", "pk").values(*INVITATION_FIELDS)
        ),
        "contact_imports": [
            _contact_import(row)
            for row in client.imports.order_by("created_at", "pk").values(
                *IMPORT_FIELDS, "rows", "rejected"
            )
        ],
        "question_banks": list(client.question_banks.order_by("name", "pk").values("id", "name")),
    }
    return records


def _touch(row: dict, client: Client) -> dict:
    """Who logged it, as a role: the user ids behind it mean nothing outside CoachDesk."""
    logged_by = row.pop("logged_by_id")
    if logged_by is not None and logged_by == client.coach_id:
        row["logged_by"] = "coach"
    elif logged_by is not None and logged_by == client.user_id:
        row["logged_by"] = "client"
    else:
        row["logged_by"] = None
    return row


def _contact_import(row: dict) -> dict:
    """An upload's metadata: how many rows wait for confirmation or were rejected, not the rows
    (the contacts it created are in "contacts")."""
    row["rows_waiting"] = len(row.pop("rows"))
    row["rows_rejected"] = len(row.pop("rejected"))
    return row


def _grouped(rows) -> dict[int, list[dict]]:
    grouped = {}
    for row in rows:
        grouped.setdefault(row.pop("interview_id"), []).append(row)
    return grouped


def _interviews_for_calendar(client: Client):
    """Every interview, ready for interviews.calendar (contact and company loaded; read
    through `client.interviews` so `interview.client` is this client, no query)."""
    return client.interviews.select_related("contact__company").order_by("starts_at", "pk")
