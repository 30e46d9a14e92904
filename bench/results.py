"""The report of a bench run: the machine, the code measured, and RESULTS.md."""

import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

from bench import harness

ROOT = Path(__file__).resolve().parent.parent


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
`BENCH_POSTGRES_URL`; the name must contain `bench`, it is dropped and re-created). The headline
figure: 2,000 distinct debtors (`--debtors`), each in a session of their own (cookies signed
with the portal's key, see `bench/sessions.py`), view their own case page in turn (wrk with
`bench/rotate.lua`), against the one-lookup app over as many distinct references; the second
line: one debtor logs in through the real form and wrk drives `GET /case` with that session
cookie (the page is checked before and after the load). Two reference apps
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


def write_results(path: Path, sections: list, ctx, names: list[str]) -> None:
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
