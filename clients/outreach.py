"""Outreach messages: the placeholders a template may use, how a draft is filled from a contact,
and the writes on templates.

A template is plain text with placeholders in braces, e.g. ``Hello {contact_first_name}``. Saving
a template checks it (`validate_template_text`); rendering never raises, so a template that
slipped past the check (edited in the admin, say) still shows, with the odd braces left as typed.
"""

import re
import string
from urllib.parse import quote, urlencode

from django.core.exceptions import ValidationError

from .models import Contact, OutreachTemplate

PLACEHOLDERS = {
    "contact_first_name": "The contact's first name, e.g. “Sam”.",
    "contact_name": "The contact's full name.",
    "contact_title": "The contact's job title, or “your role” when none is recorded.",
    "company": "The contact's company, or “your company” when none is recorded.",
    "client_name": "The client's full name, used to sign the message.",
    "client_first_name": "The client's first name.",
    "target_roles": "The roles the client is exploring, or “a new field” when none are recorded.",
    "coach_name": "The name of the client's coach.",
}

_FORMATTER = string.Formatter()
_PLAIN_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class _LeaveUnknownIntact(dict):
    """A format_map mapping that puts an unknown ``{name}`` back as it was typed."""

    def __missing__(self, key):
        return "{" + key + "}"


def placeholder_values(contact: Contact) -> dict[str, str]:
    """What each placeholder stands for in a message to this contact, never empty."""
    client = contact.client
    coach = client.coach
    return {
        "contact_first_name": contact.first_name or "there",
        "contact_name": contact.name or "there",
        "contact_title": contact.title.strip() or "your role",
        "company": contact.company.name if contact.company else "your company",
        "client_name": client.name,
        "client_first_name": client.first_name,
        "target_roles": client.target_roles.strip() or "a new field",
        "coach_name": coach.get_full_name() or "my coach",
    }


def _fill(text: str, values: dict[str, str]) -> str:
    try:
        fields = list(_FORMATTER.parse(text))
    except ValueError:  # a lone "{" or "}"
        fields = None
    only_plain_names = fields is not None and all(
        name is None or (name.isidentifier() and not spec and conversion is None)
        for _literal, name, spec, conversion in fields
    )
    if only_plain_names:
        return text.format_map(_LeaveUnknownIntact(values))
    # Malformed braces, positional fields, attribute lookups or format specs: format_map would
    # raise or reach into the values, so fill the plain known names and leave the rest as typed.
    return _PLAIN_PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), text)


def outreach_render(*, template: OutreachTemplate, contact: Contact) -> tuple[str, str]:
    """The template's (subject, body) filled in for this contact. Never raises on odd braces."""
    values = placeholder_values(contact)
    return _fill(template.subject, values), _fill(template.body, values)


def _as_typed(name: str, spec: str, conversion: str | None) -> str:
    """A parsed format field put back the way the user typed it, for error messages."""
    conversion_part = f"!{conversion}" if conversion else ""
    spec_part = f":{spec}" if spec else ""
    return "{" + name + conversion_part + spec_part + "}"


def validate_template_text(text: str) -> None:
    """Raise ValidationError unless every placeholder in `text` is one of PLACEHOLDERS and every
    brace is part of a placeholder (a literal brace is typed twice: ``{{`` or ``}}``)."""
    errors = []
    try:
        fields = list(_FORMATTER.parse(text))
    except ValueError:
        errors.append(
            ValidationError(
                "A curly brace is not closed or not opened. Placeholders look like {company}; "
                "to show a brace itself, type it twice: {{ or }}.",
                code="unbalanced_braces",
            )
        )
        # Still name the misspelt placeholders, so one round of fixes is enough.
        fields = [("", m[1], "", None) for m in _PLAIN_PLACEHOLDER.finditer(text)]
    unknown = []
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if name in PLACEHOLDERS and not spec and conversion is None:
            continue
        typed = _as_typed(name, spec, conversion)
        if typed not in unknown:
            unknown.append(typed)
    if unknown:
        errors.append(
            ValidationError(
                "Unknown placeholder%(plural)s: %(unknown)s. You can use: %(allowed)s.",
                code="unknown_placeholder",
                params={
                    "plural": "s" if len(unknown) > 1 else "",
                    "unknown": ", ".join(unknown),
                    "allowed": ", ".join("{" + name + "}" for name in PLACEHOLDERS),
                },
            )
        )
    if errors:
        raise ValidationError(errors)


def outreach_mailto_url(*, to: str, subject: str, body: str) -> str:
    """A mailto: link that opens the draft in the user's mail program (RFC 6068)."""
    query = urlencode(
        {"subject": subject, "body": body.replace("\r\n", "\n").replace("\n", "\r\n")},
        quote_via=quote,
    )
    return f"mailto:{quote(to, safe='@')}?{query}"


def _check_and_save(template: OutreachTemplate) -> OutreachTemplate:
    errors = {}
    for field in ("subject", "body"):
        try:
            validate_template_text(getattr(template, field))
        except ValidationError as error:
            errors[field] = error.error_list
    if errors:
        raise ValidationError(errors)
    template.full_clean()
    template.save()
    return template


def outreach_template_create(
    *, owner=None, practice=None, name: str, subject: str, body: str
) -> OutreachTemplate:
    """A coach's own template (`owner`) or one in a practice's library (`practice`). Built-ins,
    with neither, come only from migrations."""
    if (owner is None) == (practice is None):
        raise ValidationError("A template belongs to a coach or to a practice.")
    return _check_and_save(
        OutreachTemplate(owner=owner, practice=practice, name=name, subject=subject, body=body)
    )


def outreach_template_update(
    *, template: OutreachTemplate, name: str, subject: str, body: str
) -> OutreachTemplate:
    """Built-in templates are shared by every coach, so they are copied, never updated."""
    if template.is_builtin:
        raise ValidationError("Built-in templates cannot be changed; make a copy instead.")
    template.name, template.subject, template.body = name, subject, body
    return _check_and_save(template)


def outreach_template_copy(*, template: OutreachTemplate, owner) -> OutreachTemplate:
    """An editable copy of a built-in, practice or own template, owned by `owner`. The copy is
    saved as it is, without re-checking: the coach fixes anything odd on the edit page that
    follows."""
    name_field = OutreachTemplate._meta.get_field("name")
    return OutreachTemplate.objects.create(
        owner=owner,
        name=f"Copy of {template.name}"[: name_field.max_length],
        subject=template.subject,
        body=template.body,
    )


def outreach_template_move_to_practice(*, template: OutreachTemplate, practice) -> OutreachTemplate:
    """Hands a coach's own template to the practice's library: every coach of the practice and
    their clients draft from it from now on; only its admins change it."""
    if template.owner_id is None:
        raise ValidationError("Only a coach's own template moves into a practice's library.")
    template.owner, template.practice = None, practice
    template.full_clean()
    template.save(update_fields=["owner", "practice", "updated_at"])
    return template


def outreach_template_delete(*, template: OutreachTemplate) -> None:
    if template.is_builtin:
        raise ValidationError("Built-in templates cannot be deleted.")
    template.delete()
