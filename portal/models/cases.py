"""Cases, their debt lines and the append-only ledger."""

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.ledger import EntryKind
from portal.domain.references import display
from portal.domain.states import CaseStatus
from portal.models.base import Base, UTCDateTime, str_enum, utcnow


class Case(Base):
    """One creditor's claim on one debtor (a dossier)."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(9), unique=True)
    status: Mapped[CaseStatus] = mapped_column(
        str_enum(CaseStatus, "case_status"), default=CaseStatus.OPEN, index=True
    )
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"), index=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id"), index=True)
    assigned_collector_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id"), index=True
    )
    external_reference: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    enforceable_title: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped to revoke every e-mail link issued so far for this case.
    link_version: Mapped[int] = mapped_column(Integer, default=1)
    # Carried in the debtor's session cookie: bumped on logout or link revocation, it ends
    # every session of the case on the server, copied cookies included.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Bumped by every collector action: a form sent from an older page is refused, so two
    # collectors acting on the case at once never both change it.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    close_reason: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Running totals of the ledger and the oldest debt line's due date, kept by database
    # triggers on every insert into ledger_entries and debt_lines (see portal.models.case_totals):
    # the dashboard and the case list read them instead of summing millions of entries.
    charged: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    collected: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    balance: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    oldest_due_on: Mapped[dt.date | None] = mapped_column(Date)

    creditor: Mapped["Creditor"] = relationship(back_populates="cases")  # noqa: F821
    debtor: Mapped["Debtor"] = relationship(back_populates="cases")  # noqa: F821
    assigned_collector: Mapped["StaffUser | None"] = relationship()  # noqa: F821
    debt_lines: Mapped[list["DebtLine"]] = relationship(
        back_populates="case", order_by="DebtLine.due_on, DebtLine.id"
    )

    __table_args__ = (
        UniqueConstraint("creditor_id", "external_reference"),
        CheckConstraint("length(reference) = 9", name="reference_length"),
        CheckConstraint("link_version >= 1", name="link_version_positive"),
        # A creditor's list pages by id (keyset), newest first.
        Index("ix_cases_creditor_id_id", "creditor_id", "id"),
        CheckConstraint("version >= 1", name="version_positive"),
        # The dashboard's figures by one index-only scan of the creditor's cases.
        Index(
            "ix_cases_creditor_id_status_totals",
            "creditor_id",
            "status",
            postgresql_include=["charged", "collected", "balance", "oldest_due_on"],
        ),
    )

    @property
    def display_reference(self) -> str:
        """The reference grouped for reading aloud."""
        return display(self.reference)


class DebtLine(Base):
    """One basis of the debt: an invoice or a contract, with its dates."""

    __tablename__ = "debt_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    basis: Mapped[str] = mapped_column(String(20))  # "invoice", "contract" or "other"
    document_number: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(String(200))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="debt_lines")

    __table_args__ = (
        CheckConstraint("basis IN ('invoice', 'contract', 'other')", name="basis_kind"),
        CheckConstraint("due_on >= issued_on", name="due_after_issue"),
    )


MONEY_IN = "kind IN ('payment', 'refund')"


class LedgerEntry(Base):
    """An immutable movement of what is owed, in integer minor units (positive = owed more)."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    # The case's creditor, copied (filled from the case when not given): a creditor's money
    # received by month is read from a partial index without touching its cases.
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"))
    debt_line_id: Mapped[int | None] = mapped_column(ForeignKey("debt_lines.id"))
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind, "entry_kind"))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    memo: Mapped[str | None] = mapped_column(String(200))
    # Interest only: the yearly rate applied, in basis points (1000 = 10 %); its period runs
    # from the line's due date to `occurred_on`. None when the creditor did not give it.
    annual_rate_bp: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint(
            "(kind IN ('principal', 'interest', 'fee', 'refund') AND amount > 0)"
            " OR (kind IN ('payment', 'write_off') AND amount < 0)"
            " OR kind = 'adjustment'",
            name="amount_sign",
        ),
        CheckConstraint(
            "annual_rate_bp IS NULL OR (kind = 'interest' AND annual_rate_bp >= 0)",
            name="rate_of_interest",
        ),
        Index("ix_ledger_entries_case_id_kind", "case_id", "kind"),
        Index(
            "ix_ledger_entries_creditor_id_money_in",
            "creditor_id",
            "occurred_on",
            postgresql_include=["amount"],
            postgresql_where=text(MONEY_IN),
            sqlite_where=text(MONEY_IN),
        ),
    )


class LedgerIsAppendOnly(RuntimeError):
    """Ledger entries are never changed or deleted; write a correcting entry instead."""


@event.listens_for(LedgerEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise LedgerIsAppendOnly(f"ledger entry {target.id} cannot be updated")


@event.listens_for(LedgerEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise LedgerIsAppendOnly(f"ledger entry {target.id} cannot be deleted")
