"""Django started afresh in a process of its own, with the production settings module and only
the environment a test names: what a server or a worker would read at start-up."""

import os
import subprocess
import sys

from django.conf import settings

# What any process needs to run at all; nothing of the test process's own configuration.
BARE_ENVIRONMENT = ("PATH", "HOME", "LANG", "PYTHONPATH")


def python_under_settings(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Runs `code` after `django.setup()` with coachdesk.settings and `env` alone."""
    bare = {name: os.environ[name] for name in BARE_ENVIRONMENT if name in os.environ}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=bare | {"DJANGO_SETTINGS_MODULE": "coachdesk.settings"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
