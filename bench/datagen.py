"""Benchmark databases: created empty, migrated with `flask db upgrade`, filled in bulk.

SQLite gets SQLAlchemy Core `insert()` with lists of dicts (one executemany per chunk);
PostgreSQL gets COPY. Ids are assigned here so that rows can point at each other without
reading anything back; PostgreSQL sequences are moved past them afterwards.
"""

import datetime as dt
import os
import random
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from bench.harness import ROOT, BenchError
from portal.domain import references
from portal.models import Agency, Case, Creditor, DebtLine, Debtor, LedgerEntry

DEFAULT_POSTGRES_URL = "postgresql://amiable:amiable@127.0.0.1:5432/amiable_bench"
CHUNK = 20_000

# Word and column lists are written as one string each, hence the `noqa: SIM905`.
FIRST_NAMES = (  # noqa: SIM905
    "Camille Lucas Emma Hugo Chloé James Léa Nathan Manon Sarah Inès Louis Jade Gabriel "
    "Alice Jules Louise Arthur Rose Raphaël Anna Paul Lina Tom Zoé Adam Mila Léo Eva Noah"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André "
    "Mercier Dupont Lambert Bonnet François Martinez Faure"
).split()
CITIES = [
    ("75011", "Paris"),
    ("69003", "Lyon"),
    ("13001", "Marseille"),
    ("31000", "Toulouse"),
    ("06000", "Nice"),
    ("44000", "Nantes"),
    ("67000", "Strasbourg"),
    ("34000", "Montpellier"),
    ("33000", "Bordeaux"),
    ("59800", "Lille"),
    ("35000", "Rennes"),
    ("76000", "Rouen"),
]
STREETS = ["rue Victor Hugo", "boulevard Voltaire", "place du Marché", "avenue Jean Jaurès"]
COMPANY_KINDS = ["SARL", "SAS", "EURL", "SNC"]
COMPANY_WORDS = ["Boulangerie", "Atelier", "Transports", "Café", "Garage", "Fleurs", "Imprimerie"]
STATUSES = ["open"] * 80 + ["disputed"] * 5 + ["escalated"] * 3 + ["paid"] * 7 + ["closed"] * 5

AGENCY_COLS = (  # noqa: SIM905
    "id legal_name siren email phone iban bic singleton address_line1 address_line2 "
    "postcode city country"
).split()
CREDITOR_COLS = (  # noqa: SIM905
    "id legal_name siren vat_number contact_email currency verification_factor created_at "
    "address_line1 address_line2 postcode city country"
).split()
DEBTOR_COLS = (  # noqa: SIM905
    "id kind first_name last_name company_name email phone date_of_birth language notes "
    "address_line1 address_line2 postcode city country"
).split()
CASE_COLS = (  # noqa: SIM905
    "id reference status creditor_id debtor_id assigned_collector_id external_reference "
    "currency enforceable_title link_version created_at"
).split()
LINE_COLS = ["id", "case_id", "basis", "document_number", "description", "issued_on", "due_on"]
ENTRY_COLS = (  # noqa: SIM905
    "id case_id debt_line_id kind amount currency occurred_on memo created_by_id created_at "
    "creditor_id"
).split()

TABLES = [  # in foreign-key order
    (Agency.__table__, AGENCY_COLS),
    (Creditor.__table__, CREDITOR_COLS),
    (Debtor.__table__, DEBTOR_COLS),
    (Case.__table__, CASE_COLS),
    (DebtLine.__table__, LINE_COLS),
    (LedgerEntry.__table__, ENTRY_COLS),
]


@dataclass
class BenchCase:
    """The case the benchmark logs into: 3 debt lines, interest on each, a part payment."""

    id: int
    reference: str  # canonical
    factor: str  # the debtor's postcode (its creditor asks for the postcode)


@dataclass
class Dataset:
    """Rows for every table, and the benchmark case."""

    rows: dict[str, list[tuple]]
    bench_case: BenchCase

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.rows.items()}


