"""A large caseload for load tests (bench/pages.py): by default 5 coaches with 200 clients each,
100 contacts, 20 interviews and 100 reminders per client.

Rows are written with bulk_create, one transaction per coach, so a full-size run takes a minute
or two on PostgreSQL rather than hours. The same --seed gives the same names, stages, statuses
and spreads; times are laid out around the hour the command runs in.

Scale data is told apart from everything else by its users' emails: coaches are
scale-coach-N@example.com and the clients who log in to the portal are
scale-client-N-M@example.com. --reset deletes those users and everything under their clients,
and nothing else.
"""

import random
import time
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Practice
from accounts.timezones import NonExistentLocalTime, local_to_utc
from clients.models import Client, ClientShare, Company, Contact, Touch
from goals.models import ActionItem, WeeklyTarget
from goals.weeks import local_date, week_start
from inbound.addresses import new_token
from inbound.models import InboundMessage, LoggingAddress, Suggestion
from inbound.participants import Address, Participants
from interviews.models import Debrief, Interview, InterviewQuestion, Question, QuestionBank
from pagecache.pages import invalidate_all
from reminders import rules
from reminders.identity import Occasion
from reminders.models import Reminder

from .seed_demo import DEMO_PASSWORD

BATCH_SIZE = 2000
COACH_EMAIL = "scale-coach-{n}@example.com"
CLIENT_EMAIL = "scale-client-{coach}-{n}@example.com"
# Each coach's first clients accept the invitation and log in to the portal.
PORTAL_CLIENTS_PER_COACH = 2
# The scale coaches work in one practice, with an admin and a viewer who have no clients of
# their own: the practice home and the whole-practice caseload read all 1,000 clients.
PRACTICE_NAME = "Scale Practice"
ADMIN_EMAIL = "scale-admin@example.com"
VIEWER_EMAIL = "scale-viewer@example.com"
# Each coach shares this many clients with the next coach (a co-coach).
SHARED_PER_COACH = 5
# Goals: the share of active clients with weekly targets, and action items per client.
TARGETS_SHARE = 0.6
ACTION_ITEMS = 6
# Inbound email: the share of clients with a logging address, and messages per such client.
LOGGING_SHARE = 0.3
INBOUND_MESSAGES = 8

TIMEZONES = [
    "Europe/London",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Warsaw",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Africa/Lagos",
]

FIRST_NAMES = [
    "Amara", "Ben", "Chloe", "Daniel", "Elena", "Farah", "George", "Hana", "Ivan", "Jade",
    "Kofi", "Lena", "Marco", "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Samuel", "Tara",
    "Umar", "Vera", "William", "Ximena", "Yusuf", "Zoe", "Aiko", "Bruno", "Carmen", "Dmitri",
    "Esther", "Felix", "Grace", "Hugo", "Ines", "Jonas", "Kai", "Leila", "Mateo", "Noor",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Reyes", "Shah", "Becker", "Tanaka", "Lee", "Osei", "Marchetti", "Kim", "Costa",
    "Haddad", "Brennan", "Aziz", "Lin", "Weber", "Noor", "Adeyemi", "Holm", "Duarte", "Nguyen",
    "Lindqvist", "Saleh", "Mori", "Clarke", "Sato", "Fitzgerald", "Ramos", "Obi", "Meyer",
    "Desai", "Hughes", "Carter", "Novak", "Silva", "Kowalski", "Dubois", "Rossi", "Jensen",
]  # fmt: skip
COMPANY_STEMS = [
    "Bright", "North", "Blue", "Green", "Open", "Clear", "Swift", "True", "Silver", "Pulse",
    "Harbor", "Summit", "Maple", "Cedar", "Atlas", "Orbit", "Lumen", "Vertex", "Beacon", "Field",
]  # fmt: skip
COMPANY_ENDINGS = [
    "well Health", "star Labs", "loop", "grid", "forge", "wise", "path Analytics", "stone Bank",
    "mill Manufacturing", "line Logistics", "works", "point Software", "leaf Energy",
    "bridge Consulting", "wave Media", "river Foods",
]  # fmt: skip
TITLES = [
    "Product Manager", "Senior Product Manager", "UX Researcher", "Data Analyst",
    "Engineering Manager", "Head of Operations", "Sustainability Analyst", "Recruiter",
    "Instructional Designer", "Customer Success Lead", "Marketing Director", "Founder",
]  # fmt: skip
GOALS = [
    "Move from hospital pharmacy into health-tech product management.",
    "Find out whether UX research suits a former journalist.",
    "Explore sustainability roles in manufacturing.",
    "Leave teaching for instructional design in a software company.",
    "Return to work after a career break, in operations or project management.",
    "Turn ten years of retail management into a people-operations role.",
]
TARGET_ROLES = [
    "Product manager, clinical product specialist",
    "UX researcher",
    "Sustainability analyst, ESG reporting",
    "Instructional designer, learning experience designer",
    "Operations manager, project manager",
    "People partner, talent acquisition",
]

