"""Amiable load benchmarks.

    python bench/run.py               # every scenario
    python bench/run.py overview      # one scenario (see --list)

A scenario is a function registered with @scenario in SCENARIOS; it gets a Context (load,
worker settings, a scratch folder) and returns a Section of the report. Results are printed
and appended to bench/RESULTS.md. Everything is bounded: the whole run stops after
--max-seconds, and every server it started is killed on the way out.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import datagen, harness  # noqa: E402
from bench.harness import BenchError, Load, Measure, Workers  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"


# --- Scenarios -------------------------------------------------------------------------------


@dataclass
class Context:
    """What a scenario gets to work with."""

    args: argparse.Namespace
    workdir: Path
    load: Load
    workers: Workers
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    def log(self, message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass
class Section:
    """A scenario's part of the report (Markdown) and whether its targets were met."""

    title: str
    lines: list[str]
    targets_met: bool = True


@dataclass
class Scenario:
    """A named benchmark."""

    name: str
    description: str
    run: Callable[[Context], Section]


SCENARIOS: list[Scenario] = []


def scenario(name: str, description: str):
    """Register a scenario function under `name`."""

    def register(func: Callable[[Context], Section]) -> Callable[[Context], Section]:
        SCENARIOS.append(Scenario(name, description, func))
        return func

    return register


# --- Scenario: debtor overview ---------------------------------------------------------------


@dataclass
class Row:
    """One app on one database, measured over the rounds."""

    database: str
    app: str
    target: harness.Target
    page_bytes: int
    probe: dict | None = None

    @property
    def measure(self) -> Measure:
        return self.target.median()


