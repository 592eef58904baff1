"""Delivery under load and faults: each due reminder reaches the SMTP server exactly once, whether
two sweeps race for it (threads, processes), the server refuses it, a worker dies holding it, or
its window closes while it keeps failing.

The races need PostgreSQL (SELECT ... FOR UPDATE SKIP LOCKED, other connections seeing committed
rows). Under CI they fail on any other database; locally they skip on SQLite.
"""

import email
import math
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection

from clients.models import Client, Contact
from interviews.models import Interview
from reminders import rules
from reminders.models import Reminder
from reminders.sweep import (
    CLAIM_TIMEOUT,
    SweepResult,
    claim_due_reminders,
    deliver,
    delivery,
    record_due_reminders,
    run_sweep,
)
from tests.factories import CoachFactory

UNDER_CI = bool(os.environ.get("CI"))
ROOT = Path(settings.BASE_DIR)

# Tuesday 10 March 2026, noon UTC: the UTC clients below are awake, the coach's 07:30 digest
# window is closed.
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# An interview that ended at THANK_YOU_ENDED gets its thank-you at NOW exactly.
THANK_YOU_ENDED = NOW - rules.THANK_YOU_AFTER


def require_postgresql() -> None:
    """Concurrency is only real on PostgreSQL: fail under CI, skip on a local SQLite run."""
    if connection.vendor == "postgresql":
        return
    if connection.vendor == "sqlite" and not UNDER_CI:
        pytest.skip("Needs PostgreSQL (SKIP LOCKED, several connections); set DATABASE_URL.")
    pytest.fail(f"CI must run these on PostgreSQL, not {connection.vendor}.")


def completed_interviews_awaiting_thank_you(count: int, *, ended_at=THANK_YOU_ENDED) -> list:
    """`count` completed interviews, each with its own client in UTC (one recipient each), the
    n-th ending n minutes before `ended_at`. Built with bulk_create: 500 take well under a second.
    """
    coach = CoachFactory(timezone="UTC", daily_digest=False)
    clients = Client.objects.bulk_create(
        Client(coach=coach, name=f"Client {n}", email=f"client{n}@example.com", timezone="UTC")
        for n in range(count)
    )
    contacts = Contact.objects.bulk_create(
        Contact(
            client=client,
            name=f"Contact {n}",
            email=f"contact{n}@example.org",
            stage=Contact.Stage.INTERVIEWED,
        )
        for n, client in enumerate(clients)
    )
    return Interview.objects.bulk_create(
        Interview(
            client=contact.client,
            contact=contact,
            starts_at=ended_at - timedelta(minutes=30 + n),
            duration_minutes=30,
            status=Interview.Status.COMPLETED,
        )
        for n, contact in enumerate(contacts)
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """An aiosmtpd handler that keeps every message it accepts, parsed. `refuse(times)` makes
    the next DATA commands fail with 451 (a temporary error, as a greylisting server gives)."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.peers: set[tuple] = set()  # one (host, port) per client connection that sent mail
        self.refusals_left: float = 0
        self._lock = threading.Lock()

    def refuse(self, times: float = math.inf) -> None:
        self.refusals_left = times

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            if self.refusals_left > 0:
                self.refusals_left -= 1
                return "451 4.3.0 Try again later"
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
            self.peers.add(session.peer)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, *, timeout: float) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return list(self.messages)


@contextmanager
def smtp_server_on_loopback(sink: SmtpSink | None = None):
    """A real SMTP server on loopback, in a thread of the test process; `sink` handles what it
    receives (by default an SmtpSink)."""
    sink = sink or SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_server():
    with smtp_server_on_loopback() as sink:
        yield sink


@pytest.fixture
def smtp_backend(settings, smtp_server):
    """Django's SMTP backend, pointed at `smtp_server`, for the sweep run by the test itself."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    return smtp_server


def stack_database_url() -> str:
    """The test database as a DATABASE_URL, for processes started by a test."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def stack_env(*, tmp_path: Path, smtp_port: int, **extra: str) -> dict[str, str]:
    """Environment for a subprocess running the production settings against the test database
    and the test's SMTP server."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="coachdesk.settings",
        DATABASE_URL=stack_database_url(),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        COACHDESK_VAR_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def thank_you_reminder() -> Reminder:
    return Reminder.objects.get(kind=Reminder.Kind.THANK_YOU)


# --- Two sweeps at once ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_racing_in_two_threads_send_each_of_500_reminders_exactly_once(mailoutbox):
    require_postgresql()
    interviews = completed_interviews_awaiting_thank_you(500)
    start = threading.Barrier(2)
    results, errors = [], []

    def sweep_in_this_thread():
        try:
            start.wait(timeout=30)
            results.append(run_sweep(NOW))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep_in_this_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(results) == 2
    assert Reminder.objects.count() == 500
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}
    assert len(mailoutbox) == 500
    message_ids = {message.extra_headers["Message-ID"] for message in mailoutbox}
    assert len(message_ids) == 500
    assert message_ids == set(Reminder.objects.values_list("message_id", flat=True))
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        interview.client.email for interview in interviews
    )
    # Both sweeps really took part: the rows were shared, not sent by one while the other idled.
    assert sorted(result.sent for result in results)[0] > 0
    assert sum(result.sent for result in results) == 500


