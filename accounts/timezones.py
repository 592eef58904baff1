"""IANA timezones: the choices offered in forms and the validator every timezone field uses."""

import zoneinfo
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