def _probe(env: dict, kind: str, argument: str) -> dict:
    """Statements per request and in-process CPU time of one page (see bench/probe.py)."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.probe", kind, argument],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if proc.returncode != 0:
        raise BenchError(f"probe {kind} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _check_page(url: str, cookie: str | None, must_contain: str) -> int:
    status, _, page = harness.request("GET", url, cookie=cookie)
    if status != 200 or must_contain not in page:
        raise BenchError(f"{url} answered {status} without {must_contain!r}: not measuring that")
    return len(page.encode())


def _fmt(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def _databases(names: list[str], workdir: Path, notes: list[str]) -> list[tuple[str, str]]:
    databases = []
    for name in names:
        if name == "sqlite":
            databases.append(("sqlite", f"sqlite:///{workdir / 'bench.db'}"))
        elif name == "postgresql":
            url = os.environ.get("BENCH_POSTGRES_URL", datagen.DEFAULT_POSTGRES_URL)
            problem = datagen.postgres_available(url)
            if problem:
                notes.append(f"PostgreSQL SKIPPED ({problem}); set BENCH_POSTGRES_URL.")
            else:
                databases.append(("postgresql", url))
        else:
            raise BenchError(f"unknown database {name!r} (sqlite, postgresql)")
    return databases


BALANCE = 'data-testid="balance"'
PORTAL = "portal GET /case"
PORTAL_COLD = "portal GET /case, page cache off"
NO_PAGE_CACHE = {"FRAGMENT_CACHE_SIZE": "0"}


@scenario("overview", "a logged-in debtor's GET /case, SQLite and PostgreSQL, 100k cases")
def overview(ctx: Context) -> Section:
    args = ctx.args
    started = time.monotonic()
    dataset = datagen.build_rows(args.cases)
    build_seconds = time.monotonic() - started
    counts = dataset.counts()
    ctx.log(f"generated rows in {build_seconds:.1f} s: {counts}")
    case = dataset.bench_case
    notes: list[str] = []
    databases = _databases(args.databases, ctx.workdir, notes)
    for note in notes:
        ctx.log(note)
    load = ctx.load
    planned = (1 + 3 * len(databases)) * (load.warmup + args.rounds * (load.duration + 1))
    if planned > 13 * 60:
        # wrk replays the login cookie, which never refreshes: the portal ends the session
        # after 15 idle minutes and would answer redirects that wrk does not count as errors.
        raise BenchError(f"{planned} s of load would outlive the 15-minute debtor session")

    prepared: dict[str, datagen.Prepared] = {}
    probes: dict[tuple[str, str], dict] = {}
    rows: list[Row] = []
    log_path = ctx.workdir / "gunicorn.log"
    try:
        for name, url in databases:
            env = datagen.app_env(ctx.workdir, url, ctx.secret_key)
            ctx.log(f"{name}: create, migrate (flask db upgrade), load {args.cases} cases")
            db = prepared[name] = datagen.prepare(name, url, dataset, env)
            ctx.log(
                f"{name}: migrate {db.seconds['migrate']:.1f} s, load {db.seconds['load']:.1f} s"
            )
            probes[name, "lookup"] = _probe(env, "lookup", case.reference)
            probes[name, "overview"] = _probe(env, "overview", str(case.id))
            probes[name, "cold"] = _probe({**env, **NO_PAGE_CACHE}, "overview", str(case.id))

        with contextlib.ExitStack() as servers:

            def serve(app_spec: str, env: dict, ready: str = "/") -> str:
                return servers.enter_context(
                    harness.gunicorn(app_spec, env, ctx.workers, log_path, ready)
                )

            env = datagen.app_env(ctx.workdir, "sqlite:///unused.db", ctx.secret_key)
            base = serve("bench.apps.minimal:app", env)
            target = harness.Target("minimal", base + "/")
            page = _check_page(target.url, None, "minimal")
            rows.append(Row("-", "minimal Flask app", target, page))
            portals = []
            for name, url in databases:
                env = datagen.app_env(ctx.workdir, url, ctx.secret_key)
                base = serve("bench.apps.lookup:app", env)
                target = harness.Target(f"{name} lookup", f"{base}/case/{case.reference}")
                page = _check_page(target.url, None, case.reference)
                rows.append(
                    Row(name, "one lookup + 5 KB template", target, page, probes[name, "lookup"])
                )
                for label, extra, probe in (
                    (PORTAL, {}, "overview"),
                    (PORTAL_COLD, NO_PAGE_CACHE, "cold"),
                ):
                    base = serve("app:app", {**env, **extra}, "/healthz")
                    cookie = harness.debtor_login(
                        base, case.reference, case.factor, "amiable_session"
                    )
                    target = harness.Target(f"{name} {label}", base + "/case", cookie)
                    page = _check_page(target.url, cookie, BALANCE)
                    rows.append(Row(name, label, target, page, probes[name, probe]))
                    portals.append(target)
            ctx.log(f"servers up ({ctx.workers.describe()} each); {args.rounds} rounds")
            harness.interleave([r.target for r in rows], ctx.load, args.rounds, ctx.log)
            for target in portals:  # the session held to the end: every response was the page
                _check_page(target.url, target.cookie, BALANCE)
    finally:
        if not args.keep:
            for name, url in databases:
                if name == "postgresql" and name in prepared:
                    datagen.drop_postgres(url)
    return _overview_report(rows, prepared, build_seconds, counts, notes)


def _overview_report(rows, prepared, build_seconds, counts, notes) -> Section:
    minimal = rows[0].measure
    lookups = {r.database: r for r in rows if r.app.startswith("one lookup")}
    lines = [
        "| database | app | req/s | p50 ms | p99 ms | p99/p50 | ÷ one-lookup | ÷ minimal "
        "| SQL/request | page bytes | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        m = r.measure
        lookup = lookups.get(r.database)
        by_lookup = _fmt(m.requests_per_s / lookup.measure.requests_per_s) if lookup else "–"
        queries = r.probe["queries"] if r.probe else 0
        lines.append(
            f"| {r.database} | {r.app} | {_fmt(m.requests_per_s, 0)} | {_fmt(m.p50_ms, 1)} "
            f"| {_fmt(m.p99_ms, 1)} | {_fmt(m.tail_ratio, 1)} | {by_lookup} "
            f"| {_fmt(m.requests_per_s / minimal.requests_per_s)} | {queries} "
            f"| {r.page_bytes} | {m.errors} |"
        )
    met = True
    lines += ["", "Targets for the portal's GET /case:", ""]
    for r in rows:
        if not r.app.startswith("portal"):
            continue
        lookup = lookups[r.database]
        if r.app == PORTAL_COLD:
            ratio = r.measure.requests_per_s / lookup.measure.requests_per_s
            lines.append(
                f"- {r.database}, page cache off (every view renders, as a first visit): "
                f"÷ one-lookup = {ratio:.2f}, p99/p50 = {r.measure.tail_ratio:.1f} "
                "(for information: the target is for the portal as configured by default)"
            )
            continue
        ratio = r.measure.requests_per_s / lookup.measure.requests_per_s
        per_round = [
            o.requests_per_s / k.requests_per_s
            for o, k in zip(r.target.measures, lookup.target.measures, strict=True)
        ]
        tail = r.measure.tail_ratio
        ok_ratio, ok_tail = ratio >= 0.6, tail < 3
        met = met and ok_ratio and ok_tail
        lines.append(
            f"- {r.database}: ÷ one-lookup = {ratio:.2f}, rounds {min(per_round):.2f}–"
            f"{max(per_round):.2f} (target ≥ 0.6: {'met' if ok_ratio else '**missed**'}); "
            f"p99/p50 = {tail:.1f} (target < 3: {'met' if ok_tail else '**missed**'})"
        )
    loads = [m.load_average for r in rows for m in r.target.measures]
    lines += [
        "",
        "Figures are medians over the rounds (each target measured in turn, every round). "
        f"Machine 1-minute load average during the runs: {min(loads):.1f}–{max(loads):.1f} "
        "(above 2 means other programs competed for the 2 cores).",
        "",
        "Setup:",
        "",
        f"- data: {counts['cases']} cases, {counts['debtors']} debtors, "
        f"{counts['debt_lines']} debt lines, {counts['ledger_entries']} ledger entries, "
        f"{counts['creditors']} creditors; rows built in Python in {build_seconds:.1f} s",
    ]
    for name, db in prepared.items():
        how = "COPY" if name == "postgresql" else "SQLAlchemy Core insert(), 20k-row chunks"
        total = build_seconds + db.seconds["migrate"] + db.seconds["load"]
        lines.append(
            f"- {name}: `flask db upgrade` {db.seconds['migrate']:.1f} s, bulk load ({how}) "
            f"+ ANALYZE {db.seconds['load']:.1f} s (generation total with the row building: "
            f"{total:.0f} s)"
        )
    for r in rows:
        if r.probe:
            lines.append(
                f"- in-process, Flask test client, no HTTP: {r.database} {r.app}: "
                f"{r.probe['cpu_ms']:.2f} ms CPU/request, {r.probe['queries']} SQL statements"
                + (" + a pool pre-ping per checkout" if r.probe["pre_ping"] else "")
            )
    lines += [f"- {note}" for note in notes]
    portal = next((r for r in rows if r.app == PORTAL), None)
    if portal:
        lines += ["", "SQL statements of one portal GET /case:", "", "```"]
        lines += portal.probe["statements"]
        lines += ["```"]
    return Section("Debtor overview (GET /case)", lines, met)


# --- Scenario: reminders (bench/reminders.py) -----------------------------------------------


@scenario("reminders", "the reminder job: due cases on PostgreSQL, e-mails to a local SMTP sink")
def reminders_scenario(ctx: Context) -> Section:
    from bench import reminders

    return Section(*reminders.run_scenario(ctx))


# --- Scenario: webhooks (bench/webhooks.py) ------------------------------------------------


@scenario("webhooks", "signed Stripe events at the portal on PostgreSQL, 30 % duplicates, shuffled")
def webhooks_scenario(ctx: Context) -> Section:
    from bench import webhooks

    return Section(*webhooks.run_scenario(ctx))


# --- Running ---------------------------------------------------------------------------------


class OutOfTime(BaseException):
    """The run exceeded --max-seconds (BaseException: nothing may swallow it)."""


def _on_alarm(signum, frame):
    raise OutOfTime(f"the benchmark exceeded its time budget ({signum})")


def _on_term(signum, frame):
    raise SystemExit(128 + signum)


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    python = platform.python_version()
    return f"{os.cpu_count()} cores ({cpu}), Linux {platform.release()}, Python {python}"


def _wrk_version() -> str:
    try:
        out = subprocess.run(
            [harness.WRK, "--version"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "wrk (version unknown)"
    return out.splitlines()[0].split(" Copyright")[0].strip() if out else "wrk"


HEADER = """# Benchmark results

