import zoneinfo
from datetime import UTC, datetime

import pytest


def local_instant(zone: str, *args) -> datetime:
    """The UTC instant of a wall-clock time in a zone (`args` as for datetime)."""
    return datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture
def local():
    """`local(zone, 2026, 3, 8, 23, 30)`: that wall-clock time in the zone, as UTC."""
    return local_instant
