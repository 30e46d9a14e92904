"""A PostgreSQL database at scale: 1,000,000 cases, 5,000,000 ledger entries, by COPY.

    DATABASE_URL=postgresql://dev:dev@127.0.0.1:5432/amiable_bench_scale \
        .venv/bin/python -m bench.scale_data --cases 1000000

The database (its name must contain "bench") is dropped, created and migrated; rows are written
in chunks of cases, each chunk's tables in foreign-key order on one connection, so the process
holds one chunk at a time. Creditor 1 holds 30 % of the cases (300,000 of 1,000,000), spread
over the whole table; the nine others share the rest.

Each case: one debtor, 1-3 debt lines with their principal, interest on half the lines, a
fee per line for professionals, 0-3 payments in the last twelve months, a final payment when
paid, a write-off when closed; 5 % are in an instalment plan (a proposal, a plan, 6 monthly
instalments). The cases' totals are computed here and written with the cases while the
ledger's triggers are off (they are switched back on at the end), then checked against the
ledger by `portal.models.case_totals.mismatches`; the creditors' monthly rollup is summed from
the ledger after the load.
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time

from sqlalchemy import create_engine

from bench.datagen import (
    AGENCY_COLS,
    CREDITOR_COLS,
    DEBTOR_COLS,
    FIRST_NAMES,
    LAST_NAMES,
    _pg_names,
    build_rows,
    migrate,
    recreate_postgres,
    sqlalchemy_url,
)
from bench.harness import ROOT
from portal.domain import references

CHUNK = 50_000
BIG_CREDITOR_SHARE = 3  # in 10
CASE_COLS = (  # noqa: SIM905
    "id reference status creditor_id debtor_id external_reference currency enforceable_title "
    "link_version created_at charged collected balance oldest_due_on"
).split()
LINE_COLS = ["id", "case_id", "basis", "document_number", "issued_on", "due_on"]
ENTRY_COLS = (  # noqa: SIM905
    "id case_id creditor_id debt_line_id kind amount currency occurred_on memo created_at"
).split()
PROPOSAL_COLS = (  # noqa: SIM905
    "id case_id proposed_by count instalment_amount frequency first_due_on schedule total "
    "currency status policy_outcome policy_reasons reason_codes auto_decided created_at"
).split()
PLAN_COLS = ["id", "case_id", "creditor_id", "proposal_id", "status", "total", "currency"]
PLAN_COLS += ["created_at"]
INSTALMENT_COLS = ["id", "plan_id", "sequence", "due_on", "amount", "paid_amount", "status"]
STATUSES = ["open"] * 55 + ["disputed"] * 5 + ["escalated"] * 10 + ["paid"] * 15
STATUSES += ["closed"] * 10 + ["settled"] * 5
MONTHS = """
INSERT INTO creditor_months (creditor_id, month, collected)
SELECT creditor_id, date_trunc('month', occurred_on)::date, -sum(amount) FROM ledger_entries
WHERE kind IN ('payment', 'refund') GROUP BY 1, 2
"""
TRIGGERS = [
    ("ledger_entries", "ledger_entries_case_totals"),
    ("debt_lines", "debt_lines_case_oldest_due"),
]


class Chunk:
    """The rows of a run of cases, table by table."""

    def __init__(self):
        self.tables = {
            name: []
            for name in (
                "debtors",
                "cases",
                "debt_lines",
                "ledger_entries",
                "plan_proposals",
                "plans",
                "instalments",
            )
        }
        self.ids = dict.fromkeys(self.tables, 0)

    def add(self, table: str, row: tuple) -> int:
        self.ids[table] += 1
        self.tables[table].append(row)
        return self.ids[table]


class Generator:
    """Case after case, ids counted here (no reading back)."""

    def __init__(self, seed: int, today: dt.date):
        self.rng = random.Random(seed)
        self.today = today
        self.now = dt.datetime.now(dt.UTC)
        self.ids = {}
        self.seen: set[str] = set()

    def next_id(self, table: str) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        return self.ids[table]

    def case(self, case_id: int, out: dict[str, list]) -> None:
        rng, today = self.rng, self.today
        creditor_id = 1 if case_id % 10 < BIG_CREDITOR_SHARE else 2 + case_id % 9
        professional = rng.random() < 0.15
        if professional:
            out["debtors"].append(
                (case_id, "professional", None, None, f"Société {case_id} SARL")
                + (f"compta{case_id}@pro.example", None, None, "fr", None)
                + (f"{case_id % 120 + 1} rue du Commerce", None, "69003", "Lyon", "FR")
            )
        else:
            born = dt.date(1950 + rng.randrange(50), rng.randint(1, 12), rng.randint(1, 28))
            out["debtors"].append(
                (case_id, "consumer", FIRST_NAMES[rng.randrange(len(FIRST_NAMES))])
                + (LAST_NAMES[rng.randrange(len(LAST_NAMES))], None, f"d{case_id}@example.org")
                + (None, born, "fr", None, f"{case_id % 120 + 1} rue de la Paix", None)
                + ("75011", "Paris", "FR")
            )
        status = STATUSES[rng.randrange(len(STATUSES))]
        in_plan = status == "open" and rng.random() < 0.09
        status = "in_plan" if in_plan else status
        created = self.now - dt.timedelta(days=rng.randrange(700), seconds=rng.randrange(86400))
        charged = collected = balance = 0
        oldest = None
        entries = []
        for _ in range(rng.choice((1, 2, 2, 3))):
            line_id = self.next_id("debt_lines")
            due = today - dt.timedelta(days=rng.randint(35, 700))
            issued = due - dt.timedelta(days=30)
            oldest = due if oldest is None or due < oldest else oldest
            out["debt_lines"].append((line_id, case_id, "invoice", f"F-{line_id:08d}", issued, due))
            principal = rng.randint(4_000, 500_000)
            entries.append((line_id, "principal", principal, issued, None))
            if rng.random() < 0.5:
                entries.append((line_id, "interest", max(principal // 40, 1), today, None))
            if professional:
                entries.append((line_id, "fee", 4_000, due, "Indemnité forfaitaire"))
        owed = sum(e[2] for e in entries)
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            paid = owed // rng.randint(8, 16)
            if paid > 0:
                on = today - dt.timedelta(days=rng.randrange(365))
                entries.append((None, "payment", -paid, on, "Virement reçu"))
                owed -= paid
        if status in ("paid", "settled") and owed > 0:
            entries.append((None, "payment", -owed, today - dt.timedelta(days=3), None))
        elif status == "closed" and owed > 0:
            entries.append((None, "write_off", -owed, today - dt.timedelta(days=3), None))
        for line_id, kind, amount, on, memo in entries:
            out["ledger_entries"].append(
                (self.next_id("ledger_entries"), case_id, creditor_id, line_id, kind, amount)
                + ("EUR", on, memo, created)
            )
            balance += amount
            charged += amount if kind in ("principal", "interest", "fee") else 0
            collected += -amount if kind == "payment" else 0
        reference = references.generate(rng.randrange)
        while reference in self.seen:
            reference = references.generate(rng.randrange)
        self.seen.add(reference)
        out["cases"].append(
            (case_id, reference, status, creditor_id, case_id, f"EXT-{case_id:07d}", "EUR")
            + (False, 1, created, charged, collected, balance, oldest)
        )
        if in_plan and balance > 600:
            self.plan(case_id, creditor_id, balance, out)

    def plan(self, case_id: int, creditor_id: int, balance: int, out: dict[str, list]) -> None:
        first = self.today.replace(day=5) - dt.timedelta(days=31 * self.rng.randint(0, 5))
        amount = balance // 6
        dues = [first + dt.timedelta(days=31 * i) for i in range(6)]
        schedule = [{"due_on": d.isoformat(), "amount": amount} for d in dues]
        proposal_id = self.next_id("plan_proposals")
        out["plan_proposals"].append(
            (proposal_id, case_id, "debtor", 6, amount, "monthly", first, json.dumps(schedule))
            + (amount * 6, "EUR", "accepted", "auto", "[]", "[]", True, self.now)
        )
        plan_id = self.next_id("plans")
        out["plans"].append(
            (plan_id, case_id, creditor_id, proposal_id, "active", amount * 6, "EUR", self.now)
        )
        for i, due in enumerate(dues, start=1):
            paid = due < self.today and self.rng.random() < 0.8
            out["instalments"].append(
                (self.next_id("instalments"), plan_id, i, due, amount)
                + ((amount, "paid") if paid else (0, "overdue" if due < self.today else "due"))
            )


TABLE_COLUMNS = {
    "debtors": DEBTOR_COLS,
    "cases": CASE_COLS,
    "debt_lines": LINE_COLS,
    "ledger_entries": ENTRY_COLS,
    "plan_proposals": PROPOSAL_COLS,
    "plans": PLAN_COLS,
    "instalments": INSTALMENT_COLS,
}


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _reset(url: str) -> None:
    """An empty database: dropped and created when the role may, else its schema emptied."""
    import psycopg

    _pg_names(url)  # refuses a database whose name lacks "bench"
    try:
        recreate_postgres(url)
    except psycopg.errors.InsufficientPrivilege:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")


def generate(url: str, n_cases: int, seed: int = 20261206) -> dict:
    """Recreate the database at `url` and fill it; returns counts and seconds."""
    started = time.monotonic()
    _reset(url)
    migrate({**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)})
    engine = create_engine(sqlalchemy_url(url))
    raw = engine.raw_connection()
    counts = dict.fromkeys(TABLE_COLUMNS, 0)
    try:
        cursor = raw.cursor()
        for table, trigger in TRIGGERS:  # totals are written with the cases below
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        base = build_rows(0).rows
        _copy(cursor, "agencies", AGENCY_COLS, base["agencies"])
        _copy(cursor, "creditors", CREDITOR_COLS, base["creditors"])
        raw.commit()
        gen = Generator(seed, dt.date.today())
        for start in range(1, n_cases + 1, CHUNK):
            out = {name: [] for name in TABLE_COLUMNS}
            for case_id in range(start, min(start + CHUNK, n_cases + 1)):
                gen.case(case_id, out)
            for table, columns in TABLE_COLUMNS.items():
                _copy(cursor, table, columns, out[table])
                counts[table] += len(out[table])
            raw.commit()
            print(f"{start + CHUNK - 1:>9,} cases, {time.monotonic() - started:.0f} s", flush=True)
        for table in ["agencies", "creditors", *TABLE_COLUMNS]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        cursor.execute(MONTHS)  # the rollup the ledger's trigger would have kept
        for table, trigger in TRIGGERS:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        raw.commit()
    finally:
        raw.close()
    loaded = time.monotonic() - started
    with engine.connect() as conn:  # VACUUM: the visibility map for index-only scans
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return {"counts": counts, "load_s": loaded, "total_s": time.monotonic() - started}


def check_totals(url: str) -> list:
    """Cases whose totals differ from their ledger (expected: none)."""
    from portal.models import case_totals

    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            return case_totals.mismatches(conn)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--no-check", action="store_true", help="skip the totals check")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        sys.exit("DATABASE_URL must name a PostgreSQL database whose name contains 'bench'")
    result = generate(url, args.cases)
    print(json.dumps(result["counts"]), f"loaded in {result['load_s']:.0f} s,")
    print(f"with VACUUM ANALYZE {result['total_s']:.0f} s")
    if not args.no_check:
        wrong = check_totals(url)
        print("totals match the ledger" if not wrong else f"WRONG TOTALS: {wrong}")
        if wrong:
            sys.exit(1)


if __name__ == "__main__":
    main()
