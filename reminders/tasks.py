import logging

from celery import shared_task

from clients.access import audience_of_clients, audience_of_coaches
from coachdesk.readiness import SWEEP_TASK, heartbeat_record
from pagecache.pages import invalidate_users

from .sweep import run_sweep

log = logging.getLogger(__name__)


@shared_task(name=SWEEP_TASK, ignore_result=True)
def sweep() -> dict:
    """Beat runs this every minute. Reminders are never scheduled with eta/countdown: the
    database is the queue (see reminders/sweep/), so a restarted Redis or worker loses nothing.

    Each sweep that finishes records its heartbeat, which /readyz reads: a stopped beat or a
    sweep that keeps failing shows there. A failure is also logged as an error, which the
    `reminders` logger emails to the ADMINS (coachdesk/settings.py)."""
    try:
        result = run_sweep()
    except Exception:
        log.exception("The reminder sweep failed; the next one retries what it left")
        raise
    heartbeat_record(task=SWEEP_TASK)
    # Reminder outcomes and closed contacts show on those caseloads' pages; nobody else's
    # cached pages are dropped.
    invalidate_users(
        sorted(
            {
                *audience_of_clients(result.clients_changed),
                *audience_of_coaches(result.coaches_changed),
            }
        )
    )
    if result.failed:
        # Counted, not listed: the reasons are on each Reminder (status "failed", last error),
        # and an SMTP error can quote a recipient's address.
        log.error(
            "%d reminder(s) failed for good in this sweep and will not be retried: see the "
            "reminders with status 'failed' in the admin",
            result.failed,
        )
    return {
        "recorded": result.recorded,
        "sent": result.sent,
        "skipped": result.skipped,
        "retried": result.retried,
        "failed": result.failed,
    }