Stage = Contact.Stage
# (stage, weight, kinds of the touches logged so far): about two touches per contact.
STAGES = [
    (Stage.IDENTIFIED, 20, []),
    (Stage.REACHED_OUT, 20, ["outreach", "follow_up"]),
    (Stage.REPLIED, 10, ["outreach", "reply"]),
    (Stage.SCHEDULED, 6, ["outreach", "reply"]),
    (Stage.INTERVIEWED, 8, ["outreach", "reply", "other"]),
    (Stage.THANKED, 8, ["outreach", "reply", "thank_you"]),
    (Stage.KEEPING_IN_TOUCH, 8, ["outreach", "reply", "thank_you", "update"]),
    (Stage.DECLINED, 6, ["outreach", "reply"]),
    (Stage.NO_RESPONSE, 12, ["outreach", "follow_up", "follow_up"]),
    (Stage.ARCHIVED, 2, ["outreach"]),
]
# Contacts an interview is most likely to be with.
MET_STAGES = {Stage.SCHEDULED, Stage.INTERVIEWED, Stage.THANKED, Stage.KEEPING_IN_TOUCH}

InterviewStatus = Interview.Status
PAST_INTERVIEW_STATUSES = [
    (InterviewStatus.COMPLETED, 75),
    (InterviewStatus.CANCELLED, 10),
    (InterviewStatus.NO_SHOW, 7),
    # Over, but nobody has marked it yet.
    (InterviewStatus.SCHEDULED, 8),
]
UPCOMING_SHARE = 0.25

ReminderStatus = Reminder.Status
# Outcomes of the rows the sweep has finished with; pending and sending rows are the ones due
# within the last hour.
SETTLED_STATUSES = [
    (ReminderStatus.SENT, 80),
    (ReminderStatus.SKIPPED, 12),
    (ReminderStatus.FAILED, 8),
]
RECENT_STATUSES = [(ReminderStatus.PENDING, 9), (ReminderStatus.SENDING, 1)]
RECENT_SHARE = 0.04
ERRORS = {
    ReminderStatus.SKIPPED: "The contact is closed (declined).",
    ReminderStatus.FAILED: (
        "(452, b'4.2.2 The email account that you tried to reach is over quota.')"
    ),
}

PITCH = (
    "I spent eight years in a different field and I am exploring this kind of role. I would "
    "love to hear how you got here and what the work is really like."
)
DEBRIEF_TEXT = {
    "highlights": "They moved in from a neighbouring field too, through an internal transfer.",
    "advice": "Volunteer for a cross-functional project and keep a portfolio of what you solved.",
    "reflection_fit": "Mostly yes: the mix of people and problem-solving suits me.",
    "reflection_interest": "How closely the team works with the people who use the product.",
    "reflection_prepare": "Have a shorter answer ready to “tell me about yourself”.",
    "next_steps": "Ask for an introduction to a colleague; read the book they mentioned.",
}
ACTION_TITLES = [
    "Draft your 30-second introduction",
    "Research the company before Thursday",
    "Send the thank-you note",
    "Pick ten questions from the bank",
    "Ask for two more names",
    "Update your LinkedIn headline",
]

CHECKLIST_KEYS = ["research_person", "research_company", "pitch", "questions", "logistics"]


def weighted(rng: random.Random, choices: list[tuple]) -> object:
    return rng.choices([c[0] for c in choices], weights=[c[1] for c in choices])[0]


