"""Mixed sessions under load: every scale user browsing and saving at once, against the empty view.

    .venv/bin/python bench/mixed.py [--duration 30] [--warmup 5] [--save-share 0.07]
        [--per-user 3000] [--seed 1] [--page-cache-seconds 60] [--output table.md]

bench/pages.py loads one page of one user at a time; this loads what the practice of seed_scale
does together. Against PostgreSQL database `coachdesk_bench` (override with --database-url),
with the same setup as pages.py (its helpers are imported, not copied):

1. checks the scale data (seeding it only if it is missing, as pages.py does) and serves the
   app with gunicorn on 127.0.0.1:8124, Redis database 13 as the cache;
2. logs in the 17 scale users through the real login form: 5 coaches, the practice admin, the
   viewer and 10 portal clients;
3. builds each user's own list of requests (--per-user, seeded with --seed) by the browsing
   model below, checks once per user that each kind of page answers 200 and each kind of save
   answers 302, and writes the lists to a file, interleaved user by user;
4. drives that file with wrk (8 connections, 2 threads) from a Lua script that reads the page
   cache's `X-Page-Cache` header (hit or miss) and counts failed responses;
5. measures the empty view (/healthz, with the same users' cookies, through the same script)
   before and after the mix, and reports the mix's requests/s as a share of their mean.

The browsing model. A user opens their landing page (coach home or caseload; the practice home,
coach home or everyone's caseload for the admin; the practice home or caseload for the viewer;
the portal for a client), picks one client from it (a client: themselves) and opens
PAGES_PER_VISIT of that client's pages, drawn by CLIENT_PAGES' weights, then starts over. The
clients are those the user may open: a coach's caseload with the clients shared with them, the
whole practice for the admin and viewer, only the active ones. Every user sends as many requests
as any other, so the 10 portal clients make 10/17 of the load.

Saves. Before each client page of a visit, a user who may write (not the viewer) may first save
something about the client they are on, by a chance that makes --save-share of all their
requests saves, and then opens the page the save redirects to (wrk does not follow redirects; a
browser would). The kinds, by SAVES' weights: the prep checklist (one key ticked or unticked),
a follow-up logged on a contact already reached (it leaves the contact's stage as it is), and an
action item marked done, which the user marks open again at their next save, whichever client
they are on by then (the redirect takes them to the item's client). After the run, even an
interrupted one, the script puts back any checklist and action item the load left changed, with
the app's services. Logged touches stay: they are new rows, a few hundred per run, with the note
TOUCH_NOTE.

wrk is installed with apt-get when it is missing (as root).
"""

import argparse
import os
import random
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pages import (  # noqa: E402
    Page,
    add_server_arguments,
    ensure_wrk,
    log_in,
    prepare,
    publish,
    request,
    run_wrk,
    start_server,
    wait_until_idle,
)

DEFAULT_PORT = 8124
# A Redis database of its own: pages.py uses 14, the test suite and `make run` 0.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"

COACH_EMAILS = [f"scale-coach-{n}@example.com" for n in range(1, 6)]
ADMIN_EMAIL = "scale-admin@example.com"
VIEWER_EMAIL = "scale-viewer@example.com"
CLIENT_EMAILS = [f"scale-client-{n}-{m}@example.com" for n in range(1, 6) for m in (1, 2)]

# Where a visit starts, per role: (kind, path, weight).
LANDING = {
    "coach": [("Coach home", "/coach/", 2), ("Caseload", "/clients/", 1)],
    "admin": [
        ("Practice home", "/practice/", 1),
        ("Coach home", "/coach/", 1),
        # caseload_to_list reads the choice from `coach`; "all" is everyone's.
        ("Caseload, everyone's", "/clients/?coach=all", 1),
    ],
    # A viewer has no caseload: /clients/ lists the whole practice.
    "viewer": [("Practice home", "/practice/", 1), ("Caseload, everyone's", "/clients/", 1)],
    "client": [("Client home (portal)", "/portal/", 1)],
}
# The client's pages a visit opens after the landing page, by weight. A portal client has no
# client page (it is the coach side's); the portal's "My contacts" is the contact list.
CLIENT_PAGES = {"Client page": 3, "Prep page": 3, "Contact page": 3, "Contact list": 1}
PAGES_PER_VISIT = (2, 6)  # uniform, both ends included
# The saves, by weight. Each "Action item done" brings its "Action item reopened" at the
# user's next save, so these weights make a third of the saves of each family.
SAVES = {"Checklist save": 2, "Touch logged": 2, "Action item done": 1}
REOPEN = "Action item reopened"
SAVE_STATUS = 302  # every save redirects (to the prep page, the contact, the page it came from)
TOUCH_NOTE = "Logged by bench/mixed.py"

