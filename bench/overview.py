"""The `overview` scenario: a logged-in debtor's GET /case against two reference apps.

Every app is served by gunicorn with the same worker settings, on SQLite and PostgreSQL (100k
generated cases); wrk measures them in turn for several rounds (see bench/harness.py) and the
report gives medians and ratios.
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

from bench import datagen, harness  # noqa: E402
from bench.harness import BenchError, Measure  # noqa: E402


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


def _overview_report(rows, prepared, build_seconds, counts, notes) -> tuple[str, list[str], bool]:
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
    return "Debtor overview (GET /case)", lines, met
