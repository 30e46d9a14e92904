"""Call-back requests: a debtor asks to be phoned at a chosen slot."""

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow


class CallbackRequest(Base):
    """A slot at which the debtor wants a collector to call; open until a collector has called."""

    __tablename__ = "callback_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    phone: Mapped[str] = mapped_column(String(40))
    slot_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    case: Mapped["Case"] = relationship()  # noqa: F821

    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'cancelled')", name="callback_status"),
        Index("ix_callback_requests_status_slot_at", "status", "slot_at"),
        Index("ix_callback_requests_case_id", "case_id"),
    )
