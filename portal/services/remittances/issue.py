"""Issuing remittance statements, each ledger movement on one statement only."""

import datetime as dt

from sqlalchemy import select

from portal.domain.ledger import EntryKind
from portal.extensions import db
from portal.models import (
    ActorKind,
    Case,
    Creditor,
    LedgerEntry,
    RemittanceItem,
    RemittanceStatement,
)
from portal.services import audit
from portal.services.sql_bulk import insert_rows


class NothingToIssue(ValueError):
    """The period ends before the last statement's, or the creditor does not exist."""


def commission_of(net: int, rate_bp: int) -> int:
    """The commission on `net` (minor units) at `rate_bp`, rounded half up; none on a loss."""
    if net <= 0:
        return 0
    return (net * rate_bp + 5_000) // 10_000


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)


def issue_statement(creditor_id: int, period_end: dt.date) -> RemittanceStatement:
    """Issue the creditor's next statement, up to the end of `period_end` (UTC)."""
    creditor = db.session.get(Creditor, creditor_id) if 0 < creditor_id < 2**31 else None
    if creditor is None:
        raise NothingToIssue("no such creditor")
    # One statement at a time per creditor: its row locked (PostgreSQL) until the commit.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Creditor.id).where(Creditor.id == creditor_id).with_for_update())
    last = db.session.scalar(
        select(RemittanceStatement)
        .where(RemittanceStatement.creditor_id == creditor_id)
        .order_by(RemittanceStatement.number.desc())
        .limit(1)
    )
    start = last.period_end + dt.timedelta(days=1) if last else None
    if last and period_end < start:
        raise NothingToIssue("this period is already covered")
    counted = select(RemittanceItem.ledger_entry_id)
    entries = db.session.execute(
        select(LedgerEntry.id, LedgerEntry.kind, LedgerEntry.amount, LedgerEntry.occurred_on)
        .join(Case, Case.id == LedgerEntry.case_id)
        .where(
            Case.creditor_id == creditor_id,
            LedgerEntry.kind.in_((EntryKind.PAYMENT, EntryKind.REFUND)),
            LedgerEntry.created_at < _end_of(period_end),
            LedgerEntry.id.not_in(counted),
        )
    ).all()
    received = -sum(e.amount for e in entries if e.kind == EntryKind.PAYMENT)
    reversed_ = sum(e.amount for e in entries if e.kind == EntryKind.REFUND)
    rate = creditor.commission_rate_bp or 0
    commission = commission_of(received - reversed_, rate)
    if start is None:
        start = min((e.occurred_on for e in entries), default=period_end)
    statement = RemittanceStatement(
        creditor_id=creditor_id,
        number=(last.number + 1) if last else 1,
        period_start=min(start, period_end),
        period_end=period_end,
        currency=creditor.currency,
        received=received,
        reversed=reversed_,
        rate_bp=rate,
        commission=commission,
        net_due=received - reversed_ - commission,
    )
    db.session.add(statement)
    db.session.flush()
    insert_rows(
        RemittanceItem.__table__,
        [{"statement_id": statement.id, "ledger_entry_id": e.id} for e in entries],
    )
    audit.record(
        "remittance.issued",
        actor=ActorKind.SYSTEM,
        statement_id=statement.id,
        creditor_id=creditor_id,
        net_due=statement.net_due,
    )
    db.session.commit()
    return statement


def statements_of(creditor_id: int) -> list[RemittanceStatement]:
    """The creditor's statements, newest first."""
    return list(
        db.session.scalars(
            select(RemittanceStatement)
            .where(RemittanceStatement.creditor_id == creditor_id)
            .order_by(RemittanceStatement.number.desc())
        )
    )


def get_statement(statement_id: int, creditor_id: int) -> RemittanceStatement | None:
    """One of the creditor's statements; None for another creditor's."""
    if not 0 < statement_id < 2**31:
        return None
    return db.session.scalar(
        select(RemittanceStatement).where(
            RemittanceStatement.id == statement_id, RemittanceStatement.creditor_id == creditor_id
        )
    )


def statement_entries(statement: RemittanceStatement) -> list:
    """The movements a statement counts: date, case reference, external reference, kind,
    amount received (negative for a refund)."""
    return db.session.execute(
        select(
            LedgerEntry.occurred_on,
            Case.reference,
            Case.external_reference,
            LedgerEntry.kind,
            -LedgerEntry.amount,
        )
        .join(RemittanceItem, RemittanceItem.ledger_entry_id == LedgerEntry.id)
        .join(Case, Case.id == LedgerEntry.case_id)
        .where(RemittanceItem.statement_id == statement.id)
        .order_by(LedgerEntry.occurred_on, LedgerEntry.id)
    ).all()