SWEEP_IN_A_PROCESS = """
import sys, time
import django
django.setup()
from datetime import datetime
from reminders.sweep import run_sweep
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
print(run_sweep(datetime.fromisoformat(sys.argv[2])).sent)
"""


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_racing_in_two_processes_send_each_of_500_reminders_exactly_once(
    smtp_server, tmp_path
):
    require_postgresql()
    interviews = completed_interviews_awaiting_thank_you(500)
    env = stack_env(tmp_path=tmp_path, smtp_port=smtp_server.port)
    # Both start sweeping at the same instant, a few seconds from now: Django is loaded by then.
    start_at = str(time.time() + 4)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SWEEP_IN_A_PROCESS, start_at, NOW.isoformat()],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        outputs = [process.communicate(timeout=120) for process in processes]
    finally:
        for process in processes:
            process.kill()
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr

    sent_by_each = [int(stdout.strip()) for stdout, _ in outputs]
    assert sum(sent_by_each) == 500
    assert min(sent_by_each) > 0
    received = smtp_server.wait_for(500, timeout=10)
    time.sleep(1)  # anything else in flight would arrive now
    assert len(smtp_server.messages) == 500
    assert len({message["Message-ID"] for message in received}) == 500
    assert sorted(message["To"] for message in received) == sorted(
        interview.client.email for interview in interviews
    )
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 500
    assert Reminder.objects.count() == 500


# --- Faults ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_message_the_server_refuses_is_retried_after_the_backoff_and_sent_once(smtp_backend):
    completed_interviews_awaiting_thank_you(1)
    smtp_backend.refuse(times=1)

    result = run_sweep(NOW)

    assert (result.sent, result.retried) == (0, 1)
    reminder = thank_you_reminder()
    assert reminder.status == Reminder.Status.PENDING
    assert reminder.attempts == 1
    assert reminder.next_attempt_at > NOW
    assert "451" in reminder.last_error
    assert smtp_backend.messages == []

    # Before the backoff is over nothing is tried.
    assert run_sweep(reminder.next_attempt_at - timedelta(seconds=1)).sent == 0

    assert run_sweep(reminder.next_attempt_at).sent == 1
    assert run_sweep(reminder.next_attempt_at + timedelta(minutes=5)).sent == 0
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.last_error == ""
    assert len(smtp_backend.messages) == 1
    assert smtp_backend.messages[0]["Message-ID"] == reminder.message_id


@pytest.mark.django_db
def test_a_sweep_sends_its_batch_over_one_smtp_connection(smtp_backend):
    # deliver() says so, and it matters: with a real relay every new connection is a TCP and
    # TLS handshake, EHLO, AUTH and QUIT, several round trips per message.
    completed_interviews_awaiting_thank_you(3)

    assert run_sweep(NOW).sent == 3

    assert len(smtp_backend.messages) == 3
    assert len(smtp_backend.peers) == 1


