"""The demo client's logging address, fixed so that docs/sample-reply.eml reaches it.

`python manage.py receive_email < docs/sample-reply.eml` forwards Olivia Brennan's answer to
Priya's outreach: it logs her reply and she leaves the coach's "no reply" list. Each seed_demo
run undoes what the sample logged (seed_workspace has put Olivia back at "reached out"), so the
sample can be tried again.
"""

from django.utils.timezone import now

from clients.models import Client, Touch
from inbound.models import InboundMessage, LoggingAddress, Suggestion

DEMO_CLIENT_EMAIL = "client@example.com"
# Not secret: the demo's only. Real addresses get a random token (inbound.addresses).
DEMO_TOKEN = "demopriya4sample7reply2log"
# The Message-ID of docs/sample-reply.eml.
SAMPLE_MESSAGE_ID = "CAKfwd-priya-olivia-20260305@mail.gmail.com"


def seed_inbound() -> None:
    client = Client.objects.filter(email=DEMO_CLIENT_EMAIL, user__isnull=False).first()
    if client is None:
        return
    LoggingAddress.objects.filter(client=client).active().exclude(token=DEMO_TOKEN).update(
        revoked_at=now()
    )
    LoggingAddress.objects.update_or_create(
        token=DEMO_TOKEN, defaults={"client": client, "revoked_at": None}
    )
    sample = InboundMessage.objects.filter(client=client, message_id=SAMPLE_MESSAGE_ID)
    Suggestion.objects.filter(seen_in__in=sample).delete()
    sample.delete()
    Touch.objects.filter(contact__client=client, email_message_id=SAMPLE_MESSAGE_ID).delete()