TARGET_RATIO = 0.15
TARGET_P95_MS = 100

# Per-thread state lives in each thread's own Lua state: setup() keeps the threads, done()
# sums their counters (wrk's documented pattern). init(args): the request file, the index of
# the first request to send (the measured run continues where the warm-up stopped), and the
# number of threads; thread `id` takes lines id+1, id+1+threads, ... of the file.
WRK_SCRIPT = r"""
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

hits, misses, failed, sent, saves = 0, 0, 0, 0, 0
local requests, is_save, position = {}, {}, 1

function init(args)
  local path, start, stride = args[1], tonumber(args[2]), tonumber(args[3])
  local line_number = 0
  for line in io.lines(path) do
    if line_number % stride == id then
      local method, target, cookie, body = line:match("^(%u+)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = { ["Cookie"] = cookie }
      if method == "POST" then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
      else
        body = nil
      end
      table.insert(requests, wrk.format(method, target, headers, body))
      table.insert(is_save, method == "POST")
    end
    line_number = line_number + 1
  end
  position = math.floor(start / stride) % #requests + 1
end

function request()
  local r = requests[position]
  if is_save[position] then saves = saves + 1 end
  sent = sent + 1
  position = position % #requests + 1
  return r
end

function response(status, headers, body)
  if status < 200 or status >= 400 then failed = failed + 1 end
  local cached = headers["X-Page-Cache"] or headers["x-page-cache"]
  if cached == "hit" then
    hits = hits + 1
  elseif cached == "miss" then
    misses = misses + 1
  end
end

done = function(summary, latency, requests)
  local totals = { hits = 0, misses = 0, failed = 0, sent = 0, saves = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + (tonumber(thread:get(name)) or 0)
    end
  end
  io.write(string.format(
    "BENCH p50=%d p95=%d p99=%d requests=%d failed=%d socket_errors=%d "
      .. "hits=%d misses=%d sent=%d saves=%d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, totals.failed,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    totals.hits, totals.misses, totals.sent, totals.saves))
end
"""


# --- The plan: who opens and saves what (pure, tests/bench/test_mixed.py) --------------------


@dataclass
class ClientData:
    """What a visit to one client can open and save."""

    pk: int
    interviews: dict[int, tuple[str, ...]]  # interview pk -> checklist keys ticked now
    contacts: list[int]
    followed_up: list[int]  # contacts past "identified": a follow-up leaves their stage
    open_items: list[int]  # action items not done


@dataclass
class Session:
    email: str
    role: str  # "coach", "admin", "viewer" or "client"
    cookies: dict[str, str]
    clients: list[ClientData] = field(default_factory=list)

    @property
    def may_save(self) -> bool:
        return self.role != "viewer"


@dataclass(frozen=True)
class Request:
    kind: str  # a page kind of LANDING or CLIENT_PAGES, a save of SAVES, or REOPEN
    method: str
    path: str
    body: str = ""
    pk: int = 0  # the interview, contact or action item a save writes

    @property
    def is_save(self) -> bool:
        return self.method == "POST"