Produced by `make bench` (every scenario) or `.venv/bin/python bench/run.py overview` (one
scenario; `--list` names them, `--help` gives the options). **Each run appends a dated section
at the end of this file**: the newest run is last, older runs stay for comparison.

How the debtor overview is measured: 100,000 generated cases are bulk-loaded after
`flask db upgrade` into a SQLite file and into a PostgreSQL database (`amiable_bench`, or
`BENCH_POSTGRES_URL`; the name must contain `bench`, it is dropped and re-created). One debtor
logs in through the real form (CSRF token, reference and postcode) and wrk drives `GET /case`
with that session cookie; the page is checked before and after the load. Two reference apps
are served by gunicorn with the same worker settings: a one-route Flask app returning a short
string (the floor of Flask + gunicorn here), and a one-indexed-lookup + ~5 KB Jinja template
app (`bench/apps/lookup.py`) on the same database. Every server runs at once; wrk measures
them in turn for several rounds and the table gives medians, so that whatever else runs on the
machine weighs on every target alike. Ratios are req/s ÷ the reference's req/s; p99/p50 is the
tail at 64 connections. wrk shares the 2 cores with the servers and the database, so absolute
figures are below what a dedicated machine gives; the targets are about ratios (overview ÷
one-lookup ≥ 0.6, p99/p50 < 3). "In-process" lines come from `bench/probe.py` (Flask test
client, no HTTP, best batch of CPU time).
"""


def _revision() -> str:
    """The commit measured, and whether the application's files differed from it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD") or "unknown"
        dirty = git("status", "--porcelain", "--", "app.py", "portal", "templates", "migrations")
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return f"{commit} (with uncommitted changes to the app)" if dirty else commit


