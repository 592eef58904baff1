"""Who took part in an email, as a typed value: read from a message or a forwarded block
(inbound.parsing), stored on InboundMessage.participants (as_json/from_json, here only), and
matched to contacts (inbound.matching).

Email addresses are compared normalised: surrounding space, angle brackets and `mailto:` gone,
lowercased. A `+tag` in the local part (sam+jobs@acme.com) is kept in the address but ignored
when no contact has the exact address (`mailbox`): Gmail, Outlook and Fastmail deliver both to
one mailbox, and contacts write from either.
"""

from dataclasses import dataclass


def normalise_email(value: str) -> str:
    value = value.strip().strip("<>").strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    return value.lower()


def mailbox(email: str) -> str:
    """The address without its +tag: sam+jobs@acme.com → sam@acme.com."""
    local, at, domain = email.rpartition("@")
    return f"{local.split('+', 1)[0]}{at}{domain}" if at else email


@dataclass(frozen=True)
class Address:
    name: str
    email: str  # normalised

    @classmethod
    def of(cls, name: str, email: str) -> "Address":
        name = " ".join((name or "").replace("*", " ").split())
        return cls(name=name, email=normalise_email(email))

    def as_json(self) -> dict:
        return {"name": self.name, "email": self.email}

    @classmethod
    def from_json(cls, data: dict) -> "Address":
        return cls(name=data.get("name", ""), email=data.get("email", ""))

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True)
class Participants:
    sender: Address | None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()

    @property
    def recipients(self) -> tuple[Address, ...]:
        return (*self.to, *self.cc)

    @property
    def everyone(self) -> tuple[Address, ...]:
        return ((self.sender,) if self.sender else ()) + self.recipients

    def mentions(self, email: str) -> bool:
        return any(address.email == email for address in self.everyone)

    def as_json(self) -> dict:
        return {
            "from": self.sender.as_json() if self.sender else None,
            "to": [address.as_json() for address in self.to],
            "cc": [address.as_json() for address in self.cc],
        }

    @classmethod
    def from_json(cls, data: dict) -> "Participants":
        sender = data.get("from")
        return cls(
            sender=Address.from_json(sender) if sender else None,
            to=tuple(Address.from_json(item) for item in data.get("to", [])),
            cc=tuple(Address.from_json(item) for item in data.get("cc", [])),
        )
