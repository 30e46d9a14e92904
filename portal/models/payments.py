"""Online payments, provider events received, receipts, reversals and saved payment methods."""

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.payments import PaymentPurpose, PaymentStatus
from portal.models.base import Base, UTCDateTime, str_enum, utcnow


class Payment(Base):
    """One payment attempt through the provider; recorded once, whatever the network does."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[PaymentPurpose] = mapped_column(str_enum(PaymentPurpose, "payment_purpose"))
    instalment_id: Mapped[int | None] = mapped_column(ForeignKey("instalments.id"))
    # Off-session charges of an instalment count their attempts: (instalment, attempt) is unique,
    # so two runners of `charge-due` can never both charge the same attempt.
    attempt: Mapped[int | None] = mapped_column(Integer)
    off_session: Mapped[bool] = mapped_column(Boolean, default=False)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[PaymentStatus] = mapped_column(
        str_enum(PaymentStatus, "payment_status"), default=PaymentStatus.PENDING
    )
    method: Mapped[str | None] = mapped_column(String(32))
    provider: Mapped[str] = mapped_column(String(16), default="stripe")  # or "manual"
    # A payment received outside the portal (transfer, cheque, cash): who paid, who recorded it.
    payer_reference: Mapped[str | None] = mapped_column(String(100))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    provider_checkout_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    provider_payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(String(2000))
    failure_code: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(String(300))
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    # More than the balance when it arrived: kept as a credit and shown to collectors.
    excess_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    succeeded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    case: Mapped["Case"] = relationship()  # noqa: F821
    ledger_entry: Mapped["LedgerEntry | None"] = relationship()  # noqa: F821
    receipt: Mapped["Receipt | None"] = relationship(back_populates="payment")

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("excess_amount >= 0", name="excess_positive"),
        UniqueConstraint("instalment_id", "attempt"),
        UniqueConstraint("ledger_entry_id"),
        Index("ix_payments_status_created_at", "status", "created_at"),
    )


class WebhookEvent(Base):
    """A provider event, recorded once by its id (a second delivery changes nothing).

    Recorded (and committed) before it is applied: `outcome` is NULL until then, and `object`
    keeps the event's object so that any later run can apply it.
    """

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    created: Mapped[int] = mapped_column(BigInteger)  # provider's epoch seconds
    object: Mapped[dict | None] = mapped_column(JSON)  # None for events applied before 2026-11
    outcome: Mapped[str | None] = mapped_column(String(32))  # None: recorded, not applied yet
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Which run applies it: events of one payment share a lane, lanes are applied side by side.
    lane: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    source: Mapped[str] = mapped_column(String(16), default="webhook")  # or "reconcile"
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        # The events waiting to be applied: a few rows, whatever the size of the table.
        Index(
            "ix_webhook_events_pending",
            "lane",
            "id",
            postgresql_where=text("outcome IS NULL"),
            sqlite_where=text("outcome IS NULL"),
        ),
    )


class Receipt(Base):
    """A numbered receipt (quittance, CPCE R124-6) for one succeeded payment."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    balance_after: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    payment: Mapped[Payment] = relationship(back_populates="receipt")

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)


class ReceiptCounter(Base):
    """The last receipt number given in a year: locked by the transaction that numbers one, so
    numbers run 1, 2, 3… with no gap (a rolled back payment gives its number back)."""

    __tablename__ = "receipt_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CheckConstraint("last_number >= 0", name="last_number_not_negative"),)


class PaymentReversal(Base):
    """Money going back or coming back after a payment: a refund, a chargeback, a won dispute."""

    __tablename__ = "payment_reversals"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[str] = mapped_column(String(255))
    amount: Mapped[int] = mapped_column(BigInteger)
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("kind", "provider_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("kind IN ('refund', 'chargeback', 'chargeback_won')", name="reversal_kind"),
    )


class SavedPaymentMethod(Base):
    """A card or SEPA mandate the debtor saved for a case's instalments."""

    __tablename__ = "saved_payment_methods"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    provider_customer_id: Mapped[str] = mapped_column(String(255))
    provider_method_id: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
