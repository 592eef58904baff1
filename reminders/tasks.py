from celery import shared_task

from clients.pagecache import invalidate_caseloads
from coachdesk.readiness import SWEEP_TASK, heartbeat_record

from .sweep import run_sweep


@shared_task(name=SWEEP_TASK, ignore_result=True)
def sweep() -> dict:
    """Beat runs this every minute. Reminders are never scheduled with eta/countdown: the
    database is the queue (see reminders/sweep.py), so a restarted Redis or worker loses nothing.

    Each sweep that finishes records its heartbeat, which /readyz reads: a stopped beat or a
    sweep that keeps failing shows there."""
    result = run_sweep()
    heartbeat_record(task=SWEEP_TASK)
    # Reminder outcomes and closed contacts show on those caseloads' pages; nobody else's
    # cached pages are dropped.
    invalidate_caseloads(clients=result.clients_changed, coaches=result.coaches_changed)
    return {
        "recorded": result.recorded,
        "sent": result.sent,
        "skipped": result.skipped,
        "retried": result.retried,
        "failed": result.failed,
    }
