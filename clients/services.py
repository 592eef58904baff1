"""Writes for clients, companies, contacts and touches. Views and other apps call these; stage
moves happen here and nowhere else."""

import logging
import smtplib
from collections.abc import Iterable
from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.timezone import now

from accounts.throttling import login_records_delete

from .models import AuditEvent, Client, ClientShare, Company, Contact, Opportunity, Touch

logger = logging.getLogger(__name__)


def client_create(*, coach, name, email, timezone, goal="", target_roles="") -> Client:
    client = Client(
        coach=coach,
        name=name,
        email=email.strip().lower(),
        timezone=timezone,
        goal=goal,
        target_roles=target_roles,
    )
    client.full_clean()
    client.save()
    return client


def client_update(*, client: Client, **fields) -> Client:
    """Saves the client's details. A changed address starts afresh: a bounce reported for the
    old one no longer holds reminders back (the new one has not bounced)."""
    for name, value in fields.items():
        setattr(client, name, value)
    client.email = client.email.strip().lower()
    if client.email_bounced_at is not None and client.email != _saved_email(client):
        client.email_bounced_at, client.email_bounce_reason = None, ""
    client.full_clean()
    client.save()
    return client


def _saved_email(client: Client) -> str | None:
    # Read from the database: an edit form has already set the new address on the instance.
    return Client.objects.filter(pk=client.pk).values_list("email", flat=True).first()


def clients_email_bounced(*, email: str, at, reason: str) -> int:
    """Marks every client whose address is `email` as bouncing since `at`; returns how many.
    A client already marked keeps the first date and reason: later reports about the same
    address add nothing a coach needs."""
    longest = Client._meta.get_field("email_bounce_reason").max_length
    not_marked_yet = Client.objects.filter(
        email=email.strip().lower(), email_bounced_at__isnull=True
    )
    return not_marked_yet.update(
        email_bounced_at=at, email_bounce_reason=reason[:longest], updated_at=now()
    )


def client_email_works_again(*, client: Client) -> Client:
    """The coach checked the address and it takes mail again: the reminders held back resume."""
    client.email_bounced_at, client.email_bounce_reason = None, ""
    client.save(update_fields=["email_bounced_at", "email_bounce_reason", "updated_at"])
    return client


def client_set_archived(*, client: Client, archived: bool) -> Client:
    client.status = Client.Status.ARCHIVED if archived else Client.Status.ACTIVE
    client.save(update_fields=["status", "updated_at"])
    return client


@transaction.atomic
def client_erase(*, client: Client, by) -> AuditEvent:
    """Deletes the client and everything recorded about them, then their login, and writes one
    audit line that names no one.

    Every row about a client hangs off it by a cascading foreign key — companies, contacts and
    their touches and opportunities, invitations, imports here; interviews with their questions,
    debriefs, referrals and calendar feed, and reminders, in the apps above — so deleting the
    client reaches all of them without this app knowing those apps. The client row is locked
    first: a write that adds a row under the client waits, then fails, instead of leaving a row
    the cascade did not see. Only a client login is deleted, never a coach's, and with it what
    login throttling logged under its address (sign-ins with their IP addresses).
    """
    client = Client.objects.select_for_update().get(pk=client.pk)
    client_number, login_id = client.pk, client.user_id
    client.delete()
    if login_id is not None:
        user_model = get_user_model()
        login = user_model.objects.filter(pk=login_id, role=user_model.Role.CLIENT).first()
        if login is not None:
            login_records_delete(email=login.email)
            login.delete()
    event = AuditEvent(
        actor=by, action=AuditEvent.Action.CLIENT_ERASED, client_number=client_number
    )
    event.full_clean()
    event.save()
    return event


def _audit(*, by, action, client: Client) -> None:
    event = AuditEvent(actor=by, action=action, client_number=client.pk)
    event.full_clean()
    event.save()


def _check_same_practice(client: Client, coach) -> None:
    """`coach` must be an active admin or coach of the practice of the client's coach. That
    practice is the coach's even once they are deactivated: moving the clients of a coach who
    left is what reassigning is for."""
    from .access import practice_coaches, practice_of_client

    practice = practice_of_client(client)
    if practice is None or not practice_coaches(practice).filter(pk=coach.pk).exists():
        raise ValidationError(f"{coach.name} is not an active coach of this practice.")


