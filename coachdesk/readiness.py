"""Readiness: can this deployment do its work now? The one home of what /readyz checks.

- database: one query;
- cache: a value written and read back. django-redis is set to ignore Redis errors (a Redis
  outage must not take the site down), so only a round trip shows it; without REDIS_URL this
  checks the file cache under var/ that the web process and the worker share;
- sweep: when the reminder sweep last succeeded (its Heartbeat). Beat, the broker (Redis, or the
  embedded file-system queue), the worker and the sweep itself have no other sign of life, so a
  stopped beat, a full queue or a sweep failing every minute all show here as a stale sweep.

A failing part is named with a fixed word ("unavailable", "stale", "never ran"), never with the
exception's text, which can hold host names or credentials; the exception goes to the log.
"""

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import Heartbeat

log = logging.getLogger(__name__)

SWEEP_TASK = "reminders.sweep"
OK = "ok"
UNAVAILABLE = "unavailable"


def heartbeat_record(*, task: str, at: datetime | None = None) -> None:
    """Records that `task` has just finished without an error."""
    Heartbeat.objects.update_or_create(task=task, defaults={"succeeded_at": at or timezone.now()})


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        log.warning("Readiness: the database is unavailable", exc_info=True)
        return UNAVAILABLE
    return OK


def check_cache() -> str:
    # A key of its own per probe: concurrent probes from other processes cannot mix answers.
    key, token = f"readiness-probe:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=30)
        kept = cache.get(key) == token
        cache.delete(key)
    except Exception:  # noqa: BLE001 - whatever the backend raises, the cache is not usable
        log.warning("Readiness: the cache is unavailable", exc_info=True)
        return UNAVAILABLE
    if not kept:
        log.warning("Readiness: the cache did not keep a value (is Redis down?)")
        return UNAVAILABLE
    return OK


def check_sweep(now: datetime) -> dict:
    """The sweep is fine when it succeeded within READINESS_SWEEP_MAX_AGE seconds. A sweep that
    never succeeded (a fresh install before its first sweep, or a beat never started) is not."""
    max_age = timedelta(seconds=settings.READINESS_SWEEP_MAX_AGE)
    heartbeat = Heartbeat.objects.filter(task=SWEEP_TASK).first()
    limit = {"max_age_seconds": settings.READINESS_SWEEP_MAX_AGE}
    if heartbeat is None:
        return {"status": "never ran", "last_success": None, "age_seconds": None, **limit}
    age = max(now - heartbeat.succeeded_at, timedelta(0))
    return {
        "status": OK if age <= max_age else "stale",
        "last_success": heartbeat.succeeded_at.isoformat(),
        "age_seconds": int(age.total_seconds()),
        **limit,
    }


def readiness_report(now: datetime | None = None) -> dict:
    """Each part's state and the names of those failing (none: ready)."""
    report = {"database": check_database(), "cache": check_cache()}
    if report["database"] == OK:
        try:
            report["sweep"] = check_sweep(now or timezone.now())
        except DatabaseError:
            log.warning("Readiness: the sweep's heartbeat could not be read", exc_info=True)
            report["sweep"] = {"status": UNAVAILABLE}
    else:
        report["sweep"] = {"status": "unknown: the database is unavailable"}
    failing = [part for part in ("database", "cache") if report[part] != OK]
    if report["sweep"]["status"] != OK:
        failing.append("sweep")
    return {"status": "not ready" if failing else "ready", "failing": failing, **report}
