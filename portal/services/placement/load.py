"""The loading pass: cases, debtors, debt lines, first ledger entries and audit rows in bulk.

Run only after the checking pass found nothing wrong, inside the caller's transaction (all or
nothing). Rows go in batches through `sql_bulk.insert_rows` (COPY on PostgreSQL). The rows of
one case may be anywhere in the file: only a map of external reference -> case id is kept.
"""

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select

from portal.domain import references
from portal.domain.factors import FactorKind
from portal.domain.ledger import DebtorKind, EntryKind, check_entry
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import ActorKind, AuditEvent, Case, Creditor, DebtLine, Debtor, LedgerEntry
from portal.models.base import utcnow
from portal.services.placement.csvfile import FileProblem
from portal.services.placement.rows import CaseData, LineData, validate_row
from portal.services.sql_bulk import among, insert_rows

BATCH = 2_000
INDEMNITY_MEMO = "Indemnité forfaitaire pour frais de recouvrement (C. com. L441-10)"


def new_references(n: int) -> list[str]:
    """`n` case references that no case holds yet."""
    dialect = db.session.get_bind().dialect.name
    chosen: set[str] = set()
    while len(chosen) < n:
        batch = {references.generate() for _ in range(n - len(chosen))} - chosen
        taken = set(
            db.session.scalars(select(Case.reference).where(among(Case.reference, batch, dialect)))
        )
        chosen |= batch - taken
    return list(chosen)


def _debtor_row(case: CaseData) -> dict:
    fields = (
        "kind",
        "first_name",
        "last_name",
        "company_name",
        "email",
        "phone",
        "address_line1",
        "address_line2",
        "postcode",
        "city",
        "country",
        "date_of_birth",
        "language",
    )
    return {name: getattr(case, name) for name in fields}


def _entries(
    case_id: int, line_id: int, debt: LineData, kind: DebtorKind, creditor: Creditor, today: dt.date
) -> list[dict]:
    amounts = [
        (EntryKind.PRINCIPAL, debt.principal, debt.issued_on, None),
        (EntryKind.INTEREST, debt.interest, today, None),
        (EntryKind.FEE, debt.recovery_indemnity, debt.due_on, INDEMNITY_MEMO),
    ]
    rows = []
    for entry_kind, amount, occurred_on, memo in amounts:
        if not amount:
            continue
        check_entry(entry_kind, amount, kind, False)  # the domain's rules (no fee on a consumer)
        rows.append(
            {
                "case_id": case_id,
                "creditor_id": creditor.id,
                "debt_line_id": line_id,
                "kind": entry_kind,
                "amount": amount,
                "currency": creditor.currency,
                "occurred_on": occurred_on,
                "memo": memo,
                "created_by_id": None,
            }
        )
    return rows


class _Loader:
    """Batches of new cases and lines, written when full."""

    def __init__(self, creditor: Creditor, today: dt.date, audit: dict):
        self.creditor, self.today, self.audit = creditor, today, audit
        self.case_ids: dict[str, int] = {}
        self.new_cases: list[CaseData] = []
        self.lines: list[tuple[str, LineData, DebtorKind]] = []
        self.created = 0

    def add(self, case: CaseData, debt: LineData) -> None:
        if case.external_reference not in self.case_ids:
            self.case_ids[case.external_reference] = 0  # known, id given at flush
            self.new_cases.append(case)
        self.lines.append((case.external_reference, debt, case.kind))
        if len(self.lines) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.new_cases:
            debtor_ids = insert_rows(
                Debtor.__table__, [_debtor_row(c) for c in self.new_cases], ids=True
            )
            refs = new_references(len(self.new_cases))
            case_rows = [
                {
                    "reference": ref,
                    "creditor_id": self.creditor.id,
                    "debtor_id": debtor_id,
                    "external_reference": c.external_reference,
                    "currency": self.creditor.currency,
                    "status": CaseStatus.OPEN,
                    "enforceable_title": False,
                    "link_version": 1,
                }
                for c, debtor_id, ref in zip(self.new_cases, debtor_ids, refs, strict=True)
            ]
            ids = insert_rows(Case.__table__, case_rows, ids=True)
            now = utcnow()
            audit_rows = []
            for c, case_id in zip(self.new_cases, ids, strict=True):
                self.case_ids[c.external_reference] = case_id
                audit_rows.append(
                    {
                        "action": "case.placed",
                        "case_id": case_id,
                        "ip": None,
                        "created_at": now,
                        **self.audit,
                    }
                )
            insert_rows(AuditEvent.__table__, audit_rows)
            self.created += len(self.new_cases)
            self.new_cases = []
        if self.lines:
            line_rows = [
                {
                    "case_id": self.case_ids[ref],
                    "basis": d.basis,
                    "document_number": d.document_number,
                    "description": d.description,
                    "issued_on": d.issued_on,
                    "due_on": d.due_on,
                }
                for ref, d, _ in self.lines
            ]
            line_ids = insert_rows(DebtLine.__table__, line_rows, ids=True)
            entries = []
            for (ref, debt, kind), line_id in zip(self.lines, line_ids, strict=True):
                entries += _entries(
                    self.case_ids[ref], line_id, debt, kind, self.creditor, self.today
                )
            insert_rows(LedgerEntry.__table__, entries)  # the cases' totals follow by trigger
            self.lines = []


def load_rows(
    records: Iterable[tuple[int, dict[str, str], int]],
    creditor: Creditor,
    today: dt.date,
    *,
    import_id: int,
    staff_user_id: int | None,
    source: str,
) -> int:
    """Write every (already checked) row; return the number of cases created. Caller commits."""
    audit = {
        "actor_kind": ActorKind.STAFF if staff_user_id else ActorKind.SYSTEM,
        "staff_user_id": staff_user_id,
        "details": {"import_id": import_id, "source": source},
    }
    loader = _Loader(creditor, today, audit)
    for line, cells, _extra in records:
        case, debt, errors = validate_row(
            line,
            cells,
            factor=FactorKind(creditor.verification_factor),
            currency=creditor.currency,
            today=today,
        )
        if errors:  # the checking pass saw this file; a change in between is refused
            raise FileProblem("changed", line=line)
        loader.add(case, debt)
    loader.flush()
    return loader.created