def build_rows(n_cases: int, seed: int = 20261125, today: dt.date | None = None) -> Dataset:
    """Generate `n_cases` cases (one debtor each, 1–3 debt lines, principal, interest, payments)."""
    rng = random.Random(seed)
    today = today or dt.date.today()
    now = dt.datetime.now(dt.UTC)
    agencies = [
        (
            1,
            "Amiable Recouvrement SAS",
            "912345674",
            "contact@amiable.example",
            "+33 1 84 00 00 00",
            "FR7630006000011234567890189",
            "AGRIFRPP",
            True,
            "12 rue de la Paix",
            None,
            "75002",
            "Paris",
            "FR",
        )
    ]
    creditors = []
    for n in range(1, 11):
        postcode, city = CITIES[n % len(CITIES)]
        creditors.append(
            (
                n,
                f"Créancier {n} SA",
                f"{500000000 + n:09d}",
                f"FR00{500000000 + n:09d}",
                f"impayes{n}@creditor.example",
                "EUR",
                "date_of_birth" if n % 4 == 0 else "postcode",  # creditor 1 asks the postcode
                now,
                f"{n} avenue des Créanciers",
                None,
                postcode,
                city,
                "FR",
            )
        )
    debtors, cases, lines, entries = [], [], [], []
    seen: set[str] = set()
    bench_index = n_cases // 2 + 1
    bench = None
    for case_id in range(1, n_cases + 1):
        is_bench = case_id == bench_index
        professional = not is_bench and rng.random() < 0.15
        postcode, city = CITIES[rng.randrange(len(CITIES))]
        street = f"{rng.randint(1, 120)} {STREETS[rng.randrange(len(STREETS))]}"
        phone = f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} 00"
        if professional:
            company = (
                f"{COMPANY_WORDS[rng.randrange(len(COMPANY_WORDS))]} {case_id} "
                f"{COMPANY_KINDS[rng.randrange(len(COMPANY_KINDS))]}"
            )
            debtors.append(
                (case_id, "professional", None, None, company, f"compta{case_id}@pro.example")
                + (phone, None, "fr", None, street, None, postcode, city, "FR")
            )
        else:
            first = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]
            last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
            born = dt.date(1950 + rng.randrange(50), rng.randint(1, 12), rng.randint(1, 28))
            language = "fr" if is_bench or rng.random() < 0.9 else "en"
            debtors.append(
                (case_id, "consumer", first, last, None, f"d{case_id}@example.org", phone, born)
                + (language, None, street, None, postcode, city, "FR")
            )
        reference = references.generate(rng.randrange)
        while reference in seen:
            reference = references.generate(rng.randrange)
        seen.add(reference)
        status = "open" if is_bench else STATUSES[rng.randrange(len(STATUSES))]
        creditor_id = 1 if is_bench else rng.randint(1, len(creditors))
        created = now - dt.timedelta(days=rng.randrange(700), seconds=rng.randrange(86400))
        cases.append(
            (case_id, reference, status, creditor_id, case_id, None, f"EXT-{case_id:07d}")
            + ("EUR", False, 1, created)
        )
        total = 0
        for _ in range(3 if is_bench else rng.choice((1, 1, 2, 2, 3))):
            line_id = len(lines) + 1
            age = rng.randint(35, 400)
            due = today - dt.timedelta(days=age)
            issued = due - dt.timedelta(days=30)
            basis = "invoice" if professional or rng.random() < 0.6 else "contract"
            number = f"{'F' if basis == 'invoice' else 'C'}-{due.year}-{line_id:07d}"
            lines.append((line_id, case_id, basis, number, None, issued, due))
            principal = rng.randint(4_000, 500_000)
            total += principal
            entries.append(
                (len(entries) + 1, case_id, line_id, "principal", principal, "EUR", issued)
                + (None, None, created, creditor_id)
            )
            if is_bench or professional or rng.random() < 0.4:
                interest = max(principal * age * 10 // (100 * 365), 1)
                total += interest
                entries.append(
                    (len(entries) + 1, case_id, line_id, "interest", interest, "EUR", today)
                    + (None, None, created, creditor_id)
                )
            if professional:  # C. com. L441-10: 40 EUR per late invoice between businesses
                total += 4_000
                entries.append(
                    (len(entries) + 1, case_id, line_id, "fee", 4_000, "EUR", due)
                    + ("Indemnité forfaitaire (C. com. L441-10)", None, created, creditor_id)
                )
        if is_bench or status == "open" and rng.random() < 0.3:
            paid = total // rng.randint(3, 6)
            total -= paid
            entries.append(
                (len(entries) + 1, case_id, None, "payment", -paid, "EUR")
                + (today - dt.timedelta(days=12), "Virement reçu", None, created, creditor_id)
            )
        if status == "paid":
            entries.append(
                (len(entries) + 1, case_id, None, "payment", -total, "EUR")
                + (today - dt.timedelta(days=3), "Paiement intégral", None, created, creditor_id)
            )
        elif status == "closed":
            entries.append(
                (len(entries) + 1, case_id, None, "write_off", -total, "EUR")
                + (today - dt.timedelta(days=3), "Abandon de créance", None, created, creditor_id)
            )
        if is_bench:
            bench = BenchCase(id=case_id, reference=reference, factor=postcode)
    rows = {
        "agencies": agencies,
        "creditors": creditors,
        "debtors": debtors,
        "cases": cases,
        "debt_lines": lines,
        "ledger_entries": entries,
    }
    return Dataset(rows=rows, bench_case=bench)


# --- Databases -------------------------------------------------------------------------------


def sqlalchemy_url(url: str) -> str:
    """The URL as the portal hands it to SQLAlchemy (psycopg 3 for PostgreSQL)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _pg_names(url: str) -> tuple[str, str]:
    """(database name, URL of the `postgres` maintenance database) of a PostgreSQL URL."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        # Never drop a database this tool did not name: the test suite has its own.
        raise BenchError(f"the benchmark database name must contain 'bench', got {name!r}")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    return name, admin


def postgres_available(url: str) -> str | None:
    """None when the server answers, else why not."""
    import psycopg

    _, admin = _pg_names(url)
    try:
        with psycopg.connect(admin, connect_timeout=5):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def recreate_postgres(url: str) -> None:
    """Drop and create the benchmark database."""
    import psycopg

    name, admin = _pg_names(url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_postgres(url: str) -> None:
    """Drop the benchmark database."""
    import psycopg

    name, admin = _pg_names(url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(env: dict, timeout: float = 180) -> None:
    """`flask db upgrade` against env["DATABASE_URL"], exactly as an operator runs it."""
    proc = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise BenchError(f"flask db upgrade failed:\n{proc.stdout}\n{proc.stderr}")


def _load_sqlite(engine, dataset: Dataset) -> None:
    with engine.begin() as conn:
        for table, columns in TABLES:
            rows = dataset.rows[table.name]
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                conn.execute(
                    insert(table), [dict(zip(columns, row, strict=False)) for row in chunk]
                )
        conn.execute(text("ANALYZE"))


def _load_postgres(engine, dataset: Dataset) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, columns in TABLES:
            statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for row in dataset.rows[table.name]:
                    copy.write_row(row)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT max(id) FROM {table.name}))"
            )
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


