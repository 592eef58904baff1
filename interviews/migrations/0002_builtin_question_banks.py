"""The built-in question banks (owner empty): every coach can read them, copy them and put them in
a client's pool; nobody edits them.

The questions live here, frozen with the migration, rather than imported from application code,
so that a later wording change comes as a new migration instead of rewriting history. Categories
are the values of interviews.models.Question.Category. A bank is listed in the order its questions
are meant to be asked: warm-up about the person first, the request for names last.
"""

from django.db import migrations

CAREER_PATH = "career_path"
ROLE = "role"
COMPANY = "company"
INDUSTRY = "industry"
SKILLS = "skills"
ADVICE = "advice"
REFERRALS = "referrals"

BUILTIN_BANKS = [
    {
        "name": "Informational interview essentials",
        "description": (
            "A broad starting set for a 20–30 minute conversation with someone doing work the "
            "client is curious about. Pick about ten, from several categories, and treat them "
            "as a guide rather than a script."
        ),
        "questions": [
            (CAREER_PATH, "How did you end up in this line of work?"),
            (CAREER_PATH, "Did you plan this career, or did you arrive here by a detour?"),
            (CAREER_PATH, "Which of your earlier jobs or experiences has helped you most here?"),
            (CAREER_PATH, "Looking back, which decisions or moments shaped your path the most?"),
            (CAREER_PATH, "What do you know now that you wish someone had told you at the start?"),
            (ROLE, "Could you walk me through an ordinary day or week in your job?"),
            (ROLE, "Which parts of the work do you enjoy most?"),
            (ROLE, "What is the hardest or most draining part of the role?"),
            (ROLE, "What kinds of decisions are yours to make, and who do you work with most?"),
            (ROLE, "What are you working on at the moment that excites you?"),
            (ROLE, "How much say do you have over when, where and how you work?"),
            (COMPANY, "What drew you to this organisation, and what keeps you there?"),
            (COMPANY, "How would you describe the culture to someone who has never been inside?"),
            (COMPANY, "How do newcomers learn the ropes, and how do people grow from there?"),
            (COMPANY, "Why do customers pick your organisation over the alternatives?"),
            (COMPANY, "What is the organisation focusing on over the next year or so?"),
            (INDUSTRY, "Where do you think this field is heading in the next few years?"),
            (INDUSTRY, "Which changes in technology, regulation or the market affect you most?"),
            (INDUSTRY, "What do outsiders most often get wrong about this field?"),
            (INDUSTRY, "Which parts of the field are growing, and which are shrinking?"),
            (INDUSTRY, "Which newsletters, events or associations help you keep up?"),
            (SKILLS, "Which skills make the biggest difference to doing your job well?"),
            (
                SKILLS,
                "What mix of experience, training or qualifications do people in your role "
                "usually bring?",
            ),
            (SKILLS, "How did you get ready for this role, and what would you do differently?"),
            (SKILLS, "Which skills are hardest to find when your team is hiring?"),
            (
                SKILLS,
                "What could I do in the next few months, such as a course, a side project or "
                "volunteering, to build relevant experience?",
            ),
            (ADVICE, "If you were in my position, what would your next step be?"),
            (
                ADVICE,
                "Given my background, how ready do you think I am for this field, and where are "
                "the gaps?",
            ),
            (ADVICE, "What advice would you give someone trying to move into this kind of work?"),
            (ADVICE, "Which mistakes do you see newcomers make that I could avoid?"),
            (ADVICE, "How do people in this field usually hear about openings?"),
            (REFERRALS, "Who else would you suggest I talk to, to learn more?"),
            (REFERRALS, "Would you be willing to introduce me, or may I mention your name?"),
            (
                REFERRALS,
                "Is there someone in another part of the field whose view would complement yours?",
            ),
            (REFERRALS, "Are there groups or communities where people in this field get together?"),
            (REFERRALS, "May I keep you posted, and how would you like me to reach you?"),
        ],
    },
    {
        "name": "Career changers",
        "description": (
            "For clients moving in from another field: how others made the switch, what carried "
            "over and how newcomers are seen."
        ),
        "questions": [
            (CAREER_PATH, "What were you doing before this, and what made you decide to change?"),
            (
                CAREER_PATH,
                "How long did the move take you, and what did the period in between look like?",
            ),
            (SKILLS, "Which parts of your earlier experience carried over, and which were new?"),
            (SKILLS, "Which of my current skills do you think would count most here?"),
            (INDUSTRY, "How do hiring managers here see people coming from other careers?"),
            (
                ADVICE,
                "Is there a way in, such as a role, a project or short-term work, that suits "
                "someone switching fields?",
            ),
            (ADVICE, "What would you do differently if you were making the change again today?"),
            (REFERRALS, "Do you know others who came into this field from a different career?"),
        ],
    },
    {
        "name": "Questions about the company",
        "description": (
            "For a contact at an organisation the client is considering: how it works from the "
            "inside, beyond what the website says."
        ),
        "questions": [
            (COMPANY, "How has the organisation changed since you joined?"),
            (COMPANY, "How are decisions made, and how much say do people at your level have?"),
            (COMPANY, "How do teams work together across departments?"),
            (COMPANY, "How does the organisation support learning and development?"),
            (ROLE, "What would a successful first year look like for someone joining your team?"),
            (ROLE, "What challenges is your team facing right now?"),
            (ADVICE, "What do you wish you had known about the company before you joined?"),
            (REFERRALS, "Who else here would be good to talk to about the team I'm interested in?"),
        ],
    },
]


def create_builtin_banks(apps, schema_editor):
    QuestionBank = apps.get_model("interviews", "QuestionBank")
    Question = apps.get_model("interviews", "Question")
    for spec in BUILTIN_BANKS:
        bank, created = QuestionBank.objects.get_or_create(
            owner=None, name=spec["name"], defaults={"description": spec["description"]}
        )
        if created:
            Question.objects.bulk_create(
                Question(bank=bank, category=category, text=text, position=position)
                for position, (category, text) in enumerate(spec["questions"])
            )


def delete_builtin_banks(apps, schema_editor):
    QuestionBank = apps.get_model("interviews", "QuestionBank")
    QuestionBank.objects.filter(
        owner=None, name__in=[spec["name"] for spec in BUILTIN_BANKS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("interviews", "0001_initial")]

    operations = [migrations.RunPython(create_builtin_banks, delete_builtin_banks)]
