"""The checking pass: every row validated, duplicates in the file and against what is placed.

Keeps only what duplicates need (external references and document numbers seen), never the rows.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from portal.domain.factors import FactorKind
from portal.extensions import db
from portal.models import Case, Creditor
from portal.services.placement.rows import RowError, validate_row
from portal.services.sql_bulk import among

MAX_ERRORS = 10_000  # kept and shown; beyond, only counted
_LOOKUP_BATCH = 1_000


@dataclass
class Check:
    """What the checking pass found."""

    rows: int = 0
    cases: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def add(self, error: RowError) -> None:
        """Count an error; keep it while under the cap."""
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)


def _already_placed(creditor_id: int, pending: dict[str, int], check: Check) -> None:
    dialect = db.session.get_bind().dialect.name
    found = db.session.scalars(
        select(Case.external_reference).where(
            Case.creditor_id == creditor_id, among(Case.external_reference, pending, dialect)
        )
    )
    for reference in found:
        check.add(RowError(pending[reference], "external_reference", reference, "already_placed"))
    pending.clear()


def check_rows(
    records: Iterable[tuple[int, dict[str, str], int]], creditor: Creditor, today: dt.date
) -> Check:
    """Validate every row; the errors come back sorted by line."""
    check = Check()
    cases: dict[str, tuple[int, int]] = {}  # external reference -> (first line, its case's hash)
    lines: dict[tuple[str, str], int] = {}  # (external reference, document number) -> line
    pending: dict[str, int] = {}  # new external references to look up, -> first line
    factor = FactorKind(creditor.verification_factor)
    for line, cells, extra in records:
        check.rows += 1
        if extra:
            check.add(RowError(line, "", "", "too_many_cells", {"count": extra}))
        case, debt, errors = validate_row(
            line, cells, factor=factor, currency=creditor.currency, today=today
        )
        for error in errors:
            check.add(error)
        if case is None:
            continue
        reference = case.external_reference
        first = cases.get(reference)
        if first is None:
            cases[reference] = (line, hash(case))
            pending[reference] = line
            if len(pending) >= _LOOKUP_BATCH:
                _already_placed(creditor.id, pending, check)
        elif first[1] != hash(case):
            check.add(
                RowError(line, "external_reference", reference, "case_differs", {"line": first[0]})
            )
        key = (reference, debt.document_number)
        if key in lines:
            check.add(
                RowError(
                    line,
                    "document_number",
                    debt.document_number,
                    "duplicate_line",
                    {"line": lines[key]},
                )
            )
        else:
            lines[key] = line
    if pending:
        _already_placed(creditor.id, pending, check)
    check.cases = len(cases)
    check.errors.sort(key=lambda e: e.line)
    return check
