"""Webhook benchmark: signed Stripe events posted at the portal (gunicorn) on PostgreSQL, 30 % of
them duplicates, in shuffled order; then the ledger must be exact.

    python -m bench.webhooks --url postgresql://user:pass@host/db --payments 2000

The database's public schema is wiped (without --url: the bench database of bench/datagen.py is
created and dropped). Target: at least 300 events per second.
"""

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import cpu, datagen, harness, poster  # noqa: E402
from bench.harness import Workers  # noqa: E402
from bench.webhook_events import events_for, seed  # noqa: E402

TARGET_PER_SECOND = 300
WARMUP_PAYMENTS = 400  # their events are posted and applied before the clock starts
WEBHOOK_SECRET = "whsec_bench_" + secrets.token_hex(8)


def reset_schema(url: str) -> None:
    """Empty the database's public schema (it is migrated again right after)."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def portal_env(workdir: Path, url: str, secret_key: str) -> dict:
    """The portal's environment: production, Stripe keys (never called), no mail server."""
    env = datagen.app_env(workdir, url, secret_key)
    env.update(
        STRIPE_SECRET_KEY="sk_test_bench",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE="http://127.0.0.1:9",  # nothing listens: the handlers never call out
    )
    env.pop("MAIL_SERVER", None)
    return env


def post_all(base: str, events: list[dict], clients: int) -> tuple[float, dict[int, int]]:
    """POST every event, signed at sending time, over `clients` kept-alive connections;
    (time.monotonic() of the first post, statuses)."""
    from portal.gateway.double.signing import sign

    host, port = base.removeprefix("http://").split(":")
    bodies = [json.dumps(event).encode() for event in events]
    return poster.post_all(
        (host, int(port)), "/stripe/webhook", bodies, lambda body: sign(body, WEBHOOK_SECRET),
        clients,
    )  # fmt: skip


def wait_applied(url: str, timeout: float = 300) -> float:
    """Wait until no recorded event waits to be applied; the time.monotonic() it was seen.

    The portal acknowledges an event once it is recorded; applying may come just after, so
    the clock stops only when every event is applied (and the ledger can be checked).
    """
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        while True:
            waiting = conn.execute(
                "SELECT count(*) FROM webhook_events WHERE outcome IS NULL"
            ).fetchone()[0]
            if waiting == 0 or time.monotonic() > deadline:
                return time.monotonic()
            time.sleep(0.02)


def check_ledger(url: str, payments: int, unique: int) -> dict:
    """Exactly one payment entry per payment, every balance zero, each event recorded once."""
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        found = {
            "payment_entries": one("SELECT count(*) FROM ledger_entries WHERE kind = 'payment'"),
            "cases_not_zero": one(
                "SELECT count(*) FROM (SELECT case_id FROM ledger_entries GROUP BY case_id"
                " HAVING sum(amount) <> 0) AS t"
            ),
            "succeeded": one("SELECT count(*) FROM payments WHERE status = 'succeeded'"),
            "receipts": one("SELECT count(*) FROM receipts"),
            "recorded": one("SELECT count(*) FROM webhook_events"),
        }
    found["exact"] = (
        found["payment_entries"] == payments == found["succeeded"] == found["receipts"]
        and found["cases_not_zero"] == 0
        and found["recorded"] == unique
    )
    return found


def run(url: str, payments: int, workers: Workers, clients: int, workdir: Path, log=print):
    """Seed, serve, warm up, post, check; returns the measured figures."""
    secret_key = secrets.token_urlsafe(32)
    env = portal_env(workdir, url, secret_key)
    log("migrate (flask db upgrade)")
    datagen.migrate(env)
    log(f"seed {payments} cases with a pending payment, and {WARMUP_PAYMENTS} for the warm-up")
    rows = seed(url, payments + WARMUP_PAYMENTS, secret_key)
    warmup, warm_unique = events_for(rows[:WARMUP_PAYMENTS], seed_=6)
    events, unique = events_for(rows[WARMUP_PAYMENTS:])
    log(f"{len(events)} events ({unique} unique, {len(events) - unique} duplicates), shuffled")
    database = urllib.parse.urlsplit(url).path.lstrip("/")
    with harness.gunicorn("app:app", env, workers, workdir / "gunicorn.log", "/healthz") as base:
        address = base.removeprefix("http://")
        ours = {  # the portal's processes; its database's backends
            "portal": lambda command: "gunicorn" in command and address in command,
            "database": lambda command: (
                command.startswith("postgres:") and f" {database} " in command
            ),
        }
        # Every worker thread serves and applies events once before the clock starts (templates
        # compiled, code imported, statements prepared, caches filled), as in a running portal.
        _, warm_statuses = post_all(base, warmup, clients)
        wait_applied(url)
        cpu_before = {name: cpu.snapshot(match) for name, match in ours.items()}
        poster_before, busy_before = time.process_time(), cpu.machine_busy_seconds()
        started, statuses = post_all(base, events, clients)
        posted, poster_cpu = time.monotonic(), time.process_time() - poster_before
        applied = wait_applied(url)
        spent = {
            name: cpu.spent(cpu_before[name], cpu.snapshot(match)) for name, match in ours.items()
        }
        busy = cpu.machine_busy_seconds() - busy_before
        others = busy - sum(spent.values()) - poster_cpu
        cpu_ms = {name: 1000 * seconds / len(events) for name, seconds in spent.items()}
        # The same server's GET /healthz (one database round trip), for scale on this machine.
        healthz = harness.wrk(base + "/healthz", harness.Load(clients, 2, 5, 1)).requests_per_s
    figures = {
        "events": len(events),
        "unique": unique,
        "warmup_events": len(warmup),
        "seconds": applied - started,  # first post to the last event applied
        "posting_seconds": posted - started,
        "per_second": len(events) / (applied - started),
        "statuses": statuses,
        "workers": workers.describe(),
        "clients": clients,
        "healthz": healthz,
        "cpu_ms": {**cpu_ms, "poster": 1000 * poster_cpu / len(events)},
        # Of the machine's 2 cores during the run, the share other programs used.
        "others_share": max(others, 0.0) / (2 * (applied - started)),
        **check_ledger(url, payments + WARMUP_PAYMENTS, unique + warm_unique),
    }
    figures["all_200"] = set(statuses) == set(warm_statuses) == {200}
    figures["target_met"] = (
        figures["exact"] and figures["all_200"] and (figures["per_second"] >= TARGET_PER_SECOND)
    )
    return figures


