"""A thank-you reminder through the whole stack, nothing mocked: PostgreSQL, Redis, a real Celery
worker and beat in their own processes, an SMTP server on loopback, and the link in the email
followed back into the app."""

import re
import subprocess
import sys
import time
import zoneinfo
from contextlib import contextmanager
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from interviews.models import Debrief
from interviews.scheduling import interview_set_status
from reminders import rules
from reminders.models import Reminder
from tests.coachdesk.test_stack import redis_url_or_skip
from tests.factories import ClientFactory, CoachFactory, ContactFactory, InterviewFactory
from tests.reminders.test_delivery import (
    ROOT,
    require_postgresql,
    smtp_server_on_loopback,
    stack_env,
)

SWEEP_SECONDS = 5
DELIVERY_TIMEOUT = 90

# Between them these cover every hour of the UTC day with a local time from 09:00 to 18:59.
ZONES = (
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Pacific/Auckland",
    "Asia/Tokyo",
    "Asia/Kolkata",
)


def a_timezone_where_it_is_daytime(now) -> str:
    """A client's waking hours are 08:00–20:00: pick a zone well inside them right now, so the
    thank-you is due at once rather than moved to tomorrow morning."""
    for name in ZONES:
        if 9 <= timezone.localtime(now, zoneinfo.ZoneInfo(name)).hour < 19:
            return name
    raise AssertionError(f"No zone in {ZONES} is in daytime at {now}")


def celery(*args: str, env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "coachdesk", *args, "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def celery_worker(name: str, *, env: dict, log) -> subprocess.Popen:
    """A Celery worker on the default queue. The solo pool runs each task in the worker process
    itself: killing that process kills the sweep it is running."""
    return celery(
        "worker",
        "--pool=solo",
        "-Q",
        "celery",
        "--hostname",
        f"{name}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        env=env,
        log=log,
    )


def celery_beat(tmp_path: Path, *, env: dict, log) -> subprocess.Popen:
    return celery(
        "beat",
        "--schedule",
        str(tmp_path / "beat"),
        "--pidfile",
        str(tmp_path / "beat.pid"),
        env=env,
        log=log,
    )


@contextmanager
def worker_and_beat(env: dict, tmp_path: Path):
    """A Celery worker and beat, as subprocesses; stopped on the way out whatever happens.
    Yields a function that returns both logs."""
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    with worker_log.open("w") as worker_out, beat_log.open("w") as beat_out:
        worker = celery_worker(f"e2e-{tmp_path.name}", env=env, log=worker_out)
        beat = celery_beat(tmp_path, env=env, log=beat_out)
        try:
            yield lambda: f"worker:\n{worker_log.read_text()}\nbeat:\n{beat_log.read_text()}"
        finally:
            stop(beat)
            stop(worker)


@pytest.mark.django_db(transaction=True)
def test_a_completed_interview_gets_one_thank_you_email_whose_link_marks_it_sent(
    live_server, client, tmp_path
):
    require_postgresql()
    redis_url = redis_url_or_skip()
    now = timezone.now()
    # The digest has its own tests; here it would only be a second email to tell apart.
    coach = CoachFactory(name="Maya Okafor", daily_digest=False)
    client_record = ClientFactory(coach=coach, timezone=a_timezone_where_it_is_daytime(now))
    contact = ContactFactory(client=client_record, name="Ana Lima")
    # Ended 24 h and a minute ago, so the thank-you fell due a minute ago.
    interview = InterviewFactory(
        client=client_record,
        contact=contact,
        starts_at=now - rules.THANK_YOU_AFTER - timedelta(minutes=31),
        duration_minutes=30,
    )
    interview_set_status(interview=interview, status="completed")

    with smtp_server_on_loopback() as smtp_server:
        env = stack_env(
            tmp_path=tmp_path,
            smtp_port=smtp_server.port,
            REDIS_URL=redis_url,
            REMINDER_SWEEP_SECONDS=str(SWEEP_SECONDS),
            SITE_URL=live_server.url,
        )
        with worker_and_beat(env, tmp_path) as logs:
            received = smtp_server.wait_for(1, timeout=DELIVERY_TIMEOUT)
            # Two more sweeps run in the meantime: neither may send it again.
            time.sleep(2 * SWEEP_SECONDS + 2)
        everything_received = list(smtp_server.messages)
    assert len(received) == 1, logs()
    assert len(everything_received) == 1, logs()

    message = received[0]
    reminder = Reminder.objects.get(kind=Reminder.Kind.THANK_YOU, interview=interview)
    assert reminder.status == Reminder.Status.SENT
    assert message["Message-ID"] == reminder.message_id
    assert parseaddr(message["From"])[1] == parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    assert parseaddr(message["To"])[1] == client_record.email
    assert parseaddr(message["Reply-To"])[1] == coach.email
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Ana Lima" in text
    assert "Ana Lima" in html

    # "I sent my thank-you": a confirm page, then a POST that marks it, no login needed.
    link = re.search(re.escape(live_server.url) + r"/r/thank-you/[^/\s\"'<>]+/", text)
    assert link, f"No 'I sent my thank-you' link in:\n{text}"
    assert link.group(0) in html
    path = urlsplit(link.group(0)).path
    confirm = client.get(path)
    assert confirm.status_code == 200
    assert b"<button" in confirm.content
    assert client.post(path).status_code in (200, 302)
    assert Debrief.objects.get(interview=interview).thank_you_sent_at is not None
