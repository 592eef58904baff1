"""The machine-readable forms of what a page shows: a `<time datetime>`.

Every template writes it through this filter, so it is valid HTML (the Nu Html Checker in
tests/browser/test_html_validity.py holds every page to it) and is spelled in one place.
"""

from datetime import date, datetime

from django import template

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
