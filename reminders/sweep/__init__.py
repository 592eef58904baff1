"""The sweep: record due reminders, claim them, re-check, send. Run every minute by beat.

Its three sections are its modules:
1. `due`: what is due. Each due occurrence is inserted under its unique key (ON CONFLICT DO
   NOTHING), so concurrent sweeps cannot record it twice; contacts silent for 14 business days
   are closed as "no response".
2. `claim`: rows to send are locked with SELECT ... FOR UPDATE SKIP LOCKED and switched to
   `sending` in the same transaction, so two sweeps never hold the same row; the claim is
   short and renewed while sending, so a dead worker's rows are retaken within minutes.
3. `delivery`: each row is re-checked against fresh state (skipped, with the reason, when it no
   longer applies), sent with a Message-ID derived from the row, and marked `sent` in its own
   transaction the moment the server accepted it: the one duplicate no database can prevent
   (accepted, then the process died before that commit) is a single message, with the same
   Message-ID. Failures retry from the database with backoff until `window_ends_at`, then
   `failed`.
"""

import time
from datetime import datetime

from django.utils import timezone

from .claim import BATCH_SIZE, CLAIM_TIMEOUT, HOLD_EVERY, claim_due_reminders, hold
from .delivery import BACKOFF, current_occurrences, deliver, skip_reason, why_not_anymore
from .due import NO_RESPONSE_NOTE, close_silent_contacts, record_due_reminders
from .result import SweepResult

__all__ = [
    "BACKOFF",
    "BATCH_SIZE",
    "CLAIM_TIMEOUT",
    "HOLD_EVERY",
    "NO_RESPONSE_NOTE",
    "SweepResult",
    "claim_due_reminders",
    "close_silent_contacts",
    "current_occurrences",
    "deliver",
    "hold",
    "record_due_reminders",
    "run_sweep",
    "skip_reason",
    "why_not_anymore",
]


def run_sweep(now: datetime | None = None, *, max_batches: int = 50) -> SweepResult:
    now = now or timezone.now()
    started = time.monotonic()
    result = SweepResult()
    result.recorded = record_due_reminders(now)
    for _ in range(max_batches):
        claimed = claim_due_reminders(now)
        if not claimed:
            break
        deliver(claimed, now, result, started=started)
    result.closed_no_response = close_silent_contacts(now, result.clients_changed)
    return result