class Browsing:
    """One user's requests, by the model of the module docstring."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        *,
        save_share: float,
        checklist_keys: tuple[str, ...],
        touch_at: str,
    ):
        self.session, self.rng = session, rng
        self.checklist_keys, self.touch_at = checklist_keys, touch_at
        self.save_chance = save_chance(save_share) if session.may_save else 0.0
        self.checklists: dict[int, tuple[str, ...]] = {}  # as this list leaves them
        self.to_reopen: tuple[Request, ClientData] | None = None

    def requests(self, count: int) -> list[Request]:
        found: list[Request] = []
        while len(found) < count:
            found += self.visit()
        return found[:count]

    def visit(self) -> list[Request]:
        kind, path, _weight = self.pick(LANDING[self.session.role], lambda choice: choice[2])
        found = [Request(kind, "GET", path)]
        client = self.rng.choice(self.session.clients)
        for _ in range(self.rng.randint(*PAGES_PER_VISIT)):
            if self.rng.random() < self.save_chance:
                found += self.save(client)
            found.append(self.page(client))
        return found

    def pick(self, choices, weight):
        return self.rng.choices(choices, weights=[weight(choice) for choice in choices])[0]

    def page(self, client: ClientData) -> Request:
        kinds = [kind for kind in CLIENT_PAGES if self.opens(kind, client)]
        kind = self.pick(kinds, CLIENT_PAGES.get)
        if kind == "Client page":
            return Request(kind, "GET", f"/clients/{client.pk}/")
        if kind == "Prep page":
            return Request(kind, "GET", f"/interviews/{self.rng.choice(list(client.interviews))}/")
        if kind == "Contact page":
            return Request(kind, "GET", f"/contacts/{self.rng.choice(client.contacts)}/")
        return Request(kind, "GET", f"/clients/{client.pk}/contacts/")

    def opens(self, kind: str, client: ClientData) -> bool:
        if kind == "Client page":
            return self.session.role != "client"
        if kind == "Prep page":
            return bool(client.interviews)
        if kind == "Contact page":
            return bool(client.contacts)
        return True

    def save(self, client: ClientData) -> list[Request]:
        """A save and the page it redirects to."""
        if self.to_reopen is not None:
            return self.reopen()
        kinds = [kind for kind in SAVES if self.saves(kind, client)]
        if not kinds:
            return []
        kind = self.pick(kinds, SAVES.get)
        if kind == "Checklist save":
            return self.checklist_save(client)
        if kind == "Touch logged":
            return self.touch(client)
        item = self.rng.choice(client.open_items)
        done = self.post(kind, f"/actions/{item}/done/", {"next": self.back(client)}, item)
        self.to_reopen = (done, client)
        return [done, self.back_page(client)]

    def saves(self, kind: str, client: ClientData) -> bool:
        if kind == "Checklist save":
            return bool(client.interviews) and bool(self.checklist_keys)
        if kind == "Touch logged":
            return bool(client.followed_up)
        return bool(client.open_items)

    def checklist_save(self, client: ClientData) -> list[Request]:
        interview = self.rng.choice(list(client.interviews))
        ticked = set(self.checklists.get(interview, client.interviews[interview]))
        ticked ^= {self.rng.choice(self.checklist_keys)}
        self.checklists[interview] = tuple(sorted(ticked))
        fields = [("done", key) for key in self.checklists[interview]]
        path = f"/interviews/{interview}/"
        return [
            self.post("Checklist save", f"{path}checklist/", fields, interview),
            Request("Prep page", "GET", path),
        ]

    def touch(self, client: ClientData) -> list[Request]:
        contact = self.rng.choice(client.followed_up)
        fields = {"kind": "follow_up", "channel": "email", "at": self.touch_at, "note": TOUCH_NOTE}
        return [
            self.post("Touch logged", f"/contacts/{contact}/log/", fields, contact),
            Request("Contact page", "GET", f"/contacts/{contact}/"),
        ]

    def reopen(self) -> list[Request]:
        done, client = self.to_reopen
        self.to_reopen = None
        path = f"/actions/{done.pk}/reopen/"
        return [
            self.post(REOPEN, path, {"next": self.back(client)}, done.pk),
            self.back_page(client),
        ]

    def back(self, client: ClientData) -> str:
        """The page an action item is marked from: the client page, or the portal."""
        return "/portal/" if self.session.role == "client" else f"/clients/{client.pk}/"

    def back_page(self, client: ClientData) -> Request:
        kind = "Client home (portal)" if self.session.role == "client" else "Client page"
        return Request(kind, "GET", self.back(client))

    def post(self, kind: str, path: str, fields, pk: int) -> Request:
        # Django accepts the CSRF cookie's unmasked secret as the form's token.
        token = [("csrfmiddlewaretoken", self.session.cookies["csrftoken"])]
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        return Request(kind, "POST", path, urlencode(token + items), pk)


def save_chance(save_share: float) -> float:
    """The chance of a save before each client page of a visit that makes `save_share` of all
    requests saves. A visit of k client pages with a save before each with chance c has
    1 + k + 2kc requests (each save brings the page it redirects to), kc of them saves."""
    k = sum(PAGES_PER_VISIT) / 2
    return save_share * (1 + k) / (k * (1 - 2 * save_share))


def build_requests(
    session: Session,
    count: int,
    *,
    seed: int,
    save_share: float,
    checklist_keys: tuple[str, ...],
    touch_at: str,
) -> list[Request]:
    """`count` requests of this user, the same for the same seed."""
    rng = random.Random(f"{seed}:{session.email}")
    browsing = Browsing(
        session, rng, save_share=save_share, checklist_keys=checklist_keys, touch_at=touch_at
    )
    return browsing.requests(count)


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def request_lines(plans: list[tuple[Session, list[Request]]]) -> list[str]:
    """The request file: one request a line (method, path, cookie, body, tab-separated), the
    users' lists interleaved, so that every stretch of the file has every user in it."""
    longest = max(len(requests) for _session, requests in plans)
    lines = []
    for n in range(longest):
        for session, requests in plans:
            if n < len(requests):
                r = requests[n]
                lines.append(f"{r.method}\t{r.path}\t{cookie_header(session.cookies)}\t{r.body}")
    return lines