@pytest.mark.django_db
def test_a_reminder_held_by_a_worker_that_died_is_sent_once_after_the_claim_timeout(mailoutbox):
    completed_interviews_awaiting_thank_you(1)
    record_due_reminders(NOW)
    assert len(claim_due_reminders(NOW)) == 1  # ... and the worker dies before sending.
    assert thank_you_reminder().status == Reminder.Status.SENDING

    assert run_sweep(NOW + CLAIM_TIMEOUT - timedelta(seconds=1)).sent == 0
    assert mailoutbox == []

    assert run_sweep(NOW + CLAIM_TIMEOUT).sent == 1
    assert run_sweep(NOW + CLAIM_TIMEOUT + timedelta(minutes=1)).sent == 0
    assert len(mailoutbox) == 1
    assert thank_you_reminder().status == Reminder.Status.SENT


@pytest.mark.django_db
def test_a_reminder_whose_window_closes_while_it_fails_ends_failed_with_the_error(smtp_backend):
    # The thank-you window (end + 48 h) closes 30 seconds after this sweep: no retry fits.
    window_ends = NOW + timedelta(seconds=30)
    completed_interviews_awaiting_thank_you(1, ended_at=window_ends - rules.THANK_YOU_CAP)
    smtp_backend.refuse()

    assert run_sweep(NOW).failed == 1

    reminder = thank_you_reminder()
    assert reminder.window_ends_at == window_ends
    assert reminder.status == Reminder.Status.FAILED
    assert reminder.attempts == 1
    assert "451" in reminder.last_error
    run_sweep(NOW + timedelta(minutes=5))
    assert thank_you_reminder().status == Reminder.Status.FAILED
    assert smtp_backend.messages == []


@pytest.mark.django_db
def test_a_failing_reminder_whose_window_closes_before_its_retry_ends_failed_with_the_error(
    smtp_backend,
):
    # Fails at NOW; its retry (NOW + 1 min) fits in the window (NOW + 90 s), but the next sweep
    # only runs at NOW + 2 min (beat ticks drift, the worker was busy or restarting).
    window_ends = NOW + timedelta(seconds=90)
    completed_interviews_awaiting_thank_you(1, ended_at=window_ends - rules.THANK_YOU_CAP)
    smtp_backend.refuse()
    assert run_sweep(NOW).retried == 1

    run_sweep(NOW + timedelta(minutes=2))

    reminder = thank_you_reminder()
    assert reminder.status == Reminder.Status.FAILED
    assert "451" in reminder.last_error
    assert smtp_backend.messages == []


@pytest.mark.django_db
def test_a_worker_still_sending_after_its_claim_timed_out_does_not_send_a_second_copy(
    mailoutbox,
):
    completed_interviews_awaiting_thank_you(1)
    record_due_reminders(NOW)
    # Worker A claims a batch, then stalls longer than the claim timeout: a tarpitting SMTP
    # server (EMAIL_TIMEOUT 20 s x 200 messages), a paused VM, or a solo pool, which enforces
    # no task time limit.
    stalled_batch = claim_due_reminders(NOW)
    # Worker B's sweep reclaims the row, as it should, and sends it.
    assert run_sweep(NOW + CLAIM_TIMEOUT).sent == 1
    assert len(mailoutbox) == 1

    # Worker A wakes up and carries on with the batch it holds in memory.
    deliver(stalled_batch, NOW, SweepResult())

    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_sweep_that_stalls_mid_batch_stops_before_sending_what_another_sweep_took_over(
    mailoutbox, monkeypatch
):
    completed_interviews_awaiting_thank_you(3)
    record_due_reminders(NOW)
    batch = claim_due_reminders(NOW)
    clock = {"now": 1000.0}
    monkeypatch.setattr(delivery.time, "monotonic", lambda: clock["now"])
    build = delivery.build_message
    stalled = []

    def slow_first_message(reminder):
        if not stalled:
            # The first send hangs past the claim timeout; meanwhile another sweep reclaims
            # the batch (this row too: its claim timed out as well) and sends it.
            stalled.append(reminder.pk)
            clock["now"] += CLAIM_TIMEOUT.total_seconds() + 1
            assert run_sweep(NOW + CLAIM_TIMEOUT).sent == 3
        return build(reminder)

    monkeypatch.setattr(delivery, "build_message", slow_first_message)
    result = SweepResult()

    deliver(batch, NOW, result)

    # Only the message in flight during the stall goes out twice, under the same Message-ID
    # (mail clients show it once); the stalled sweep sends nothing after it.
    assert result.sent == 1
    assert len(mailoutbox) == 4
    assert len({m.extra_headers["Message-ID"] for m in mailoutbox}) == 3


