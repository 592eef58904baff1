"""The demo practices: Northstar Careers (Maya, its admin; Sofia, a coach; Helen, a viewer) with
a shared library and one client shared between two coaches; Daniel stays a practice of one."""

from accounts.models import Membership, Practice
from clients.models import Client, ClientShare, OutreachTemplate
from interviews.models import Question, QuestionBank

NORTHSTAR = {"name": "Northstar Careers", "timezone": "Europe/London"}
# email -> role in Northstar Careers
NORTHSTAR_MEMBERS = {
    "coach@example.com": Membership.Role.ADMIN,
    "coach3@example.com": Membership.Role.COACH,
    "viewer@example.com": Membership.Role.VIEWER,
}
SOLO = {"coach2@example.com": "Reyes Career Coaching"}
# (client email, co-coach email): Tom's career change is coached by Maya with Sofia.
SHARES = [("tom.becker@example.com", "coach3@example.com")]

LIBRARY_BANK = {
    "name": "Northstar: changing careers",
    "description": "Questions our coaches use with clients moving into a new field.",
    "questions": [
        ("What did you have to unlearn when you moved into this field?", "career_path"),
        ("Which of my past experiences would people here value most?", "skills"),
        ("What does a good first 90 days look like for someone new to the field?", "role"),
        ("Who else made a move like mine that you think I should talk to?", "referrals"),
    ],
}
LIBRARY_TEMPLATE = {
    "name": "Northstar: warm introduction",
    "subject": "A mutual contact suggested I write to you",
    "body": (
        "Hello {contact_first_name},\n\n"
        "A mutual contact thought you would be a good person to ask about your work at "
        "{company}. I am exploring a move towards {target_roles} and would value 20 minutes "
        "of your experience, at a time that suits you.\n\nThank you,\n{client_name}"
    ),
}


def seed_practices(users: dict) -> None:
    """`users` maps each demo coach-side email to its User. Converges on one state."""
    northstar, _ = Practice.objects.update_or_create(
        name=NORTHSTAR["name"], defaults={"timezone": NORTHSTAR["timezone"]}
    )
    for email, role in NORTHSTAR_MEMBERS.items():
        _member(users[email], northstar, role)
    for email, name in SOLO.items():
        user = users[email]
        membership = Membership.objects.filter(user=user).select_related("practice").first()
        practice = (
            membership.practice
            if membership and membership.practice != northstar
            else Practice.objects.create(name=name, timezone=user.timezone)
        )
        if practice.name != name:
            practice.name = name
            practice.save(update_fields=["name"])
        _member(user, practice, Membership.Role.ADMIN)
    for client_email, coach_email in SHARES:
        client = Client.objects.filter(email=client_email).first()
        if client is not None:
            ClientShare.objects.get_or_create(
                client=client,
                coach=users[coach_email],
                defaults={"shared_by": users["coach@example.com"]},
            )
    _library(northstar)
    # Practices the migration made for demo coaches who have since joined Northstar.
    Practice.objects.filter(memberships__isnull=True, name__endswith="’s practice").delete()


def _member(user, practice, role) -> None:
    Membership.objects.update_or_create(
        user=user, defaults={"practice": practice, "role": role, "deactivated_at": None}
    )


def _library(practice) -> None:
    bank, _ = QuestionBank.objects.update_or_create(
        practice=practice,
        name=LIBRARY_BANK["name"],
        defaults={"description": LIBRARY_BANK["description"], "archived_at": None},
    )
    for position, (text, category) in enumerate(LIBRARY_BANK["questions"]):
        Question.objects.update_or_create(
            bank=bank, text=text, defaults={"category": category, "position": position}
        )
    OutreachTemplate.objects.update_or_create(
        practice=practice,
        name=LIBRARY_TEMPLATE["name"],
        defaults={"subject": LIBRARY_TEMPLATE["subject"], "body": LIBRARY_TEMPLATE["body"]},
    )
