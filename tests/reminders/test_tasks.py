"""The sweep task: a success leaves a heartbeat for /readyz; a failure reaches the ADMINS."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

import reminders.tasks
from coachdesk.models import Heartbeat
from reminders.sweep import SweepResult
from reminders.tasks import sweep

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def admins(settings):
    settings.ADMINS = [("Ops", "ops@example.com")]
    settings.DEBUG = False


def fail_sweep():
    raise RuntimeError("the database went away")


def test_a_sweep_that_succeeds_records_its_heartbeat_and_emails_nobody():
    with time_machine.travel(T0, tick=False):
        sweep()

    assert Heartbeat.objects.get(task="reminders.sweep").succeeded_at == T0
    assert mail.outbox == []


def test_a_sweep_that_raises_logs_an_error_that_is_emailed_to_the_admins(monkeypatch, caplog):
    monkeypatch.setattr(reminders.tasks, "run_sweep", fail_sweep)

    with pytest.raises(RuntimeError):
        sweep()

    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.name == "reminders.tasks"
    assert record.exc_info
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.com"]
    assert "The reminder sweep failed" in mail.outbox[0].subject
    assert "RuntimeError\nthe database went away" in mail.outbox[0].body
    assert not Heartbeat.objects.exists()


def test_reminders_that_failed_for_good_are_emailed_to_the_admins(monkeypatch):
    monkeypatch.setattr(reminders.tasks, "run_sweep", lambda: SweepResult(sent=3, failed=2))

    sweep()

    assert len(mail.outbox) == 1
    assert "2 reminder(s) failed for good" in mail.outbox[0].subject
    # The sweep itself ran: /readyz stays ready.
    assert Heartbeat.objects.exists()
