from django.db import models


class Heartbeat(models.Model):
    """When a periodic task last finished without an error (coachdesk/readiness.py).

    Kept in the database, not the cache: it must outlive a Redis restart or eviction, and the
    production cache ignores Redis errors, so a write lost during an outage would look like a
    stopped beat. One row per task, updated in place.
    """

    task = models.CharField(max_length=100, unique=True)
    succeeded_at = models.DateTimeField()

    def __str__(self):
        return f"{self.task}: {self.succeeded_at:%Y-%m-%d %H:%M:%S}"