@dataclass
class Prepared:
    """A migrated, filled database ready to be served."""

    name: str  # "sqlite" or "postgresql"
    url: str  # DATABASE_URL for the app
    bench_case: BenchCase
    counts: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)


def prepare(name: str, url: str, dataset: Dataset, env: dict) -> Prepared:
    """Create, migrate and fill one database; time each step."""
    seconds = {}
    started = time.monotonic()
    if name == "postgresql":
        recreate_postgres(url)
    else:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    migrate({**env, "DATABASE_URL": url})
    seconds["migrate"] = time.monotonic() - started
    started = time.monotonic()
    engine = create_engine(sqlalchemy_url(url))
    try:
        (_load_postgres if name == "postgresql" else _load_sqlite)(engine, dataset)
    finally:
        engine.dispose()
    seconds["load"] = time.monotonic() - started
    return Prepared(name, url, dataset.bench_case, dataset.counts(), seconds)


def app_env(instance_path: Path, database_url: str, secret_key: str) -> dict:
    """The environment the portal (and the reference apps) start with."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "FLASK_"))}
    env.update(
        PORTAL_ENV="production",
        SECRET_KEY=secret_key,
        DATABASE_URL=database_url,
        PORTAL_INSTANCE_PATH=str(instance_path),
        PYTHONPATH=str(ROOT),
    )
    return env
