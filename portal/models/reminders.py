"""Reminder sequences per creditor, each case's place in its sequence, contacts and opt-outs."""

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.domain.reminders import Step, StepChannel, StepTemplate, Tone
from portal.models.base import Base, UTCDateTime, str_enum, utcnow


class ReminderStep(Base):
    """One step of a creditor's own sequence (creditors without rows use the default)."""

    __tablename__ = "reminder_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"))
    position: Mapped[int] = mapped_column(Integer)
    offset_days: Mapped[int] = mapped_column(Integer)
    channel: Mapped[StepChannel] = mapped_column(str_enum(StepChannel, "step_channel"))
    template: Mapped[StepTemplate] = mapped_column(str_enum(StepTemplate, "step_template"))
    tone: Mapped[Tone] = mapped_column(str_enum(Tone, "step_tone"))

    __table_args__ = (
        UniqueConstraint("creditor_id", "position"),
        CheckConstraint("offset_days >= 0", name="offset_not_negative"),
        CheckConstraint("position >= 0", name="position_not_negative"),
    )

    def as_step(self) -> Step:
        """The domain step."""
        return Step(
            self.offset_days,
            StepChannel(self.channel),
            StepTemplate(self.template),
            Tone(self.tone),
        )


class TimeBarReview(StrEnum):
    """Whether a possibly time-barred consumer debt waits for a collector."""

    NONE = "none"
    REQUIRED = "required"
    CLEARED = "cleared"


class CaseReminder(Base):
    """Where a case stands in its reminder sequence; `next_due_at` is what the job selects on."""

    __tablename__ = "case_reminders"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    next_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    first_notice_reference: Mapped[str | None] = mapped_column(String(20))
    first_notice_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_step_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    paused_until: Mapped[dt.date | None] = mapped_column(Date)
    pause_note: Mapped[str | None] = mapped_column(String(200))
    time_bar: Mapped[TimeBarReview] = mapped_column(
        str_enum(TimeBarReview, "time_bar_review"), default=TimeBarReview.NONE
    )
    time_bar_cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    time_bar_cleared_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("position >= 0", name="position_not_negative"),
        Index("ix_case_reminders_next_due_at", "next_due_at"),
    )


class ReminderContact(Base):
    """One contact made (a step, or an instalment reminder): once per case and step key."""

    __tablename__ = "reminder_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id"))
    step_key: Mapped[str] = mapped_column(String(40))
    template: Mapped[str] = mapped_column(String(40))
    channels: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("case_id", "step_key"),
        Index("ix_reminder_contacts_debtor_id_created_at", "debtor_id", "created_at"),
    )


class DebtorPreference(Base):
    """What a debtor asked of us: no more e-mails (letters only) since a date, a channel."""

    __tablename__ = "debtor_preferences"

    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id"), primary_key=True)
    email_opt_out_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # How the debtor prefers to be contacted: e-mail (None, the default), letter, or phone.
    channel: Mapped[str | None] = mapped_column(String(10))

    __table_args__ = (
        CheckConstraint("channel IN ('email', 'letter', 'phone')", name="preferred_channel"),
    )
