"""A solo coach is a practice of one: every coach without a membership gets a practice of
their own, named after them, with them as its admin. Nothing changes for them: they see the same
caseload, and now may invite others."""

from django.db import migrations


def practice_name(user) -> str:
    return f"{user.name or user.email}’s practice"


def give_every_coach_a_practice(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Practice = apps.get_model("accounts", "Practice")
    Membership = apps.get_model("accounts", "Membership")
    coaches = User.objects.filter(role="coach", membership__isnull=True).order_by("pk")
    for coach in coaches.iterator():
        practice = Practice.objects.create(name=practice_name(coach), timezone=coach.timezone)
        Membership.objects.create(practice=practice, user=coach, role="admin")


def remove_solo_practices(apps, schema_editor):
    """Back to before practices: the practices this migration made (one member, an admin) go;
    the tables themselves are dropped by reversing 0003."""
    Practice = apps.get_model("accounts", "Practice")
    Practice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_practices")]

    operations = [migrations.RunPython(give_every_coach_a_practice, remove_solo_practices)]
