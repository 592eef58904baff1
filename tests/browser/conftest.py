import io
import os
import shutil

import pytest
from django.core.management import call_command

from tests.browser.crawl import ACCOUNTS, crawl
from tests.factories import PASSWORD

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


@pytest.fixture(scope="session")
def crawled_pages(browser, browser_context_args, live_server, django_db_setup, django_db_blocker):
    """Every page of the demo site, per account name (crawl.py): crawled once per session for
    all the checks that read pages. The demo data is seeded for the crawl and flushed after it,
    so the tests that follow start from an empty database as usual."""
    pages = {}
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
        try:
            for account in ACCOUNTS:
                context = browser.new_context(**browser_context_args)
                try:
                    pages[account.name] = crawl(context.new_page(), live_server.url, account)
                finally:
                    context.close()
        finally:
            call_command("flush", interactive=False, verbosity=0)
    return pages


@pytest.fixture(scope="session")
def java():
    """The `java` that runs the Nu Html Checker (vnu.jar); .ci/run installs Debian's JRE."""
    path = shutil.which("java")
    if not path:
        message = "No Java: install Debian's 'default-jre-headless' package."
        if UNDER_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(params=[0, 60], ids=["rendered", "page-cache"])
def page_cache(request, settings):
    """Once as the tests usually run, once with pages served from the per-user page cache
    (pagecache/pages.py), as in production: its forms must work and a write must show."""
    settings.PAGE_CACHE_SECONDS = request.param
    if request.param:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return request.param


@pytest.fixture
def log_in():
    """Logs a page in through the login form (a user made with tests.factories' PASSWORD)."""

    def log_in(page, base, email, password=PASSWORD):
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()

    return log_in
