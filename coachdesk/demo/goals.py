"""Demo weekly targets and action items for the portal clients (seed_demo).

The targets began a few weeks ago, so the progress page has a history; what counts against them
is what the workspace and interview demos already logged (touches, completed interviews,
thank-yous), never typed here. The items are open, done and overdue, some set by the client,
some about a contact, a company or an interview; their dates are relative to the client's today,
so the demo reads the same whenever it is seeded.
"""

from datetime import timedelta

from django.utils.timezone import now

from clients.models import Client, Company, Contact
from goals.models import ActionItem, WeeklyTarget
from goals.weeks import WEEK, local_date, week_start
from interviews.models import Interview

Kind = WeeklyTarget.Kind
COACH, CLIENT = ActionItem.SetBy.COACH, ActionItem.SetBy.CLIENT

# Per client email: {kind: per week}, and the number of weeks before this one they began.
TARGETS = {
    "client@example.com": ({Kind.OUTREACH: 2, Kind.CONVERSATIONS: 1, Kind.THANK_YOUS: 1}, 4),
    "client2@example.com": ({Kind.OUTREACH: 2, Kind.CONVERSATIONS: 1}, 3),
    "client3@example.com": ({Kind.OUTREACH: 2}, 2),
}

# Per client email: (title, notes, due in days from the client's today or None, set by, what it
# is about: ("contact" | "company" | "interview", the contact's or company's name), done that
# many days ago or None).
ITEMS = {
    "client@example.com": [
        (
            "Rehearse your 30-second pitch out loud",
            "Time it: it should fit in half a minute and end with a question.",
            -5,
            COACH,
            None,
            6,
        ),
        (
            "Update your LinkedIn headline to say what you are exploring",
            "Something like “Hospital pharmacist exploring health-tech product roles”.",
            -3,
            COACH,
            None,
            None,
        ),
        (
            "Choose ten questions for the call with Grace Kim",
            "",
            1,
            COACH,
            ("interview", "Grace Kim"),
            None,
        ),
        (
            "Send Samir Haddad the two questions I promised",
            "",
            2,
            CLIENT,
            ("contact", "Samir Haddad"),
            None,
        ),
        (
            "Read Brightwell Health’s last two product announcements",
            "Note one thing to ask Olivia about if she replies.",
            4,
            COACH,
            ("company", "Brightwell Health"),
            None,
        ),
        (
            "Ask Hannah Osei who else I should talk to",
            "",
            -10,
            CLIENT,
            ("contact", "Hannah Osei"),
            9,
        ),
        ("Finish chapter 3 of Designing Your Life", "", None, CLIENT, None, None),
    ],
    "client2@example.com": [
        (
            "Confirm the café and the time with Victor Ramos",
            "",
            0,
            COACH,
            ("interview", "Victor Ramos"),
            None,
        ),
        (
            "Write a one-page case study of a lesson you designed",
            "Problem, audience, what you built, what changed. Bring it to our next session.",
            -2,
            COACH,
            None,
            None,
        ),
        (
            "Thank Julia Rossi for the second chance",
            "",
            -13,
            CLIENT,
            ("contact", "Julia Rossi"),
            13,
        ),
    ],
    "client3@example.com": [
        ("List five companies with a demand-planning team", "", -6, COACH, None, 4),
        (
            "Draft a short note to Sean Walsh",
            "Mention the logistics meetup where you met.",
            -1,
            COACH,
            ("contact", "Sean Walsh"),
            None,
        ),
        (
            "Prepare your pitch for the call with Aoife Byrne",
            "",
            2,
            CLIENT,
            ("interview", "Aoife Byrne"),
            None,
        ),
    ],
}


def seed_goals() -> None:
    for email, (per_week, weeks_ago) in TARGETS.items():
        client = Client.objects.filter(email=email).select_related("coach", "user").first()
        if client is None:
            continue
        since = week_start(now(), client.timezone) - WEEK * weeks_ago
        WeeklyTarget.objects.filter(client=client).exclude(kind__in=per_week).delete()
        for kind, number in per_week.items():
            WeeklyTarget.objects.update_or_create(
                client=client,
                kind=kind,
                defaults={"per_week": number, "since": since, "created_by": client.coach},
            )
        _seed_items(client, ITEMS[email])


# Demo items were set a while ago: none is new enough for the "new action item" email, which
# the development server's worker would otherwise send for each on its first sweep.
SET_DAYS_AGO = 21


def _seed_items(client, items) -> None:
    today = local_date(now(), client.timezone)
    for title, notes, due_in, set_by, about, done_days_ago in items:
        links = dict.fromkeys(ActionItem.LINKS)
        if about is not None:
            name, of = about
            links[name] = _linked(client, name, of)
        ActionItem.objects.update_or_create(
            client=client,
            title=title,
            defaults={
                "notes": notes,
                "due_on": None if due_in is None else today + timedelta(days=due_in),
                "set_by": set_by,
                "created_by": client.coach if set_by == COACH else client.user,
                "done_at": None if done_days_ago is None else now() - timedelta(days=done_days_ago),
                **links,
            },
        )
    ActionItem.objects.filter(client=client, title__in=[item[0] for item in items]).update(
        created_at=now() - timedelta(days=SET_DAYS_AGO)
    )


def _linked(client, name: str, of: str):
    """The client's contact or company of that name, or their latest interview with the contact."""
    if name == "company":
        return Company.objects.filter(client=client, name=of).first()
    if name == "contact":
        return Contact.objects.filter(client=client, name=of).first()
    return Interview.objects.filter(client=client, contact__name=of).order_by("-starts_at").first()
