"""Reading a received email: who took part, the message it forwards (if it does), and its first
lines without the quoted history. Pure functions over anymail's AnymailInboundMessage, the one
message class of the webhooks and of receive_email; nothing here touches the database.

A forwarded message is recognised by the block mail programs write above the original:

- Gmail: "---------- Forwarded message ---------" then From:, Date:, Subject:, To:, Cc:
- Outlook: an optional "________________________________" or "-----Original Message-----"
  line, then From:, Sent:, To:, Cc:, Subject:
- Apple Mail: "Begin forwarded message:", a blank line, then From:, Subject:, Date:, To:

An Outlook reply quotes the message it answers under the same header block, so the block alone
does not make a message a forward: inbound.services treats it as one only when the message was
sent *to* the logging address (a forward), not copied to it in Bcc (an original message).
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import getaddresses
from html.parser import HTMLParser

from anymail.inbound import AnymailInboundMessage

from .participants import Address, Participants

# How much of a message becomes a touch's note.
FIRST_LINES = 5
FIRST_LINES_CHARS = 500
SUBJECT_CHARS = 255
MESSAGE_ID_CHARS = 255


class MessageUnreadable(ValueError):
    """Not an email CoachDesk can read: no sender."""


@dataclass(frozen=True)
class Forwarded:
    """The original message inside a forward, as its header block gives it."""

    participants: Participants
    subject: str
    first_lines: str


@dataclass(frozen=True)
class ReadMessage:
    message_id: str
    subject: str
    date: datetime | None  # aware
    participants: Participants  # the message's own From, To and Cc
    delivered_to: tuple[str, ...]  # Delivered-To and X-Original-To: who the server delivered to
    first_lines: str
    forwarded: Forwarded | None


def read_message(message: AnymailInboundMessage) -> ReadMessage:
    sender = message.from_email
    if isinstance(sender, list):  # several From addresses: legal, rare; the first wrote it
        sender = sender[0] if sender else None
    if sender is None or "@" not in (sender.addr_spec or ""):
        raise MessageUnreadable("The message has no sender address.")
    participants = Participants(
        sender=Address.of(sender.display_name, sender.addr_spec),
        to=_addresses(message.to),
        cc=_addresses(message.cc),
    )
    text = body_text(message)
    return ReadMessage(
        message_id=message_id_of(message, text),
        subject=_one_line(message.subject or "")[:SUBJECT_CHARS],
        date=_safe_date(message),
        participants=participants,
        delivered_to=tuple(
            value.strip().strip("<>").lower()
            for header in ("Delivered-To", "X-Original-To")
            for value in (message.get_all(header) or [])
        ),
        first_lines=first_lines(text),
        forwarded=forwarded_block(text),
    )


def _addresses(found) -> tuple[Address, ...]:
    return tuple(
        Address.of(address.display_name, address.addr_spec)
        for address in found
        if "@" in (address.addr_spec or "")
    )


def _safe_date(message) -> datetime | None:
    """The Date header, aware (a "-0000" zone, "unknown", is read as UTC), or None."""
    try:
        found = message.date
    except (TypeError, ValueError, IndexError):
        return None
    if found is not None and found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    return found


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def message_id_of(message: AnymailInboundMessage, text: str) -> str:
    """The Message-ID, or for a message without one (rare, but legal) a stable stand-in made
    from what it says, so that a re-delivery of it is still recognised."""
    found = _one_line(message.get("Message-ID") or "").strip("<>")
    if found and len(found) <= MESSAGE_ID_CHARS:
        return found
    said = [found, *(str(message.get(name, "")) for name in ("From", "Date", "Subject")), text]
    digest = hashlib.sha256("\0".join(said).encode("utf-8", "replace")).hexdigest()
    return f"sha256-{digest}@coachdesk.invalid"


# --- the body -------------------------------------------------------------------------------


def body_text(message: AnymailInboundMessage) -> str:
    """The text part, or, for a message with HTML only, text made from the HTML."""
    try:
        text = message.text
        if text is None and message.html is not None:
            text = html_to_text(message.html)
    except (LookupError, ValueError):  # an unknown charset, a broken part
        return ""
    return (text or "").replace("\r\n", "\n")


class _HTMLText(HTMLParser):
    """Block elements end lines; a blockquote's lines are quoted with "> ", as mail programs
    quote text, so the same quote stripping serves both."""

    BLOCKS = {
        "p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "hr", "ul", "ol", "pre", "section", "article", "header", "footer",
    }  # fmt: skip
    HIDDEN = {"script", "style", "head", "title", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[list] = [[0, ""]]
        self.depth = 0
        self.hidden = 0

    def _new_line(self):
        self.lines.append([self.depth, ""])

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            if tag == "blockquote":
                self.depth += 1
            self._new_line()

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in self.BLOCKS:
            if tag == "blockquote":
                self.depth = max(self.depth - 1, 0)
            self._new_line()

    def handle_data(self, data):
        if not self.hidden:
            self.lines[-1][1] += data

    def text(self) -> str:
        out = []
        for depth, line in self.lines:
            line = " ".join(line.split())
            out.append(("> " * depth + line) if line else "")
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def html_to_text(html: str) -> str:
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    return parser.text()


# --- quoted history and forwarded blocks -------------------------------------------------------

FORWARD_MARKER = re.compile(
    r"^(?:-{2,}\s*(?:forwarded message|original message)\s*-{2,}|begin forwarded message:)$",
    re.I,
)
OUTLOOK_RULE = re.compile(r"^_{10,}$")
HEADER_LINE = re.compile(r"^\*?(from|to|cc|date|sent|subject|reply-to)\*?:\s*(.*)$", re.I)
FROM_LINE = re.compile(r"^\*?from\*?:\s*\S", re.I)
DATE_LINE = re.compile(r"^\*?(?:sent|date)\*?:", re.I)
QUOTE_HEADER = re.compile(
    r"^(?:on\s.+\swrote:|le\s.+\sa écrit\s?:|am\s.+\sschrieb\s?.*:|el\s.+\sescribió:)$", re.I | re.S
)
SIGNATURE = re.compile(r"^(?:--|sent from my .+|get outlook for .+)$", re.I)


def _unquoted(line: str) -> str:
    return re.sub(r"^(?:>\s?)+", "", line).strip()


def _header_block_starts(lines: list[str], index: int) -> bool:
    """A From: line followed within a few lines by Sent: or Date: (Outlook's quote header,
    and every forwarded block's first line)."""
    if not FROM_LINE.match(_unquoted(lines[index])):
        return False
    return any(DATE_LINE.match(_unquoted(line)) for line in lines[index + 1 : index + 7])


def _quote_header_at(lines: list[str], index: int) -> bool:
    """ "On Tue, 3 Mar 2026 at 10:12, Olivia <olivia@…> wrote:", which Gmail wraps over two
    or three lines."""
    line = lines[index].strip()
    if not re.match(r"^(on|le|am|el)\s", line, re.I):
        return False
    joined = line
    for extra in lines[index + 1 : index + 3]:
        if QUOTE_HEADER.match(joined):
            return True
        joined = f"{joined} {extra.strip()}"
    return bool(QUOTE_HEADER.match(joined))


def _cut_here(lines: list[str], index: int) -> bool:
    line = _unquoted(lines[index])
    return bool(
        FORWARD_MARKER.match(line)
        or OUTLOOK_RULE.match(line)
        or SIGNATURE.match(lines[index].strip())
        or _quote_header_at(lines, index)
        or _header_block_starts(lines, index)
    )


def first_lines(text: str) -> str:
    """The first lines of new text: up to the quoted history, a forwarded block or the
    signature; quoted (">") lines skipped, blank lines dropped."""
    lines = text.splitlines()
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _cut_here(lines, index):
            break
        stripped = line.strip()
        if not stripped or stripped.startswith(">"):
            continue
        kept.append(" ".join(stripped.split()))
        if len(kept) >= FIRST_LINES:
            break
    excerpt = "\n".join(kept)
    if len(excerpt) > FIRST_LINES_CHARS:
        excerpt = excerpt[: FIRST_LINES_CHARS - 1].rstrip() + "…"
    return excerpt


def forwarded_block(text: str) -> Forwarded | None:
    """The first forwarded (or quoted) message's header block and the first lines under it,
    or None when the text has no such block with a sender address."""
    lines = text.splitlines()
    for index in range(len(lines)):
        line = _unquoted(lines[index])
        if FORWARD_MARKER.match(line) or OUTLOOK_RULE.match(line):
            start = index + 1
        elif _header_block_starts(lines, index):
            start = index
        else:
            continue
        found = _read_header_block(lines, start)
        if found is not None:
            return found
    return None


def _read_header_block(lines: list[str], start: int) -> Forwarded | None:
    fields: dict[str, str] = {}
    last = None
    index = start
    while index < len(lines) and not _unquoted(lines[index]):  # Apple Mail's blank line
        index += 1
    while index < len(lines):
        line = _unquoted(lines[index])
        if not line:
            break
        match = HEADER_LINE.match(line)
        if match:
            last = match.group(1).lower()
            last = "date" if last == "sent" else last
            fields.setdefault(last, match.group(2).strip())
        elif last is None:
            return None  # not a header block after all
        else:  # a long To: or Subject: wrapped onto the next line
            fields[last] = f"{fields[last]} {line}"
        index += 1
    senders = _parse_list(fields.get("from", ""))
    if not senders:
        return None
    body = "\n".join(_unquoted_keep_depth(line) for line in lines[index:])
    return Forwarded(
        participants=Participants(
            sender=senders[0],
            to=_parse_list(fields.get("to", "")),
            cc=_parse_list(fields.get("cc", "")),
        ),
        subject=_one_line(fields.get("subject", ""))[:SUBJECT_CHARS],
        first_lines=first_lines(body),
    )


def _unquoted_keep_depth(line: str) -> str:
    """One level of quoting off (Apple Mail and some clients quote the forwarded body)."""
    return re.sub(r"^>\s?", "", line)


def _parse_list(value: str) -> tuple[Address, ...]:
    """Addresses as forwarded blocks write them: "Name <a@b>", "a@b", Outlook's
    "Name [mailto:a@b]" and ";" between them, Gmail's *bold* names."""
    value = re.sub(r"\[mailto:([^\]]+)\]", r"<\1>", value.replace("*", ""))
    value = value.replace(";", ",")
    return tuple(Address.of(name, email) for name, email in getaddresses([value]) if "@" in email)
