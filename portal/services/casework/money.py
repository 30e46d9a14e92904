"""What a collector changes in what is owed: a line reduced, the balance written off.

Both are ledger entries (the ledger stays append-only) and never go beyond what is owed: a
line is reduced by at most what it still carries, and never by more than the case's balance.
"""

from sqlalchemy import func, select

from portal.domain.ledger import EntryKind
from portal.extensions import db
from portal.models import Case, DebtLine, LedgerEntry
from portal.services.cases.ledger import add_entry


class MoneyChangeRefused(ValueError):
    """The change cannot be made; `reason` is `amount`, `beyond_balance`, `beyond_line`,
    `line` or `nothing_owed`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def balance_of(case_id: int) -> int:
    """What the case owes now (the sum of its ledger)."""
    total = db.session.execute(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(LedgerEntry.case_id == case_id)
    ).scalar_one()
    return int(total)


def line_left(case_id: int, debt_line_id: int) -> int:
    """What a debt line still carries: its charges less the reductions written on it."""
    total = db.session.execute(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.case_id == case_id,
            LedgerEntry.debt_line_id == debt_line_id,
            LedgerEntry.kind.in_(
                (
                    EntryKind.PRINCIPAL,
                    EntryKind.INTEREST,
                    EntryKind.FEE,
                    EntryKind.ADJUSTMENT,
                    EntryKind.WRITE_OFF,
                )
            ),
        )
    ).scalar_one()
    return int(total)


def reduce_line(
    case: Case, debt_line_id: int, amount: int, memo: str, staff_user_id: int, on
) -> LedgerEntry:
    """Reduce one debt line by `amount` (an adjustment entry); the caller holds the case's lock
    and commits. Raises MoneyChangeRefused."""
    if not isinstance(amount, int) or amount <= 0:
        raise MoneyChangeRefused("amount")
    line = db.session.get(DebtLine, debt_line_id)
    if line is None or line.case_id != case.id:
        raise MoneyChangeRefused("line")
    if amount > balance_of(case.id):
        raise MoneyChangeRefused("beyond_balance")
    if amount > line_left(case.id, debt_line_id):
        raise MoneyChangeRefused("beyond_line")
    return add_entry(
        case,
        EntryKind.ADJUSTMENT,
        -amount,
        occurred_on=on,
        debt_line_id=debt_line_id,
        memo=memo[:200],
        staff_user_id=staff_user_id,
    )


def write_off(
    case: Case, amount: int | None, memo: str, staff_user_id: int, on, kind=EntryKind.WRITE_OFF
) -> LedgerEntry:
    """Write off `amount` (None: the whole balance); the caller holds the case's lock and
    commits. Raises MoneyChangeRefused."""
    owed = balance_of(case.id)
    if owed <= 0:
        raise MoneyChangeRefused("nothing_owed")
    amount = owed if amount is None else amount
    if not isinstance(amount, int) or amount <= 0:
        raise MoneyChangeRefused("amount")
    if amount > owed:
        raise MoneyChangeRefused("beyond_balance")
    return add_entry(
        case, kind, -amount, occurred_on=on, memo=memo[:200], staff_user_id=staff_user_id
    )
