"""Start a practice: `create_practice --name "…" --admin-email …` creates it with an admin
invitation and prints the invitation link, for the operator to send to its first admin. That
admin then invites everyone else from the team page.

Run again with the same name while nobody has joined yet (say the first link expired), it makes
no second practice: it issues a fresh link for the same one and the older link stops working.
"""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership, Practice

from ... import invitations


class Command(BaseCommand):
    help = "Create a practice and print the invitation link for its first admin."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The practice's name.")
        parser.add_argument(
            "--admin-email", required=True, help="Who is invited as its admin (a new login)."
        )
        parser.add_argument(
            "--admin-name", default="", help="Their name, to greet them on the page."
        )
        parser.add_argument(
            "--timezone",
            default="UTC",
            help="The practice's timezone, e.g. Europe/London (default UTC).",
        )

    def handle(self, *args, name, admin_email, admin_name, timezone, **options):
        try:
            with transaction.atomic():
                practice, created = self._practice(name.strip(), timezone)
                invitation = invitations.practice_invitation_create(
                    practice=practice,
                    email=admin_email,
                    name=admin_name,
                    role=Membership.Role.ADMIN,
                    by=None,
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        if created:
            self.stdout.write(f"Created the practice “{practice.name}” ({practice.timezone}).")
        else:
            self.stdout.write(
                f"The practice “{practice.name}” exists and nobody has joined it yet: here is a "
                "new link for its admin (any earlier link no longer works)."
            )
        expires_at = invitations.invitation_expires_at(invitation).astimezone(
            zoneinfo.ZoneInfo(practice.timezone)
        )
        self.stdout.write(
            f"Send this link to {invitation.email}. It makes them the practice's admin, works "
            f"once, and expires on {expires_at:%Y-%m-%d at %H:%M} ({practice.timezone} time):"
        )
        self.stdout.write(invitations.invitation_accept_url(invitation))

    def _practice(self, name: str, timezone_name: str) -> tuple[Practice, bool]:
        existing = Practice.objects.filter(name=name).order_by("pk").first()
        if existing is not None:
            if existing.memberships.exists():
                raise CommandError(
                    f"A practice named “{name}” exists already and has members: its admins "
                    "invite people from its team page."
                )
            return existing, False
        practice = Practice(name=name, timezone=timezone_name)
        practice.full_clean()
        practice.save()
        return practice, True
