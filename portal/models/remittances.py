"""Remittance statements: what the agency collected for a creditor in a period, and owes it."""

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, utcnow


class RemittanceStatement(Base):
    """An issued statement: never changed; a later correction goes on the next one."""

    __tablename__ = "remittance_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … per creditor
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    received: Mapped[int] = mapped_column(BigInteger)  # payments, minor units
    reversed: Mapped[int] = mapped_column(BigInteger)  # refunds and chargebacks (positive)
    rate_bp: Mapped[int] = mapped_column(Integer)  # the commission rate applied
    commission: Mapped[int] = mapped_column(BigInteger)
    net_due: Mapped[int] = mapped_column(BigInteger)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("creditor_id", "number"),)


class RemittanceItem(Base):
    """A ledger movement counted on a statement; each one on one statement only."""

    __tablename__ = "remittance_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("remittance_statements.id"), index=True)
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)


class StatementIsIssued(RuntimeError):
    """An issued statement, or its items, never change."""


@event.listens_for(RemittanceStatement, "before_update")
@event.listens_for(RemittanceStatement, "before_delete")
@event.listens_for(RemittanceItem, "before_update")
@event.listens_for(RemittanceItem, "before_delete")
def _refuse(mapper, connection, target):
    raise StatementIsIssued(f"{target.__tablename__} {target.id} is issued and cannot change")
