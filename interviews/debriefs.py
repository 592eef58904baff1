"""Debriefs, the people an interview names, and the thank-you.

Invariants kept here:
- a debrief exists only for a conversation that took place: a completed interview, or a scheduled
  one that has started (writing the debrief, or marking the thank-you, then marks it completed and
  the contact "interviewed");
- the people named in a debrief become contacts of the client in the same transaction as the
  debrief, each with a `Referral` row pointing at the interview; one bad row saves nothing;
- marking the thank-you logs at most one THANK_YOU touch per interview, however often it is
  marked (a double click, the portal and an email link).

Stage moves go through clients.services and status moves through interviews.scheduling.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.dateformat import format as format_date
from django.utils.timezone import now

from clients.models import Contact, Touch
from clients.services import contact_log_touch, contact_save

from .models import Debrief, Interview, Referral
from .scheduling import interview_set_status

DEBRIEF_FIELDS = frozenset(
    {
        "highlights",
        "advice",
        "fit",
        "reflection_fit",
        "reflection_interest",
        "reflection_prepare",
        "next_steps",
    }
)

# The keys of one referral row, as the debrief form sends them.
REFERRAL_KEYS = ("name", "title", "company", "email", "linkedin_url", "note")


def interview_not_held_reason(interview: Interview, *, at: datetime | None = None) -> str:
    """Why the interview cannot have a debrief or a thank-you (yet), or "" when it can."""
    if interview.status == Interview.Status.CANCELLED:
        return "This conversation was cancelled."
    if interview.status == Interview.Status.NO_SHOW:
        return "This conversation was marked as a no-show."
    if interview.status == Interview.Status.SCHEDULED and interview.starts_at > (at or now()):
        return "This conversation has not started yet."
    return ""


def debrief_refusal(interview: Interview, *, at: datetime | None = None) -> str:
    """The message shown instead of the debrief form, or "" when a debrief can be written."""
    reason = interview_not_held_reason(interview, at=at)
    return f"{reason} A debrief can be written once it has taken place." if reason else ""


def debrief_is_written(debrief: Debrief | None) -> bool:
    """Something was written (a debrief row can exist with only a thank-you date)."""
    return debrief is not None and any(
        getattr(debrief, name) not in ("", None) for name in DEBRIEF_FIELDS
    )


@dataclass(frozen=True)
class DebriefStatus:
    """What the debrief and thank-you block of an interview shows, at one moment."""

    refusal: str  # "" when a debrief can be written
    is_written: bool
    thank_you_due_by: datetime
    thank_you_late: bool

    @property
    def is_open(self) -> bool:
        return not self.refusal


def debrief_status(
    interview: Interview, debrief: Debrief | None, *, at: datetime | None = None
) -> DebriefStatus:
    at = at or now()
    due_by = interview.thank_you_due_by
    return DebriefStatus(
        refusal=debrief_refusal(interview, at=at),
        is_written=debrief_is_written(debrief),
        thank_you_due_by=due_by,
        thank_you_late=at > due_by,
    )


def debrief_of(interview: Interview) -> Debrief | None:
    return Debrief.objects.filter(interview=interview).first()


def referrals_of(interview: Interview) -> list[Referral]:
    """The contacts named in this interview, oldest first, with what their rows show."""
    return list(interview.referrals.select_related("contact", "contact__company").order_by("pk"))


def _mark_held(interview: Interview) -> None:
    """A debrief or a thank-you means the conversation happened."""
    if interview.status == Interview.Status.SCHEDULED:
        interview_set_status(interview=interview, status=Interview.Status.COMPLETED)


def _require_held(interview: Interview, *, what: str) -> None:
    reason = interview_not_held_reason(interview)
    if reason:
        raise ValidationError(
            f"{reason} {what} once it has taken place.", code="interview_not_held"
        )


def _referral_note(interview: Interview, note: str) -> str:
    day = interview.starts_at.astimezone(ZoneInfo(interview.client.timezone)).date()
    suggested = f"Suggested by {interview.contact.name} on {format_date(day, 'j F Y')}."
    return f"{suggested}\n{note.strip()}" if note.strip() else suggested


def _referral_create(*, interview: Interview, row: dict) -> Contact:
    contact = Contact(
        client=interview.client,
        name=row.get("name", "").strip(),
        title=row.get("title", "").strip(),
        email=row.get("email", ""),
        linkedin_url=row.get("linkedin_url", ""),
        source=Contact.Source.REFERRAL,
        stage=Contact.Stage.IDENTIFIED,
        notes=_referral_note(interview, row.get("note", "")),
    )
    contact_save(contact=contact, new_company_name=row.get("company", ""))
    Referral.objects.create(interview=interview, contact=contact)
    return contact


@transaction.atomic
def debrief_save(*, interview: Interview, by, referrals: list[dict], **fields) -> Debrief:
    """Creates or updates the interview's debrief and adds each referral row (keys as in
    REFERRAL_KEYS) as a new contact of the client, source "referral", stage "identified".

    `by` must be someone who may see the interview (the client or their coach).

    Raises ValidationError: without a dict for a refusal or a debrief field; as a dict keyed by
    the row's index in `referrals` (messages flattened) when rows are refused: an email or
    LinkedIn URL the client already has, or a name this interview already named (the same
    person twice, e.g. from a double click). Either way nothing is saved.
    """
    unknown = set(fields) - DEBRIEF_FIELDS
    if unknown:
        raise TypeError(f"Not debrief fields: {sorted(unknown)}")
    # Locking the interview makes two saves of its debrief (a double click) run one after the
    # other, so the second sees the people the first one added.
    visible = Interview.objects.visible_to(by).select_for_update(of=("self",))
    if not list(visible.filter(pk=interview.pk).values_list("pk", flat=True)):
        raise PermissionDenied("Only the client and their coach write this debrief.")
    _require_held(interview, what="A debrief can be written")

    debrief = debrief_of(interview) or Debrief(interview=interview)
    for name, value in fields.items():
        setattr(debrief, name, value)
    debrief.full_clean()
    debrief.save()

    named = {
        name.casefold()
        for name in Referral.objects.filter(interview=interview).values_list(
            "contact__name", flat=True
        )
    }
    row_errors: dict[int, list[str]] = {}
    for index, row in enumerate(referrals):
        name = row.get("name", "").strip()
        if name.casefold() in named:
            row_errors[index] = [f"{name} is already named in this conversation."]
            continue
        named.add(name.casefold())
        try:
            # A savepoint per row, so that later rows can still be checked after a refusal.
            with transaction.atomic():
                _referral_create(interview=interview, row=row)
        except ValidationError as error:
            row_errors[index] = error.messages
        except IntegrityError:
            # Another save added the same person between our check and our insert.
            row_errors[index] = ["This person was just added to the list by someone else."]
    if row_errors:
        raise ValidationError(row_errors)

    _mark_held(interview)
    return debrief


@transaction.atomic
def thank_you_mark_sent(*, interview: Interview, at: datetime, by=None) -> Debrief:
    """Records that the thank-you went out at `at` and logs it in the contact's history, which
    moves the contact to "thanked". `by` is None for a signed email link.

    Idempotent: while the thank-you is marked, marking again changes nothing; after an undo, the
    touch logged the first time is kept rather than a second one added.
    """
    _require_held(interview, what="A thank-you can be marked")
    if at > now():
        raise ValidationError({"at": "That time is still to come: when did you send it?"})
    if at < interview.starts_at:
        raise ValidationError({"at": "That is before the conversation started."})

    debrief, _ = Debrief.objects.get_or_create(interview=interview)
    # The conditional update is the claim: of two marks at once, one updates the row, and only
    # that one logs the touch.
    claimed = Debrief.objects.filter(pk=debrief.pk, thank_you_sent_at__isnull=True).update(
        thank_you_sent_at=at, updated_at=now()
    )
    if claimed:
        contact = interview.contact
        logged = contact.touches.filter(
            kind=Touch.Kind.THANK_YOU, at__gte=interview.starts_at
        ).exists()
        if not logged:
            contact_log_touch(
                contact=contact,
                kind=Touch.Kind.THANK_YOU,
                channel=Touch.Channel.EMAIL,
                at=at,
                note="Thank-you for the informational interview.",
                by=by,
            )
        _mark_held(interview)
    debrief.refresh_from_db()
    return debrief


def thank_you_unmark(*, interview: Interview) -> None:
    """Undoes a mistaken "thank-you sent": clears the date. The touch it logged stays in the
    contact's history (it may have gone out after all), and so does the contact's stage."""
    Debrief.objects.filter(interview=interview).update(thank_you_sent_at=None, updated_at=now())