@transaction.atomic
def client_reassign(*, client: Client, to_coach, by) -> Client:
    """Makes `to_coach` the client's coach. Everything recorded about the client stays (it
    hangs off the client, not the coach), and so does the client's login. From now on the
    client's reminders name the new coach (Reply-To), and the coach's emails about the client
    (overdue notices, the digest) go to them: every one of those reads `Client.coach` when it is
    made, or, for one recorded and not sent yet, when it is sent (reminders.sweep.delivery). A
    co-coach who becomes the coach is no longer a co-coach; the old coach keeps nothing. An active
    client is told by email, once the change is committed."""
    client = Client.objects.select_for_update().select_related("coach").get(pk=client.pk)
    if client.coach_id == to_coach.pk:
        raise ValidationError(f"{to_coach.name} is already {client.name}’s coach.")
    _check_same_practice(client, to_coach)
    if Client.objects.filter(coach=to_coach, email=client.email).exists():
        raise ValidationError(
            f"{to_coach.name} already has a client with the address {client.email}."
        )
    previous = client.coach
    client.coach = to_coach
    client.save(update_fields=["coach", "updated_at"])
    ClientShare.objects.filter(client=client, coach=to_coach).delete()
    _audit(by=by, action=AuditEvent.Action.CLIENT_REASSIGNED, client=client)
    if not client.is_archived:
        # An archived client is no longer coached: "your new coach" would be news of nothing.
        transaction.on_commit(
            partial(_send_new_coach_email, client_id=client.pk, previous_name=previous.name)
        )
    return client


def _send_new_coach_email(*, client_id: int, previous_name: str) -> None:
    """Runs after the reassignment is committed: a mail server that refuses the message must not
    turn the saved reassignment into an error page (or stop the next client's email, when a
    departing coach's clients are handed over together). The failure is logged as an error."""
    from .emails import new_coach_email_send

    client = Client.objects.select_related("coach").filter(pk=client_id).first()
    if client is None:
        return
    try:
        new_coach_email_send(client=client, previous_name=previous_name)
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not tell client %s who their new coach is", client_id)


@transaction.atomic
def client_share(*, client: Client, coach, by) -> ClientShare:
    """Lets a second coach of the practice see and work on the client, as their coach does."""
    if client.coach_id == coach.pk:
        raise ValidationError(f"{coach.name} is {client.name}’s coach already.")
    _check_same_practice(client, coach)
    share, created = ClientShare.objects.get_or_create(
        client=client, coach=coach, defaults={"shared_by": by}
    )
    if not created:
        raise ValidationError(f"{client.name} is already shared with {coach.name}.")
    _audit(by=by, action=AuditEvent.Action.CLIENT_SHARED, client=client)
    return share


@transaction.atomic
def client_unshare(*, share: ClientShare, by) -> None:
    client = share.client
    share.delete()
    _audit(by=by, action=AuditEvent.Action.CLIENT_UNSHARED, client=client)


def company_get_or_create(*, client: Client, name: str) -> Company:
    """The client's company with this name (any case), created when it does not exist yet."""
    name = name.strip()
    company = client.companies.filter(name__iexact=name).first()
    if company is None:
        company = Company(client=client, name=name)
        company.full_clean()
        company.save()
    return company


def company_save(*, company: Company) -> Company:
    company.full_clean()
    company.save()
    return company


def company_delete(*, company: Company) -> None:
    """Removes a company from the client's list; its contacts stay, without a company."""
    company.delete()


@transaction.atomic
def contact_save(*, contact: Contact, new_company_name: str = "") -> Contact:
    """Create or update a contact; `new_company_name` picks or creates the company inline."""
    if new_company_name.strip():
        contact.company = company_get_or_create(client=contact.client, name=new_company_name)
    contact.email = contact.email.strip().lower()
    contact.full_clean()
    contact.save()
    return contact


# A touch of this kind moves the contact forward to this stage (never backwards).
STAGE_AFTER_TOUCH = {
    Touch.Kind.OUTREACH: Contact.Stage.REACHED_OUT,
    Touch.Kind.FOLLOW_UP: Contact.Stage.REACHED_OUT,
    Touch.Kind.REPLY: Contact.Stage.REPLIED,
    Touch.Kind.THANK_YOU: Contact.Stage.THANKED,
}


