"""Reminder emails. One helper builds every one of them (`build_message`): multipart text + HTML
from three templates per kind (templates/reminders/emails/<kind>_subject.txt, _body.txt,
_body.html), with a Message-ID derived from the reminder and Reply-To the client's coach.

Each email does the work for its reader: the prep email carries the logistics and what is left
to prepare, the thank-you email a draft built from the debrief, the follow-up emails a next step
or a draft, the action item emails the item and a one-click "Done", the weekly summary last
week's targets against what was done, the coach's emails a link to everything that needs
attention. Times are shown in the recipient's timezone: the templates are rendered with it
activated.

Essential kinds (prep, thank-you, the coach's overdue notice, and the morning an action item is
due: the commitment itself) are the heart of the method and cannot be turned off. The others
carry List-Unsubscribe with one-click POST (RFC 8058) and a visible unsubscribe link in both
parts.
"""

import hashlib
import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from clients.models import Contact
from clients.outreach import outreach_mailto_url
from goals.models import ActionItem, WeeklyTarget
from goals.progress import TargetProgress, week_progress
from goals.weeks import local_date
from interviews.checklist import checklist_items
from interviews.debriefs import debrief_is_written
from interviews.models import Debrief, Interview, Referral

from . import rules
from .digest import digest_for
from .links import Action, link_url
from .models import Reminder

Kind = Reminder.Kind

ESSENTIAL_KINDS = frozenset({Kind.PREP, Kind.THANK_YOU, Kind.THANK_YOU_OVERDUE, Kind.ACTION_DUE})
COACH_KINDS = frozenset({Kind.THANK_YOU_OVERDUE, Kind.COACH_DIGEST})

# What an unsubscribe link in each non-essential email turns off, as the footer names it.
UNSUBSCRIBE_LABELS = {
    Kind.OUTREACH_FOLLOW_UP: "follow-up reminders",
    Kind.KEEP_IN_TOUCH: "keep-in-touch reminders",
    Kind.COACH_DIGEST: "the daily digest",
    Kind.ACTION_ASSIGNED: "emails about new action items",
    Kind.WEEKLY_SUMMARY: "weekly summaries",
}

# What an action item email reads about its item, loaded with the reminder (the sweep's claim
# selects these for its whole batch).
ACTION_ITEM_EMAIL_RELATED = (
    "action_item",
    "action_item__contact",
    "action_item__contact__company",
    "action_item__company",
    "action_item__interview",
    "action_item__interview__contact",
)

# The checklist items a prep email names, most useful first, and how many of those still
# unticked it names. "questions" is not among them: the email gives the number chosen instead.
PREP_EMAIL_ITEMS = (
    "logistics",
    "research_person",
    "pitch",
    "referrals",
    "research_company",
    "resume",
    "timing",
    "thank_you",
)
PREP_EMAIL_ITEM_COUNT = 4
QUESTIONS_TO_AIM_FOR = 10

OTHERS_AT_COMPANY = 3

THANK_YOU_DRAFT_SUBJECT = "Thank you for our conversation"
FOLLOW_UP_DRAFT_SUBJECT = "Following up on my note"
KEEP_IN_TOUCH_DRAFT_SUBJECT = "A quick update, and thanks again"


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def message_id_for(reminder: Reminder) -> str:
    """Derived from the reminder, so a re-send after a crash carries the same Message-ID."""
    digest = hashlib.sha256(reminder.key.encode()).hexdigest()[:16]
    host = urlsplit(settings.SITE_URL).hostname or "coachdesk.local"
    return f"<reminder-{reminder.pk}.{digest}@{host}>"


def recipient_timezone(reminder: Reminder) -> str:
    if reminder.kind in COACH_KINDS:
        coach = reminder.coach or reminder.client.coach
        return coach.timezone
    return reminder.client.timezone


def contact_label(contact: Contact | None) -> str:
    """ "Sam Lee (Acme)", or just the name when no company is recorded."""
    if contact is None:
        return ""
    return f"{contact.name} ({contact.company.name})" if contact.company else contact.name


