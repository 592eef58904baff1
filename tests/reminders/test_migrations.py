"""The migration that gave reminders their occasion columns reads each key once, into columns."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import ClientFactory, CoachFactory, ContactFactory, TouchFactory

BEFORE = [("reminders", "0001_initial")]
AFTER = [("reminders", "0002_occasion_columns")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest():
    """The tests after this one in the same database need every migration applied again."""
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest")
def test_the_occasion_columns_are_filled_from_the_keys_written_before_them():
    old = migrate(BEFORE)
    Reminder = old.get_model("reminders", "Reminder")
    # Only the reminders app goes back in time: the other apps' tables are today's.
    coach = CoachFactory()
    touch = TouchFactory(contact=ContactFactory(client=ClientFactory(coach=coach)))
    contact = touch.contact
    when = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)

    def row(key):
        Reminder.objects.create(
            key=key,
            kind=key.split(":", 1)[0],
            occurrence=key.split(":", 2)[-1],  # as the code before wrote it
            recipient_email="p@example.com",
            due_at=when,
            window_ends_at=when,
            next_attempt_at=when,
        )

    row(f"outreach_follow_up:contact-{contact.pk}:touch-{touch.pk}:step-7:snoozed-20260617T0900")
    row(f"keep_in_touch:contact-{contact.pk}:touch-{touch.pk + 1000}")  # a touch deleted since
    row("thank_you:interview-12:2026-06-08T13:00+00:00")
    row(f"coach_digest:coach-{coach.pk}:2026-06-10")

    new = migrate(AFTER)
    rows = {r.kind: r for r in new.get_model("reminders", "Reminder").objects.all()}

    follow_up = rows["outreach_follow_up"]
    assert (follow_up.touch_id, follow_up.step) == (touch.pk, 7)
    assert follow_up.paused_until == datetime(2026, 6, 17, 9, 0, tzinfo=UTC)
    assert rows["keep_in_touch"].touch_id is None  # the key keeps the id; no dangling column
    assert rows["thank_you"].interview_starts_at == datetime(2026, 6, 8, 13, 0, tzinfo=UTC)
    assert rows["coach_digest"].local_date == date(2026, 6, 10)
