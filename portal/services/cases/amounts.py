"""A case's amounts itemised as CPCE R124-4 asks, for many cases at once or as of a past moment."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from portal.domain.ledger import CHARGE_KINDS, EntryKind
from portal.extensions import db
from portal.models import DebtLine, LedgerEntry


@dataclass
class LineAmounts:
    """One debt line (or None: charges not tied to a line) with its amounts kept apart."""

    line: DebtLine | None
    principal: int = 0
    interest: int = 0
    charges: int = 0
    interest_rate_bp: int | None = None  # the yearly rate of its interest, when given
    interest_to: dt.date | None = None  # the end of the interest period (from the due date)

    @property
    def total(self) -> int:
        """What the line adds to the debt."""
        return self.principal + self.interest + self.charges


@dataclass
class CaseAmounts:
    """What a case owes, itemised as R124-4 asks (principal, interest, accessories apart)."""

    lines: list[LineAmounts] = field(default_factory=list)
    paid: int = 0  # payments net of refunds, adjustments and write-offs (positive)

    @property
    def principal(self) -> int:
        """Sum of the principal."""
        return sum(x.principal for x in self.lines)

    @property
    def interest(self) -> int:
        """Sum of the interest."""
        return sum(x.interest for x in self.lines)

    @property
    def charges(self) -> int:
        """Sum of the other charges."""
        return sum(x.charges for x in self.lines)

    @property
    def charged(self) -> int:
        """Everything charged."""
        return sum(x.total for x in self.lines)

    @property
    def balance(self) -> int:
        """What is owed."""
        return self.charged - self.paid


def amounts_for(case_ids: list[int], as_of: dt.datetime | None = None) -> dict[int, CaseAmounts]:
    """Itemised amounts of several cases in two queries (as the ledger stood at `as_of`)."""
    result = {case_id: CaseAmounts() for case_id in case_ids}
    if not case_ids:
        return result
    lines = db.session.execute(select(DebtLine).where(DebtLine.case_id.in_(case_ids))).scalars()
    by_line: dict[int, LineAmounts] = {}
    for line in sorted(lines, key=lambda x: (x.due_on, x.id)):
        by_line[line.id] = LineAmounts(line)
        result[line.case_id].lines.append(by_line[line.id])
    stmt = select(
        LedgerEntry.case_id,
        LedgerEntry.debt_line_id,
        LedgerEntry.kind,
        func.sum(LedgerEntry.amount),
        func.max(LedgerEntry.annual_rate_bp),
        func.max(LedgerEntry.occurred_on),
    ).where(LedgerEntry.case_id.in_(case_ids))
    if as_of is not None:
        stmt = stmt.where(LedgerEntry.created_at <= as_of)
    loose: dict[int, LineAmounts] = defaultdict(lambda: LineAmounts(None))
    for case_id, line_id, kind, amount, rate, last_on in db.session.execute(
        stmt.group_by(LedgerEntry.case_id, LedgerEntry.debt_line_id, LedgerEntry.kind)
    ):
        amount = int(amount)
        if kind not in CHARGE_KINDS:
            result[case_id].paid -= amount
            continue
        target = by_line.get(line_id) or loose[case_id]
        attribute = {EntryKind.PRINCIPAL: "principal", EntryKind.INTEREST: "interest"}.get(
            kind, "charges"
        )
        setattr(target, attribute, getattr(target, attribute) + amount)
        if kind == EntryKind.INTEREST:
            target.interest_rate_bp, target.interest_to = rate, last_on
    for case_id, extra in loose.items():
        result[case_id].lines.append(extra)
    return result
