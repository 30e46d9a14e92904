"""Reminders benchmark: due cases on PostgreSQL, e-mails rendered and handed to a local SMTP sink.

    python -m bench.reminders --cases 100000 --url postgresql://user:pass@host/db_bench

The database's public schema is wiped. Three processes: this driver, an aiosmtpd sink, and the
job (the portal's reminder service, in a process of its own so its peak memory is its own).
With --workers N, N job processes run at once, as on N machines (the job is built for that);
the time is from the first start to the last end, the memory the sum of their peaks.
Target: at least 500 messages per second, job memory under 250 MB.
"""

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_PER_SECOND = 500
TARGET_MEMORY_MB = 250
# A Tuesday at 10:00 in Paris: inside the fair-contact hours whatever day the bench runs.
AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def sink(port: int) -> None:
    """An SMTP server that counts what it receives; prints the count when terminated."""
    from aiosmtpd.controller import Controller

    class Counter:
        received = 0

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd)
            Counter.received += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = asyncio.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while not stop.is_set():
        time.sleep(0.05)
    controller.stop()
    print(json.dumps({"received": Counter.received}), flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident memory since exec (VmHWM).

    Not ru_maxrss: on Linux that keeps the high-water mark of the process before exec, i.e. of
    the (v)forked benchmark driver holding the generated rows.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def job(at: str, limit: int | None) -> None:
    """Run the reminder job once, as of `at` (on `limit` cases at most), print what it did."""
    from portal import create_app
    from portal.services import reminders

    app = create_app()
    with app.app_context():
        started, cpu = time.time(), time.process_time()
        report = reminders.run(dt.datetime.fromisoformat(at), limit=limit)
        ended, cpu = time.time(), time.process_time() - cpu
    print(
        json.dumps(
            {
                "started": started,
                "ended": ended,
                "cpu_seconds": cpu,
                "emails": report.emails,
                "letters": report.letters,
                "delivered": report.delivered,
                "failed": report.failed,
                "skipped": dict(report.skipped),
                "seconds": ended - started,
                "max_rss_mb": peak_rss_mb(),
            }
        ),
        flush=True,
    )


def reset_schema(url: str) -> None:
    """Empty the database (public schema) without dropping it."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def prepare(url: str, cases: int, env: dict) -> dict:
    """Generate, migrate and load `cases` cases, every one of them open; returns timings."""
    from sqlalchemy import create_engine, text

    from bench import datagen

    seconds = {}
    started = time.monotonic()
    dataset = datagen.build_rows(cases)
    seconds["generate"] = time.monotonic() - started
    reset_schema(url)
    started = time.monotonic()
    datagen.migrate(env)
    engine = create_engine(datagen.sqlalchemy_url(url))
    try:
        datagen._load_postgres(engine, dataset)
        with engine.begin() as conn:  # every case due: open, no reminder sent yet
            conn.execute(text("UPDATE cases SET status = 'open'"))
            conn.execute(text("ANALYZE cases"))
    finally:
        engine.dispose()
    seconds["load"] = time.monotonic() - started
    return seconds


def combine(runs: list[dict]) -> dict:
    """One job's figures from those of its processes: counts and memory summed, time spanned."""
    figures = {key: sum(run[key] for run in runs) for key in ("emails", "letters", "delivered")}
    figures["failed"] = sum(run["failed"] for run in runs)
    figures["skipped"] = {}
    for run in runs:
        for reason, count in run["skipped"].items():
            figures["skipped"][reason] = figures["skipped"].get(reason, 0) + count
    figures["seconds"] = max(r["ended"] for r in runs) - min(r["started"] for r in runs)
    figures["max_rss_mb"] = sum(run["max_rss_mb"] for run in runs)
    figures["rss_mb_each"] = [round(run["max_rss_mb"]) for run in runs]
    figures["cpu_ms_per_message"] = (
        1000 * sum(r["cpu_seconds"] for r in runs) / max(figures["delivered"], 1)
    )
    return figures


def measure(url: str, cases: int, log=print, limit: int | None = None, workers: int = 1) -> dict:
    """Prepare the data, start the sink, run the job; return the figures."""
    with tempfile.TemporaryDirectory(prefix="amiable-bench-reminders-") as workdir:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "FLASK_"))}
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env.update(
            PORTAL_ENV="production",
            SECRET_KEY=secrets.token_urlsafe(32),
            DATABASE_URL=url,
            PORTAL_INSTANCE_PATH=workdir,
            PYTHONPATH=str(ROOT),
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(port),
            MAIL_USE_TLS="false",
        )
        log(f"generating and loading {cases} cases")
        timings = prepare(url, cases, env)
        log(f"loaded in {timings['load']:.0f} s; starting the SMTP sink on port {port}")
        command = [sys.executable, "-m", "bench.reminders"]
        server = subprocess.Popen(
            [*command, "sink", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        try:
            if server.stdout.readline().strip() != "ready":
                raise RuntimeError("the SMTP sink did not start")
            log(f"running the reminder job ({workers} process{'es' if workers > 1 else ''})")
            job = [*command, "job", AT.isoformat(), *(["--limit", str(limit)] if limit else [])]
            jobs = [
                subprocess.Popen(
                    job,
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(workers)
            ]
            outputs = [process.communicate(timeout=3600) for process in jobs]
            for process, (_, stderr) in zip(jobs, outputs, strict=True):
                if process.returncode != 0:
                    raise RuntimeError(f"the job failed:\n{stderr[-3000:]}")
            figures = combine([json.loads(out.strip().splitlines()[-1]) for out, _ in outputs])
        finally:
            server.send_signal(signal.SIGTERM)
            out, _ = server.communicate(timeout=30)
        figures["sink_received"] = json.loads(out.strip().splitlines()[-1])["received"]
        figures["workers"] = workers
        figures["per_second"] = figures["delivered"] / figures["seconds"]
        figures["cases"] = cases
        figures["limit"] = limit
        figures.update({f"{k}_seconds": v for k, v in timings.items()})
        return figures


def report_lines(f: dict) -> tuple[list[str], bool]:
    """Markdown lines of the result, and whether both targets were met."""
    ok_rate = f["per_second"] >= TARGET_PER_SECOND
    ok_memory = f["max_rss_mb"] < TARGET_MEMORY_MB
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(f["skipped"].items())) or "none"
    lines = [
        f"- {f['cases']} open cases on PostgreSQL; job as of {AT.isoformat()} (10:00 in Paris)"
        + (f", stopped after {f['limit']} cases" if f.get("limit") else "")
        + (" by each of the processes" if f.get("limit") and f["workers"] > 1 else ""),
        f"- e-mails recorded {f['emails']}, delivered {f['delivered']}, failed {f['failed']}, "
        f"received by the sink {f['sink_received']}; letters {f['letters']}; skipped: {skipped}",
        f"- {f['seconds']:.1f} s: **{f['per_second']:.0f} messages/s** "
        f"(target ≥ {TARGET_PER_SECOND}: {'met' if ok_rate else 'MISSED'}); "
        f"job peak RSS {f['max_rss_mb']:.0f} MB"
        + (f" (sum of {f['workers']} processes: {f['rss_mb_each']})" if f["workers"] > 1 else "")
        + f" (target < {TARGET_MEMORY_MB}: {'met' if ok_memory else 'MISSED'}); "
        f"job CPU {f['cpu_ms_per_message']:.2f} ms a message",
    ]
    return lines, ok_rate and ok_memory


def run_scenario(ctx) -> tuple[str, list[str], bool]:
    """The `reminders` scenario of bench/run.py: (title, Markdown lines, targets met)."""
    from bench import datagen

    url = os.environ.get("BENCH_POSTGRES_URL", datagen.DEFAULT_POSTGRES_URL)
    datagen._pg_names(url)  # refuses a database whose name does not say "bench"
    problem = datagen.postgres_available(url)
    if problem:
        return "Reminders", [f"PostgreSQL SKIPPED ({problem}); set BENCH_POSTGRES_URL."], False
    datagen.recreate_postgres(url)
    try:
        limit = getattr(ctx.args, "reminders_limit", 0) or None
        workers = getattr(ctx.args, "reminders_workers", 1)
        figures = measure(url, ctx.args.cases, ctx.log, limit, workers)
    finally:
        if not ctx.args.keep:
            datagen.drop_postgres(url)
    lines, met = report_lines(figures)
    return "Reminders: e-mails per second", lines, met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode")
    sub.add_parser("sink").add_argument("port", type=int)
    job_parser = sub.add_parser("job")
    job_parser.add_argument("at")
    job_parser.add_argument("--limit", type=int)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--url", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument("--limit", type=int, help="Stop the job after this many due cases.")
    parser.add_argument("--workers", type=int, default=1, help="Job processes run at once.")
    args = parser.parse_args()
    if args.mode == "sink":
        sink(args.port)
    elif args.mode == "job":
        job(args.at, args.limit)
    else:
        if not args.url:
            parser.error("--url (or BENCH_POSTGRES_URL) names the PostgreSQL database to wipe")
        log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
        figures = measure(args.url, args.cases, log, args.limit, args.workers)
        lines, _ = report_lines(figures)
        print("\n".join(lines))
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
