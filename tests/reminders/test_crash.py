"""A worker killed in the middle of a batch, through the whole stack: PostgreSQL, Redis, Celery
beat and two workers in their own processes, an SMTP server on loopback that answers slowly.

The promise (reminders/sweep/claim.py, delivery.py): whatever a dead worker had claimed goes out
within about two minutes of its death, and the only message that can go out twice is the one in
flight when it died (accepted by the server, not yet marked sent), under the same Message-ID.
"""

import asyncio
import signal
import time
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.utils import timezone

from reminders import rules
from reminders.models import Reminder
from reminders.sweep import CLAIM_TIMEOUT
from tests.coachdesk.test_stack import redis_url_or_skip
from tests.reminders.test_delivery import (
    SmtpSink,
    completed_interviews_awaiting_thank_you,
    require_postgresql,
    smtp_server_on_loopback,
    stack_env,
)
from tests.reminders.test_end_to_end import SWEEP_SECONDS, celery_beat, celery_worker, stop

REMINDERS = 30
KILL_AFTER = 5  # messages the server accepts from worker A before A is killed
SMTP_DELAY = 0.4  # seconds the server takes to answer each DATA
# Worker B's start, the sweep's own queries, a slow CI machine.
MARGIN = 20
PROMISE = timedelta(seconds=150)  # "within about two minutes of its death"
START_TIMEOUT = 60  # for beat and worker A to start and send their first messages


class SlowSmtpServer(SmtpSink):
    """Answers each DATA after SMTP_DELAY, as a busy relay does, and notes every message it
    accepts as (Message-ID, monotonic time). A client that hangs up before the answer has not
    had its message accepted: aiosmtpd cancels the handler, and nothing is noted."""

    def __init__(self):
        super().__init__()
        self.arrivals: list[tuple[str, float]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        await asyncio.sleep(SMTP_DELAY)
        answer = await super().handle_DATA(server, session, envelope)
        self.arrivals.append((self.messages[-1]["Message-ID"], time.monotonic()))
        return answer


def an_end_whose_thank_yous_are_due_now(now, count: int):
    """The helper's clients are in UTC and a thank-you waits for its client's waking hours: end
    the interviews (the n-th n minutes before the returned time) so that every thank-you is due
    now, whatever the hour the test runs."""
    ended_at = now - rules.THANK_YOU_AFTER - timedelta(minutes=1)
    while not all(
        rules.thank_you_due(ends_at=ended_at - timedelta(minutes=n), timezone_name="UTC").is_open(
            now
        )
        for n in range(count)
    ):
        ended_at -= timedelta(minutes=15)
    return ended_at


def wait_until(condition, *, deadline: float, every: float = 0.05) -> bool:
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)
    return True


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_sends_at_most_the_one_message_in_flight_twice(
    tmp_path,
):
    require_postgresql()
    redis_url = redis_url_or_skip()
    completed_interviews_awaiting_thank_you(
        REMINDERS, ended_at=an_end_whose_thank_yous_are_due_now(timezone.now(), REMINDERS)
    )
    logs = {
        name: tmp_path / f"{name.replace(' ', '-')}.log"
        for name in ("beat", "worker A", "worker B")
    }

    def all_logs() -> str:
        return "\n".join(
            f"--- {name}:\n{path.read_text() if path.exists() else '(not started)'}"
            for name, path in logs.items()
        )

    with smtp_server_on_loopback(SlowSmtpServer()) as smtp_server, ExitStack() as running:
        env = stack_env(
            tmp_path=tmp_path,
            smtp_port=smtp_server.port,
            REDIS_URL=redis_url,
            REMINDER_SWEEP_SECONDS=str(SWEEP_SECONDS),
        )

        def start(name, run, *args):
            process = run(*args, env=env, log=running.enter_context(logs[name].open("w")))
            running.callback(stop, process)  # before its log is closed, whatever happens
            return process

        # Beat in its own process, so the sweeps keep coming after the kill.
        start("beat", celery_beat, tmp_path)
        worker_a = start("worker A", celery_worker, f"crash-a-{tmp_path.name}")
        wait_until(
            lambda: len(smtp_server.arrivals) >= KILL_AFTER,
            deadline=time.monotonic() + START_TIMEOUT,
        )
        worker_a.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        before_the_kill = {message_id for message_id, _ in smtp_server.arrivals}
        worker_a.wait(timeout=10)
        assert KILL_AFTER <= len(before_the_kill) < REMINDERS, (
            f"Not killed mid-batch: {len(before_the_kill)} of {REMINDERS} sent.\n{all_logs()}"
        )
        # The rest of the batch is still claimed by the dead worker.
        assert Reminder.objects.filter(status=Reminder.Status.SENDING).exists(), all_logs()

        # The claim times out, the next sweep takes the rows up, the slow server takes the rest.
        remaining = REMINDERS - len(before_the_kill)
        bound = CLAIM_TIMEOUT.total_seconds() + SWEEP_SECONDS + remaining * SMTP_DELAY + MARGIN
        start("worker B", celery_worker, f"crash-b-{tmp_path.name}")
        # Never longer than the promise: with a longer claim timeout this fails in minutes.
        all_sent = wait_until(
            lambda: (
                len({message_id for message_id, _ in smtp_server.arrivals}) == REMINDERS
                and not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()
            ),
            deadline=killed_at + min(bound, PROMISE.total_seconds()),
            every=0.2,
        )
        if all_sent:
            time.sleep(SWEEP_SECONDS + 1)  # another sweep runs: it may send nothing again
        arrivals = list(smtp_server.arrivals)

    rows = list(Reminder.objects.order_by("pk"))
    received = Counter(message_id for message_id, _ in arrivals)
    unsent = [row.key for row in rows if row.status != Reminder.Status.SENT]
    last_arrival = max(at for _, at in arrivals) - killed_at
    seen = (
        f"{len(rows)} reminders; {len(before_the_kill)} accepted before the kill, "
        f"{len(arrivals) - len(before_the_kill)} after; not sent: {len(unsent)}; "
        f"received more than once: {[(m, n) for m, n in received.items() if n > 1]}; "
        f"last message {last_arrival:.1f} s after the kill; bound {bound:.0f} s "
        f"(CLAIM_TIMEOUT {CLAIM_TIMEOUT.total_seconds():.0f} s).\n{all_logs()}"
    )
    print(seen.split("\n", 1)[0])  # the figures, for `pytest -s`
    assert len(rows) == REMINDERS, seen
    assert {row.kind for row in rows} == {Reminder.Kind.THANK_YOU}, seen
    assert unsent == [], seen
    # Every row's message arrived, and nothing else did: a copy sent again under another
    # Message-ID would show here as an extra one.
    assert set(received) == {row.message_id for row in rows}, seen
    # At most one copy too many in all: the message in flight at the kill.
    assert sum(received.values()) - len(received) <= 1, seen
    assert last_arrival <= bound, seen
    assert bound <= PROMISE.total_seconds(), (
        f"CLAIM_TIMEOUT {CLAIM_TIMEOUT} lets a dead worker's batch wait up to {bound:.0f} s, "
        f"past the promised {PROMISE.total_seconds():.0f} s."
    )
