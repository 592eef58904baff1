from celery import shared_task

from clients.pagecache import invalidate_caseloads

from .sweep import run_sweep


@shared_task(name="reminders.sweep", ignore_result=True)
def sweep() -> dict:
    """Beat runs this every minute. Reminders are never scheduled with eta/countdown: the
    database is the queue (see reminders/sweep.py), so a restarted Redis or worker loses nothing."""
    result = run_sweep()
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
