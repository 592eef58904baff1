from celery import shared_task

from clients.pagecache import invalidate_all

from .sweep import run_sweep


@shared_task(name="reminders.sweep", ignore_result=True)
def sweep() -> dict:
    """Beat runs this every minute. Reminders are never scheduled with eta/countdown: the
    database is the queue (see reminders/sweep.py), so a restarted Redis or worker loses nothing."""
    result = run_sweep()
    if (
        any((result.recorded, result.sent, result.skipped, result.retried, result.failed))
        or result.closed_no_response
    ):
        # Reminder states and closed contacts show on the coaches' and clients' pages.
        invalidate_all()
    return {
        "recorded": result.recorded,
        "sent": result.sent,
        "skipped": result.skipped,
        "retried": result.retried,
        "failed": result.failed,
    }
