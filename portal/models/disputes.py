"""Disputes raised by debtors, their messages and proof files."""

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.disputes import MAX_FILE_BYTES, DisputeReason, DisputeStatus
from portal.models.base import Base, UTCDateTime, str_enum, utcnow


class Dispute(Base):
    """A debtor contests a case; while open, reminders and instalment charges wait."""

    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[DisputeReason] = mapped_column(str_enum(DisputeReason, "dispute_reason"))
    status: Mapped[DisputeStatus] = mapped_column(
        str_enum(DisputeStatus, "dispute_status"), default=DisputeStatus.OPEN
    )
    # The case's status when the dispute was opened, given back when it is decided.
    case_status_before: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    explanation: Mapped[str | None] = mapped_column(Text)  # the collector's, sent to the debtor
    outcome: Mapped[str | None] = mapped_column(String(20))  # adjusted, closed, rejected

    messages: Mapped[list["DisputeMessage"]] = relationship(
        order_by="DisputeMessage.id", back_populates="dispute"
    )
    files: Mapped[list["DisputeFile"]] = relationship(
        order_by="DisputeFile.id", back_populates="dispute"
    )
    decided_by: Mapped["StaffUser | None"] = relationship()  # noqa: F821

    __table_args__ = (
        # One open dispute per case at a time.
        Index(
            "uq_disputes_case_id_open",
            "case_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
    )


class DisputeMessage(Base):
    """What the debtor wrote (when opening the dispute, or later while it is open)."""

    __tablename__ = "dispute_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    dispute: Mapped[Dispute] = relationship(back_populates="messages")


class DisputeFile(Base):
    """A proof file: its bytes are in the file store under `storage_key`, never in static/."""

    __tablename__ = "dispute_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(200))  # as shown and downloaded
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    dispute: Mapped[Dispute] = relationship(back_populates="files")

    __table_args__ = (
        CheckConstraint(f"size > 0 AND size <= {MAX_FILE_BYTES}", name="size_allowed"),
        CheckConstraint(
            "content_type IN ('application/pdf', 'image/jpeg', 'image/png')", name="file_type"
        ),
    )
