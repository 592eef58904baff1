"""Demo companies, contacts and touch histories for seed_demo: every stage, realistic spread."""

from datetime import timedelta

from django.utils.timezone import now

from clients.models import Company, Contact, Touch

# Per client email: companies (name, motivation, posting, advocacy) and contacts
# (name, title, company, source, stage, days since the first outreach).
WORKSPACES = {
    "client@example.com": {
        "companies": [
            ("Brightwell Health", 3, 2, 3),
            ("Mediloop", 3, 1, 1),
            ("CareGrid", 2, 2, 0),
            ("Northstar Pharmacy Group", 1, 0, 2),
            ("Pulse Analytics", 2, 3, 1),
        ],
        "contacts": [
            ("Hannah Osei", "Senior Product Manager", "Brightwell Health", "alumni", "thanked", 30),
            (
                "Leo Marchetti",
                "Head of Clinical Product",
                "Mediloop",
                "referral",
                "interviewed",
                21,
            ),
            ("Grace Kim", "Product Owner", "CareGrid", "linkedin", "scheduled", 12),
            (
                "Samir Haddad",
                "Pharmacist turned PM",
                "Pulse Analytics",
                "friends_family",
                "replied",
                6,
            ),
            (
                "Olivia Brennan",
                "Director of Product",
                "Brightwell Health",
                "colleague",
                "reached_out",
                4,
            ),
            (
                "Tariq Aziz",
                "Clinical Informatics Lead",
                "Northstar Pharmacy Group",
                "colleague",
                "reached_out",
                9,
            ),
            ("Mei Lin", "UX Researcher", "Mediloop", "event", "identified", 0),
            ("Jonas Weber", "Product Analyst", "Pulse Analytics", "linkedin", "identified", 0),
            ("Fatima Noor", "VP Product", "CareGrid", "cold", "no_response", 25),
            ("Daniel Costa", "Product Manager", "Pulse Analytics", "alumni", "declined", 18),
            (
                "Rachel Adeyemi",
                "Product Lead",
                "Brightwell Health",
                "referral",
                "keeping_in_touch",
                60,
            ),
            ("Chris Holm", "Health-tech founder", None, "event", "identified", 0),
        ],
    },
    "tom.becker@example.com": {
        "companies": [("Fieldnote Labs", 3, 1, 2), ("Civic Design Co", 2, 2, 1)],
        "contacts": [
            ("Ines Duarte", "Lead UX Researcher", "Fieldnote Labs", "friends_family", "replied", 5),
            (
                "Paul Nguyen",
                "Research Ops Manager",
                "Civic Design Co",
                "linkedin",
                "reached_out",
                3,
            ),
            ("Sara Lindqvist", "Design Director", "Civic Design Co", "alumni", "identified", 0),
            ("Ahmed Saleh", "UX Researcher", "Fieldnote Labs", "event", "interviewed", 14),
        ],
    },
    "aiko.tanaka@example.com": {
        "companies": [("Greenmill Manufacturing", 3, 2, 1), ("Loop Materials", 2, 1, 0)],
        "contacts": [
            (
                "Kenji Mori",
                "Sustainability Analyst",
                "Greenmill Manufacturing",
                "colleague",
                "scheduled",
                8,
            ),
            ("Emma Clarke", "ESG Reporting Lead", "Loop Materials", "linkedin", "reached_out", 2),
            (
                "Yuki Sato",
                "Operations Manager",
                "Greenmill Manufacturing",
                "alumni",
                "identified",
                0,
            ),
        ],
    },
    "client2@example.com": {
        "companies": [
            ("Learnwise", 3, 3, 1),
            ("Skillforge", 2, 1, 2),
            ("OpenCourse Labs", 2, 2, 0),
        ],
        "contacts": [
            ("Nora Fitzgerald", "Instructional Designer", "Learnwise", "alumni", "thanked", 28),
            ("Victor Ramos", "Learning Experience Lead", "Skillforge", "referral", "scheduled", 10),
            ("Amara Obi", "Curriculum Manager", "OpenCourse Labs", "friends_family", "replied", 7),
            ("Lucas Meyer", "eLearning Developer", "Learnwise", "linkedin", "reached_out", 5),
            ("Priti Desai", "Head of Learning", "Skillforge", "cold", "no_response", 20),
            ("Owen Hughes", "Instructional Designer", "OpenCourse Labs", "event", "identified", 0),
            ("Zara Ahmed", "Learning Designer", None, "colleague", "identified", 0),
            ("Ben Carter", "Training Lead", "Learnwise", "linkedin", "declined", 16),
            ("Julia Rossi", "Education PM", "OpenCourse Labs", "alumni", "interviewed", 15),
            ("Kofi Mensah", "Senior ID", "Learnwise", "referral", "keeping_in_touch", 55),
        ],
    },
    "client3@example.com": {
        "companies": [
            ("Harbourline Logistics", 3, 2, 1),
            ("Greenbox Grocers", 2, 1, 2),
            ("Tidewater Freight", 2, 2, 0),
        ],
        "contacts": [
            ("Elena Petrova", "Demand Planner", "Greenbox Grocers", "alumni", "replied", 6),
            (
                "Marco Silva",
                "Supply Chain Analyst",
                "Harbourline Logistics",
                "linkedin",
                "reached_out",
                4,
            ),
            ("Aoife Byrne", "Head of Planning", "Tidewater Freight", "referral", "scheduled", 9),
            ("Sean Walsh", "Logistics Manager", "Harbourline Logistics", "event", "identified", 0),
            ("Nadia Karim", "Data Analyst", None, "friends_family", "identified", 0),
        ],
    },
}

