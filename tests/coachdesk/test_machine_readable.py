"""The `<time datetime>` and `tel:` filters every template writes through."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template

from coachdesk.templatetags.machine_readable import datetime_attr, tel_href

AT = datetime(2026, 11, 29, 17, 23, 41, 361452, tzinfo=UTC)


def render(source: str, **context) -> str:
    return Template("{% load tz machine_readable %}" + source).render(Context(context))


def test_a_time_attribute_keeps_whole_seconds_never_a_microsecond_fraction():
    assert datetime_attr(AT) == "2026-11-29T17:23:41+00:00"


def test_a_time_attribute_is_written_in_the_timezone_the_page_shows():
    source = (
        '{% timezone "America/New_York" %}<time datetime="{{ at|datetime_attr }}">{% endtimezone %}'
    )

    assert render(source, at=AT) == '<time datetime="2026-11-29T12:23:41-05:00">'


def test_a_date_attribute_is_the_iso_date_and_a_missing_one_is_empty():
    assert datetime_attr(date(2026, 11, 29)) == "2026-11-29"
    assert datetime_attr(None) == ""


@pytest.mark.parametrize(
    ("typed", "href"),
    [
        ("+44 20 7946 0000", "tel:+442079460000"),
        ("(555) 010-9999", "tel:5550109999"),
        (" +1.555.010.9999 ", "tel:+15550109999"),
        ("+44 20 7946 0000 ext. 12", "tel:+442079460000;ext=12"),
        ("020 7946 0000 x7", "tel:02079460000;ext=7"),
    ],
)
def test_a_tel_link_keeps_the_digits_and_a_leading_plus_and_no_spaces(typed, href):
    assert tel_href(typed) == href


def test_a_number_without_digits_gives_no_link():
    assert tel_href("ask at reception") == ""
    assert tel_href("") == ""