def scale_users():
    """Every user seed_scale made, and nothing else."""
    return get_user_model().objects.filter(
        Q(email__startswith="scale-coach-")
        | Q(email__startswith="scale-client-")
        | Q(email__in=[ADMIN_EMAIL, VIEWER_EMAIL]),
        email__endswith="@example.com",
    )


def delete_scale_data() -> int:
    """Deletes scale users and everything under their clients; returns the number of rows.

    Leaves first, each one DELETE ... WHERE, so that Django's collector never has to load the
    hundreds of thousands of rows a cascade from Client would make it fetch.
    """
    users = scale_users()
    clients = Client.objects.filter(coach__in=users)
    interviews = Interview.objects.filter(client__in=clients)
    contacts = Contact.objects.filter(client__in=clients)
    querysets = [
        Reminder.objects.filter(Q(client__in=clients) | Q(coach__in=users)),
        ActionItem.objects.filter(client__in=clients),
        WeeklyTarget.objects.filter(client__in=clients),
        Suggestion.objects.filter(client__in=clients),
        InboundMessage.objects.filter(client__in=clients),
        LoggingAddress.objects.filter(client__in=clients),
        ClientShare.objects.filter(client__in=clients),
        InterviewQuestion.objects.filter(interview__in=interviews),
        Debrief.objects.filter(interview__in=interviews),
        interviews,
        Touch.objects.filter(contact__in=contacts),
        contacts,
        Company.objects.filter(client__in=clients),
        QuestionBank.clients.through.objects.filter(client__in=clients),
        clients,
        Practice.objects.filter(memberships__user__in=users),
        users,
    ]
    deleted = 0
    with transaction.atomic():
        for queryset in querysets:
            deleted += queryset.delete()[0]
    return deleted


@dataclass
class Tally:
    counts: dict = field(default_factory=dict)

    def add(self, model, n: int) -> None:
        name = model._meta.label  # e.g. clients.Contact
        self.counts[name] = self.counts.get(name, 0) + n


@dataclass
class Sizes:
    coaches: int
    clients: int
    contacts: int
    interviews: int
    reminders: int


