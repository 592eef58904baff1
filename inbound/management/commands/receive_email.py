"""Log one email read from standard input: for a Postfix pipe or procmail on your own server.

    # /etc/postfix/master.cf
    coachdesk unix - n n - - pipe
      flags=Rq user=coachdesk argv=/srv/coachdesk/.venv/bin/python /srv/coachdesk/manage.py
      receive_email --recipient ${recipient}

The exit status is what such a pipe reads (sysexits.h): 0 when the message was logged, kept in
the unmatched list or had already arrived; 67 (EX_NOUSER) when it is for no active logging
address, which bounces it; 65 (EX_DATAERR) when it is too large or has no sender.
"""

import sys

from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inbound import services

EX_DATAERR = 65
EX_NOUSER = 67


class Command(BaseCommand):
    help = "Log one RFC 5322 email read from standard input (a Postfix pipe)."
    # Tests hand the message in as a stream of bytes.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "--recipient",
            action="append",
            default=[],
            help="The envelope recipient (Postfix: ${recipient}); may be repeated.",
        )

    def handle(self, *args, recipient, **options):
        stream = options.get("stdin") or sys.stdin.buffer
        limit = settings.INBOUND_MAX_MESSAGE_BYTES
        raw = stream.read(limit + 1)
        if not services.message_size_allowed(len(raw)):
            raise CommandError(
                f"The message is larger than the limit ({limit:,} bytes): refused.",
                returncode=EX_DATAERR,
            )
        if not raw.strip():
            raise CommandError("No message on standard input.", returncode=EX_DATAERR)
        message = AnymailInboundMessage.parse_raw_mime_bytes(raw)
        try:
            received = services.inbound_message_receive(message=message, recipients=recipient)
        except services.MessageUnreadable as error:
            raise CommandError(str(error), returncode=EX_DATAERR) from None
        except services.AddressRefused as error:
            raise CommandError(str(error), returncode=EX_NOUSER) from None
        self.stdout.write(describe(received))


def describe(received: services.Received) -> str:
    row = received.message
    if received.outcome == received.DUPLICATE:
        return f"Already received ({row.get_status_display().lower()}): nothing new logged."
    if received.outcome == received.UNMATCHED:
        return f"Kept for {row.client.name}: it matched none of their contacts."
    logged = ", ".join(
        f"{touch.get_kind_display().lower()} with {touch.contact.name}"
        for touch in received.touches
    )
    return f"Logged for {row.client.name}: {logged}."
