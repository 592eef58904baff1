"""A client's logging address, `log+<token>@<INBOUND_DOMAIN>`: the one place that builds and
reads it. Nobody else puts a token into an address or takes one out.

Mail systems may lowercase the local part, so tokens use lowercase letters and digits only
(without l, o, 0 and 1, which read alike): 26 characters of a 32-letter alphabet are 130 bits,
as unguessable as a password manager's. The `+` form (sub-addressing) lets one mailbox at the
domain take every client's mail.
"""

import re
import secrets

from django.conf import settings

PREFIX = "log"
TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
TOKEN_LENGTH = 26
# What parse() accepts: any token issued now, and the demo's (coachdesk/demo/inbound.py).
_LOCAL_PART = re.compile(rf"^{PREFIX}\+([a-z0-9]{{16,64}})$")


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def format_address(token: str) -> str:
    return f"{PREFIX}+{token}@{settings.INBOUND_DOMAIN}"


def parse_token(address: str) -> str | None:
    """The token of a logging address at INBOUND_DOMAIN (any case), or None for any other
    address."""
    local, _, domain = address.strip().strip("<>").lower().rpartition("@")
    if not settings.INBOUND_DOMAIN or domain != settings.INBOUND_DOMAIN:
        return None
    match = _LOCAL_PART.match(local)
    return match.group(1) if match else None


def is_ours(address: str) -> bool:
    """Any address at the inbound domain: never a contact, never a suggestion."""
    domain = address.strip().lower().rpartition("@")[2]
    return bool(settings.INBOUND_DOMAIN) and domain == settings.INBOUND_DOMAIN