def names_in_a_sentence(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template, with the blank lines its tags leave behind squeezed out."""
    text = render_to_string(template_name, context)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _debrief_of(interview: Interview) -> Debrief | None:
    """The debrief loaded with the reminder (the sweep's claim selects `interview__debrief`),
    or read here for a reminder loaded without it."""
    try:
        return interview.debrief
    except Debrief.DoesNotExist:
        return None


def referrals_prefetch() -> Prefetch:
    """The people referred in each reminder's interview, in the order they were added, as the
    thank-you draft names them. The sweep's claim prefetches them for its whole batch: one query
    per batch, not one per email."""
    return Prefetch(
        "interview__referrals", queryset=Referral.objects.select_related("contact").order_by("pk")
    )


def _referrals_of(reminder: Reminder) -> list[Referral]:
    # Reads nothing when the claim prefetched them already.
    prefetch_related_objects([reminder], referrals_prefetch())
    return list(reminder.interview.referrals.all())


def _mailto(contact: Contact, subject: str, body: str) -> str:
    if not contact.email:
        return ""
    return outreach_mailto_url(to=contact.email, subject=subject, body=body)


# --- what each kind shows ---------------------------------------------------------------------


def prep_context(reminder: Reminder, context: dict) -> dict:
    interview = reminder.interview
    done = set(interview.checklist_done)
    labels = dict(checklist_items(interview))
    to_do = [labels[key] for key in PREP_EMAIL_ITEMS if key not in done]
    return {
        "checklist_to_do": to_do[:PREP_EMAIL_ITEM_COUNT],
        "questions_chosen": interview.chosen_questions.count(),
        "questions_to_aim_for": QUESTIONS_TO_AIM_FOR,
    }


def thank_you_context(reminder: Reminder, context: dict) -> dict:
    interview, contact = reminder.interview, reminder.contact
    debrief = _debrief_of(interview)
    referred = _referrals_of(reminder)
    draft = render_text(
        "reminders/emails/_thank_you_draft.txt",
        context
        | {
            "highlights": debrief.highlights.strip() if debrief else "",
            "advice": debrief.advice.strip() if debrief else "",
            "referred_names": names_in_a_sentence([r.contact.name for r in referred]),
        },
    )
    return {
        "debrief": debrief,
        "debrief_is_written": debrief_is_written(debrief),
        "debrief_url": site_url(
            reverse("interviews:debrief_edit", kwargs={"interview_pk": interview.pk})
        ),
        "draft": draft,
        "draft_subject": THANK_YOU_DRAFT_SUBJECT,
        "mailto_url": _mailto(contact, THANK_YOU_DRAFT_SUBJECT, draft),
        "send_by": interview.thank_you_due_by,
        "thank_you_sent_url": link_url(action=Action.THANK_YOU_SENT, reminder=reminder),
    }


def thank_you_overdue_context(reminder: Reminder, context: dict) -> dict:
    return {"debrief_is_written": debrief_is_written(_debrief_of(reminder.interview))}


def outreach_follow_up_context(reminder: Reminder, context: dict) -> dict:
    contact, client = reminder.contact, reminder.client
    step = reminder.step
    extra = {
        "step": step,
        "try_someone_else": step == rules.TRY_SOMEONE_ELSE_STEP,
        "outreach": reminder.touch,
        "snooze_url": link_url(action=Action.SNOOZE, reminder=reminder),
        "add_contact_url": site_url(
            reverse("clients:contact_create", kwargs={"client_pk": client.pk})
        ),
    }
    if step == rules.TRY_SOMEONE_ELSE_STEP and contact.company is not None:
        others = (
            contact.company.contacts.filter(stage=Contact.Stage.IDENTIFIED)
            .exclude(pk=contact.pk)
            .order_by("name")[:OTHERS_AT_COMPANY]
        )
        extra["others_at_company"] = [
            {
                "contact": other,
                "url": site_url(reverse("clients:contact_detail", kwargs={"contact_pk": other.pk})),
            }
            for other in others
        ]
    if step != rules.TRY_SOMEONE_ELSE_STEP:
        draft = render_text("reminders/emails/_follow_up_draft.txt", context | extra)
        extra |= {
            "draft": draft,
            "draft_subject": FOLLOW_UP_DRAFT_SUBJECT,
            "mailto_url": _mailto(contact, FOLLOW_UP_DRAFT_SUBJECT, draft),
        }
    return extra


def keep_in_touch_context(reminder: Reminder, context: dict) -> dict:
    contact = reminder.contact
    last_touch = reminder.touch
    advice_from = (
        Debrief.objects.filter(interview__contact=contact)
        .exclude(advice="")
        .select_related("interview")
        .order_by("-interview__starts_at")
        .first()
    )
    extra = {
        "last_touch": last_touch,
        "weeks_since": (reminder.due_at - last_touch.at).days // 7 if last_touch else None,
        "advice": advice_from.advice.strip() if advice_from else "",
        "snooze_url": link_url(action=Action.SNOOZE, reminder=reminder),
    }
    draft = render_text("reminders/emails/_keep_in_touch_draft.txt", context | extra)
    return extra | {
        "draft": draft,
        "draft_subject": KEEP_IN_TOUCH_DRAFT_SUBJECT,
        "mailto_url": _mailto(contact, KEEP_IN_TOUCH_DRAFT_SUBJECT, draft),
    }


# Each of the digest's lists names its most urgent rows, as the coach home does, and says how
# many more the home page shows.
DIGEST_ROWS_PER_LIST = 15


def coach_digest_context(reminder: Reminder, context: dict) -> dict:
    digest = digest_for(reminder.coach, reminder.due_at)
    shown = DIGEST_ROWS_PER_LIST

    def interview_url(interview):
        return site_url(
            reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk})
        )

    def interview_row(interview):
        return {
            "interview": interview,
            "who": contact_label(interview.contact),
            "url": interview_url(interview),
        }

    return {
        "digest": digest,
        "home_url": site_url(reverse("home")),
        "interviews_today": [interview_row(i) for i in digest.interviews_today],
        "overdue_thank_yous": [interview_row(i) for i in digest.overdue_thank_yous[:shown]],
        "overdue_more": max(len(digest.overdue_thank_yous) - shown, 0),
        "stalled_outreach": [
            {
                "touch": stalled.outreach,
                "step": stalled.step,
                "who": contact_label(stalled.contact),
                "days_waiting": (digest.local_date - timezone.localdate(stalled.outreach.at)).days,
                "url": site_url(
                    reverse("clients:contact_detail", kwargs={"contact_pk": stalled.contact.pk})
                ),
            }
            for stalled in digest.stalled_outreach[:shown]
        ],
        "stalled_more": max(len(digest.stalled_outreach) - shown, 0),
        "overdue_actions": [
            {
                "item": item,
                "days_overdue": (
                    local_date(reminder.due_at, item.client.timezone) - item.due_on
                ).days,
                "url": action_item_url(item),
            }
            for item in digest.overdue_actions[:shown]
        ],
        "overdue_actions_more": max(len(digest.overdue_actions) - shown, 0),
    }


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


# How the weekly summary says each target in a sentence ("you reached 3 of 5 people").
SUMMARY_PHRASES = {
    WeeklyTarget.Kind.OUTREACH: lambda row: (
        f"you reached {row.actual} of {row.target} {_plural(row.target, 'person', 'people')}"
    ),
    WeeklyTarget.Kind.CONVERSATIONS: lambda row: (
        f"{row.actual} {_plural(row.actual, 'conversation', 'conversations')} of {row.target}"
    ),
    WeeklyTarget.Kind.THANK_YOUS: lambda row: (
        f"{row.actual} of {row.target} {_plural(row.target, 'thank-you', 'thank-yous')} "
        "sent on time"
    ),
}


def summary_sentence(rows: list[TargetProgress]) -> str:
    """ "you reached 3 of 5 people; 2 conversations of 2": the week's targets, in Kind order."""
    return "; ".join(SUMMARY_PHRASES[row.kind](row) for row in rows)


def _item_about(item: ActionItem) -> tuple[str, str]:
    """What the item is linked to, as a label and a page: a contact, a company or an
    interview (its prep page), or ("", "") for an item about nothing in particular."""
    if item.contact_id:
        url = reverse("clients:contact_detail", kwargs={"contact_pk": item.contact_id})
        return contact_label(item.contact), site_url(url)
    if item.interview_id:
        interview = item.interview
        url = reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk})
        when = date_format(timezone.localtime(interview.starts_at), "l j F")
        return f"your conversation with {interview.contact.name} on {when}", site_url(url)
    if item.company_id:
        url = reverse("clients:company_list", kwargs={"client_pk": item.client_id})
        return item.company.name, site_url(url)
    return "", ""


