"""IANA timezones: the choices offered in forms and the validator every timezone field uses."""

import zoneinfo
from datetime import UTC, datetime
from functools import cache

from django.core.exceptions import ValidationError


@cache
def timezone_names() -> tuple[str, ...]:
    # "Factory" and "localtime" are not places a person lives in.
    return tuple(sorted(zoneinfo.available_timezones() - {"Factory", "localtime"}))


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in timezone_names()]


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError(
            "“%(value)s” is not a known timezone. Pick one from the list, e.g. Europe/London.",
            code="invalid_timezone",
            params={"value": value},
        )


class NonExistentLocalTime(ValueError):
    """The wall-clock time falls in a daylight-saving gap: clocks skip it in that timezone."""


def local_to_utc(date, time, timezone_name: str):
    """The UTC instant of a wall-clock date and time in a timezone.

    Raises NonExistentLocalTime in a DST gap (e.g. 02:30 on the night clocks jump from 02:00 to
    03:00). In a DST overlap the earlier of the two instants is taken (fold=0).
    """
    zone = zoneinfo.ZoneInfo(timezone_name)
    wall = datetime.combine(date, time).replace(tzinfo=zone)
    back = wall.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise NonExistentLocalTime(f"{wall:%Y-%m-%d %H:%M} does not exist in {timezone_name}")
    return wall.astimezone(UTC)
