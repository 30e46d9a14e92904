"""Settlement policies (bands by balance, per creditor) and the offers made on cases."""

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.settlement import OfferSource, OfferStatus
from portal.models.base import Base, UTCDateTime, str_enum, utcnow


class SettlementBand(Base):
    """A creditor's discount for payment in full within `days`, for balances from
    `min_balance` to `max_balance` (minor units, included; no maximum: no upper end)."""

    __tablename__ = "settlement_policy_bands"

    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"), index=True)
    min_balance: Mapped[int] = mapped_column(BigInteger)
    max_balance: Mapped[int | None] = mapped_column(BigInteger)
    discount_bp: Mapped[int] = mapped_column(Integer)  # 1 % = 100
    days_to_pay: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    __table_args__ = (
        CheckConstraint(
            "min_balance >= 0 AND (max_balance IS NULL OR max_balance >= min_balance)",
            name="balance_range",
        ),
        CheckConstraint("discount_bp > 0 AND discount_bp < 10000", name="discount_range"),
        CheckConstraint("days_to_pay >= 1 AND days_to_pay <= 90", name="days_range"),
    )


class SettlementOffer(Base):
    """An offer to settle a case for `amount` if paid by `deadline` (the day included).

    Paid in time, the rest (`balance_at_offer` less what the case still owes after the payment)
    is written off by a ledger entry whose memo carries `reference`.
    """

    __tablename__ = "settlement_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    balance_at_offer: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    discount_bp: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[OfferSource] = mapped_column(str_enum(OfferSource, "settlement_source"))
    status: Mapped[OfferStatus] = mapped_column(
        str_enum(OfferStatus, "settlement_status"), default=OfferStatus.OPEN
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    write_off_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    case: Mapped["Case"] = relationship()  # noqa: F821
    created_by: Mapped["StaffUser | None"] = relationship()  # noqa: F821
    write_off_entry: Mapped["LedgerEntry | None"] = relationship()  # noqa: F821

    __table_args__ = (
        CheckConstraint("amount > 0 AND amount < balance_at_offer", name="amount_range"),
        CheckConstraint("discount_bp >= 0 AND discount_bp < 10000", name="discount_range"),
        Index("ix_settlement_offers_case_id_status", "case_id", "status"),
    )