K = Touch.Kind
# The touch history that leads to each stage: (kind, days after the first outreach, note).
HISTORY = {
    "identified": [],
    "reached_out": [(K.OUTREACH, 0, "Sent a short note asking for 20 minutes.")],
    "replied": [
        (K.OUTREACH, 0, "Sent a short note asking for 20 minutes."),
        (K.REPLY, 2, "Happy to talk; suggested next week."),
    ],
    "scheduled": [
        (K.OUTREACH, 0, "Asked for a short call."),
        (K.REPLY, 1, "Yes — proposed two slots."),
    ],
    "interviewed": [
        (K.OUTREACH, 0, "Asked for a short call."),
        (K.REPLY, 2, "Agreed to a video call."),
    ],
    "thanked": [
        (K.OUTREACH, 0, "Asked for a short call."),
        (K.REPLY, 1, "Agreed."),
        (K.THANK_YOU, 9, "Thanked them and mentioned the article they recommended."),
    ],
    "keeping_in_touch": [
        (K.OUTREACH, 0, "Asked for a coffee chat."),
        (K.REPLY, 2, "Met in person."),
        (K.THANK_YOU, 8, "Sent a thank-you card."),
        (K.UPDATE, 45, "Shared news: started a course they suggested."),
    ],
    "declined": [
        (K.OUTREACH, 0, "Asked for a short call."),
        (K.REPLY, 3, "Too busy this quarter; suggested trying again in spring."),
    ],
    "no_response": [
        (K.OUTREACH, 0, "Asked for a short call."),
        (K.FOLLOW_UP, 7, "One polite follow-up."),
    ],
}


def seed_workspace(client) -> None:
    spec = WORKSPACES.get(client.email)
    if not spec:
        return
    companies = {}
    for name, motivation, posting, advocacy in spec["companies"]:
        companies[name], _ = Company.objects.update_or_create(
            client=client,
            name=name,
            defaults={"motivation": motivation, "posting": posting, "advocacy": advocacy},
        )
    for name, title, company, source, stage, days_ago in spec["contacts"]:
        handle = name.lower().replace(" ", ".")
        email = f"{handle}@example.org"
        contact, created = Contact.objects.update_or_create(
            client=client,
            email=email,
            defaults={
                "name": name,
                "title": title,
                "company": companies.get(company),
                "source": source,
                "stage": stage,
                "linkedin_url": f"https://www.linkedin.com/in/{handle.replace('.', '-')}",
            },
        )
        if created or not contact.touches.exists():
            start = now() - timedelta(days=days_ago)
            Touch.objects.bulk_create(
                Touch(
                    contact=contact,
                    kind=kind,
                    channel=Touch.Channel.LINKEDIN if source == "linkedin" else Touch.Channel.EMAIL,
                    at=min(start + timedelta(days=offset), now()),
                    note=note,
                )
                for kind, offset, note in HISTORY[stage]
            )