def action_item_url(item: ActionItem) -> str:
    """The item on its client's list of action items (the coach's and the client's page)."""
    path = reverse("goals:action_items", kwargs={"client_pk": item.client_id})
    return site_url(f"{path}#action-item-{item.pk}")


def action_item_context(reminder: Reminder, context: dict) -> dict:
    item = reminder.action_item
    about, about_url = _item_about(item)
    return {
        "item": item,
        "due_today": item.due_on == local_date(reminder.due_at, reminder.client.timezone),
        "about": about,
        "about_url": about_url,
        "done_url": link_url(action=Action.ACTION_DONE, reminder=reminder),
        "list_url": action_item_url(item),
    }


def weekly_summary_context(reminder: Reminder, context: dict) -> dict:
    monday = reminder.local_date
    rows = [row for row in week_progress(reminder.client, monday) if row.target is not None]
    return {
        "week_start": monday,
        "week_end": monday + timedelta(days=6),
        "rows": rows,
        "sentence": summary_sentence(rows),
        "all_met": bool(rows) and all(row.met for row in rows),
        "progress_url": site_url(
            reverse("dashboard:client_insights", kwargs={"client_pk": reminder.client_id})
        ),
    }


KIND_CONTEXT = {
    Kind.PREP: prep_context,
    Kind.THANK_YOU: thank_you_context,
    Kind.THANK_YOU_OVERDUE: thank_you_overdue_context,
    Kind.OUTREACH_FOLLOW_UP: outreach_follow_up_context,
    Kind.KEEP_IN_TOUCH: keep_in_touch_context,
    Kind.COACH_DIGEST: coach_digest_context,
    Kind.ACTION_ASSIGNED: action_item_context,
    Kind.ACTION_DUE: action_item_context,
    Kind.WEEKLY_SUMMARY: weekly_summary_context,
}