def contact_advance(*, contact: Contact, to: str) -> Contact:
    """Move the contact forward in the pipeline to `to`. A contact further along stays where it
    is; a closed contact stays closed, except that a reply re-opens one marked "no response"."""
    stage = contact.stage
    if stage in Contact.CLOSED:
        reopens = stage == Contact.Stage.NO_RESPONSE and to == Contact.Stage.REPLIED
        if not reopens:
            return contact
    elif Contact.PIPELINE.index(to) <= Contact.PIPELINE.index(stage):
        return contact
    contact.stage = to
    contact.save(update_fields=["stage", "updated_at"])
    return contact


@transaction.atomic
def contact_log_touch(
    *, contact: Contact, kind, channel, at=None, note="", by=None, email_message_id=""
) -> Touch:
    """Log a touch and move the contact's stage as the touch says. `email_message_id`: the
    touch was logged from that email (inbound); the same email logs one touch per contact."""
    touch = Touch(
        contact=contact,
        kind=kind,
        channel=channel,
        at=at or now(),
        note=note,
        email_message_id=email_message_id,
    )
    touch.logged_by = by
    touch.full_clean()
    touch.save()
    if kind in STAGE_AFTER_TOUCH:
        contact_advance(contact=contact, to=STAGE_AFTER_TOUCH[kind])
    elif kind == Touch.Kind.UPDATE and contact.stage in (
        Contact.Stage.INTERVIEWED,
        Contact.Stage.THANKED,
    ):
        contact_advance(contact=contact, to=Contact.Stage.KEEPING_IN_TOUCH)
    return touch


@transaction.atomic
def contact_close(*, contact: Contact, stage: str, note: str = "", by=None) -> Contact:
    if stage not in Contact.CLOSED:
        raise ValueError(f"{stage!r} is not a closing stage")
    contact.stage = stage
    contact.save(update_fields=["stage", "updated_at"])
    contact_log_touch(
        contact=contact,
        kind=Touch.Kind.OTHER,
        channel=Touch.Channel.OTHER,
        note=note or f"Closed as “{Contact.Stage(stage).label}”.",
        by=by,
    )
    return contact


def contacts_close_no_response(*, contact_ids: Iterable[int], note: str) -> list[tuple[int, int]]:
    """What contact_close does to one contact (the stage, then a touch saying why), for many
    contacts still waiting for a reply, in one UPDATE and one INSERT: they go to "no response".
    A contact that left "reached out" since the caller read it (a reply was logged meanwhile)
    is left alone: the rows are re-read under a lock first. Returns (contact, client) ids of
    the contacts it closed."""
    with transaction.atomic():
        rows = list(
            Contact.objects.select_for_update()
            .filter(pk__in=contact_ids, stage=Contact.Stage.REACHED_OUT)
            .order_by("pk")
            .values_list("pk", "client_id")
        )
        if not rows:
            return []
        closing = [pk for pk, _ in rows]
        moment = now()
        Contact.objects.filter(pk__in=closing).update(
            stage=Contact.Stage.NO_RESPONSE, updated_at=moment
        )
        Touch.objects.bulk_create(
            Touch(
                contact_id=contact_id,
                kind=Touch.Kind.OTHER,
                channel=Touch.Channel.OTHER,
                at=moment,
                note=note,
            )
            for contact_id in closing
        )
    return rows


def contact_reopen(*, contact: Contact) -> Contact:
    """Back into the pipeline: replied if they ever replied, reached out if contacted, else new."""
    kinds = set(contact.touches.values_list("kind", flat=True))
    if Touch.Kind.REPLY in kinds:
        contact.stage = Contact.Stage.REPLIED
    elif kinds & {Touch.Kind.OUTREACH, Touch.Kind.FOLLOW_UP}:
        contact.stage = Contact.Stage.REACHED_OUT
    else:
        contact.stage = Contact.Stage.IDENTIFIED
    contact.save(update_fields=["stage", "updated_at"])
    return contact


def opportunity_record(*, contact: Contact, kind: str, note: str = "", at=None) -> Opportunity:
    """Note what a conversation led to: a job lead, an introduction, an application, an offer."""
    opportunity = Opportunity(client=contact.client, contact=contact, kind=kind, note=note)
    if at is not None:
        opportunity.at = at
    opportunity.full_clean()
    opportunity.save()
    return opportunity


def opportunity_delete(*, opportunity: Opportunity) -> None:
    opportunity.delete()
