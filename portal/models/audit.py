"""Audit events and login attempts: who did what, and who failed to get in."""

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, str_enum, utcnow


class ActorKind(StrEnum):
    """Who acted."""

    DEBTOR = "debtor"
    STAFF = "staff"
    SYSTEM = "system"
    STRIPE = "stripe"


class AuditEvent(Base):
    """One thing someone did to a case (or to the installation)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    actor_kind: Mapped[ActorKind] = mapped_column(str_enum(ActorKind, "actor_kind"))
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    action: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_audit_events_case_id_created_at", "case_id", "created_at"),)


class AuditIsAppendOnly(RuntimeError):
    """Audit events are never changed or deleted."""


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise AuditIsAppendOnly(f"audit event {target.id} cannot be updated")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditIsAppendOnly(f"audit event {target.id} cannot be deleted")


class LoginThrottle(Base):
    """Tries counted against one key (an account and address pair, an address, an account)
    in a window that starts at the key's first try; `next_try_at` spaces an account's tries
    once past its threshold.

    Kept in the database, one row per key read under a row lock, so that every worker on every
    machine counts the same tries and two at once never both pass the limit.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