def email_context(reminder: Reminder) -> dict:
    interview, client, contact = reminder.interview, reminder.client, reminder.contact
    context = {
        "reminder": reminder,
        "client": client,
        "contact": contact,
        "company": contact.company if contact else None,
        "who": contact_label(contact),
        "interview": interview,
        "coach": client.coach if client else reminder.coach,
        "to_coach": reminder.kind in COACH_KINDS,
        "timezone_name": recipient_timezone(reminder),
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    if interview is not None:
        context["prep_url"] = site_url(
            reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk})
        )
    if contact is not None:
        context["contact_url"] = site_url(
            reverse("clients:contact_detail", kwargs={"contact_pk": contact.pk})
        )
    if reminder.kind not in ESSENTIAL_KINDS:
        context["unsubscribe_url"] = link_url(action=Action.UNSUBSCRIBE, reminder=reminder)
        context["unsubscribe_label"] = UNSUBSCRIBE_LABELS[reminder.kind]
    if not context["to_coach"]:
        context["preferences_url"] = site_url(reverse("reminders:reminder_preferences"))
    return context | KIND_CONTEXT[reminder.kind](reminder, context)


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058: mail programs offer an unsubscribe button that POSTs
    "List-Unsubscribe=One-Click" to the https URL, with no cookie and no CSRF token."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def build_message(reminder: Reminder) -> EmailMultiAlternatives:
    with timezone.override(recipient_timezone(reminder)):
        context = email_context(reminder)
        base = f"reminders/emails/{reminder.kind}"
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        text = render_text(f"{base}_body.txt", context)
        html = render_to_string(f"{base}_body.html", context)
    coach = context["coach"]
    headers = {"Message-ID": message_id_for(reminder)}
    if reminder.kind not in ESSENTIAL_KINDS:
        headers |= unsubscribe_headers(context["unsubscribe_url"])
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.recipient_email],
        reply_to=[coach.email] if coach and coach.email != reminder.recipient_email else None,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
