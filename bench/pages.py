"""Pages under load: throughput and latency of the main pages at seed_scale's full size.

    .venv/bin/python bench/pages.py [--duration 15] [--workers 3] [--explain]

What it does, against PostgreSQL database `coachdesk_bench` (override with --database-url):

1. creates the database if it is missing, migrates it, and runs `seed_scale` at full size
   unless the scale data is there already (5 coaches, 100,000 contacts: it counts);
2. counts the SQL queries of each page with Django's test client in this process;
3. serves the app with gunicorn on 127.0.0.1 (sync workers, DEBUG off, the development
   settings otherwise: DJANGO_ENV=production would redirect to HTTPS and set secure cookies);
4. logs in as a scale coach and a scale portal client through the real login form;
5. drives each page with wrk from a second process on loopback (8 connections, 2 threads, a
   warm-up, then --duration seconds) and prints a markdown table: requests/s, p50, p95, the
   page's throughput as a share of the empty view's (/healthz), and its query count.

wrk is installed with apt-get when it is missing (as root). Nothing here changes app data
except the two sessions the logins create.
"""

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/coachdesk_bench"
# A Redis database of its own: the test suite and `make run` use database 0.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
PASSWORD = "coachdesk-demo"
COACH_EMAIL = "scale-coach-1@example.com"
CLIENT_EMAIL = "scale-client-1-1@example.com"
FULL_SIZE = {"coaches": 5, "contacts": 100_000}
HOST = "127.0.0.1"

# wrk's own --latency output stops at 50/75/90/99 %; this script prints the percentiles we
# report, in microseconds, once the run is done.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50=%d p95=%d p99=%d requests=%d non2xx=%d errors=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


@dataclass
class Page:
    name: str
    path: str
    session: str  # "coach", "client" or "" (no login)
    queries: int | None = None
    requests_per_s: float = 0.0
    requests: int = 0  # completed in the measured run
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    failed: int = 0  # non-2xx responses, timeouts and socket errors under load
    alone_ms: float = 0.0  # one request with the server otherwise idle, in this process
    sql_ms: float = 0.0  # of which in the database
    slowest_sql: str = ""
    slowest_sql_ms: float = 0.0


def add_server_arguments(parser, *, port: int, redis_url: str = DEFAULT_REDIS_URL) -> None:
    """The options of the database, the gunicorn server and wrk, shared with bench/mixed.py."""
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--redis-url",
        default=redis_url,
        help="the cache (sessions, users, pages), as in production; '' for per-process memory",
    )
    parser.add_argument(
        "--page-cache-seconds",
        type=int,
        default=60,
        help="PAGE_CACHE_SECONDS for the server; 0 renders every request",
    )
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)


def publish(report: str, output: Path | None) -> None:
    """Prints the markdown report, and writes it to `output` too when given."""
    print()
    print(report)
    if output:
        output.write_text(report + "\n")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser, port=8123)
    parser.add_argument("--duration", type=int, default=15, help="seconds per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds per page, not counted")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's slowest query"
    )
    parser.add_argument("--output", type=Path, help="also write the markdown table here")
    parser.add_argument(
        "--pages",
        default="",
        help="comma-separated words: load only the pages whose name contains one of them "
        "(the empty view is always loaded, as the reference)",
    )
    return parser.parse_args()


def server_environment(args) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "PAGE_CACHE_SECONDS": str(args.page_cache_seconds),
        "DJANGO_SETTINGS_MODULE": "coachdesk.settings",
        "DJANGO_ENV": "development",
        "DEBUG": "False",
        "ALLOWED_HOSTS": HOST,
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        # whitenoise looks for collected static files; nothing here fetches them.
        "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
    }


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install it with `sudo apt-get install -y wrk`.")
    print("Installing wrk with apt-get ...", flush=True)
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install).returncode != 0:
        # A fresh machine has no package lists yet.
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(install, check=True)
    return shutil.which("wrk")


