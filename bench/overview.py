"""The `overview` scenario: debtors' GET /case against two reference apps.

Every app is served by gunicorn with the same worker settings, on SQLite and PostgreSQL (100k
generated cases); wrk measures them in turn for several rounds (see bench/harness.py) and the
report (bench/overview_report.py) gives medians and ratios. The headline figure is many
distinct debtors (--debtors, 2,000 by default: more than any per-process page cache would
hold), each in their own session viewing their own case, against the one-lookup app over as
many distinct references; the second line is one debtor's session, logged in through the
form, viewing their page again and again.
"""

import contextlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import datagen, harness, overview_report, sessions  # noqa: E402
from bench.harness import BenchError, Measure  # noqa: E402


@dataclass
class Row:
    """One app on one database, measured over the rounds."""

    database: str
    app: str
    target: harness.Target
    page_bytes: int
    probe: dict | None = None
    versus: str | None = None  # the `app` of the reference row its ratio is taken against

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
        timeout=600,
    )
    if proc.returncode != 0:
        raise BenchError(f"probe {kind} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _check_page(url: str, cookie: str | None, must_contain: str) -> int:
    status, _, page = harness.request("GET", url, cookie=cookie)
    if status != 200 or must_contain not in page:
        raise BenchError(f"{url} answered {status} without {must_contain!r}: not measuring that")
    return len(page.encode())


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
LOOKUP = "one lookup + 5 KB template"
PORTAL = "portal GET /case"


def run_scenario(ctx) -> tuple[str, list[str], bool]:
    """The `overview` scenario of bench/run.py: (title, Markdown lines, targets met)."""
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
    planned = (1 + 4 * len(databases)) * (load.warmup + args.rounds * (load.duration + 1))
    if planned > 13 * 60:
        # wrk replays the login cookie, which never refreshes: the portal ends the session
        # after 15 idle minutes and would answer redirects that wrk does not count as errors.
        raise BenchError(f"{planned} s of load would outlive the 15-minute debtor session")
    picked = [dataset.rows["cases"][i] for i in sessions.spread(args.debtors, counts["cases"])]
    many = len(picked)
    debtors = sessions.DebtorSessions(ctx.secret_key, [row[0] for row in picked])

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
            ids, refs = ctx.workdir / "case-ids.txt", ctx.workdir / "references.txt"
            ids.write_text("\n".join(str(row[0]) for row in picked))
            refs.write_text("\n".join(row[1] for row in picked))
            probes[name, "overview-many"] = _probe(env, "overview-many", str(ids))
            probes[name, "lookup-many"] = _probe(env, "lookup-many", str(refs))

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
            checks = []
            for name, url in databases:
                env = datagen.app_env(ctx.workdir, url, ctx.secret_key)
                base = serve("bench.apps.lookup:app", env)
                lookup_many = f"{LOOKUP}, {many} distinct references"
                refs = ctx.workdir / f"{name}-references.txt"
                sessions.write_requests(refs, [(f"/case/{row[1]}", "") for row in picked])
                target = harness.Target(f"{name} lookup x{many}", base, requests_file=refs)
                page = _check_page(f"{base}/case/{picked[-1][1]}", None, picked[-1][1])
                rows.append(Row(name, lookup_many, target, page, probes[name, "lookup"]))
                portal = serve("app:app", env, "/healthz")
                file = ctx.workdir / f"{name}-sessions.txt"
                target = harness.Target(
                    f"{name} {PORTAL} x{many}",
                    portal,
                    requests_file=file,
                    prepare=lambda file=file: debtors.write(file),
                )
                page = _check_sessions(portal, debtors)
                label_many = f"{PORTAL}, {many} distinct debtors"
                rows.append(
                    Row(name, label_many, target, page, probes[name, "overview"], lookup_many)
                )
                checks.append((portal, None))
                lookup_one = f"{LOOKUP}, one reference"
                target = harness.Target(f"{name} lookup", f"{base}/case/{case.reference}")
                page = _check_page(target.url, None, case.reference)
                rows.append(Row(name, lookup_one, target, page, probes[name, "lookup"]))
                cookie = harness.debtor_login(
                    portal, case.reference, case.factor, "amiable_session"
                )
                target = harness.Target(f"{name} {PORTAL} x1", portal + "/case", cookie)
                page = _check_page(target.url, cookie, BALANCE)
                rows.append(
                    Row(
                        name,
                        f"{PORTAL}, one debtor",
                        target,
                        page,
                        probes[name, "overview"],
                        lookup_one,
                    )
                )
                checks.append((portal, target))
            ctx.log(f"servers up ({ctx.workers.describe()} each); {args.rounds} rounds")
            harness.interleave([r.target for r in rows], ctx.load, args.rounds, ctx.log)
            for (
                portal,
                target,
            ) in checks:  # the sessions held to the end: every response was the page
                if target is None:
                    _check_sessions(portal, debtors)
                else:
                    _check_page(target.url, target.cookie, BALANCE)
    finally:
        if not args.keep:
            for name, url in databases:
                if name == "postgresql" and name in prepared:
                    datagen.drop_postgres(url)
    section = overview_report.report(rows, prepared, build_seconds, counts, notes, probes)
    return "Debtor overview (GET /case)", section.lines, section.met


def _check_sessions(base: str, debtors: sessions.DebtorSessions, sample: int = 5) -> int:
    """Check that signed sessions open their own case page (a redirect would count as served)."""
    cookies = debtors.cookies()
    size = 0
    for index in sessions.spread(sample, len(cookies)):
        size = _check_page(base + "/case", cookies[index], BALANCE)
    return size
