"""The coach's "needs attention" list: what to act on today, most urgent first.

Every rule is a bounded query over one coach's active clients; the whole list costs a fixed
number of queries whatever the caseload size (tests/dashboard/test_attention.py asserts it).
"""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Contact, Touch
from interviews.models import Interview
from reminders import rules
from reminders.models import Reminder

QUIET_AFTER = timedelta(days=14)
OVERDUE_LOOKBACK = timedelta(days=30)
# Each rule shows its most urgent rows; the page says how many more there are. A long caseload
# would otherwise render hundreds of rows nobody reads (bench/README.md: 794 for 176 clients).
PER_RULE = 15


@dataclass(frozen=True)
class Item:
    urgency: int  # lower is more urgent
    kind: str
    label: str
    client: Client
    detail: str
    url: str
    when: datetime | None = None


# (urgency, kind, label) in the order a coach should act on them.
OVERDUE_THANK_YOU = (0, "overdue_thank_you", "Thank-you overdue")
FAILED_REMINDER = (1, "failed_reminder", "Reminder failed")
INTERVIEW_TODAY = (2, "interview_today", "Interview today")
FOLLOW_UP_7 = (3, "follow_up_7", "No reply after 7 business days")
FOLLOW_UP_3 = (4, "follow_up_3", "No reply after 3 business days")
QUIET_CLIENT = (5, "quiet_client", "No activity for 14 days")
INTERVIEW_THIS_WEEK = (6, "interview_this_week", "Interview this week")


def _item(rule, **fields) -> Item:
    urgency, kind, label = rule
    return Item(urgency=urgency, kind=kind, label=label, **fields)


def needs_attention(coach, now: datetime | None = None) -> list[Item]:
    now = now or timezone.now()
    clients = Client.objects.filter(coach=coach, status=Client.Status.ACTIVE)
    items = [
        *overdue_thank_yous(clients, now),
        *failed_reminders(coach, now),
        *interviews_soon(coach, clients, now),
        *stalled_outreach(clients, now),
        *quiet_clients(clients, now),
    ]
    return sorted(items, key=lambda item: (item.urgency, item.when or now))


def shown_and_hidden(items: list[Item], per_rule: int = PER_RULE) -> tuple[list[Item], dict]:
    """The first `per_rule` items of each rule, and how many of each rule are left out."""
    shown, hidden, seen = [], {}, {}
    for item in items:
        seen[item.label] = seen.get(item.label, 0) + 1
        if seen[item.label] <= per_rule:
            shown.append(item)
        else:
            hidden[item.label] = hidden.get(item.label, 0) + 1
    return shown, hidden


def overdue_thank_yous(clients, now):
    interviews = (
        Interview.objects.filter(
            client__in=clients,
            status__in=[Interview.Status.SCHEDULED, Interview.Status.COMPLETED],
            starts_at__gte=now - OVERDUE_LOOKBACK,
            starts_at__lte=now - rules.THANK_YOU_CAP,
        )
        .filter(Q(debrief__isnull=True) | Q(debrief__thank_you_sent_at__isnull=True))
        .select_related("client", "contact", "contact__company")
        .order_by("starts_at")
    )
    for interview in interviews:
        if interview.ends_at + rules.THANK_YOU_CAP > now:
            continue  # a long interview: its 48 h are not over yet
        hours = int((now - interview.ends_at) / timedelta(hours=1))
        yield _item(
            OVERDUE_THANK_YOU,
            client=interview.client,
            detail=f"{interview.contact.name}: interview ended {hours} h ago, no thank-you yet",
            url=reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk}),
            when=interview.ends_at,
        )


