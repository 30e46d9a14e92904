"""Reading cases: the debtor's overview, and the staff lists with balances computed in SQL."""

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import bindparam, func, literal, null, or_, select, text, type_coerce, union_all
from sqlalchemy.orm import joinedload

from portal.domain import references
from portal.domain.ledger import CHARGE_KINDS, EntryKind
from portal.extensions import db
from portal.models import Agency, AuditEvent, Case, DebtLine, Debtor, LedgerEntry


@dataclass
class LineAmounts:
    """One debt line with its principal, interest and other charges kept apart."""

    line: "DebtLineRow | None"  # None: charges not tied to one invoice
    principal: int = 0
    interest: int = 0
    charges: int = 0
    interest_rate_bp: int | None = None  # the latest interest entry's yearly rate
    interest_to: dt.date | None = None  # the end of the interest period (from the due date)

    @property
    def total(self) -> int:
        """What the line adds to the debt."""
        return self.principal + self.interest + self.charges


@dataclass
class Overview:
    """Everything the debtor's page shows, loaded in a fixed number of queries."""

    case: Case
    agency: Agency | None
    lines: list[LineAmounts]
    movements: list = field(default_factory=list)  # ledger rows that are not charges

    @property
    def charged(self) -> int:
        """Sum of the lines."""
        return sum(line.total for line in self.lines)

    @property
    def paid(self) -> int:
        """Payments received, net of refunds (a positive number)."""
        kinds = {EntryKind.PAYMENT, EntryKind.REFUND}
        return -sum(m.amount for m in self.movements if m.kind in kinds)

    @property
    def balance(self) -> int:
        """What is owed now: the sum of every ledger entry."""
        return self.charged + sum(m.amount for m in self.movements)

    @property
    def totals(self) -> LineAmounts:
        """Principal, interest and charges summed over the lines."""
        return LineAmounts(
            None,
            sum(x.principal for x in self.lines),
            sum(x.interest for x in self.lines),
            sum(x.charges for x in self.lines),
        )


def load_case(case_id: int) -> Case | None:
    """The case with its creditor and debtor, in one query."""
    stmt = (
        select(Case)
        .options(joinedload(Case.creditor), joinedload(Case.debtor))
        .where(Case.id == case_id)
    )
    return db.session.execute(stmt).scalar_one_or_none()


def the_agency() -> Agency | None:
    """The agency running this installation (one at most), or None before it is set up."""
    return db.session.execute(_AGENCY).scalar_one_or_none()


def load_case_by_reference(reference: str) -> Case | None:
    """Like load_case, by canonical reference."""
    stmt = (
        select(Case)
        .options(joinedload(Case.creditor), joinedload(Case.debtor))
        .where(Case.reference == reference)
    )
    return db.session.execute(stmt).scalar_one_or_none()


class DebtLineRow(NamedTuple):
    """The columns of a debt line that pages show."""

    id: int
    basis: str
    document_number: str
    description: str | None
    issued_on: dt.date
    due_on: dt.date


class EntryRow(NamedTuple):
    """The columns of a ledger entry that pages show."""

    id: int
    debt_line_id: int | None
    kind: EntryKind
    amount: int
    occurred_on: dt.date
    memo: str | None


def _typed_null(column):
    return type_coerce(null(), column.type)


# Built once, run on every debtor page view: the lines and the entries of a case in one round
# trip (UNION ALL: lines first, by due date; then entries, in the order they happened).
_LINES_AND_ENTRIES = union_all(
    select(
        literal(1).label("part"),
        DebtLine.id,
        _typed_null(LedgerEntry.debt_line_id).label("debt_line_id"),
        _typed_null(LedgerEntry.kind).label("kind"),
        _typed_null(LedgerEntry.amount).label("amount"),
        DebtLine.issued_on.label("first_on"),
        DebtLine.due_on.label("sort_on"),
        DebtLine.basis,
        DebtLine.document_number,
        DebtLine.description.label("text"),
        _typed_null(LedgerEntry.annual_rate_bp).label("rate"),
    ).where(DebtLine.case_id == bindparam("case_id")),
    select(
        literal(2),
        LedgerEntry.id,
        LedgerEntry.debt_line_id,
        LedgerEntry.kind,
        LedgerEntry.amount,
        LedgerEntry.occurred_on,
        LedgerEntry.occurred_on,
        _typed_null(DebtLine.basis),
        _typed_null(DebtLine.document_number),
        LedgerEntry.memo,
        LedgerEntry.annual_rate_bp,
    ).where(LedgerEntry.case_id == bindparam("case_id")),
).order_by(text("part"), text("sort_on"), text("id"))
_AGENCY = select(Agency)
_CHARGE_ATTRIBUTE = {EntryKind.PRINCIPAL: "principal", EntryKind.INTEREST: "interest"}


_READ = object()


