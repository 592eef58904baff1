"""The built-in outreach templates (owner empty): every coach can use them and copy them.

The texts live here, frozen with the migration, rather than imported from application code, so
that a later wording change comes as a new migration instead of rewriting history. Placeholders
are the names in clients.outreach.PLACEHOLDERS.
"""

from django.db import migrations

BUILTIN_TEMPLATES = [
    {
        "name": "Email: first request for a short conversation",
        "subject": "Could I learn from your experience at {company}?",
        "body": (
            "Hello {contact_first_name},\n"
            "\n"
            "My name is {client_name}, and I'm exploring a move into {target_roles}. "
            "[Add one sentence on why you are writing to this person in particular: "
            "a talk they gave, something they wrote, a friend in common.]\n"
            "\n"
            "Would you have 20 to 30 minutes in the coming weeks to tell me how you got where "
            "you are and what the work at {company} is really like? I'm not asking about "
            "openings; I'd simply value an insider's view before I choose my next step.\n"
            "\n"
            "A phone call, a video call or a coffee all suit me, on whatever day and time is "
            "easiest for you, and I'll keep to the time we agree.\n"
            "\n"
            "Thank you for considering it,\n"
            "{client_name}"
        ),
    },
    {
        # LinkedIn limits a connection note to about 300 characters, so it has no subject and
        # leaves room for long names once filled in.
        "name": "LinkedIn: connection note",
        "subject": "",
        "body": (
            "Hi {contact_first_name}, I'm {client_first_name} and I'm exploring a move into "
            "{target_roles}. Would you be open to a 20-minute call about your path and your "
            "work at {company}, at a time that suits you? I'm hoping to learn, not asking for "
            "a job. Thank you!"
        ),
    },
    {
        "name": "Email: one follow-up after a week",
        "subject": "Following up: a short conversation about {company}",
        "body": (
            "Hello {contact_first_name},\n"
            "\n"
            "Last week I wrote to ask whether you might spare 20 to 30 minutes to tell me "
            "about your work at {company}. Messages get buried easily, so I'm following up "
            "once in case mine slipped past.\n"
            "\n"
            "I'd still be glad of your perspective as I consider a move into {target_roles}. "
            "A short call at any time that suits you would be wonderful, and a few lines by "
            "email would help too. If now is not a good moment, I completely understand and "
            "won't write again about it.\n"
            "\n"
            "Thank you either way,\n"
            "{client_name}"
        ),
    },
]


def create_builtin_templates(apps, schema_editor):
    OutreachTemplate = apps.get_model("clients", "OutreachTemplate")
    for template in BUILTIN_TEMPLATES:
        OutreachTemplate.objects.get_or_create(
            owner=None,
            name=template["name"],
            defaults={"subject": template["subject"], "body": template["body"]},
        )


def delete_builtin_templates(apps, schema_editor):
    OutreachTemplate = apps.get_model("clients", "OutreachTemplate")
    OutreachTemplate.objects.filter(
        owner=None, name__in=[template["name"] for template in BUILTIN_TEMPLATES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_builtin_templates, delete_builtin_templates),
    ]
