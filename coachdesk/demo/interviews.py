"""Demo interviews in every state, with prep pages filled and debriefs for the completed ones."""

import zoneinfo
from datetime import time, timedelta

from django.utils.timezone import localtime, now

from accounts.timezones import local_to_utc
from clients.models import Client, Contact
from interviews.models import Debrief, Interview, InterviewQuestion, QuestionBank, Referral
from interviews.scheduling import suggest_questions

PITCH = (
    "I spent eight years as a hospital pharmacist and I am exploring product roles in health "
    "tech. I would love to hear how you moved into product and what the work is really like."
)
RESEARCH = (
    "Leads the medication-safety product line. Spoke at a health-tech meetup last spring about "
    "designing for night-shift nurses. The company raised a Series B in January."
)

# (client email, contact name, status, hours from now to the start, format, debrief?, thanked?)
INTERVIEWS = [
    ("client@example.com", "Hannah Osei", "completed", -24 * 12, "video", True, True),
    ("client@example.com", "Leo Marchetti", "completed", -51, "video", True, False),
    ("client@example.com", "Grace Kim", "scheduled", 46, "video", False, False),
    ("client@example.com", "Daniel Costa", "cancelled", -24 * 10, "phone", False, False),
    ("client@example.com", "Rachel Adeyemi", "completed", -24 * 58, "in_person", True, True),
    ("tom.becker@example.com", "Ahmed Saleh", "completed", -24 * 13, "video", True, False),
    ("aiko.tanaka@example.com", "Kenji Mori", "scheduled", 24 * 5, "phone", False, False),
    ("client2@example.com", "Nora Fitzgerald", "completed", -24 * 20, "video", True, True),
    ("client2@example.com", "Julia Rossi", "no_show", -24 * 18, "video", False, False),
    ("client2@example.com", "Julia Rossi", "completed", -24 * 14, "video", True, False),
    ("client2@example.com", "Victor Ramos", "scheduled", 26, "in_person", False, False),
    ("client3@example.com", "Aoife Byrne", "scheduled", 24 * 3, "video", False, False),
]

LOGISTICS = {
    "video": {"platform": "zoom", "meeting_link": "https://zoom.us/j/5550100200"},
    "phone": {"phone": "+44 20 7946 0000"},
    "in_person": {"location": "Café Nero, 12 King Street"},
}

DEBRIEF = {
    "highlights": (
        "They moved into product from a clinical role too, through an internal transfer. "
        "The best product people they know spent time with users first."
    ),
    "advice": (
        "Volunteer for a cross-functional project at work and build a small portfolio of "
        "problems you framed and solved."
    ),
    "fit": 4,
    "reflection_fit": "Yes: the mix of people and problem-solving suits me.",
    "reflection_interest": "How closely the product team works with nurses on the wards.",
    "reflection_prepare": "Have a shorter answer ready to “tell me about yourself”.",
    "next_steps": "Ask for an introduction to their UX researcher; read the book they mentioned.",
}


def demo_start(hours: int, timezone_name: str):
    """Past interviews keep their exact distance from now (the thank-you timing depends on it);
    upcoming ones start at 14:00 in the client's timezone on the day `hours` from now."""
    moment = now() + timedelta(hours=hours)
    if hours < 0:
        return moment.replace(minute=0, second=0, microsecond=0)
    local_day = localtime(moment, zoneinfo.ZoneInfo(timezone_name)).date()
    return local_to_utc(local_day, time(14, 0), timezone_name)


def seed_interviews() -> None:
    essentials = QuestionBank.objects.builtin().order_by("pk").first()
    for email, contact_name, status, hours, fmt, debrief, thanked in INTERVIEWS:
        client = Client.objects.filter(email=email).first()
        contact = Contact.objects.filter(client=client, name=contact_name).first()
        if client is None or contact is None:
            continue
        if essentials:
            essentials.clients.add(client)
        interview = Interview.objects.filter(client=client, contact=contact, status=status).first()
        if interview is None:
            interview = Interview.objects.create(
                client=client,
                contact=contact,
                starts_at=demo_start(hours, client.timezone),
                duration_minutes=60 if fmt == "in_person" else 30,
                format=fmt,
                status=status,
                pitch=PITCH if email == "client@example.com" else "",
                research_notes=RESEARCH if contact_name == "Grace Kim" else "",
                checklist_done=["research_person", "research_company", "pitch"],
                **LOGISTICS[fmt],
            )
            InterviewQuestion.objects.bulk_create(
                InterviewQuestion(interview=interview, question=q, text=q.text, position=i)
                for i, q in enumerate(suggest_questions(client=client))
            )
        if debrief:
            Debrief.objects.update_or_create(
                interview=interview,
                defaults={
                    **DEBRIEF,
                    "thank_you_sent_at": interview.ends_at + timedelta(hours=20)
                    if thanked
                    else None,
                },
            )
    hannah = Interview.objects.filter(contact__name="Hannah Osei").first()
    rachel = Contact.objects.filter(name="Rachel Adeyemi").first()
    if hannah and rachel and not Referral.objects.filter(contact=rachel).exists():
        Referral.objects.create(interview=hannah, contact=rachel)
