from celery import shared_task


@shared_task(name="coachdesk.ping", ignore_result=False)
def ping(word: str = "pong") -> str:
    """Round-trip check used by the health tests: proves a worker consumes from the broker."""
    return word
