import os
import shutil

import pytest

UNDER_CI = bool(os.environ.get("CI"))


# Playwright's sync API keeps an event loop in the test thread from the session's start; the ORM
# calls the tests make (database set-up, fixtures, assertions) are still synchronous and safe.
# Subprocesses that run production checks drop this variable (tests/coachdesk/test_settings.py).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def chromium_path():
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium (never a browser Playwright downloads)."""
    path = chromium_path()
    if not path:
        message = "No Chromium: install Debian's 'chromium' package or set CHROMIUM_PATH."
        if UNDER_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": path,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
