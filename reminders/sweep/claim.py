"""2. Claim: take rows to send so that no two sweeps hold the same one, and hold them while
sending.

A claimed row's `next_attempt_at` is set CLAIM_TIMEOUT ahead: if the worker dies, the row becomes
claimable again by the same query (no separate "reclaim" pass). A sweep still sending renews its
claim every HOLD_EVERY, so the claim only times out under a worker that died or stalled, and what
a dead worker held goes out within CLAIM_TIMEOUT plus one sweep period of its death (about two
minutes with beat's one-minute sweep). A short claim with a heartbeat, rather than small
batches: one claim query per batch stays cheap, and the bound does not depend on how slowly the
mail server answers.
"""

from datetime import datetime, timedelta

from django.db import transaction

from ..emails import ACTION_ITEM_EMAIL_RELATED, referrals_prefetch
from ..models import Reminder

CLAIM_TIMEOUT = timedelta(seconds=60)
# A sweep renews its claim this often while it sends (see `hold`).
HOLD_EVERY = CLAIM_TIMEOUT / 4
BATCH_SIZE = 200


def claim_due_reminders(now: datetime, limit: int = BATCH_SIZE) -> list[Reminder]:
    """Lock and take up to `limit` rows to send: pending ones whose attempt is due, and rows
    left in `sending` by a worker that died (their claim timed out). Uses reminder_to_send_idx."""
    with transaction.atomic():
        rows = list(
            Reminder.objects.filter(
                status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING],
                next_attempt_at__lte=now,
            )
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)[:limit]
        )
        ids = [row.pk for row in rows]
        Reminder.objects.filter(pk__in=ids).update(
            status=Reminder.Status.SENDING, claimed_at=now, next_attempt_at=now + CLAIM_TIMEOUT
        )
    if not ids:
        return []
    # Everything the batch's emails read, so that building them runs no query of its own.
    return list(
        Reminder.objects.filter(pk__in=ids)
        .select_related(
            "client",
            "client__coach",
            "coach",
            "interview",
            "interview__debrief",
            "contact",
            "contact__company",
            "touch",
            *ACTION_ITEM_EMAIL_RELATED,
        )
        .prefetch_related(referrals_prefetch())
    )


def hold(claimed: list[Reminder], at: datetime) -> set[int]:
    """Renew this sweep's claim on the rows it still holds (same claim time, still `sending`)
    until `at` + CLAIM_TIMEOUT, and return their ids.

    Called before the first send and again whenever HOLD_EVERY has passed, so the claim cannot
    time out under a sweep that is still sending, and a sweep that stalled past the timeout
    (its rows reclaimed and sent by another) learns it before its next send: at most the one
    message in flight during the stall can go out twice."""
    if not claimed:
        return set()
    rows = Reminder.objects.filter(
        pk__in=[r.pk for r in claimed],
        status=Reminder.Status.SENDING,
        claimed_at=claimed[0].claimed_at,
    )
    rows.update(next_attempt_at=at + CLAIM_TIMEOUT)
    return set(rows.values_list("pk", flat=True))
