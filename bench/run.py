"""Amiable load benchmarks: the driver.

    python bench/run.py               # every scenario
    python bench/run.py overview      # one scenario (see --list)

Each scenario is a module of bench/ (listed in SCENARIOS) whose `run_scenario(ctx)` gets a
Context (load, worker settings, a scratch folder) and returns its part of the report: (title,
Markdown lines, targets met). Results are printed and appended to bench/RESULTS.md
(bench/results.py). Everything is bounded: the whole run stops after --max-seconds, and every
server it started is killed on the way out.
"""

import argparse
import importlib
import secrets
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402
from bench.harness import Load, Workers  # noqa: E402
from bench.results import write_results  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"


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
    """A named benchmark: the module of bench/ whose run_scenario(ctx) runs it."""

    name: str
    description: str
    module: str

    def run(self, ctx: Context) -> Section:
        """Import the scenario's module and run it."""
        return Section(*importlib.import_module(self.module).run_scenario(ctx))


SCENARIOS: list[Scenario] = [
    Scenario(
        "overview",
        "2,000 distinct debtors' GET /case (and one debtor's), SQLite and PostgreSQL, 100k cases",
        "bench.overview",
    ),
    Scenario(
        "reminders",
        "the reminder job: due cases on PostgreSQL, e-mails to a local SMTP sink",
        "bench.reminders",
    ),
    Scenario(
        "webhooks",
        "signed Stripe events at the portal on PostgreSQL, 30 % duplicates, shuffled",
        "bench.webhooks",
    ),
]


# --- Running ---------------------------------------------------------------------------------


class OutOfTime(BaseException):
    """The run exceeded --max-seconds (BaseException: nothing may swallow it)."""


def _on_alarm(signum, frame):
    raise OutOfTime(f"the benchmark exceeded its time budget ({signum})")


def _on_term(signum, frame):
    raise SystemExit(128 + signum)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--debtors",
        type=int,
        default=2_000,
        help="overview scenario: distinct debtor sessions (and references) of the headline figure",
    )
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
