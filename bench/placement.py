"""Placement bench: write a CSV of N rows (several lines per case), import it through the CLI's
service on the database of DATABASE_URL, report wall time, rows/s and the process's peak RSS.

    DATABASE_URL=postgresql://… PORTAL_ENV=demo .venv/bin/python -m bench.placement --rows 100000

The database must be migrated (`flask db upgrade`); a new creditor is created for each run.
"""

import argparse
import datetime as dt
import os
import resource
import tempfile
import time


def write_csv(path: str, rows: int) -> None:
    """`rows` lines, three per case, consumers and professionals, French notation."""
    today = dt.date.today()
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(
            "external_reference;debtor_type;first_name;last_name;company_name;email;"
            "address_line1;postcode;city;date_of_birth;basis;document_number;issued_on;"
            "due_on;principal;interest;recovery_indemnity\r\n"
        )
        for n in range(rows):
            case = n // 3
            due = today - dt.timedelta(days=30 + case % 300)
            issued = due - dt.timedelta(days=30)
            if case % 4:
                who = f"consumer;Camille;Durand{case};;c{case}@example.org"
                extra = ";"
            else:
                who = f"professional;;;Société {case} SARL;compta{case}@example.org"
                extra = "12,50;40,00"
            out.write(
                f"B-{case:07d};{who};{case % 200} rue de la Paix;75{case % 20 + 1:03d};"
                f"Paris;14/03/1985;invoice;F-{n:08d};{issued:%d/%m/%Y};{due.isoformat()};"
                f"{1000 + n % 9000} {n % 1000:03d},{n % 100:02d};{extra}\r\n"
            )


def main() -> None:
    """Run the bench and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    from portal import create_app
    from portal.extensions import db
    from portal.models import Creditor
    from portal.services.placement import imports

    app = create_app()
    with tempfile.TemporaryDirectory() as folder, app.app_context():
        path = os.path.join(folder, "cases.csv")
        write_csv(path, args.rows)
        size = os.path.getsize(path)
        creditor = Creditor(
            legal_name=f"Bench {time.time_ns()}",
            address_line1="1 rue",
            postcode="75001",
            city="Paris",
            contact_email="bench@example.org",
        )
        db.session.add(creditor)
        db.session.commit()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        phases: dict[str, float] = {}

        def progress(phase: str, _n: int) -> None:
            phases.setdefault(phase, time.perf_counter())

        cpu = time.process_time()
        started = time.perf_counter()
        outcome = imports.import_csv(
            lambda: open(path, "rb"),  # noqa: SIM115
            creditor.id,
            source="cli",
            progress=progress,
        )
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    marks = sorted(phases.items(), key=lambda kv: kv[1]) + [("end", started + seconds)]
    spans = ", ".join(
        f"{a} {b - a_t:.1f} s" for (a, a_t), (_, b) in zip(marks, marks[1:], strict=False)
    )
    print(f"phases: {spans}; CPU of this process {cpu:.1f} s; load {os.getloadavg()[0]:.1f}")
    print(f"{outcome.status}: {outcome.rows} rows, {outcome.cases} cases, file {size / 1e6:.1f} MB")
    print(
        f"{seconds:.1f} s, {outcome.rows / seconds:,.0f} rows/s; peak RSS {peak / 1024:.0f} MB "
        f"(before the import {rss_before / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    main()