@pytest.mark.django_db
def test_a_slow_sweep_renews_its_claim_so_no_other_sweep_takes_its_rows(monkeypatch):
    completed_interviews_awaiting_thank_you(2)
    record_due_reminders(NOW)
    batch = claim_due_reminders(NOW)
    clock = {"now": 1000.0}
    monkeypatch.setattr(delivery.time, "monotonic", lambda: clock["now"])
    build = delivery.build_message
    taken_over = []

    def slow_message(reminder):
        # Each message takes half the claim timeout: without renewal the claim would time out
        # before the second one is sent. Another sweep runs meanwhile.
        step = CLAIM_TIMEOUT / 2
        clock["now"] += step.total_seconds()
        taken_over.append(None)  # first: a sweep that wrongly takes the row re-enters here
        taken_over[-1] = run_sweep(NOW + step * len(taken_over)).sent
        return build(reminder)

    monkeypatch.setattr(delivery, "build_message", slow_message)
    result = SweepResult()

    deliver(batch, NOW, result)

    assert result.sent == 2
    assert taken_over == [0, 0]  # the other sweeps, at each half timeout, found nothing to take
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}


@pytest.mark.django_db
def test_the_sweep_reports_whose_reminders_it_sent_or_will_retry(smtp_backend):
    first = completed_interviews_awaiting_thank_you(2)

    result = run_sweep(NOW)
    assert result.sent == 2
    assert result.clients_changed == {interview.client_id for interview in first}
    assert run_sweep(NOW).clients_changed == set()  # nothing left to do, nothing changed

    later = completed_interviews_awaiting_thank_you(1)
    smtp_backend.refuse()
    result = run_sweep(NOW)
    assert result.retried == 1
    assert result.clients_changed == {later[0].client_id}


@pytest.mark.django_db
def test_a_late_batch_of_a_long_sweep_holds_its_claim_from_the_real_time(monkeypatch):
    completed_interviews_awaiting_thank_you(1)
    record_due_reminders(NOW)
    batch = claim_due_reminders(NOW)  # claimed until NOW + CLAIM_TIMEOUT
    monkeypatch.setattr(delivery.time, "monotonic", lambda: 1000.0)
    held_until = []
    build = delivery.build_message

    def note_the_claim(reminder):
        held_until.append(Reminder.objects.get(pk=reminder.pk).next_attempt_at)
        return build(reminder)

    monkeypatch.setattr(delivery, "build_message", note_the_claim)

    # The sweep began 8 minutes ago (its earlier batches took that long).
    deliver(batch, NOW, SweepResult(), started=1000.0 - 8 * 60)

    assert held_until == [NOW + timedelta(minutes=8) + CLAIM_TIMEOUT]


@pytest.mark.django_db
def test_the_soft_time_limit_ends_the_sweep_instead_of_counting_as_a_failed_send(
    mailoutbox, monkeypatch
):
    # Under the prefork pool, Celery raises SoftTimeLimitExceeded inside the running sweep
    # (CELERY_TASK_SOFT_TIME_LIMIT, 4 min) so that it can stop before the hard kill at 5 min,
    # wherever it is: rendering, or in the middle of an SMTP exchange.
    completed_interviews_awaiting_thank_you(2)

    def out_of_time(reminder):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(delivery, "build_message", out_of_time)

    with pytest.raises(SoftTimeLimitExceeded):
        run_sweep(NOW)
    assert mailoutbox == []
    # Not an SMTP failure: no attempt is spent and no error shown to the coach; the claimed row
    # is taken up again after the claim timeout.
    assert not Reminder.objects.filter(attempts__gt=0).exists()
