"""What each main page costs to render, alone, at seed_scale's full size: server milliseconds
and SQL queries, with the page cache off. Optionally a profile of one page.

    .venv/bin/python bench/render.py [--repeat 30] [--pages home,prep] [--profile "Prep page"]
        [--summary-caches] [--output table.md]

Each page is requested through Django's test client in this process, logged in as the user a
real visit would come from, with PAGE_CACHE_SECONDS=0 so every request renders, and the coach
and practice homes' figure caches off too unless --summary-caches. The first request warms what
a running server has warm (templates, content types, the cached user); the next --repeat
requests are timed. "Server ms" is the median of those, from the request entering
the middleware to the response leaving it: what gunicorn adds on top is the same for every page
(bench/pages.py measures it as the empty view). Nothing here writes app data except the
sessions of the logins.

The database and scale data are those of bench/pages.py (`coachdesk_bench`, created and seeded
if missing).
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pages import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    HOST,
    prepare,
    publish,
)

COACH_EMAIL = "scale-coach-1@example.com"
CLIENT_EMAIL = "scale-client-1-1@example.com"
ADMIN_EMAIL = "scale-admin@example.com"
# The target: every main page rendered in at most this many milliseconds of server time.
TARGET_MS = 15


@dataclass
class Page:
    name: str
    path: str
    email: str
    queries: int = 0
    median_ms: float = 0.0
    p90_ms: float = 0.0
    sql_ms: float = 0.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--pages", default="", help="comma-separated words of page names")
    parser.add_argument("--profile", default="", help="the name of one page to profile")
    parser.add_argument("--profile-lines", type=int, default=45)
    parser.add_argument("--output", type=Path, help="also write the markdown table here")
    parser.add_argument(
        "--summary-caches",
        action="store_true",
        help="keep the homes' figure caches (HOME_SUMMARY_SECONDS, PRACTICE_FIGURES_SECONDS) "
        "as configured; by default they are off, so every figure is counted on every request",
    )
    # pages.setup_django reads these.
    parser.set_defaults(page_cache_seconds=0)
    return parser.parse_args()


def main_pages() -> list[Page]:
    """The pages users open most, each for a record as full as the scale data has: the coach's
    client with the most interviews, a completed interview of theirs with a debrief, the contact
    of that client with the most touches; the portal client's own of each."""
    from django.db.models import Count

    from clients.models import Client, Contact
    from interviews.models import Interview

    def fullest(coach_email=None, user_email=None):
        clients = Client.objects.filter(status=Client.Status.ACTIVE)
        if coach_email:
            clients = clients.filter(coach__email=coach_email)
        if user_email:
            clients = clients.filter(user__email=user_email)
        client = clients.annotate(n=Count("interviews")).order_by("-n", "pk").first()
        interview = (
            Interview.objects.filter(client=client, debrief__isnull=False).order_by("pk").first()
        )
        contact = (
            Contact.objects.filter(client=client)
            .annotate(n=Count("touches"))
            .order_by("-n", "pk")
            .first()
        )
        return client, interview, contact

    client, interview, contact = fullest(coach_email=COACH_EMAIL)
    own, own_interview, own_contact = fullest(user_email=CLIENT_EMAIL)
    return [
        Page("Coach home", "/coach/", COACH_EMAIL),
        Page("Caseload", "/clients/", COACH_EMAIL),
        Page("Client page", f"/clients/{client.pk}/", COACH_EMAIL),
        Page("Prep page", f"/interviews/{interview.pk}/", COACH_EMAIL),
        Page("Contact page", f"/contacts/{contact.pk}/", COACH_EMAIL),
        Page("Contact list", f"/clients/{client.pk}/contacts/", COACH_EMAIL),
        Page("Actions", f"/clients/{client.pk}/actions/", COACH_EMAIL),
        Page("Client home (portal)", "/portal/", CLIENT_EMAIL),
        Page("Prep page (portal)", f"/interviews/{own_interview.pk}/", CLIENT_EMAIL),
        Page("Contact page (portal)", f"/contacts/{own_contact.pk}/", CLIENT_EMAIL),
        Page("Contact list (portal)", f"/clients/{own.pk}/contacts/", CLIENT_EMAIL),
        Page("Practice home (admin)", "/practice/", ADMIN_EMAIL),
        Page("Caseload, everyone's (admin)", "/clients/?coach=all", ADMIN_EMAIL),
    ]


def browser_for(email: str):
    from django.test import Client as TestClient

    from accounts.models import User

    browser = TestClient(HTTP_HOST=HOST)
    browser.force_login(
        User.objects.get(email=email), backend="accounts.backends.CachedModelBackend"
    )
    return browser


def measure(page: Page, repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = browser_for(page.email)
    response = browser.get(page.path)
    if response.status_code != 200:
        sys.exit(f"{page.name} ({page.path}) answered {response.status_code} to {page.email}.")
    with CaptureQueriesContext(connection) as captured:
        browser.get(page.path)
    page.queries = len(captured.captured_queries)
    page.sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        browser.get(page.path)
        timings.append((time.perf_counter() - started) * 1000)
    page.median_ms = statistics.median(timings)
    page.p90_ms = sorted(timings)[max(0, int(len(timings) * 0.9) - 1)]


def profile(page: Page, lines: int) -> str:
    browser = browser_for(page.email)
    browser.get(page.path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        browser.get(page.path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


def table(pages: list[Page], repeat: int, summary_caches: bool) -> str:
    caches = (
        "the homes' figure caches on"
        if summary_caches
        else "no cache at all (the homes' figures counted on every request)"
    )
    lines = [
        f"Rendered alone with the page cache off and {caches}, median of {repeat} requests in "
        "one process; SQL time is that of one request as Django measures it.",
        "",
        "| Page | Path | Server ms (median) | p90 ms | Queries | SQL ms |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for page in pages:
        lines.append(
            f"| {page.name} | `{page.path}` | {page.median_ms:.1f} | {page.p90_ms:.1f} "
            f"| {page.queries} | {page.sql_ms:.1f} |"
        )
    over = [page.name for page in pages if page.median_ms > TARGET_MS]
    lines += [
        "",
        f"Target: every page ≤ {TARGET_MS} ms. "
        + (f"Over it: {', '.join(over)}." if over else "Every page meets it."),
    ]
    return "\n".join(lines)


def main():
    args = parse_args()
    if not args.summary_caches:
        os.environ["HOME_SUMMARY_SECONDS"] = os.environ["PRACTICE_FIGURES_SECONDS"] = "0"
    prepare(args)
    pages = main_pages()
    if args.pages:
        wanted = [word.strip().lower() for word in args.pages.split(",") if word.strip()]
        pages = [p for p in pages if any(w in p.name.lower() for w in wanted)]
    if args.profile:
        page = next((p for p in pages if p.name.lower() == args.profile.lower()), None)
        if page is None:
            sys.exit(f"No page named {args.profile!r}: {', '.join(p.name for p in pages)}.")
        print(profile(page, args.profile_lines))
        return
    for page in pages:
        measure(page, args.repeat)
        print(f"  {page.name}: {page.median_ms:.1f} ms, {page.queries} queries", flush=True)
    publish(table(pages, args.repeat, args.summary_caches), args.output)


if __name__ == "__main__":
    main()
