"""CSV exports of one client's search, and of the practice home's table, safe to open in a
spreadsheet."""

import csv
import io
import zoneinfo

from django.db.models import Count, Max
from django.utils import timezone

from .insights import Funnel

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def _local(moment, zone):
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def contacts_csv(client, *, include_private: bool) -> str:
    zone = zoneinfo.ZoneInfo(client.timezone)
    contacts = (
        client.contacts.select_related("company")
        .annotate(last_touch_at=Max("touches__at"), n_touches=Count("touches"))
        .order_by("name")
    )
    header = [
        "Name",
        "Job title",
        "Company",
        "Email",
        "LinkedIn URL",
        "Phone",
        "Source",
        "Stage",
        "Touches",
        "Last touch",
        "Notes",
    ] + (["Coach's private notes"] if include_private else [])
    rows = (
        [
            c.name,
            c.title,
            c.company.name if c.company else "",
            c.email,
            c.linkedin_url,
            c.phone,
            c.get_source_display(),
            c.get_stage_display(),
            c.n_touches,
            _local(c.last_touch_at, zone),
            c.notes,
        ]
        + ([c.coach_notes] if include_private else [])
        for c in contacts
    )
    return _csv(header, rows)


def interviews_csv(client) -> str:
    zone = zoneinfo.ZoneInfo(client.timezone)
    interviews = (
        client.interviews.select_related("contact", "contact__company", "debrief")
        .annotate(n_referrals=Count("referrals"))
        .order_by("starts_at")
    )
    header = [
        f"Starts ({client.timezone})",
        "Minutes",
        "Contact",
        "Company",
        "Format",
        "Status",
        "Fit (1-5)",
        "Highlights",
        "Advice received",
        "Next steps",
        "Thank-you sent",
        "Referrals",
    ]
    rows = []
    for interview in interviews:
        debrief = getattr(interview, "debrief", None) if _has_debrief(interview) else None
        rows.append(
            [
                _local(interview.starts_at, zone),
                interview.duration_minutes,
                interview.contact.name,
                interview.contact.company.name if interview.contact.company else "",
                interview.get_format_display(),
                interview.get_status_display(),
                debrief.fit if debrief and debrief.fit else "",
                debrief.highlights if debrief else "",
                debrief.advice if debrief else "",
                debrief.next_steps if debrief else "",
                _local(debrief.thank_you_sent_at, zone) if debrief else "",
                interview.n_referrals,
            ]
        )
    return _csv(header, rows)


def _has_debrief(interview) -> bool:
    try:
        interview.debrief  # noqa: B018 - loaded by select_related
    except interview.__class__.debrief.RelatedObjectDoesNotExist:
        return False
    return True


def practice_csv(figures) -> str:
    """dashboard.practice.PracticeFigures: a row per coach, then the total line."""
    period = f"{figures.period.start} to {figures.period.end}"
    header = [
        "Coach",
        "Role",
        "Status",
        "Active clients",
        "Of which shared with them",
        "Needs attention",
        *(f"{label}, {period}" for _name, label in Funnel.STEPS),
    ]

    def line(name, role, status, line_figures):
        return [
            name,
            role,
            status,
            line_figures.active_clients,
            line_figures.shared_clients,
            line_figures.needs_attention,
            *(value for _label, value in line_figures.funnel.rows()),
        ]

    rows = [
        line(
            row.coach.name,
            row.coach.membership.get_role_display(),
            "Active" if row.coach.is_current else "Deactivated",
            row.figures,
        )
        for row in figures.rows
    ]
    total_name = "Practice (each client once)" if figures.total_is_practice else "Total"
    rows.append(line(total_name, "", "", figures.total))
    return _csv(header, rows)