def write_results(path: Path, sections: list[Section], ctx: Context, names: list[str]) -> None:
    """Append this run's section to RESULTS.md (creating it with its header)."""
    now = dt.datetime.now(dt.UTC)
    command = " ".join(["python", "bench/run.py", *sys.argv[1:]])
    body = [
        "",
        f"## Run of {now:%Y-%m-%d %H:%M} UTC — {', '.join(names)}",
        "",
        f"- machine: {_machine()}",
        f"- code: commit {_revision()}",
        f"- servers: gunicorn, {ctx.workers.describe()}, on 127.0.0.1; "
        f"load: {_wrk_version()}, {ctx.load.threads} threads, {ctx.load.connections} "
        f"connections, `--latency`, {ctx.load.warmup} s warm-up then "
        f"{ctx.args.rounds} rounds of {ctx.load.duration} s per target, taking turns",
        f"- command: `{command}`",
    ]
    for section in sections:
        body += ["", f"### {section.title}", "", *section.lines]
    text = "\n".join(body) + "\n"
    if not path.exists():
        path.write_text(HEADER)
    with path.open("a") as fh:
        fh.write(text)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--reminders-limit",
        type=int,
        default=5_000,
        help="reminders scenario: due cases the job takes (0: all of them)",
    )
    parser.add_argument(
        "--reminders-workers",
        type=int,
        default=2,
        help="reminders scenario: worker processes the job forks (memory: their PSS summed; "
        "1: one process, sending in a thread)",
    )
    parser.add_argument(
        "--reminders-sink",
        choices=["lean", "aiosmtpd"],
        default="lean",
        help="reminders scenario: the SMTP sink (lean: bench/smtp_sink.py)",
    )
    parser.add_argument(
        "--databases",
        type=lambda s: [x for x in s.split(",") if x],
        default=["sqlite", "postgresql"],
        help="comma-separated: sqlite,postgresql",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds of measured load")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before measuring")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each target")
    parser.add_argument("--max-seconds", type=int, default=600, help="budget of the whole run")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder and db")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--no-write", action="store_true", help="print only, leave RESULTS.md")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    by_name = {s.name: s for s in SCENARIOS}
    if args.list:
        for s in SCENARIOS:
            print(f"{s.name:<12} {s.description}")
        return 0
    unknown = [n for n in args.scenarios if n not in by_name]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}; try --list", file=sys.stderr)
        return 2
    chosen = [by_name[n] for n in args.scenarios] if args.scenarios else list(SCENARIOS)
    if not shutil.which(harness.WRK):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2

    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(args.max_seconds)
    workdir = Path(tempfile.mkdtemp(prefix="amiable-bench-"))
    ctx = Context(
        args=args,
        workdir=workdir,
        load=Load(args.connections, args.wrk_threads, args.duration, args.warmup),
        workers=Workers(args.workers, args.worker_class, args.threads),
    )
    started = time.monotonic()
    try:
        sections = []
        for s in chosen:
            ctx.log(f"scenario {s.name}: {s.description}")
            sections.append(s.run(ctx))
    finally:
        signal.alarm(0)
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    for section in sections:
        print(f"\n### {section.title}\n")
        print("\n".join(section.lines))
    print(f"\ntotal {time.monotonic() - started:.0f} s")
    if not args.no_write:
        write_results(args.results, sections, ctx, [s.name for s in chosen])
        print(f"appended to {args.results}")
    if args.strict and not all(s.targets_met for s in sections):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
