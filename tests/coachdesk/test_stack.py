"""The real stack: the database CI names, Redis, and a Celery worker consuming from each broker."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

UNDER_CI = bool(os.environ.get("CI"))
ROOT = Path(settings.BASE_DIR)


def test_under_ci_the_database_is_postgresql(db):
    if not UNDER_CI and "DATABASE_URL" not in os.environ:
        pytest.skip("Runs on the embedded SQLite default; CI and DATABASE_URL name PostgreSQL.")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("select 1")
        assert cursor.fetchone() == (1,)


def redis_url_or_skip() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if UNDER_CI:
            pytest.fail("CI must name Redis: REDIS_URL is not set.")
        pytest.skip("REDIS_URL is not set: the embedded broker is tested instead.")
    return url


def test_redis_answers_when_it_is_named():
    import redis

    url = redis_url_or_skip()
    assert redis.Redis.from_url(url, socket_connect_timeout=5).ping() is True


def run_ping_through_a_worker(env: dict[str, str], tmp_path: Path) -> str:
    """Start a real worker process, send `coachdesk.ping` from another process, return the reply."""
    env = {**env, "DJANGO_SETTINGS_MODULE": "coachdesk.settings", "PYTHONUNBUFFERED": "1"}
    queue = f"probe-{os.getpid()}-{tmp_path.name}"
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "coachdesk",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        sender = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup();"
                "from coachdesk.tasks import ping;"
                f"print(ping.apply_async(args=['hello'], queue={queue!r}).get(timeout=60))",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    assert sender.returncode == 0, sender.stderr + (tmp_path / "worker.log").read_text()
    return sender.stdout.strip()


def test_a_worker_runs_a_task_through_redis(tmp_path):
    url = redis_url_or_skip()
    env = {**os.environ, "REDIS_URL": url, "COACHDESK_VAR_DIR": str(tmp_path / "var")}

    assert run_ping_through_a_worker(env, tmp_path) == "hello"


def test_a_worker_runs_a_task_through_the_embedded_broker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env["COACHDESK_VAR_DIR"] = str(tmp_path / "var")

    assert run_ping_through_a_worker(env, tmp_path) == "hello"
    # The message really went through the file-system queue, not an in-memory shortcut.
    assert (tmp_path / "var" / "celery" / "queue").is_dir()


def test_the_beat_schedule_is_a_plain_dict_the_apps_extend():
    assert isinstance(settings.CELERY_BEAT_SCHEDULE, dict)
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT > 0