def report_lines(f: dict) -> list[str]:
    """The Markdown lines of the report."""
    return [
        f"PostgreSQL, gunicorn {f['workers']}; {f['clients']} kept-alive connections from one"
        f" lean poster (bench/poster.py: each event signed as it is sent). Before the clock"
        f" starts, {f['warmup_events']} events of {WARMUP_PAYMENTS} other payments warm the"
        f" server up (posted the same way, all applied).",
        "",
        "| events posted | unique | duplicates | seconds | events/s | HTTP statuses |"
        " ledger exact |",
        "|---:|---:|---:|---:|---:|---|---|",
        f"| {f['events']} | {f['unique']} | {f['events'] - f['unique']} | {f['seconds']:.1f} |"
        f" **{f['per_second']:.0f}** | {f['statuses']} | {'yes' if f['exact'] else 'NO'} |",
        "",
        f"Seconds run from the first post until every recorded event is applied (posting"
        f" alone took {f['posting_seconds']:.1f} s; the portal acknowledges an event once it is"
        f" recorded, and applies it in the same request or just after).",
        "",
        "CPU an event (from /proc, whatever else the machine runs): portal"
        f" {f['cpu_ms']['portal']:.2f} ms (gunicorn workers), PostgreSQL"
        f" {f['cpu_ms']['database']:.2f} ms (its backends), poster {f['cpu_ms']['poster']:.2f} ms."
        f" Other programs used {100 * f['others_share']:.0f} % of the machine's 2 cores meanwhile"
        " (from /proc/stat).",
        "",
        f"For scale, the same server answers GET /healthz (one database round trip) at"
        f" {f['healthz']:.0f} requests/s on this machine.",
        "",
        f"Target: at least {TARGET_PER_SECOND} events/s with the ledger exact: "
        + ("met." if f["target_met"] else "NOT met.")
        + f" After the run: {f['payment_entries']} payment entries, {f['receipts']} receipts,"
        f" {f['recorded']} events recorded, {f['cases_not_zero']} case(s) with a balance left.",
    ]


def run_scenario(ctx) -> tuple[str, list[str], bool]:
    """The `webhooks` scenario of bench/run.py: (title, Markdown lines, targets met).

    Each event waits on its commit, so the portal runs gthread workers (8 threads each).
    """
    url = os.environ.get("BENCH_POSTGRES_URL", datagen.DEFAULT_POSTGRES_URL)
    datagen._pg_names(url)  # refuses a database whose name does not say "bench"
    problem = datagen.postgres_available(url)
    title = "Webhooks: signed events, 30 % duplicates, shuffled (PostgreSQL)"
    if problem:
        return title, [f"PostgreSQL SKIPPED ({problem}); set BENCH_POSTGRES_URL."], False
    datagen.recreate_postgres(url)
    workers = Workers(ctx.workers.count, "gthread", 8)
    try:
        figures = run(url, 2000, workers, 32, ctx.workdir, ctx.log)
    finally:
        if not ctx.args.keep:
            datagen.drop_postgres(url)
    return title, report_lines(figures), figures["target_met"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="PostgreSQL URL (its schema is wiped)")
    parser.add_argument("--payments", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    reset_schema(args.url)
    with tempfile.TemporaryDirectory(prefix="amiable-wh-") as workdir:
        workers = Workers(args.workers, args.worker_class, args.threads)
        figures = run(args.url, args.payments, workers, args.clients, Path(workdir))
    print("\n".join(report_lines(figures)))
    return 0 if figures["target_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