def overview(case: Case, *, agency: Agency | None | object = _READ) -> Overview:
    """Debt lines with their amounts, money movements and the agency, in two queries.

    A case holds tens of entries, so they are read once (lines and entries in one statement,
    plain rows: the connection spares the ORM's per-statement work) and summed here rather
    than in several grouped queries. A caller that read the agency already passes it.
    """
    by_line: dict[int, LineAmounts] = {}
    loose = LineAmounts(None)
    movements = []
    rows = db.session.connection().execute(_LINES_AND_ENTRIES, {"case_id": case.id})
    for row in rows:
        if row.part == 1:
            line = DebtLineRow(
                row.id, row.basis, row.document_number, row.text, row.first_on, row.sort_on
            )
            by_line[row.id] = LineAmounts(line)
            continue
        entry = EntryRow(row.id, row.debt_line_id, row.kind, row.amount, row.first_on, row.text)
        if entry.kind in CHARGE_KINDS:
            target = by_line.get(entry.debt_line_id, loose)
            attribute = _CHARGE_ATTRIBUTE.get(entry.kind, "charges")
            setattr(target, attribute, getattr(target, attribute) + entry.amount)
            if entry.kind == EntryKind.INTEREST:
                target.interest_to = max(target.interest_to or entry.occurred_on, entry.occurred_on)
                target.interest_rate_bp = (
                    row.rate if row.rate is not None else target.interest_rate_bp
                )
        else:
            movements.append(entry)
    if agency is _READ:
        agency = db.session.execute(_AGENCY).scalar_one_or_none()
    all_lines = list(by_line.values()) + ([loose] if loose.total else [])
    return Overview(case=case, agency=agency, lines=all_lines, movements=movements)


def _balance_subquery():
    return (
        select(LedgerEntry.case_id, func.sum(LedgerEntry.amount).label("balance"))
        .group_by(LedgerEntry.case_id)
        .subquery()
    )


@dataclass
class CaseRow:
    """A line of a staff case list."""

    case: Case
    balance: int


PAGE_SIZE = 50
LIKE_ESCAPE = "\\"


def like_literal(term: str) -> str:
    """`term` for a LIKE pattern with `%`, `_` and the escape character taken literally."""
    return "".join(LIKE_ESCAPE + ch if ch in "%_" + LIKE_ESCAPE else ch for ch in term)


def search_cases(
    query: str = "", *, creditor_id: int | None = None, page: int = 1
) -> tuple[list[CaseRow], int]:
    """Cases matching `query` (reference, external reference, name, e-mail), newest first.

    Returns one page of rows with balances summed by the database, and the total count.
    """
    balances = _balance_subquery()
    stmt = (
        select(Case, func.coalesce(balances.c.balance, 0))
        .join(Case.debtor)
        .outerjoin(balances, balances.c.case_id == Case.id)
        .options(joinedload(Case.debtor), joinedload(Case.creditor))
    )
    if creditor_id is not None:
        stmt = stmt.where(Case.creditor_id == creditor_id)
    query = (query or "").strip()
    if query:
        like = f"%{like_literal(query.lower())}%"
        conditions = [
            func.lower(column).like(like, escape=LIKE_ESCAPE)
            for column in (
                Case.external_reference,
                Debtor.last_name,
                Debtor.first_name,
                Debtor.company_name,
                Debtor.email,
            )
        ]
        compact = "".join(ch for ch in query.upper() if ch not in " -")
        try:
            conditions.append(Case.reference == references.normalize(query))
        except references.InvalidReference:
            if compact:
                pattern = f"%{like_literal(compact)}%"
                conditions.append(Case.reference.like(pattern, escape=LIKE_ESCAPE))
        stmt = stmt.where(or_(*conditions))
    total = db.session.execute(
        select(func.count()).select_from(stmt.with_only_columns(Case.id).subquery())
    ).scalar_one()
    page = max(page, 1)
    rows = db.session.execute(
        stmt.order_by(Case.created_at.desc(), Case.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return [CaseRow(case, int(balance)) for case, balance in rows], total


@dataclass
class PortfolioTotals:
    """A creditor's portfolio in three figures (minor units)."""

    cases: int
    placed: int
    collected: int
    outstanding: int


def portfolio_totals(creditor_id: int) -> PortfolioTotals:
    """Cases, amounts placed, collected and outstanding for one creditor: the totals each case
    carries (portal.models.case_totals), summed from an index, not the ledger re-read."""
    row = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(Case.charged), 0),
            func.coalesce(func.sum(Case.collected), 0),
            func.coalesce(func.sum(Case.balance), 0),
        ).where(Case.creditor_id == creditor_id)
    ).one()
    return PortfolioTotals(*(int(x) for x in row))


def timeline(case_id: int) -> list[AuditEvent]:
    """The case's audit events, newest first."""
    return list(
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.case_id == case_id)
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        ).scalars()
    )


def ledger(case_id: int) -> list[LedgerEntry]:
    """Every ledger entry of a case in the order it happened."""
    return list(
        db.session.execute(
            select(LedgerEntry)
            .where(LedgerEntry.case_id == case_id)
            .order_by(LedgerEntry.occurred_on, LedgerEntry.id)
        ).scalars()
    )
