"""Where the mix's server time goes: bench/mixed.py's requests, replayed in one process, timed by
kind of page or save. The profile to read before choosing what to make faster.

    .venv/bin/python bench/mix_costs.py [--requests 1700] [--seed 1] [--profile 40]
        [--output table.md]

The requests are those bench/mixed.py builds (same users, browsing model, seed and save share),
interleaved the same way, sent through Django's test client in this process, one at a time,
with the page cache off: every page is rendered, as a first view is. The homes' figure caches
stay as configured (HOME_SUMMARY_SECONDS, PRACTICE_FIGURES_SECONDS), as in the mix. Each
kind's share of the time is what making it faster would give back. `--profile N` adds cProfile's
N costliest functions of this codebase (cumulative). Like bench/mixed.py, the saves write to the
scale data, and the checklists and action items they changed are put back at the end; the
logged touches stay (note "Logged by bench/mixed.py").
"""

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import mixed  # noqa: E402
from bench.pages import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    HOST,
    prepare,
    publish,
)

# The test client checks no CSRF token; the request builder writes one into each save's form.
CSRF_STAND_IN = "not-checked-in-process"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--requests", type=int, default=1700, help="requests replayed in all")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save-share", type=float, default=0.07)
    parser.add_argument("--profile", type=int, default=0, help="functions of the profile shown")
    parser.add_argument("--output", type=Path, help="also write the markdown table here")
    # pages.setup_django reads these; the page cache is off there whatever is given.
    parser.set_defaults(page_cache_seconds=0)
    return parser.parse_args()


def browsers_and_sessions():
    from django.test import Client as TestClient

    from accounts.models import User

    roles = mixed.everyone()
    users = {user.email: user for user in User.objects.filter(email__in=[e for e, _ in roles])}
    browsers, sessions = {}, []
    for email, role in roles:
        browser = TestClient(HTTP_HOST=HOST)
        browser.force_login(users[email], backend="accounts.backends.CachedModelBackend")
        browsers[email] = browser
        sessions.append(mixed.Session(email, role, {"csrftoken": CSRF_STAND_IN}))
    return browsers, sessions


def interleaved(plans, limit: int) -> list:
    """The first `limit` (session, request) pairs, the users' lists taken in turn as
    bench/mixed.py writes its request file."""
    longest = max(len(requests) for _session, requests in plans)
    pairs = [
        (session, requests[n])
        for n in range(longest)
        for session, requests in plans
        if n < len(requests)
    ]
    return pairs[:limit]


def kind_of(session, request) -> str:
    """The request's kind as the table shows it: a portal client's pages apart from a coach's."""
    portal = session.role == "client" and not request.is_save
    if portal and not request.kind.endswith("(portal)"):  # the portal home says it already
        return f"{request.kind} (portal)"
    return request.kind


def main():
    args = parse_args()
    prepare(args)
    from interviews.checklist import CHECKLIST_KEYS

    browsers, sessions = browsers_and_sessions()
    mixed.load_clients(sessions)
    touch_at = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    per_user = args.requests // len(sessions) + 1
    plans = [
        (
            session,
            mixed.build_requests(
                session,
                per_user,
                seed=args.seed,
                save_share=args.save_share,
                checklist_keys=tuple(sorted(CHECKLIST_KEYS)),
                touch_at=touch_at,
            ),
        )
        for session in sessions
    ]
    sequence = interleaved(plans, args.requests)
    originals = mixed.Originals()
    originals.note(plans)
    spent, count, failed = Counter(), Counter(), Counter()
    profiler = cProfile.Profile()
    try:
        started = time.perf_counter()
        for session, request in sequence:
            browser = browsers[session.email]
            begun = time.perf_counter()
            if args.profile:
                profiler.enable()
            if request.is_save:
                response = browser.post(request.path, dict(parse_qsl(request.body)))
            else:
                response = browser.get(request.path)
            if args.profile:
                profiler.disable()
            kind = kind_of(session, request)
            spent[kind] += time.perf_counter() - begun
            count[kind] += 1
            expected = mixed.SAVE_STATUS if request.is_save else 200
            failed[kind] += response.status_code != expected
        total = time.perf_counter() - started
    finally:
        print(f"Put back {originals.put_back()} checklists and action items.", flush=True)

    lines = [
        f"{len(sequence):,} requests of bench/mixed.py's mix (seed {args.seed}, save share "
        f"{args.save_share}) rendered one at a time in one process, page cache off: "
        f"{total:.1f} s, {total / len(sequence) * 1000:.1f} ms a request on average.",
        "",
        "| Kind | Requests | Share of requests | Mean ms | Share of the time | Failed |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, seconds in spent.most_common():
        lines.append(
            f"| {kind} | {count[kind]} | {count[kind] / len(sequence):.1%} "
            f"| {seconds / count[kind] * 1000:.1f} | {seconds / total:.1%} | {failed[kind]} |"
        )
    publish("\n".join(lines), args.output)
    if args.profile:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(rf"^{ROOT}/(?!\.venv)", args.profile)
        print(out.getvalue())


if __name__ == "__main__":
    main()