def failed_reminders(coach, now):
    failed = (
        Reminder.objects.filter(
            client__coach=coach,
            status=Reminder.Status.FAILED,
            due_at__gte=now - OVERDUE_LOOKBACK,
        )
        .select_related("client", "contact")
        .order_by("-due_at")[:20]
    )
    for reminder in failed:
        who = f" about {reminder.contact.name}" if reminder.contact else ""
        yield _item(
            FAILED_REMINDER,
            client=reminder.client,
            detail=f"{reminder.get_kind_display()}{who}: {reminder.last_error[:120]}",
            url=reverse(
                "reminders_coach:client_reminders", kwargs={"client_pk": reminder.client_id}
            ),
            when=reminder.due_at,
        )


def interviews_soon(coach, clients, now):
    """Today and the rest of this week, in the coach's own timezone."""
    zone = zoneinfo.ZoneInfo(coach.timezone)
    today = timezone.localtime(now, zone).date()
    day_start = datetime.combine(today, datetime.min.time()).replace(tzinfo=zone)
    tomorrow = day_start + timedelta(days=1)
    week_end = day_start + timedelta(days=7 - today.weekday())
    interviews = (
        Interview.objects.filter(
            client__in=clients,
            status=Interview.Status.SCHEDULED,
            starts_at__gte=day_start,
            starts_at__lt=max(week_end, tomorrow),
        )
        .select_related("client", "contact", "contact__company")
        .order_by("starts_at")
    )
    for interview in interviews:
        local = timezone.localtime(interview.starts_at, zone)
        rule = INTERVIEW_TODAY if interview.starts_at < tomorrow else INTERVIEW_THIS_WEEK
        company = f" ({interview.contact.company.name})" if interview.contact.company else ""
        yield _item(
            rule,
            client=interview.client,
            detail=f"{interview.contact.name}{company}, {local:%a %d %b %H:%M}",
            url=reverse("interviews:interview_detail", kwargs={"interview_pk": interview.pk}),
            when=interview.starts_at,
        )


# Contacts waiting longest come first; past this many the page only needs a count.
STALLED_CANDIDATES = 200


def stalled_outreach(clients, now):
    """Contacts still waiting for a reply, by the same 3B7 rule as the reminders: the oldest
    outreach first, at most STALLED_CANDIDATES of them read (in one grouped query)."""
    contacts = (
        Contact.objects.filter(client__in=clients, stage=Contact.Stage.REACHED_OUT)
        .annotate(last_outreach=Max("touches__at", filter=Q(touches__kind=Touch.Kind.OUTREACH)))
        .filter(
            last_outreach__gte=now - timedelta(days=30), last_outreach__lte=now - timedelta(days=3)
        )
        .select_related("client", "company")
        .order_by("last_outreach")[:STALLED_CANDIDATES]
    )
    for contact in contacts:
        client = contact.client
        sent = contact.last_outreach
        seven = rules.follow_up_due(outreach_at=sent, step=7, timezone_name=client.timezone)
        three = rules.follow_up_due(outreach_at=sent, step=3, timezone_name=client.timezone)
        if now >= seven.at:
            rule = FOLLOW_UP_7
        elif now >= three.at:
            rule = FOLLOW_UP_3
        else:
            continue
        company = f" at {contact.company.name}" if contact.company else ""
        yield _item(
            rule,
            client=client,
            detail=f"{contact.name}{company}, reached out {sent:%d %b}",
            url=reverse("clients:contact_detail", kwargs={"contact_pk": contact.pk}),
            when=sent,
        )


def quiet_clients(clients, now):
    """Active clients with no touch, interview or change for 14 days."""
    quiet = (
        clients.annotate(
            last_touch=Max("contacts__touches__at"),
        )
        .filter(
            Q(last_touch__lt=now - QUIET_AFTER) | Q(last_touch__isnull=True),
            updated_at__lt=now - QUIET_AFTER,
        )
        .exclude(interviews__starts_at__gte=now - QUIET_AFTER)
    )
    for client in quiet.order_by("name"):
        last = client.last_touch or client.updated_at
        yield _item(
            QUIET_CLIENT,
            client=client,
            detail=f"Last activity {last:%d %b %Y}",
            url=reverse("clients:client_detail", kwargs={"client_pk": client.pk}),
            when=last,
        )