def composition(plans: list[tuple[Session, list[Request]]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _session, requests in plans:
        for r in requests:
            counts[r.kind] = counts.get(r.kind, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


# --- Against the database and the server ------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser, port=DEFAULT_PORT, redis_url=DEFAULT_REDIS_URL)
    parser.add_argument("--duration", type=int, default=30, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds before each, not counted")
    parser.add_argument("--per-user", type=int, default=3000, help="requests built per user")
    parser.add_argument(
        "--save-share", type=float, default=0.07, help="share of each writer's requests that save"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, help="also write the markdown table here")
    args = parser.parse_args()
    if not (0 <= args.save_share < 0.5 and save_chance(args.save_share) <= 1):
        parser.error("--save-share: from 0 to 0.3 (a save before every client page)")
    return args


def everyone() -> list[tuple[str, str]]:
    """(email, role) of every user of the mix."""
    roles = [(email, "coach") for email in COACH_EMAILS]
    roles += [(ADMIN_EMAIL, "admin"), (VIEWER_EMAIL, "viewer")]
    return roles + [(email, "client") for email in CLIENT_EMAILS]


def log_in_everyone(port: int) -> list[Session]:
    return [Session(email, role, log_in(port, email)) for email, role in everyone()]


def load_clients(sessions: list[Session]) -> None:
    """Each session's active clients, with their interviews, contacts and open action items."""
    from accounts.models import User
    from clients.models import Client, Contact
    from goals.models import ActionItem
    from interviews.models import Interview

    emails = [session.email for session in sessions]
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    visible = {}
    for session in sessions:
        user = users[session.email]
        if session.role == "coach":
            clients = Client.objects.caseload_of(user)
        elif session.role == "client":
            clients = Client.objects.filter(user=user)
        else:
            clients = Client.objects.visible_to(user)
        pks = list(clients.filter(status=Client.Status.ACTIVE).order_by("pk").values_list("pk"))
        visible[session.email] = [pk for (pk,) in pks]
        if not visible[session.email]:
            sys.exit(f"{session.email} has no active client to browse: is the scale data whole?")

    everyone = {pk for pks in visible.values() for pk in pks}
    data = {pk: ClientData(pk, {}, [], [], []) for pk in everyone}
    interviews = Interview.objects.filter(client_id__in=everyone).order_by("pk")
    for client_id, pk, ticked in interviews.values_list("client_id", "pk", "checklist_done"):
        data[client_id].interviews[pk] = tuple(sorted(ticked or ()))
    contacts = Contact.objects.filter(client_id__in=everyone).order_by("pk")
    for client_id, pk, stage in contacts.values_list("client_id", "pk", "stage"):
        data[client_id].contacts.append(pk)
        if stage != Contact.Stage.IDENTIFIED:
            data[client_id].followed_up.append(pk)
    items = ActionItem.objects.filter(client_id__in=everyone, done_at__isnull=True).order_by("pk")
    for client_id, pk in items.values_list("client_id", "pk"):
        data[client_id].open_items.append(pk)
    for session in sessions:
        session.clients = [data[pk] for pk in visible[session.email]]


def check_plans(port: int, plans: list[tuple[Session, list[Request]]]) -> None:
    """Once per user and kind: the first page of each kind answers 200 and the first save of
    each kind its redirect (wrk would count a redirect to the login page as a success)."""
    for session, requests in plans:
        seen = set()
        for r in requests:
            if r.kind in seen:
                continue
            seen.add(r.kind)
            # A copy: the messages cookie a save sets must not follow the user into the load.
            status, _ = request(port, r.method, r.path, cookies=dict(session.cookies), body=r.body)
            wanted = SAVE_STATUS if r.is_save else 200
            if status != wanted:
                sys.exit(
                    f"{r.method} {r.path} ({r.kind}) answered {status} to {session.email}, "
                    f"not {wanted}."
                )


@dataclass
class Originals:
    """What the saves change, as it was before the load, to put back after it."""

    checklists: dict[int, tuple[str, ...]] = field(default_factory=dict)  # interview: keys
    open_items: set[int] = field(default_factory=set)  # action items the load marks done

    def note(self, plans: list[tuple[Session, list[Request]]]) -> None:
        for session, requests in plans:
            ticked = {pk: keys for c in session.clients for pk, keys in c.interviews.items()}
            for r in requests:
                if r.kind == "Checklist save":
                    self.checklists.setdefault(r.pk, ticked[r.pk])
                elif r.kind == "Action item done":
                    self.open_items.add(r.pk)

    def put_back(self) -> int:
        """With the app's own services in this process, not over HTTP: an interrupted run
        (Ctrl-C reaches gunicorn too) still puts everything back. Then every cached page is
        dropped, as after any write made outside a request. Returns the number put back."""
        from goals.models import ActionItem
        from goals.services import action_item_reopen
        from interviews.models import Interview
        from interviews.scheduling import interview_set_checklist
        from pagecache.pages import invalidate_all

        changed = 0
        for interview in Interview.objects.filter(pk__in=self.checklists):
            before = self.checklists[interview.pk]
            if tuple(sorted(interview.checklist_done or ())) != before:
                interview_set_checklist(interview=interview, done=list(before))
                changed += 1
        for item in ActionItem.objects.filter(pk__in=self.open_items, done_at__isnull=False):
            action_item_reopen(item=item)
            changed += 1
        if changed:
            invalidate_all()
        return changed


@dataclass
class Run:
    name: str
    requests_per_s: float = 0.0
    requests: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0  # statuses outside 2xx/3xx, timeouts and socket errors
    hits: int = 0
    misses: int = 0
    sent: int = 0
    saves: int = 0
    wrapped: bool = False  # the run went past the end of its request file and started over

    @property
    def hit_rate(self) -> float | None:
        seen = self.hits + self.misses
        return self.hits / seen if seen else None

    @property
    def save_share(self) -> float:
        return self.saves / self.sent if self.sent else 0.0


def measure(wrk: str, script: str, args, name: str, lines: list[str]) -> Run:
    """A warm-up, then the measured run, continuing the file where the warm-up stopped."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as file:
        file.write("\n".join(lines) + "\n")
    root = Page(name, "/", "")
    try:
        print(f"  {name}: {len(lines):,} requests in the file ...", flush=True)
        warm_args = (file.name, "0", str(args.threads))
        warm = run_wrk(wrk, script, args, root, {}, args.warmup, warm_args)
        wait_until_idle()
        start = int(warm["sent"])
        script_args = (file.name, str(start), str(args.threads))
        stats = run_wrk(wrk, script, args, root, {}, args.duration, script_args)
        wait_until_idle()
    finally:
        os.unlink(file.name)
    return Run(
        name,
        requests_per_s=stats["rps"],
        requests=int(stats["requests"]),
        p50_ms=stats["p50"] / 1000,
        p95_ms=stats["p95"] / 1000,
        p99_ms=stats["p99"] / 1000,
        errors=int(stats["failed"] + stats["socket_errors"]),
        hits=int(stats["hits"]),
        misses=int(stats["misses"]),
        sent=int(stats["sent"]),
        saves=int(stats["saves"]),
        wrapped=start + stats["sent"] > len(lines),
    )


def empty_view_lines(sessions: list[Session], rounds: int = 20) -> list[str]:
    """/healthz with each user's cookies in turn: the same headers as the mix's requests."""
    healthz = Request("Empty view", "GET", "/healthz")
    return request_lines([(session, [healthz] * rounds) for session in sessions])


def mix_line(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    return "The mix as built: " + ", ".join(f"{k} {n / total:.1%}" for k, n in counts.items()) + "."


def table(runs: list[Run], args, load_before: float, counts: dict[str, int]) -> str:
    before, mix, after = runs
    empty = (before.requests_per_s + after.requests_per_s) / 2
    lines = [
        f"{args.connections} connections, {args.threads} wrk threads, {args.duration} s per run "
        f"after a {args.warmup} s warm-up; gunicorn {args.workers} sync workers; save share "
        f"{args.save_share:g} of each writer's requests (the viewer saves nothing); "
        f"PAGE_CACHE_SECONDS={args.page_cache_seconds}; {os.cpu_count()} cores; 1-minute load "
        f"average {load_before:.2f} before the run.",
        "",
        "| Run | Requests/s | Requests | p50 (ms) | p95 (ms) | p99 (ms) | Errors "
        "| vs empty view | Page-cache hits | Saves (all users) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        hit_rate = "–" if run.hit_rate is None else f"{run.hit_rate:.1%}"
        saves = f"{run.save_share:.1%}" if run is mix else "–"
        lines.append(
            f"| {run.name} | {run.requests_per_s:,.0f} | {run.requests:,} | {run.p50_ms:.1f} "
            f"| {run.p95_ms:.1f} | {run.p99_ms:.1f} | {run.errors:,} "
            f"| {run.requests_per_s / empty:.3f} | {hit_rate} | {saves} |"
        )
    ratio = mix.requests_per_s / empty
    missed = []
    if ratio < TARGET_RATIO:
        missed.append(f"requests/s {ratio:.3f} of the empty view's, below {TARGET_RATIO}")
    if mix.p95_ms >= TARGET_P95_MS:
        missed.append(f"p95 {mix.p95_ms:.0f} ms, not below {TARGET_P95_MS} ms")
    if mix.errors:
        missed.append(f"{mix.errors:,} failed requests")
    lines += [
        "",
        f"Targets for the mix: ≥ {TARGET_RATIO} of the empty view's requests/s (the mean of the "
        f"runs before and after it) and p95 < {TARGET_P95_MS} ms: "
        + (f"missed ({'; '.join(missed)})." if missed else "met."),
    ]
    lines += ["", mix_line(counts)]
    if mix.wrapped:
        lines += [
            "",
            "The mix went past the end of its requests and started over: raise --per-user.",
        ]
    return "\n".join(lines)


def main():
    args = parse_args()
    wrk = ensure_wrk()
    prepare(args)
    from interviews.checklist import CHECKLIST_KEYS

    load_before = os.getloadavg()[0]
    server = start_server(args)
    originals = Originals()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        print("Logging in 17 users ...", flush=True)
        sessions = log_in_everyone(args.port)
        load_clients(sessions)
        # A minute-precise past time, valid in any timezone the form reads it in.
        touch_at = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        plans = [
            (
                session,
                build_requests(
                    session,
                    args.per_user,
                    seed=args.seed,
                    save_share=args.save_share,
                    checklist_keys=tuple(sorted(CHECKLIST_KEYS)),
                    touch_at=touch_at,
                ),
            )
            for session in sessions
        ]
        originals.note(plans)
        counts = composition(plans)
        print(mix_line(counts))
        print("Checking each kind of page and save once per user ...", flush=True)
        check_plans(args.port, plans)
        print("Load:", flush=True)
        wait_until_idle()
        empty_lines = empty_view_lines(sessions)
        runs = [
            measure(wrk, script.name, args, "Empty view, before", empty_lines),
            measure(wrk, script.name, args, "Mix", request_lines(plans)),
            measure(wrk, script.name, args, "Empty view, after", empty_lines),
        ]
    finally:
        os.unlink(script.name)
        try:
            server.terminate()
            server.wait(timeout=30)
        finally:
            put_back = originals.put_back()
            print(f"Put back {put_back} checklists and action items the load left changed.")

    publish(table(runs, args, load_before, counts), args.output)


if __name__ == "__main__":
    main()
