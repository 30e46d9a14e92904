"""What collectors write on a case: notes."""

import datetime as dt

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow


class CaseNote(Base):
    """A collector's note on a case (staff only; never shown to the debtor or the creditor)."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff_user: Mapped["StaffUser"] = relationship()  # noqa: F821

    __table_args__ = (Index("ix_case_notes_case_id_created_at", "case_id", "created_at"),)