class ScaleBuilder:
    """Builds one coach's caseload at a time; every random choice comes from `rng`."""

    def __init__(self, *, rng: random.Random, sizes: Sizes, now: datetime, tally: Tally):
        self.rng = rng
        self.sizes = sizes
        self.now = now
        self.tally = tally
        self.password = make_password(DEMO_PASSWORD)
        self.banks = list(
            QuestionBank.objects.builtin()
            .order_by("pk")  # The essentials bank first, as the migration made them.
            .prefetch_related("questions")
        )
        # Client pk to the questions of the banks assigned to them.
        self.pools: dict[int, list[Question]] = {}

    def bulk(self, model, rows: list) -> list:
        created = model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.tally.add(model, len(created))
        return created

    def seed_coach(self, n: int) -> None:
        User = get_user_model()
        rng = self.rng
        coach = self.bulk(
            User,
            [
                User(
                    email=COACH_EMAIL.format(n=n),
                    name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} (scale {n})",
                    role=User.Role.COACH,
                    timezone=rng.choice(TIMEZONES),
                    password=self.password,
                )
            ],
        )[0]
        clients = self.clients(coach, n)
        companies = self.companies(clients)
        contacts = self.contacts(clients, companies)
        touches = self.touches(coach, contacts)
        interviews = self.interviews(clients, contacts)
        self.questions_and_debriefs(clients, interviews)
        self.reminders(clients, contacts, touches, interviews)
        self.goals(coach, clients, contacts, interviews)
        self.inbound(clients, contacts)
        return coach, clients

    def practice(self, coaches: list, clients_by_coach: list[list[Client]]) -> None:
        """One practice: the scale coaches, an admin and a viewer without clients, and each
        coach's first active clients past the portal ones shared with the next coach."""
        User = get_user_model()
        practice = self.bulk(Practice, [Practice(name=PRACTICE_NAME, timezone="Europe/London")])[0]
        staff = self.bulk(
            User,
            [
                User(
                    email=email,
                    name=name,
                    role=User.Role.COACH,
                    timezone="Europe/London",
                    password=self.password,
                )
                for email, name in [(ADMIN_EMAIL, "Scale Admin"), (VIEWER_EMAIL, "Scale Viewer")]
            ],
        )
        roles = [Membership.Role.COACH] * len(coaches) + [
            Membership.Role.ADMIN,
            Membership.Role.VIEWER,
        ]
        self.bulk(
            Membership,
            [
                Membership(practice=practice, user=user, role=role)
                for user, role in zip([*coaches, *staff], roles, strict=True)
            ],
        )
        if len(coaches) < 2:
            return
        shares = []
        for i, clients in enumerate(clients_by_coach):
            co_coach = coaches[(i + 1) % len(coaches)]
            active = [c for c in clients[PORTAL_CLIENTS_PER_COACH:] if c.status == "active"]
            shares += [
                ClientShare(client=client, coach=co_coach, shared_by=staff[0])
                for client in active[:SHARED_PER_COACH]
            ]
        self.bulk(ClientShare, shares)

    def goals(self, coach, clients, contacts, interviews) -> None:
        """Weekly targets for most active clients, since a few weeks back; action items of
        every state (open, overdue, done), some linked to a contact or an interview."""
        rng = self.rng
        first_contact, first_interview = {}, {}
        for contact in contacts:
            first_contact.setdefault(contact.client_id, contact)
        for interview in interviews:
            first_interview.setdefault(interview.client_id, interview)
        targets, items = [], []
        for client in clients:
            today = local_date(self.now, client.timezone)
            if client.status == "active" and rng.random() < TARGETS_SHARE:
                since = week_start(today, client.timezone) - timedelta(weeks=rng.randint(0, 6))
                for kind, per_week in [
                    (WeeklyTarget.Kind.OUTREACH, rng.randint(3, 8)),
                    (WeeklyTarget.Kind.CONVERSATIONS, rng.randint(1, 3)),
                    (WeeklyTarget.Kind.THANK_YOUS, rng.randint(1, 3)),
                ]:
                    targets.append(
                        WeeklyTarget(
                            client=client,
                            kind=kind,
                            per_week=per_week,
                            since=since,
                            created_by=coach,
                        )
                    )
            for n in range(ACTION_ITEMS):
                set_by = ActionItem.SetBy.COACH if rng.random() < 0.7 else ActionItem.SetBy.CLIENT
                link = rng.choice(["", "", "contact", "interview"])
                due_on = (
                    today + timedelta(days=rng.randint(-10, 14)) if rng.random() < 0.8 else None
                )
                done = rng.random() < 0.4
                items.append(
                    ActionItem(
                        client=client,
                        title=rng.choice(ACTION_TITLES),
                        notes="Keep it short: two or three lines are enough." if n % 2 else "",
                        due_on=due_on,
                        created_by=coach if set_by == ActionItem.SetBy.COACH else client.user,
                        set_by=set_by,
                        contact=first_contact.get(client.pk) if link == "contact" else None,
                        interview=first_interview.get(client.pk) if link == "interview" else None,
                        done_at=self.now - timedelta(days=rng.randint(0, 20)) if done else None,
                    )
                )
        self.bulk(WeeklyTarget, targets)
        created = self.bulk(ActionItem, items)
        # auto_now_add writes the seeding instant; items were set over the past three weeks,
        # so the development worker sends no "new action item" email for them.
        ActionItem.objects.filter(pk__in=[i.pk for i in created]).update(
            created_at=self.now - timedelta(days=21)
        )

    def inbound(self, clients, contacts) -> None:
        """A logging address for some clients, with messages logged from it, a few that
        matched nobody, and a pending suggestion each."""
        rng = self.rng
        by_client: dict[int, list[Contact]] = {}
        for contact in contacts:
            if contact.email:
                by_client.setdefault(contact.client_id, []).append(contact)
        addresses, messages, suggestions = [], [], []
        for client in clients:
            if rng.random() >= LOGGING_SHARE:
                continue
            addresses.append(LoggingAddress(client=client, token=new_token()))
            mine = by_client.get(client.pk, [])
            for n in range(INBOUND_MESSAGES):
                contact = rng.choice(mine) if mine else None
                unmatched = contact is None or n % 4 == 3
                who = contact.email if contact and not unmatched else f"someone.{n}@example.net"
                at = self.now - timedelta(days=rng.uniform(0, 60))
                messages.append(
                    InboundMessage(
                        client=client,
                        message_id=f"<scale-{client.pk}-{n}@example.net>",
                        received_at=at,
                        sent_at=at,
                        participants=Participants(
                            sender=Address.of("", who), to=(Address.of(client.name, client.email),)
                        ).as_json(),
                        subject="Re: a short conversation about your work",
                        first_lines="Happy to talk next week. Does Tuesday suit you?",
                        status=InboundMessage.Status.UNMATCHED
                        if unmatched
                        else InboundMessage.Status.LOGGED,
                    )
                )
            suggestions.append(
                Suggestion(
                    client=client,
                    email=f"referral.{client.pk}@example.net",
                    name="Sam Referral",
                    company_name=rng.choice(COMPANY_STEMS) + " Ltd",
                )
            )
        self.bulk(LoggingAddress, addresses)
        self.bulk(InboundMessage, messages)
        self.bulk(Suggestion, suggestions)

    def clients(self, coach, n: int) -> list[Client]:
        User = get_user_model()
        rng = self.rng
        specs = []
        for m in range(1, self.sizes.clients + 1):
            specs.append(
                {
                    "email": CLIENT_EMAIL.format(coach=n, n=m),
                    "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "timezone": rng.choice(TIMEZONES),
                    "login": m <= PORTAL_CLIENTS_PER_COACH,
                }
            )
        users = self.bulk(
            User,
            [
                User(
                    email=spec["email"],
                    name=spec["name"],
                    role=User.Role.CLIENT,
                    timezone=spec["timezone"],
                    password=self.password,
                )
                for spec in specs
                if spec["login"]
            ],
        )
        by_email = {user.email: user for user in users}
        archived_share = 0.1
        clients = self.bulk(
            Client,
            [
                Client(
                    coach=coach,
                    user=by_email.get(spec["email"]),
                    name=spec["name"],
                    email=spec["email"],
                    timezone=spec["timezone"],
                    goal=rng.choice(GOALS),
                    target_roles=rng.choice(TARGET_ROLES),
                    status=Client.Status.ARCHIVED
                    if not spec["login"] and rng.random() < archived_share
                    else Client.Status.ACTIVE,
                    keep_in_touch_weeks=rng.choice([4, 8, 12]),
                )
                for spec in specs
            ],
        )
        # The essentials bank for everyone, and a second built-in bank for about half.
        through = QuestionBank.clients.through
        assignments = []
        for client in clients:
            banks = self.banks[:1] + (
                [rng.choice(self.banks[1:])] if len(self.banks) > 1 and rng.random() < 0.5 else []
            )
            assignments += [through(questionbank=bank, client=client) for bank in banks]
            self.pools[client.pk] = [q for bank in banks for q in bank.questions.all()]
        self.bulk(through, assignments)
        return clients

    def companies(self, clients: list[Client]) -> dict[int, list[Company]]:
        rng = self.rng
        names = [stem + ending for stem in COMPANY_STEMS for ending in COMPANY_ENDINGS]
        per_client = max(1, self.sizes.contacts // 7)
        rows = []
        for client in clients:
            for name in rng.sample(names, min(per_client, len(names))):
                rows.append(
                    Company(
                        client=client,
                        name=name,
                        website=f"https://{name.split()[0].lower()}.example.com",
                        motivation=rng.randint(0, 3),
                        posting=rng.randint(0, 3),
                        advocacy=rng.randint(0, 3),
                    )
                )
        by_client: dict[int, list[Company]] = {}
        for company in self.bulk(Company, rows):
            by_client.setdefault(company.client_id, []).append(company)
        return by_client

    def contacts(self, clients: list[Client], companies: dict) -> list[Contact]:
        rng = self.rng
        rows = []
        for client in clients:
            for i in range(self.sizes.contacts):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                company = rng.choice(companies[client.pk]) if rng.random() < 0.9 else None
                stage = weighted(rng, STAGES)
                # Unique per client by the trailing number, as the constraints require.
                handle = f"{first}.{last}.{i}".lower()
                rows.append(
                    Contact(
                        client=client,
                        company=company,
                        name=f"{first} {last}",
                        title=rng.choice(TITLES),
                        email=f"{handle}@example.org" if rng.random() < 0.6 else "",
                        linkedin_url=f"https://www.linkedin.com/in/{handle.replace('.', '-')}"
                        if rng.random() < 0.8
                        else "",
                        source=rng.choice(Contact.Source.values),
                        stage=stage,
                    )
                )
        return self.bulk(Contact, rows)

    def touches(self, coach, contacts: list[Contact]) -> dict[int, list[Touch]]:
        rng = self.rng
        kinds_by_stage = {stage: kinds for stage, _, kinds in STAGES}
        rows = []
        for contact in contacts:
            kinds = kinds_by_stage[contact.stage]
            # The first outreach up to half a year ago; later touches follow it in order.
            at = self.now - timedelta(days=rng.uniform(1, 180))
            for kind in kinds:
                rows.append(
                    Touch(
                        contact=contact,
                        kind=kind,
                        channel=rng.choice(
                            [Touch.Channel.EMAIL, Touch.Channel.EMAIL, Touch.Channel.LINKEDIN]
                        ),
                        at=at,
                        note="",
                        logged_by=coach if rng.random() < 0.2 else None,
                    )
                )
                at = min(at + timedelta(days=rng.uniform(1, 10)), self.now)
        by_contact: dict[int, list[Touch]] = {}
        for touch in self.bulk(Touch, rows):
            by_contact.setdefault(touch.contact_id, []).append(touch)
        return by_contact

    def interviews(self, clients: list[Client], contacts: list[Contact]) -> list[Interview]:
        rng = self.rng
        by_client: dict[int, list[Contact]] = {}
        for contact in contacts:
            by_client.setdefault(contact.client_id, []).append(contact)
        rows = []
        for client in clients:
            mine = by_client.get(client.pk, [])
            met = [c for c in mine if c.stage in MET_STAGES] or mine
            for _ in range(self.sizes.interviews):
                upcoming = rng.random() < UPCOMING_SHARE
                if upcoming:
                    status = InterviewStatus.SCHEDULED
                    day = self.now + timedelta(days=rng.randint(1, 21))
                else:
                    status = weighted(rng, PAST_INTERVIEW_STATUSES)
                    day = self.now - timedelta(days=rng.randint(1, 180))
                fmt = weighted(rng, [("video", 70), ("phone", 20), ("in_person", 10)])
                rows.append(
                    Interview(
                        client=client,
                        contact=rng.choice(met),
                        starts_at=self.working_hour(day, client.timezone),
                        duration_minutes=rng.choice([20, 30, 30, 45, 60]),
                        format=fmt,
                        status=status,
                        pitch=PITCH if rng.random() < 0.7 else "",
                        checklist_done=rng.sample(CHECKLIST_KEYS, rng.randint(0, 5)),
                        **self.logistics(fmt),
                    )
                )
        return self.bulk(Interview, rows)

    def working_hour(self, day: datetime, timezone_name: str) -> datetime:
        """A start between 09:00 and 17:30 local time on the day `day` falls on there."""
        local_day = day.astimezone(zoneinfo.ZoneInfo(timezone_name)).date()
        at = wall_time(self.rng.randint(9, 17), self.rng.choice([0, 30]))
        try:
            return local_to_utc(local_day, at, timezone_name)
        except NonExistentLocalTime:  # pragma: no cover - no DST gap falls in working hours
            return day.replace(minute=0, second=0, microsecond=0)

    def logistics(self, fmt: str) -> dict:
        if fmt == "video":
            platform = self.rng.choice(["zoom", "google_meet", "teams"])
            return {"platform": platform, "meeting_link": "https://meet.example.com/j/5550100"}
        if fmt == "phone":
            return {"phone": "+44 20 7946 0000"}
        return {"location": "Café Nero, 12 King Street"}

    def questions_and_debriefs(self, clients: list[Client], interviews: list[Interview]):
        rng = self.rng
        order = list(Question.Category.values)
        questions, debriefs = [], []
        for interview in interviews:
            pool = self.pools[interview.client_id]
            chosen = sorted(
                rng.sample(pool, min(10, len(pool))),
                key=lambda q: (order.index(q.category), q.position),
            )
            questions += [
                InterviewQuestion(interview=interview, question=q, text=q.text, position=i)
                for i, q in enumerate(chosen)
            ]
            if interview.status == InterviewStatus.COMPLETED:
                thanked = rng.random() < 0.75
                debriefs.append(
                    Debrief(
                        interview=interview,
                        fit=rng.randint(1, 5),
                        thank_you_sent_at=interview.ends_at + timedelta(hours=rng.randint(2, 40))
                        if thanked
                        else None,
                        **DEBRIEF_TEXT,
                    )
                )
        self.bulk(InterviewQuestion, questions)
        self.bulk(Debrief, debriefs)

    def reminders(self, clients, contacts, touches, interviews) -> None:
        """`sizes.reminders` rows per client, keyed as reminders.occurrences keys them: the
        interviews' prep, thank-you and overdue reminders first, then follow-ups and
        keep-in-touch reminders of the contacts, in rounds until the client has enough."""
        rng = self.rng
        interviews_of: dict[int, list[Interview]] = {}
        for interview in interviews:
            interviews_of.setdefault(interview.client_id, []).append(interview)
        contacts_of: dict[int, list[Contact]] = {}
        for contact in contacts:
            contacts_of.setdefault(contact.client_id, []).append(contact)
        rows = []
        for client in clients:
            wanted = self.sizes.reminders
            found = self.interview_occurrences(client, interviews_of.get(client.pk, []))
            found = found[:wanted]
            found += self.contact_occurrences(
                client, contacts_of.get(client.pk, []), touches, wanted - len(found)
            )
            rows += [self.reminder(client, *occurrence) for occurrence in found]
        rng.shuffle(rows)  # Ids in no particular order of kind, as the sweep leaves them.
        self.bulk(Reminder, rows)

    def interview_occurrences(self, client, interviews) -> list[tuple]:
        found = []
        for interview in interviews:
            common = {"interview": interview, "contact": interview.contact}

            def about(kind, interview=interview):
                return Occasion.for_interview(
                    kind, interview_id=interview.pk, starts_at=interview.starts_at
                )

            # Due when the rules say (booked a week ahead), as the sweep would have recorded it.
            prep = rules.prep_due(
                starts_at=interview.starts_at,
                scheduled_at=interview.starts_at - timedelta(days=7),
                timezone_name=client.timezone,
            )
            if prep.at <= self.now:
                found.append((about("prep"), prep.at, client.email, common))
            if interview.status == InterviewStatus.COMPLETED:
                thank_at = rules.thank_you_due(
                    ends_at=interview.ends_at, timezone_name=client.timezone
                ).at
                overdue_at = rules.thank_you_overdue_due(ends_at=interview.ends_at).at
                found.append((about("thank_you"), thank_at, client.email, common))
                if overdue_at <= self.now:
                    found.append(
                        (about("thank_you_overdue"), overdue_at, client.coach.email, common)
                    )
        return [o for o in found if o[1] <= self.now]

    def contact_occurrences(self, client, contacts, touches, wanted: int) -> list[tuple]:
        """Round 0 and 1: follow-ups on day 3 and 7 after the first outreach; later rounds:
        keep-in-touch reminders, one per later generation of the contact's last touch (each a
        snooze of its own, so each a distinct occasion)."""
        if wanted <= 0:
            return []
        # A follow-up or keep-in-touch reminder is about a touch: only contacts with one.
        reached = [contact for contact in contacts if touches.get(contact.pk)]
        if not reached:
            raise CommandError("Reminders beyond the interviews' need contacts with touches.")
        found = []
        for n in range(wanted):
            contact = reached[n % len(reached)]
            generation = n // len(reached)
            touch = touches[contact.pk][0]
            base = touch.at - timedelta(days=30 * generation)
            common = {"contact": contact}
            if generation < 2:
                step = 3 if generation == 0 else 7
                occasion = Occasion.for_follow_up(
                    contact_id=contact.pk, touch_id=touch.pk, step=step
                )
                due = rules.follow_up_due(
                    outreach_at=base, step=step, timezone_name=client.timezone
                )
                found.append((occasion, due.at, common))
            else:
                occasion = Occasion.for_keep_in_touch(
                    contact_id=contact.pk,
                    touch_id=touch.pk,
                    paused_until=touch.at + timedelta(weeks=8 + generation),
                )
                due = rules.keep_in_touch_due(
                    last_touch_at=base,
                    weeks=client.keep_in_touch_weeks,
                    timezone_name=client.timezone,
                )
                found.append((occasion, due.at, common))
        return [(occasion, min(at, self.now), client.email, c) for occasion, at, c in found]

    def reminder(self, client, occasion, due_at, recipient, related) -> Reminder:
        rng = self.rng
        recent = rng.random() < RECENT_SHARE
        if recent:
            status = weighted(rng, RECENT_STATUSES)
            due_at = self.now - timedelta(minutes=rng.randint(0, 59))
        else:
            status = weighted(rng, SETTLED_STATUSES)
        window = timedelta(days=2)
        attempts = {ReminderStatus.PENDING: 0, ReminderStatus.FAILED: 5}.get(status, 1)
        return Reminder(
            **occasion.columns(),
            client=client,
            recipient_email=recipient,
            due_at=due_at,
            window_ends_at=due_at + window,
            status=status,
            attempts=attempts,
            next_attempt_at=due_at if recent else due_at + window,
            claimed_at=due_at if status != ReminderStatus.PENDING else None,
            sent_at=due_at + timedelta(seconds=40) if status == ReminderStatus.SENT else None,
            last_error=ERRORS.get(status, ""),
            **related,
        )


class Command(BaseCommand):
    help = (
        "Create a large caseload for load tests (scale-coach-N@example.com, password "
        f"{DEMO_PASSWORD}). --reset deletes earlier scale data first; --coaches 0 --reset only "
        "deletes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--coaches", type=int, default=5)
        parser.add_argument("--clients", type=int, default=200, help="per coach")
        parser.add_argument("--contacts", type=int, default=100, help="per client")
        parser.add_argument("--interviews", type=int, default=20, help="per client")
        parser.add_argument("--reminders", type=int, default=100, help="per client")
        parser.add_argument("--seed", type=int, default=2026, help="for random.Random")
        parser.add_argument(
            "--reset", action="store_true", help="delete earlier scale data (and only that)"
        )

    def handle(self, *args, **options):
        sizes = Sizes(**{k: options[k] for k in Sizes.__dataclass_fields__})
        if min(vars(sizes).values()) < 0:
            raise CommandError("Sizes cannot be negative.")
        if sizes.interviews and not sizes.contacts:
            raise CommandError("Interviews need contacts: pass --contacts.")
        started = time.monotonic()
        if options["reset"]:
            deleted = delete_scale_data()
            self.stdout.write(
                f"Deleted {deleted:,} rows of earlier scale data in "
                f"{time.monotonic() - started:.1f} s."
            )
        elif scale_users().exists():
            raise CommandError("Scale data exists already: pass --reset to replace it.")

        # Times are laid out around the current hour, so one run's rows share one "now".
        now = timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        tally = Tally()
        builder = ScaleBuilder(
            rng=random.Random(options["seed"]), sizes=sizes, now=now, tally=tally
        )
        coaches, clients_by_coach = [], []
        for n in range(1, sizes.coaches + 1):
            with transaction.atomic():
                coach, clients = builder.seed_coach(n)
            coaches.append(coach)
            clients_by_coach.append(clients)
            self.stdout.write(f"  coach {n}/{sizes.coaches} · {time.monotonic() - started:.1f} s")
        if coaches:
            with transaction.atomic():
                builder.practice(coaches, clients_by_coach)

        if connection.vendor == "postgresql":
            # Autovacuum reaches bulk-loaded tables only minutes later: until then PostgreSQL
            # plans as if they were nearly empty, and without a visibility map it cannot use
            # index-only scans. VACUUM cannot run inside a transaction (as under tests).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        elapsed = time.monotonic() - started
        for name, count in tally.counts.items():
            self.stdout.write(f"  {name:<36} {count:>9,}")
        invalidate_all()  # pages cached before this run no longer match
        self.stdout.write(self.style.SUCCESS(f"Scale data ready in {elapsed:.1f} s."))
        if sizes.coaches and sizes.clients:
            self.stdout.write(
                f"  Log in as {COACH_EMAIL.format(n=1)} or {CLIENT_EMAIL.format(coach=1, n=1)} "
                f"(password: {DEMO_PASSWORD})"
            )
