"""The `<time datetime>` filter every template writes through."""

from datetime import UTC, date, datetime

from django.template import Context, Template

from coachdesk.templatetags.machine_readable import datetime_attr

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
