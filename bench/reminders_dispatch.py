"""Times the reminder sweep (reminders/sweep/) against PostgreSQL and shows its query plans.

    createdb -h 127.0.0.1 -U postgres coachdesk_bench_reminders
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coachdesk_bench_reminders \\
    .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coachdesk_bench_reminders \\
    .venv/bin/python bench/reminders_dispatch.py [dispatch|plan|all] \\
        [--reminders 10000] [--repeat 3] [--profile]

dispatch: `--reminders` thank-you reminders fall due at once (that many completed interviews,
    made with bulk_create). This process runs the real sweep (`run_sweep`, as one worker would)
    against an SMTP sink on loopback (aiosmtpd in a separate process, counting messages and
    distinct Message-IDs); then a plain loop sends the same messages with smtplib over one
    connection. Prints wall time, messages/s and the ratio, and how the sweep's time splits
    between its steps. `--profile` adds a sweep of up to 2,000 under cProfile, with its queries.
plan: in a transaction that is rolled back, fills reminders_reminder with 1,000,000 rows of which
    1,000 are due, and adds coaches, clients, contacts, interviews and touches for the record
    step; ANALYZE; then EXPLAIN (ANALYZE, BUFFERS) of the exact SQL the claim query and the
    record step's candidate queries run (captured with an execute wrapper). Checks that the
    claim uses the partial index reminder_to_send_idx.

The sweep sends whatever is due in the database, so give it a database of its own (not
coachdesk_bench, where bench/pages.py keeps seed_scale's data and its due reminders): dispatch
refuses to start when reminders are waiting to be sent or interviews fall in its window. It runs
with DEBUG off, as production does. Results and how to read them: bench/README.md.
"""

import argparse
import cProfile
import logging
import multiprocessing
import os
import pstats
import re
import smtplib
import socket
import statistics
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coachdesk.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from clients.models import Client, Contact, Touch  # noqa: E402
from interviews.models import Interview  # noqa: E402
from reminders import candidates, rules, sweep  # noqa: E402
from reminders.emails import build_message  # noqa: E402
from reminders.models import Reminder  # noqa: E402

# Tuesday noon UTC, far from any real data: the bench's clients (in UTC) are awake, and no
# coach's 07:30 digest window is open.
NOW = datetime(2030, 3, 12, 12, 0, tzinfo=UTC)
HOST = "127.0.0.1"
CLIENTS_PER_COACH = 50
INTERVIEWS_PER_CLIENT = 10
PROFILED = 2_000  # reminders in the --profile sweep: enough for a steady profile

# The plan's table sizes: a large installation after two years.
PLAN_REMINDERS = 1_000_000
PLAN_DUE = 1_000
PLAN_RETRYING = 2_000  # pending, but their next attempt is still to come
PLAN_COACHES = 200
PLAN_CLIENTS = 10_000
PLAN_CONTACTS = 200_000
PLAN_INTERVIEWS = 100_000
PLAN_TOUCHES = 500_000
PLAN_HISTORY_DAYS = 730


# --- The SMTP sink, in its own process ----------------------------------------------------------

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class CountingHandler:
    def __init__(self):
        self.received = 0
        self.message_ids: set[bytes] = set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.received += 1
        found = MESSAGE_ID.search(envelope.content)
        if found:
            self.message_ids.add(found.group(1))
        return "250 Message accepted for delivery"


