"""The machine-readable forms of what a page shows: a `<time datetime>` and a `tel:` link.

Every template writes them through these filters, so each is valid HTML (the Nu Html Checker in
tests/browser/test_html_validity.py holds every page to it) and is spelled in one place.
"""

import re
from datetime import date, datetime

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html

register = template.Library()


@register.filter(expects_localtime=True)
def datetime_attr(value: datetime | date | None) -> str:
    """`<time datetime="{{ at|datetime_attr }}">`: ISO 8601 to the second, in the current timezone.

    Django's `date:'c'` keeps microseconds, and HTML allows at most three digits of a second.
    """
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


@register.filter(expects_localtime=True)
def time_element(value: datetime | date | None, display_format: str) -> str:
    """`{{ at|time_element:"j M Y" }}`: `<time datetime="…">29 Nov 2026</time>`, shown in the
    `date` filter's format, machine-readable as `datetime_attr` writes it.

    One filter for what lists print on every row: the value is resolved and converted to the
    current timezone once rather than once for each of the two filters.
    """
    if value in (None, ""):
        return ""
    return format_html(
        '<time datetime="{}">{}</time>', datetime_attr(value), date_format(value, display_format)
    )


@register.filter
def tel_href(number: str) -> str:
    """`<a href="{{ phone|tel_href }}">{{ phone }}</a>`: the number as typed, as a `tel:` URL.

    A `tel:` URL holds no spaces (RFC 3966), so only the digits and a leading + are kept. What
    follows the first letter ("ext. 12", "x12") is an extension, kept as `;ext=12` rather than
    run into the number. A number with no digits gives "" (nothing to dial).
    """
    number = (number or "").strip()
    main, extension = re.match(r"([^A-Za-z]*)(.*)", number).groups()
    digits = re.sub(r"\D", "", main)
    if not digits:
        return ""
    href = "tel:" + ("+" if number.startswith("+") else "") + digits
    extension_digits = re.sub(r"\D", "", extension)
    return href + (f";ext={extension_digits}" if extension_digits else "")
