"""What the API reads: one case's status and balance, payments and events since a time."""

import datetime as dt

from sqlalchemy import select

from portal.domain.ledger import EntryKind
from portal.extensions import db
from portal.models import AuditEvent, Case, LedgerEntry
from portal.services.reporting.case_list import balance_column, live_plan_column, paid_column

MAX_ID = 2**31 - 1


def case_status(creditor_id: int, reference: str) -> dict | None:
    """The creditor's case with this reference as the API shows it; None for any other."""
    row = db.session.execute(
        select(Case, balance_column(), paid_column(), live_plan_column()).where(
            Case.creditor_id == creditor_id, Case.reference == reference
        )
    ).one_or_none()
    if row is None:
        return None
    case, balance, paid, live = row
    return {
        "reference": case.reference,
        "external_reference": case.external_reference,
        "status": str(case.status),
        "currency": case.currency,
        "balance": int(balance),
        "paid": int(paid),
        "has_live_plan": bool(live),
        "placed_at": case.created_at.isoformat(),
    }


def payments_since(creditor_id: int, since: dt.datetime, after: int, limit: int) -> list[dict]:
    """Payments and refunds recorded since `since`, after ledger id `after`, oldest first."""
    rows = db.session.execute(
        select(LedgerEntry, Case.reference, Case.external_reference)
        .join(Case, Case.id == LedgerEntry.case_id)
        .where(
            Case.creditor_id == creditor_id,
            LedgerEntry.kind.in_((EntryKind.PAYMENT, EntryKind.REFUND)),
            LedgerEntry.created_at >= since,
            LedgerEntry.id > min(after, MAX_ID),
        )
        .order_by(LedgerEntry.id)
        .limit(limit)
    ).all()
    return [
        {
            "id": e.id,
            "case_reference": reference,
            "external_reference": external,
            "kind": str(e.kind),
            "amount": -e.amount,
            "currency": e.currency,
            "occurred_on": e.occurred_on.isoformat(),
            "recorded_at": e.created_at.isoformat(),
        }
        for e, reference, external in rows
    ]


def events_since(creditor_id: int, since: dt.datetime, after: int, limit: int) -> list[dict]:
    """What happened on the creditor's cases since `since` (action and who), oldest first."""
    rows = db.session.execute(
        select(
            AuditEvent.id,
            AuditEvent.action,
            AuditEvent.actor_kind,
            AuditEvent.created_at,
            Case.reference,
        )
        .join(Case, Case.id == AuditEvent.case_id)
        .where(
            Case.creditor_id == creditor_id,
            AuditEvent.created_at >= since,
            AuditEvent.id > min(after, MAX_ID),
        )
        .order_by(AuditEvent.id)
        .limit(limit)
    ).all()
    return [
        {
            "id": r.id,
            "case_reference": r.reference,
            "action": r.action,
            "actor": str(r.actor_kind),
            "created_at": r.created_at.isoformat(),
        }
        for r in rows
    ]
