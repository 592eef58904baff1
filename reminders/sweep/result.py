from dataclasses import dataclass, field

from ..models import Reminder


@dataclass
class SweepResult:
    recorded: int = 0
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    closed_no_response: int = 0
    errors: list[str] = field(default_factory=list)
    # Whose pages may show what this sweep changed (reminder outcomes, closed contacts): the
    # task drops their cached pages (pagecache/pages.py).
    clients_changed: set[int] = field(default_factory=set)
    coaches_changed: set[int] = field(default_factory=set)

    def changed(self, reminder: Reminder) -> None:
        if reminder.client_id:
            self.clients_changed.add(reminder.client_id)
        elif reminder.coach_id:
            self.coaches_changed.add(reminder.coach_id)
