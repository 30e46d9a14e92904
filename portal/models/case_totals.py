"""A case's running totals (charged, collected, balance, oldest due date).

The database keeps them: triggers created by migration 4b8d2f6a1c3e add every new ledger entry
and debt line to its case, whoever writes it (the ORM, COPY in the placement import, the
benchmark's generator, a psql session). On PostgreSQL one statement-level trigger per INSERT or
COPY updates each case once; SQLite has row triggers. Ledger entries are never updated or
deleted (LedgerIsAppendOnly), and debt lines' due dates never change, so inserts are all there is
to follow.

Here, on the Python side: a new ledger entry or plan written through the ORM gets its case's
creditor, and the totals of cases held in the session are expired after a flush that wrote
entries or lines, so that `case.balance` is read again rather than left stale.

Beware: on SQLite, `op.batch_alter_table` on cases, ledger_entries or debt_lines copies the
table and loses its triggers; a migration doing so must create them again (the check after
every test in tests/conftest.py fails otherwise). On PostgreSQL, a creditor's row of the month
in creditor_months is locked by a transaction writing a payment until it commits.
"""

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, event, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.domain.ledger import CHARGE_KINDS, EntryKind
from portal.models.base import Base
from portal.models.cases import Case, DebtLine, LedgerEntry
from portal.models.plans import Plan

TOTALS = ("charged", "collected", "balance", "oldest_due_on")
MONEY_IN_KINDS = (EntryKind.PAYMENT, EntryKind.REFUND)


class CreditorMonth(Base):
    """Money a creditor's debtors paid in one calendar month (payments net of refunds), kept
    by the same triggers: the dashboard's chart reads twelve rows."""

    __tablename__ = "creditor_months"

    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # its first day
    collected: Mapped[int] = mapped_column(BigInteger, default=0)


@event.listens_for(Plan, "before_insert")
@event.listens_for(LedgerEntry, "before_insert")
def _creditor_of_the_case(mapper, connection, target):
    if target.creditor_id is None and target.case_id is not None:
        target.creditor_id = connection.scalar(
            select(Case.creditor_id).where(Case.id == target.case_id)
        )


@event.listens_for(Session, "after_flush")
def _expire_totals(session, flush_context):
    case_ids = {o.case_id for o in session.new if isinstance(o, LedgerEntry | DebtLine)}
    if not case_ids:
        return
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Case) and obj.id in case_ids:
            session.expire(obj, TOTALS)


def ledger_sums():
    """Per case: (case_id, charged, collected, balance) summed from the ledger itself."""
    return (
        select(
            LedgerEntry.case_id,
            func.sum(when((LedgerEntry.kind.in_(CHARGE_KINDS), LedgerEntry.amount), else_=0)).label(
                "charged"
            ),
            func.sum(
                when((LedgerEntry.kind.in_(MONEY_IN_KINDS), -LedgerEntry.amount), else_=0)
            ).label("collected"),
            func.sum(LedgerEntry.amount).label("balance"),
        )
        .group_by(LedgerEntry.case_id)
        .subquery()
    )


def month_mismatches(connection) -> list[tuple]:
    """(creditor, month, stored, from the ledger) where the monthly rollup is wrong."""
    rows = connection.execute(
        select(LedgerEntry.creditor_id, LedgerEntry.occurred_on, LedgerEntry.amount).where(
            LedgerEntry.kind.in_(MONEY_IN_KINDS)
        )
    )
    expected: dict[tuple, int] = {}
    for creditor_id, day, amount in rows:
        key = (creditor_id, day.replace(day=1))
        expected[key] = expected.get(key, 0) - amount
    stored = {
        (c, m): v
        for c, m, v in connection.execute(
            select(CreditorMonth.creditor_id, CreditorMonth.month, CreditorMonth.collected)
        )
    }
    keys = sorted(set(expected) | set(stored))
    return [
        (*k, stored.get(k), expected.get(k)) for k in keys if stored.get(k, 0) != expected.get(k, 0)
    ]


def mismatches(connection, limit: int = 10) -> list[tuple]:
    """Cases whose stored totals differ from their ledger and debt lines (expected: none).

    Each row: (case id, stored charged, collected, balance, oldest due date, then the same four
    recomputed)."""
    sums = ledger_sums()
    oldest = (
        select(DebtLine.case_id, func.min(DebtLine.due_on).label("oldest"))
        .group_by(DebtLine.case_id)
        .subquery()
    )
    recomputed = [
        func.coalesce(sums.c.charged, 0),
        func.coalesce(sums.c.collected, 0),
        func.coalesce(sums.c.balance, 0),
        oldest.c.oldest,
    ]
    stored = [Case.charged, Case.collected, Case.balance, Case.oldest_due_on]
    differs = [s != r for s, r in zip(stored[:3], recomputed[:3], strict=True)]
    differs.append(Case.oldest_due_on.is_distinct_from(oldest.c.oldest))
    stmt = (
        select(Case.id, *stored, *recomputed)
        .outerjoin(sums, sums.c.case_id == Case.id)
        .outerjoin(oldest, oldest.c.case_id == Case.id)
        .where(or_(*differs))
        .order_by(Case.id)
        .limit(limit)
    )
    return [tuple(row) for row in connection.execute(stmt)]
