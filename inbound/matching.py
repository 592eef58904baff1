"""Which touches an email logs, and whom it suggests adding: the one home of those rules.

- From the client (their email on record or their login's) to contacts: each contact in To or
  Cc gets the client's message. What kind of touch that is follows the contact's stage
  (`kind_of_message_to`): an outreach, a follow-up while an outreach is still waiting for a
  reply (Touch.objects.waiting_for_reply, the rule the 3B7 reminders read), and after the
  contact has answered not outreach at all (scheduling mail, keeping in touch).
- From a contact: a reply from that contact; clients.services moves the contact's stage, as
  logging a reply by hand does, and so ends the follow-ups through the rules.
- Anything else logs nothing and waits in the unmatched list for a person.

Participants who are neither the client, nor a contact, nor the client's coaches, nor one of our
own addresses, nor a robot (no-reply, mailer-daemon) are returned as strangers: the suggestions
"add Sam Lee of Acme?".
"""

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from clients.models import Client, ClientShare, Contact, Touch

from . import addresses
from .participants import Address, Participants, mailbox


@dataclass(frozen=True)
class Decision:
    contact: Contact
    kind: str


class ContactBook:
    """A client's contacts by email address, read once per message: the exact address first,
    then the address without its +tag."""

    def __init__(self, client: Client):
        self.exact: dict[str, Contact] = {}
        self.by_mailbox: dict[str, Contact] = {}
        for contact in client.contacts.exclude(email="").select_related("company"):
            email = contact.email.strip().lower()
            self.exact.setdefault(email, contact)
            self.by_mailbox.setdefault(mailbox(email), contact)

    def find(self, email: str) -> Contact | None:
        return self.exact.get(email) or self.by_mailbox.get(mailbox(email))


def client_emails(client: Client) -> set[str]:
    found = {client.email.strip().lower()}
    if client.user_id:
        found.add(client.user.email.strip().lower())
    return {mailbox(email) for email in found}


def is_client(client_addresses: set[str], email: str) -> bool:
    return mailbox(email) in client_addresses


# Stages after the contact answered: the client's mail then is not outreach (the weekly
# outreach target must not count scheduling mail). After the interview it keeps in touch.
ANSWERED = {Contact.Stage.REPLIED, Contact.Stage.SCHEDULED}
MET = {Contact.Stage.INTERVIEWED, Contact.Stage.THANKED, Contact.Stage.KEEPING_IN_TOUCH}


def kind_of_message_to(contact: Contact, *, at: datetime) -> str:
    """The touch an email from the client to this contact is."""
    if contact.stage in MET:
        return Touch.Kind.UPDATE
    if contact.stage in ANSWERED:
        return Touch.Kind.OTHER
    if Touch.objects.waiting_for_reply(as_of=at).filter(contact=contact).exists():
        return Touch.Kind.FOLLOW_UP
    return Touch.Kind.OUTREACH


def decide(
    client: Client, participants: Participants, *, at: datetime, book: ContactBook
) -> list[Decision]:
    """The touches this message logs (none: it goes to the unmatched list)."""
    sender = participants.sender
    if sender is None:
        return []
    if is_client(client_emails(client), sender.email):
        decisions, seen = [], set()
        for address in participants.recipients:
            contact = book.find(address.email)
            if contact is not None and contact.pk not in seen:
                seen.add(contact.pk)
                decisions.append(Decision(contact, kind_of_message_to(contact, at=at)))
        return decisions
    contact = book.find(sender.email)
    return [Decision(contact, Touch.Kind.REPLY)] if contact is not None else []


ROBOTS = re.compile(
    r"^(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?|notifications?)(?:[+.-].*)?$"
)


def strangers(client: Client, participants: Participants, *, book: ContactBook) -> list[Address]:
    """The participants to suggest as contacts, once each, in the order they appear."""
    own = client_emails(client)
    shared_with = ClientShare.objects.filter(client=client).values_list("coach__email", flat=True)
    coaches = {email.lower() for email in [client.coach.email, *shared_with]}
    found, seen = [], set()
    for address in participants.everyone:
        email = address.email
        if (
            email in seen
            or is_client(own, email)
            or email in coaches
            or addresses.is_ours(email)
            or book.find(email) is not None
            or ROBOTS.match(email.partition("@")[0])
            or (address.name and address.name.casefold() == client.name.casefold())
        ):
            continue
        seen.add(email)
        found.append(address)
    return found


# --- guessing a suggestion's name and company --------------------------------------------------

# Addresses at these say nothing about an employer.
PERSONAL_DOMAINS = {
    "aol.com", "btinternet.com", "fastmail.com", "gmail.com", "gmx.com", "gmx.de",
    "googlemail.com", "hey.com", "hotmail.co.uk", "hotmail.com", "icloud.com", "live.com",
    "mac.com", "me.com", "msn.com", "outlook.com", "proton.me", "protonmail.com", "web.de",
    "yahoo.co.uk", "yahoo.com", "ymail.com",
}  # fmt: skip
SECOND_LEVEL = {"ac", "co", "com", "gov", "net", "org"}


def guess_name(address: Address) -> str:
    """The display name ("Lee, Sam" turned round), else the local part's words (sam.lee)."""
    name = address.name.strip().strip("'\"")
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}"
    if name and "@" not in name:
        return name[:150]
    local = address.email.partition("@")[0].split("+", 1)[0]
    words = [word for word in re.split(r"[._-]+", local) if word and not word.isdigit()]
    return " ".join(word.capitalize() for word in words)[:150]


def guess_company(client: Client, email: str) -> str:
    """The company of the client's with that web domain, or the one company of the client's
    contacts at that domain, else the domain's name ("acme.co.uk" → "Acme"). Nothing for
    personal addresses (gmail.com and the like)."""
    domain = email.rpartition("@")[2]
    if not domain or domain in PERSONAL_DOMAINS:
        return ""
    for company in client.companies.exclude(website=""):
        host = (urlsplit(company.website).hostname or "").removeprefix("www.")
        if host and (domain == host or domain.endswith(f".{host}")):
            return company.name
    at_domain = set(
        client.contacts.filter(email__iendswith=f"@{domain}", company__isnull=False)
        .values_list("company__name", flat=True)
        .distinct()
    )
    if len(at_domain) == 1:
        return at_domain.pop()
    labels = domain.split(".")
    if len(labels) >= 3 and labels[-2] in SECOND_LEVEL and len(labels[-1]) == 2:
        label = labels[-3]
    else:
        label = labels[-2] if len(labels) >= 2 else labels[0]
    return " ".join(word.capitalize() for word in label.split("-"))[:200]
