"""Reminders benchmark: due cases on PostgreSQL, e-mails rendered and handed to a local SMTP sink.

    python -m bench.reminders --cases 100000 --url postgresql://user:pass@host/db_bench

The database's public schema is wiped. Three processes: this driver, an SMTP sink (the lean one
of bench/smtp_sink.py, or --sink aiosmtpd), and the job (the portal's reminder service, in a
process of its own so its memory is its own). With --workers N the job forks N workers once
imported (portal/services/reminders_workers.py); its memory is then the peak of the PSS summed
over the job's processes (sampled), its CPU that of all of them.
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
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.cpu import process_cpu_seconds  # noqa: E402

TARGET_PER_SECOND = 500
TARGET_MEMORY_MB = 250


def as_of(now: dt.datetime | None = None) -> dt.datetime:
    """When the job runs (UTC): 10:00 in Paris on the first Tuesday from today that is not a
    public holiday, so inside the fair-contact hours, and days at most after the data, which
    bench/datagen.py dates from today (a fixed date drifts away from it: months on, the job
    would run before the cases were opened and their debts fell due).
    """
    from portal.domain.reminders import contact_closed

    paris = ZoneInfo("Europe/Paris")
    day = (now or dt.datetime.now(dt.UTC)).astimezone(paris).date()
    day += dt.timedelta(days=(1 - day.weekday()) % 7)
    while contact_closed(at := dt.datetime.combine(day, dt.time(10), paris), paris):
        day += dt.timedelta(days=7)
    return at.astimezone(dt.UTC)


def sink(port: int, kind: str = "lean") -> None:
    """An SMTP server that counts what it receives; prints the counts when terminated.

    "lean": bench/smtp_sink.py (asyncio, little CPU a message); "aiosmtpd": the server the
    tests use, which costs the machine about 1.4 ms of CPU a message.
    """
    if kind == "aiosmtpd":
        return _aiosmtpd_sink(port)
    from bench import smtp_sink

    async def main() -> None:
        tally = smtp_sink.Tally()
        server = await smtp_sink.serve("127.0.0.1", port, tally)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        print("ready", flush=True)
        await stop.wait()
        server.close()
        counts = {"received": tally.received, "malformed": tally.malformed}
        print(json.dumps({**counts, "recipients": tally.recipients}), flush=True)

    asyncio.run(main())


def _aiosmtpd_sink(port: int) -> None:
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


class MemorySampler:
    """Samples the memory of this process and its children (every second, in a thread).

    RSS summed over processes counts the pages that forked workers share with their parent
    once per process; PSS (proportional set size) splits each shared page among its sharers,
    so the PSS sum is what the job costs the machine.
    """

    def __init__(self):
        self.peak_pss_mb = self.peak_rss_mb = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(1.0)  # reading smaps_rollup costs ~3 ms of CPU a process

    def sample(self) -> None:
        pid = os.getpid()
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        pss = rss = 0.0
        for process in [str(pid), *children]:
            try:
                for line in Path(f"/proc/{process}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) / 1024
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1]) / 1024
            except OSError:
                continue  # a worker just ended
        self.peak_pss_mb = max(self.peak_pss_mb, pss)
        self.peak_rss_mb = max(self.peak_rss_mb, rss)

    def close(self) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()
        self.sample()


def job(at: str, limit: int | None, workers: int = 1) -> None:
    """Run the reminder job once, as of `at` (on `limit` cases at most), print what it did.

    With workers > 1 the job forks that many workers once imported (reminders_workers).
    """
    from portal import create_app
    from portal.services.reminders import run as reminders
    from portal.services.reminders import workers as reminders_workers

    app = create_app()
    sampler = MemorySampler()
    with app.app_context():
        when = dt.datetime.fromisoformat(at)
        started, cpu = time.time(), os.times()
        if workers > 1:  # the sampler thread starts after the fork: a child gets no thread
            report = reminders_workers.run_in_processes(
                when, workers, limit=limit, forked=lambda pids: sampler.start()
            )
        else:
            sampler.start()
            report = reminders.run(when, limit=limit)
        ended, cpu_after = time.time(), os.times()
        sampler.close()
    cpu_seconds = sum(cpu_after[:4]) - sum(cpu[:4])  # this process and its (waited) workers
    print(
        json.dumps(
            {
                "started": started,
                "ended": ended,
                "cpu_seconds": cpu_seconds,
                "emails": report.emails,
                "letters": report.letters,
                "delivered": report.delivered,
                "failed": report.failed,
                "skipped": dict(report.skipped),
                "seconds": ended - started,
                "max_rss_mb": peak_rss_mb(),
                "peak_rss_sum_mb": sampler.peak_rss_mb,
                "peak_pss_sum_mb": sampler.peak_pss_mb,
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


def measure(
    url: str,
    cases: int,
    log=print,
    limit: int | None = None,
    workers: int = 1,
    sink_kind: str = "lean",
) -> dict:
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
        log(f"loaded in {timings['load']:.0f} s; starting the {sink_kind} SMTP sink on {port}")
        command = [sys.executable, "-m", "bench.reminders"]
        server = subprocess.Popen(
            [*command, "sink", str(port), "--kind", sink_kind],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            if server.stdout.readline().strip() != "ready":
                raise RuntimeError("the SMTP sink did not start")
            log(f"running the reminder job ({workers} worker process(es))")
            at = as_of()
            job = [*command, "job", at.isoformat(), "--workers", str(workers)]
            job += ["--limit", str(limit)] if limit else []
            sink_cpu = process_cpu_seconds(server.pid)
            process = subprocess.run(
                job, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600
            )
            sink_cpu = process_cpu_seconds(server.pid) - sink_cpu
            load = os.getloadavg()
            if process.returncode != 0:
                raise RuntimeError(f"the job failed:\n{process.stderr[-3000:]}")
            figures = json.loads(process.stdout.strip().splitlines()[-1])
        finally:
            server.send_signal(signal.SIGTERM)
            out, _ = server.communicate(timeout=30)
        sink = json.loads(out.strip().splitlines()[-1])
        figures["sink_received"] = sink["received"]
        figures["sink_malformed"] = sink.get("malformed")
        figures["sink"] = sink_kind
        delivered = max(figures["delivered"], 1)
        figures["sink_cpu_ms_per_message"] = 1000 * sink_cpu / delivered
        figures["cpu_ms_per_message"] = 1000 * figures["cpu_seconds"] / delivered
        figures["load_average"] = load
        figures["workers"] = workers
        figures["per_second"] = figures["delivered"] / figures["seconds"]
        figures["cases"] = cases
        figures["limit"] = limit
        figures["as_of"] = at.isoformat()
        figures.update({f"{k}_seconds": v for k, v in timings.items()})
        return figures


def report_lines(f: dict) -> tuple[list[str], bool]:
    """Markdown lines of the result, and whether both targets were met.

    Memory is judged on the PSS sum: forked workers share the imported code with their parent,
    and the RSS sum would count those pages once per process.
    """
    ok_rate = f["per_second"] >= TARGET_PER_SECOND
    ok_memory = f["peak_pss_sum_mb"] < TARGET_MEMORY_MB
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(f["skipped"].items())) or "none"
    malformed = "" if f["sink_malformed"] is None else f" ({f['sink_malformed']} malformed)"
    load = ", ".join(f"{x:.2f}" for x in f["load_average"])
    lines = [
        f"- {f['cases']} open cases on PostgreSQL; job as of {f['as_of']} (10:00 in Paris)"
        + (f", stopped after about {f['limit']} cases" if f.get("limit") else "")
        + f"; {f['workers']} worker process(es); SMTP sink: {f['sink']}",
        f"- e-mails recorded {f['emails']}, delivered {f['delivered']}, failed {f['failed']}, "
        f"received by the sink {f['sink_received']}{malformed}; letters {f['letters']}; "
        f"skipped: {skipped}",
        f"- {f['seconds']:.1f} s: **{f['per_second']:.0f} messages/s** "
        f"(target ≥ {TARGET_PER_SECOND}: {'met' if ok_rate else 'MISSED'}); "
        f"job memory, peak PSS sum **{f['peak_pss_sum_mb']:.0f} MB** "
        f"(target < {TARGET_MEMORY_MB}: {'met' if ok_memory else 'MISSED'}; peak RSS sum "
        f"{f['peak_rss_sum_mb']:.0f} MB, parent's own peak RSS {f['max_rss_mb']:.0f} MB)",
        f"- CPU a message: job {f['cpu_ms_per_message']:.2f} ms (all its processes), "
        f"sink {f['sink_cpu_ms_per_message']:.2f} ms; load average at the end: {load}",
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
        sink_kind = getattr(ctx.args, "reminders_sink", "lean")
        figures = measure(url, ctx.args.cases, ctx.log, limit, workers, sink_kind)
    finally:
        if not ctx.args.keep:
            datagen.drop_postgres(url)
    lines, met = report_lines(figures)
    return "Reminders: e-mails per second", lines, met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode")
    sink_parser = sub.add_parser("sink")
    sink_parser.add_argument("port", type=int)
    sink_parser.add_argument("--kind", choices=["lean", "aiosmtpd"], default="lean")
    job_parser = sub.add_parser("job")
    job_parser.add_argument("at")
    job_parser.add_argument("--limit", type=int)
    job_parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--url", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument("--limit", type=int, help="Stop the job after this many due cases.")
    parser.add_argument("--workers", type=int, default=1, help="Job worker processes.")
    parser.add_argument("--sink", choices=["lean", "aiosmtpd"], default="lean")
    args = parser.parse_args()
    if args.mode == "sink":
        sink(args.port, args.kind)
    elif args.mode == "job":
        job(args.at, args.limit, args.workers)
    else:
        if not args.url:
            parser.error("--url (or BENCH_POSTGRES_URL) names the PostgreSQL database to wipe")
        log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
        figures = measure(args.url, args.cases, log, args.limit, args.workers, args.sink)
        lines, _ = report_lines(figures)
        print("\n".join(lines))
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