def run_sink(port: int, commands) -> None:
    """Accept messages until told to stop; on "report", send (received, distinct Message-IDs)
    since the last report."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # one INFO line per connection
    handler = CountingHandler()
    # A fixed name: by default aiosmtpd looks up the FQDN for every connection.
    controller = Controller(handler, hostname=HOST, port=port, server_hostname="sink.local")
    controller.start()
    commands.send("ready")
    while commands.recv() == "report":
        commands.send((handler.received, len(handler.message_ids)))
        handler.received = 0
        handler.message_ids = set()
    controller.stop()


class Sink:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            self.port = probe.getsockname()[1]
        self._commands, theirs = multiprocessing.Pipe()
        # Forked before this process opens a database connection.
        self.process = multiprocessing.get_context("fork").Process(
            target=run_sink, args=(self.port, theirs), daemon=True
        )
        self.process.start()
        assert self._commands.recv() == "ready"

    def report(self) -> tuple[int, int]:
        """(messages, distinct Message-IDs) received since the last report. Every message is
        counted before the server answers 250, so none is still in flight when a sender
        returns."""
        self._commands.send("report")
        return self._commands.recv()

    def stop(self) -> None:
        self._commands.send("stop")
        self.process.join(timeout=10)


def send_through(sink: Sink) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = HOST
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False


# --- Dispatch -----------------------------------------------------------------------------------


def refuse_a_shared_database() -> None:
    window = (NOW - candidates.INTERVIEW_PAST - timedelta(days=1), NOW + timedelta(days=2))
    if (
        Reminder.objects.to_send().exists()
        or Interview.objects.filter(starts_at__range=window).exists()
    ):
        sys.exit(
            "This database has reminders waiting to be sent or interviews near "
            f"{NOW:%Y-%m-%d}: the sweep would send those too. Use a database of its own."
        )


def make_due_thank_yous(count: int) -> list[User]:
    """`count` completed interviews whose thank-you is due at NOW, 10 per client, 50 clients per
    coach. Returns the coaches (deleting them and their clients removes everything)."""
    tag = uuid.uuid4().hex[:8]
    clients_count = max(1, count // INTERVIEWS_PER_CLIENT)
    coaches = User.objects.bulk_create(
        User(
            email=f"bench-{tag}-coach{n}@example.com",
            name=f"Coach {n}",
            role=User.Role.COACH,
            timezone="UTC",
            daily_digest=False,
            password="!",
        )
        for n in range(max(1, clients_count // CLIENTS_PER_COACH))
    )
    clients = Client.objects.bulk_create(
        Client(
            coach=coaches[n % len(coaches)],
            name=f"Client {n}",
            email=f"bench-{tag}-client{n}@example.com",
            timezone="UTC",
        )
        for n in range(clients_count)
    )
    contacts = Contact.objects.bulk_create(
        (
            Contact(
                client=clients[n % clients_count],
                name=f"Contact {n}",
                email=f"contact{n}@example.org",
                stage=Contact.Stage.INTERVIEWED,
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    # Ended 24 h to 32 h before NOW: each thank-you is due by NOW (moved to 08:00 at the
    # earliest), its window open until end + 48 h.
    Interview.objects.bulk_create(
        (
            Interview(
                client=contact.client,
                contact=contact,
                starts_at=NOW - rules.THANK_YOU_AFTER - timedelta(minutes=30 + n % 480),
                duration_minutes=30,
                status=Interview.Status.COMPLETED,
            )
            for n, contact in enumerate(contacts)
        ),
        batch_size=2000,
    )
    return coaches


def delete_made(coaches: list[User]) -> None:
    Client.objects.filter(coach__in=coaches).delete()
    User.objects.filter(pk__in=[coach.pk for coach in coaches]).delete()


@contextmanager
def timed_steps():
    """Wall time spent in the steps run_sweep calls, summed over its batches, and in rendering
    (build_message, called by deliver). Only these names are relied on; the profile (--profile)
    shows the rest."""
    # run_sweep calls the steps through the sweep package; deliver calls build_message through
    # its module (reminders.sweep.delivery).
    places = {
        "record_due_reminders": sweep,
        "claim_due_reminders": sweep,
        "deliver": sweep,
        "build_message": sweep.delivery,
        "close_silent_contacts": sweep,
    }
    originals = {name: getattr(module, name) for name, module in places.items()}
    spent = dict.fromkeys(places, 0.0)

    def timing(name, step):
        def timed(*args, **kwargs):
            started = perf_counter()
            try:
                return step(*args, **kwargs)
            finally:
                spent[name] += perf_counter() - started

        return timed

    for name, step in originals.items():
        setattr(places[name], name, timing(name, step))
    try:
        yield spent
    finally:
        for name, step in originals.items():
            setattr(places[name], name, step)


def sent_reminders(coaches: list[User]) -> list[Reminder]:
    return list(
        Reminder.objects.filter(client__coach__in=coaches).select_related(
            "client",
            "client__coach",
            "coach",
            "interview",
            "interview__debrief",
            "contact",
            "contact__company",
        )
    )


def serialised(reminder: Reminder) -> tuple[str, list[str], bytes]:
    """The message the sweep sent for `reminder`, rendered again and serialised as Django's SMTP
    backend does (same headers, Message-ID included)."""
    email = build_message(reminder)
    return email.from_email, email.recipients(), email.message().as_bytes(linesep="\r\n")


def plain_loop(port: int, messages) -> float:
    """Seconds to send `messages` (an iterable of (from, to, bytes)) over one connection."""
    started = perf_counter()
    with smtplib.SMTP(HOST, port) as smtp:
        for sender, recipients, raw in messages:
            smtp.sendmail(sender, recipients, raw)
    return perf_counter() - started


def dispatch_once(count: int, sink: Sink) -> dict:
    coaches = make_due_thank_yous(count)
    try:
        with timed_steps() as steps:
            started = perf_counter()
            result = sweep.run_sweep(NOW)
            sweep_seconds = perf_counter() - started
        received, distinct = sink.report()
        assert result.sent == count, result
        assert (received, distinct) == (count, count), (received, distinct)

        reminders = sent_reminders(coaches)
        # The plain loop of the brief: the same messages, ready to go, over one connection.
        loop_seconds = plain_loop(sink.port, [serialised(reminder) for reminder in reminders])
        # The same loop rendering each message as it goes, as any sender must: templates, MIME.
        rendering_seconds = plain_loop(sink.port, (serialised(reminder) for reminder in reminders))
        assert sink.report() == (2 * count, count)
    finally:
        delete_made(coaches)
    return {
        "sweep": sweep_seconds,
        "loop": loop_seconds,
        "rendering loop": rendering_seconds,
        "steps": dict(steps),
    }


def profile_once(count: int, sink: Sink) -> None:
    coaches = make_due_thank_yous(count)
    profiler = cProfile.Profile()
    try:
        with queries_run() as ran:
            profiler.enable()
            sweep.run_sweep(NOW)
            profiler.disable()
        sink.report()
    finally:
        delete_made(coaches)
    queries = sum(len(query.params) for query in ran.values())
    print(f"\nProfile of one sweep of {count:,}: {queries:,} queries ({queries / count:.1f} per")
    print(f"message), {sum(q.seconds for q in ran.values()):.2f} s waiting for the database")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(15)


def dispatch(count: int, repeat: int, profile: bool) -> None:
    refuse_a_shared_database()
    sink = Sink()
    send_through(sink)
    try:
        runs = [dispatch_once(count, sink) for _ in range(repeat)]
        if profile:
            profile_once(min(count, PROFILED), sink)
    finally:
        sink.stop()
    print(f"\nDispatch of {count:,} due reminders into an SMTP sink on loopback")
    columns = ("sweep", "loop", "rendering loop")
    print("run " + "".join(f"{name + ' s':>17} {'msg/s':>6}" for name in columns) + "  ratio")
    for n, run in enumerate(runs, 1):
        cells = "".join(f"{run[name]:>17.2f} {count / run[name]:>6.0f}" for name in columns)
        print(f"{n:>3} {cells}  {run['loop'] / run['sweep']:>5.2f}")
    median = {name: statistics.median(run[name] for run in runs) for name in columns}
    sweep_median = median["sweep"]
    ratio = median["loop"] / sweep_median
    print(
        f"median: sweep {count / sweep_median:.0f} msg/s, plain loop "
        f"{count / median['loop']:.0f} msg/s, ratio {ratio:.2f} "
        f"({'meets' if ratio >= 0.5 else 'BELOW'} the 0.5 target); a loop that renders "
        f"each message too: {count / median['rendering loop']:.0f} msg/s, ratio "
        f"{median['rendering loop'] / sweep_median:.2f}"
    )
    steps = {
        name: statistics.median(run["steps"][name] for run in runs) for name in runs[0]["steps"]
    }
    rows = [
        ("record_due_reminders", steps["record_due_reminders"]),
        ("claim_due_reminders", steps["claim_due_reminders"]),
        ("deliver", steps["deliver"]),
        ("  build_message (rendering)", steps["build_message"]),
        ("  the rest: re-check, SMTP, marks", steps["deliver"] - steps["build_message"]),
        ("close_silent_contacts", steps["close_silent_contacts"]),
    ]
    print("Where the sweep's time goes (median of the runs):")
    for name, seconds in rows:
        print(
            f"  {name:<34} {seconds:>7.2f} s {seconds / sweep_median:>5.0%} "
            f"{seconds / count * 1000:>6.2f} ms/message"
        )


# --- Query plans ------------------------------------------------------------------------------


def insert_series(model, count: int, **expressions: str) -> tuple[int, int]:
    """INSERT INTO the model's table SELECT ... FROM generate_series(1, count) AS g: the given
    SQL expressions (over g) for some columns, each other column's default, so that columns
    added later need no change here. Returns the first and last id inserted."""
    table = model._meta.db_table
    names, values, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(connection.ops.quote_name(field.column))
        if field.column in expressions:
            values.append(expressions.pop(field.column))
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("%s")
            params.append(NOW)
        elif field.null and not field.has_default():
            values.append("NULL")
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    assert not expressions, f"Not columns of {table}: {sorted(expressions)}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} "
            f"FROM generate_series(1, {count}) AS g RETURNING id",
            params,
        )
        ids = [row[0] for row in cursor.fetchall()]
    first, last = min(ids), max(ids)
    assert last - first + 1 == count, "ids of one INSERT are expected to be consecutive"
    return first, last


def fill_for_plans() -> None:
    """A large installation: see the PLAN_* sizes. Times are relative to NOW."""
    tag = uuid.uuid4().hex[:8]
    now = f"'{NOW.isoformat()}'::timestamptz"
    history = f"interval '{PLAN_HISTORY_DAYS} days'"
    coach, _ = insert_series(
        User,
        PLAN_COACHES,
        email=f"'plan-{tag}-coach' || g || '@example.com'",
        name="'Coach ' || g",
        role="'coach'",
        timezone="'UTC'",
        password="'!'",
    )
    client, _ = insert_series(
        Client,
        PLAN_CLIENTS,
        coach_id=f"{coach} + mod(g, {PLAN_COACHES})",
        name="'Client ' || g",
        email="'client' || g || '@example.com'",
        timezone="'UTC'",
    )
    contact, _ = insert_series(
        Contact,
        PLAN_CONTACTS,
        client_id=f"{client} + mod(g, {PLAN_CLIENTS})",
        name="'Contact ' || g",
        email="'contact' || g || '@example.org'",
        stage="(array['reached_out', 'reached_out', 'reached_out', 'replied', 'scheduled', "
        "'interviewed', 'thanked', 'keeping_in_touch', 'no_response', 'identified'])"
        "[mod(g, 10) + 1]",
    )
    # Spread from 700 days before NOW to 30 days after; the past ones mostly completed.
    starts = f"{now} - interval '700 days' + g * interval '730 days' / {PLAN_INTERVIEWS}"
    insert_series(
        Interview,
        PLAN_INTERVIEWS,
        client_id=f"{client} + mod(g, {PLAN_CLIENTS})",
        contact_id=f"{contact} + mod(g * 7, {PLAN_CONTACTS})",
        starts_at=starts,
        status=f"case when {starts} > {now} then 'scheduled' else (array['completed', "
        "'completed', 'completed', 'completed', 'completed', 'completed', 'completed', "
        "'completed', 'cancelled', 'no_show'])[mod(g, 10) + 1] end",
    )
    insert_series(
        Touch,
        PLAN_TOUCHES,
        contact_id=f"{contact} + mod(g::bigint * 7919, {PLAN_CONTACTS})",
        kind="(array['outreach', 'outreach', 'outreach', 'outreach', 'outreach', 'follow_up', "
        "'follow_up', 'reply', 'reply', 'thank_you', 'update'])[mod(g, 11) + 1]",
        at=f"{now} - g * {history} / {PLAN_TOUCHES}",
    )
    # 1,000 due now; 2,000 pending with a retry still to come; the rest history, one every
    # minute or so over two years.
    due_at = f"{now} - g * {history} / {PLAN_REMINDERS}"
    insert_series(
        Reminder,
        PLAN_REMINDERS,
        kind="'thank_you'",
        key=f"'plan-{tag}:' || g",
        recipient_email="'client' || g || '@example.com'",
        due_at=due_at,
        window_ends_at=f"{due_at} + interval '48 hours'",
        status=f"case when g <= {PLAN_DUE + PLAN_RETRYING} then 'pending' "
        "when mod(g, 100) < 93 then 'sent' when mod(g, 100) < 98 then 'skipped' "
        "else 'failed' end",
        attempts="1",
        next_attempt_at=f"case when g > {PLAN_DUE} and g <= {PLAN_DUE + PLAN_RETRYING} "
        f"then {now} + (mod(g, 180) + 1) * interval '1 minute' else {due_at} end",
    )
    with connection.cursor() as cursor:
        for model in (User, Client, Contact, Interview, Touch, Reminder):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


@dataclass
class Query:
    sql: str
    params: list = dataclass_field(default_factory=list)  # of each run
    seconds: float = 0.0


@contextmanager
def queries_run():
    """Every query run inside, grouped by SQL text (so a query run once per coach or contact
    counts as one, with its number of runs), with the time spent in the database."""
    ran: dict[str, Query] = {}

    def record(execute, sql, params, many, context):
        started = perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            query = ran.setdefault(sql, Query(sql))
            query.params.append(params)
            query.seconds += perf_counter() - started

    with connection.execute_wrapper(record):
        yield ran


def step_queries(step) -> tuple[dict[str, Query], float]:
    """The queries a sweep step runs and its wall time; what it writes is rolled back."""
    with transaction.atomic(), queries_run() as ran:
        started = perf_counter()
        step()
        seconds = perf_counter() - started
        transaction.set_rollback(True)
    return ran, seconds


def explain(query: Query) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the query exactly as Django ran it (its SQL and the
    parameters of its first run), printed with where it reads from."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query.sql}", query.params[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    source = query.sql.split(" FROM ", 1)[-1]
    source = source if len(source) <= 700 else f"{source[:700]} ... ({len(query.sql):,} chars)"
    lines = [line if len(line) <= 220 else line[:220] + " ..." for line in plan.splitlines()]
    print(
        f"\n== run {len(query.params):,} times, {query.seconds * 1000:.0f} ms in all\n"
        f"... FROM {source}\n\n" + "\n".join(lines)
    )
    return plan


def slowest_selects(ran: dict[str, Query], limit: int | None = None) -> list[Query]:
    selects = [query for query in ran.values() if query.sql.startswith("SELECT")]
    return sorted(selects, key=lambda query: -query.seconds)[:limit]


def print_step(title: str, ran: dict[str, Query], seconds: float) -> None:
    runs = sum(len(query.params) for query in ran.values())
    in_database = sum(query.seconds for query in ran.values())
    print(
        f"\n{title}: {seconds:.2f} s, {runs:,} queries ({len(ran)} distinct), "
        f"{in_database:.2f} s of it waiting for the database"
    )


def plan() -> None:
    with connection.cursor() as cursor:
        # Rows deleted by earlier dispatch runs would otherwise linger in the indexes.
        cursor.execute("VACUUM (ANALYZE) reminders_reminder, interviews_interview, clients_touch")
    with transaction.atomic():
        started = perf_counter()
        fill_for_plans()
        print(
            f"Filled in {perf_counter() - started:.0f} s (rolled back at the end): "
            f"{Reminder.objects.count():,} reminders ({PLAN_DUE:,} due, {PLAN_RETRYING:,} "
            f"waiting for a retry), {Interview.objects.count():,} interviews, "
            f"{Contact.objects.count():,} contacts, {Touch.objects.count():,} touches, "
            f"{PLAN_CLIENTS:,} clients of {PLAN_COACHES} coaches"
        )

        ran, seconds = step_queries(lambda: sweep.claim_due_reminders(NOW))
        print_step("Claim (claim_due_reminders)", ran, seconds)
        claim_plan = explain(next(query for query in ran.values() if "FOR UPDATE" in query.sql))
        uses_index = "reminder_to_send_idx" in claim_plan
        scans_table = "Seq Scan on reminders_reminder" in claim_plan
        print(
            f"\nThe claim query {'uses' if uses_index else 'does NOT use'} reminder_to_send_idx "
            f"and {'DOES' if scans_table else 'does not'} scan reminders_reminder sequentially."
        )

        ran, seconds = step_queries(lambda: sweep.record_due_reminders(NOW))
        print_step("Record step (record_due_reminders)", ran, seconds)
        for query in slowest_selects(ran):
            explain(query)

        ran, seconds = step_queries(lambda: sweep.close_silent_contacts(NOW))
        print_step("close_silent_contacts (also in every sweep)", ran, seconds)
        for query in slowest_selects(ran, limit=2):
            explain(query)
        transaction.set_rollback(True)
    if scans_table or not uses_index:
        sys.exit("The claim query does not use its partial index.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("part", nargs="?", choices=["dispatch", "plan", "all"], default="all")
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one more sweep")
    args = parser.parse_args()
    database = connection.settings_dict["NAME"]
    print(f"Database {database} ({connection.vendor}), DEBUG={settings.DEBUG}")
    if args.part in ("dispatch", "all"):
        dispatch(args.reminders, args.repeat, args.profile)
    if args.part in ("plan", "all"):
        plan()


if __name__ == "__main__":
    main()