def ensure_database(database_url: str) -> None:
    url = urlsplit(database_url)
    name = url.path.lstrip("/")
    args = ["-h", url.hostname or HOST, "-p", str(url.port or 5432), "-U", url.username]
    listed = subprocess.run(
        ["psql", *args, "-d", "postgres", "-Atc", "select datname from pg_database"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    if name not in listed:
        print(f"Creating database {name} ...", flush=True)
        subprocess.run(["createdb", *args, name], check=True)


def setup_django(args) -> None:
    os.environ.update(server_environment(args))
    # Queries and the one-request time below are those of a rendered page, not a cached one.
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    # Pages link their static files; nothing here fetches them, so none need collecting.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()


def ensure_scale_data() -> None:
    from django.core.management import call_command

    from accounts.models import User
    from clients.models import Contact

    call_command("migrate", "--noinput", verbosity=0)
    coaches = User.objects.filter(email__startswith="scale-coach-", role="coach").count()
    contacts = Contact.objects.filter(client__coach__email__startswith="scale-coach-").count()
    if coaches == FULL_SIZE["coaches"] and contacts == FULL_SIZE["contacts"]:
        print(f"Scale data present: {coaches} coaches, {contacts:,} contacts.", flush=True)
        return
    print("Seeding scale data at full size (a minute or two) ...", flush=True)
    call_command("seed_scale", "--reset")


def prepare(args) -> None:
    """The database (created if missing), Django set up for it, and the full scale data (seeded
    if missing): what every benchmark here starts with."""
    ensure_database(args.database_url)
    setup_django(args)
    ensure_scale_data()


def pages_to_load() -> list[Page]:
    """The pages, with a client and an interview of the coach we log in as: a client with the
    most interviews, and a completed interview of theirs with a debrief (the fullest prep page)."""
    from django.db.models import Count

    from clients.models import Client
    from interviews.models import Interview

    client = (
        Client.objects.filter(coach__email=COACH_EMAIL, status=Client.Status.ACTIVE)
        .annotate(n=Count("interviews"))
        .order_by("-n", "pk")
        .first()
    )
    interview = (
        Interview.objects.filter(client=client, debrief__isnull=False).order_by("pk").first()
    )
    return [
        Page("Empty view", "/healthz", ""),
        Page("Coach home", "/coach/", "coach"),
        Page("Caseload", "/clients/", "coach"),
        Page("Client page", f"/clients/{client.pk}/", "coach"),
        Page("Prep page", f"/interviews/{interview.pk}/", "coach"),
        Page("Client home (portal)", "/portal/", "client"),
        # Not a target: the lightest logged-in page (session, user, base.html and a line of
        # text), the floor every page above pays before its own work.
        Page("Reference: logged-in floor", "/accounts/password/change/done/", "coach"),
    ]


def request(port: int, method: str, path: str, *, cookies: dict, body: str = ""):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://{HOST}:{port}/accounts/login/"
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    content = response.read().decode(errors="replace")
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name.strip()] = rest.split(";")[0]
    conn.close()
    return response.status, content


def log_in(port: int, email: str) -> dict:
    """A real session through the login form: GET for the CSRF token, POST. Returns the cookies a
    browser would send from then on (session and CSRF)."""
    cookies: dict = {}
    status, html = request(port, "GET", "/accounts/login/", cookies=cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if status != 200 or not token:
        sys.exit(f"The login page answered {status} without a CSRF token.")
    form = {"csrfmiddlewaretoken": token[1], "username": email, "password": PASSWORD}
    status, _ = request(port, "POST", "/accounts/login/", cookies=cookies, body=urlencode(form))
    if status != 302 or "sessionid" not in cookies:
        sys.exit(f"Logging in as {email} failed (HTTP {status}).")
    return {name: cookies[name] for name in ("sessionid", "csrftoken")}


def count_queries(pages: list[Page], sessions: dict) -> None:
    """SQL per page with Django's test client in this process, on the same sessions."""
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    for page in pages:
        browser = TestClient(HTTP_HOST=HOST)
        if page.session:
            for name, value in sessions[page.session].items():
                browser.cookies[name] = value
        browser.get(page.path)  # once to warm caches (content types, templates)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = browser.get(page.path)
            page.alone_ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            sys.exit(f"{page.path} answered {response.status_code} to the test client.")
        page.queries = len(captured.captured_queries)
        page.sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        if captured.captured_queries:
            slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
            page.slowest_sql, page.slowest_sql_ms = slowest["sql"], float(slowest["time"]) * 1000


def explain(page: Page) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {page.slowest_sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def start_server(args) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "coachdesk.wsgi:application",
            "--bind",
            f"{HOST}:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_environment(args),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if request(args.port, "GET", "/healthz", cookies={})[0] == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            sys.exit("gunicorn exited while starting: is the port taken?")
        time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 30 s.")


def run_wrk(
    wrk: str, script: str, args, page: Page, cookies: dict, seconds: int, script_args=()
) -> dict:
    """`script_args` go to the Lua script's init(args) (bench/mixed.py passes its request file)."""
    command = [wrk, "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s"]
    # A slow page is measured, not cut off at wrk's default 2 s timeout.
    command += ["--latency", "--timeout", "60s", "-s", script]
    if cookies:
        command += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    command.append(f"http://{HOST}:{args.port}{page.path}")
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    stats = dict(re.findall(r"(\w+)=(\d+)", output.split("BENCH", 1)[1]))
    stats["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    return {k: float(v) for k, v in stats.items()}


def wait_until_idle(timeout: float = 300) -> None:
    """Waits for the requests wrk left in flight to finish, so that a slow page's stragglers
    do not run during the next page's measurement: until no other backend of this database
    has had an active query for a second."""
    from django.db import connection

    deadline, quiet_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "select count(*) from pg_stat_activity where datname = current_database() "
                "and state = 'active' and pid <> pg_backend_pid()"
            )
            busy = cursor.fetchone()[0]
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 1:
            return
        time.sleep(0.1)


def load(pages: list[Page], sessions: dict, args, wrk: str) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        for page in pages:
            cookies = sessions.get(page.session, {})
            status, _ = request(args.port, "GET", page.path, cookies=dict(cookies))
            if status != 200:  # wrk would count a redirect to the login page as a success
                sys.exit(f"{page.path} answered {status}, not 200: is the session valid?")
            print(f"  {page.name}: {page.path} ...", flush=True)
            run_wrk(wrk, script.name, args, page, cookies, args.warmup)
            wait_until_idle()
            stats = run_wrk(wrk, script.name, args, page, cookies, args.duration)
            wait_until_idle()
            page.failed = int(stats["non2xx"] + stats["errors"])
            page.requests_per_s = stats["rps"]
            page.requests = int(stats["requests"])
            page.p50_ms, page.p95_ms, page.p99_ms = (stats[p] / 1000 for p in ("p50", "p95", "p99"))
    finally:
        os.unlink(script.name)


def table(pages: list[Page], args, load_before: float) -> str:
    empty = pages[0].requests_per_s
    lines = [
        f"{args.connections} connections, {args.threads} wrk threads, {args.duration} s per page "
        f"after a {args.warmup} s warm-up; gunicorn {args.workers} sync workers; "
        f"{os.cpu_count()} cores; 1-minute load average {load_before:.2f} before the run "
        "(anything else running on the machine shows in the figures).",
        "",
        "| Page | Path | Requests/s | Requests | p50 (ms) | p95 (ms) | p99 (ms) "
        "| vs empty view | Queries | Failed |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in pages:
        rps = page.requests_per_s
        lines.append(
            f"| {page.name} | `{page.path}` | {rps:,.{0 if rps >= 10 else 1}f} | {page.requests:,} "
            f"| {page.p50_ms:,.0f} | {page.p95_ms:,.0f} | {page.p99_ms:,.0f} "
            f"| {rps / empty:.3f} | {page.queries} | {page.failed} |"
        )
    misses = [
        page.name
        for page in pages[1:]
        if not page.name.startswith("Reference")
        and (page.p95_ms >= 100 or page.requests_per_s < empty / 4 or page.failed)
    ]
    lines += [
        "",
        "Targets: p95 < 100 ms; every page ≥ 0.25 of the empty view's requests/s.",
        f"Missed by: {', '.join(misses)}." if misses else "Every page meets both.",
    ]
    return "\n".join(lines)


def main():
    args = parse_args()
    wrk = ensure_wrk()
    prepare(args)
    pages = pages_to_load()
    if args.pages:
        wanted = [word.strip().lower() for word in args.pages.split(",") if word.strip()]
        pages = [pages[0]] + [p for p in pages[1:] if any(w in p.name.lower() for w in wanted)]

    load_before = os.getloadavg()[0]
    server = start_server(args)
    try:
        sessions = {
            "coach": log_in(args.port, COACH_EMAIL),
            "client": log_in(args.port, CLIENT_EMAIL),
        }
        count_queries(pages, sessions)
        print("Load, one page at a time:", flush=True)
        load(pages, sessions, args, wrk)
    finally:
        server.terminate()
        server.wait(timeout=30)

    report = table(pages, args, load_before)
    print()
    print(report)
    print()
    print("One request alone (test client in this process): total, in SQL, slowest query:")
    for page in pages[1:]:
        print(
            f"  {page.name}: {page.alone_ms:.0f} ms, SQL {page.sql_ms:.0f} ms, slowest "
            f"{page.slowest_sql_ms:.0f} ms: {page.slowest_sql[:140]}"
        )
        if args.explain:
            print("    " + explain(page).replace("\n", "\n    "))
    if args.output:
        args.output.write_text(report + "\n")


if __name__ == "__main__":
    main()
