"""Writing to a case's ledger, under the domain's rules."""

import datetime as dt

from portal.domain.ledger import DebtorKind, EntryKind, check_entry
from portal.extensions import db
from portal.models import ActorKind, Case, LedgerEntry
from portal.services import audit


def add_entry(
    case: Case,
    kind: EntryKind,
    amount: int,
    *,
    occurred_on: dt.date,
    debt_line_id: int | None = None,
    memo: str | None = None,
    staff_user_id: int | None = None,
    annual_rate_bp: int | None = None,
) -> LedgerEntry:
    """Append one checked entry to the case's ledger (the caller commits).

    Raises a LedgerRuleError, e.g. CollectionFeeNotAllowed for a fee on a consumer's case
    without an enforceable title (CPCE L111-8). `annual_rate_bp`: an interest entry's yearly
    rate in basis points, shown to the debtor with its period.
    """
    check_entry(kind, amount, DebtorKind(case.debtor.kind), case.enforceable_title)
    entry = LedgerEntry(
        case_id=case.id,
        creditor_id=case.creditor_id,
        debt_line_id=debt_line_id,
        kind=kind,
        amount=amount,
        currency=case.currency,
        occurred_on=occurred_on,
        memo=memo,
        annual_rate_bp=annual_rate_bp if kind is EntryKind.INTEREST else None,
        created_by_id=staff_user_id,
    )
    db.session.add(entry)
    audit.record(
        "ledger.entry_added",
        actor=ActorKind.STAFF if staff_user_id else ActorKind.SYSTEM,
        case_id=case.id,
        staff_user_id=staff_user_id,
        kind=str(kind),
        amount=amount,
    )
    return entry
