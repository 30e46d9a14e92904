"""Messages sent (or recorded) to debtors: e-mails and letters, each with a unique key."""

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, str_enum, utcnow


class Channel(StrEnum):
    """How a message reaches the debtor."""

    EMAIL = "email"
    LETTER = "letter"


class MessageStatus(StrEnum):
    """Where a message stands. `recorded`: kept but not sent (no SMTP configured, the demo)."""

    PENDING = "pending"
    SENT = "sent"
    RECORDED = "recorded"
    FAILED = "failed"


class Message(Base):
    """One message to a debtor, rendered in their language, never sent twice (unique key)."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    template: Mapped[str] = mapped_column(String(64))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "message_channel"))
    language: Mapped[str] = mapped_column(String(5))
    recipient: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    # A document attached when the e-mail is sent, rendered then from the record it names
    # (`receipt:<number>`, see mail_attachments.py): the record is kept, not the file.
    attachment: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[MessageStatus] = mapped_column(
        str_enum(MessageStatus, "message_status"), default=MessageStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Set when a delivery run takes the message (still pending) to send it; other runs leave it
    # alone until the claim is older than mail_delivery.CLAIM_LEASE (the run must have died).
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_messages_case_id_created_at", "case_id", "created_at"),
        Index("ix_messages_status", "status"),
    )
