"""Staff users: collectors, creditor users and admins."""

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, str_enum, utcnow


class Role(StrEnum):
    """What a staff user may see and do."""

    COLLECTOR = "collector"
    CREDITOR = "creditor"
    ADMIN = "admin"


class StaffUser(Base):
    """A person who logs in at /staff/login."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "staff_role"))
    creditor_id: Mapped[int | None] = mapped_column(ForeignKey("creditors.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Carried in the session cookie: bumped on logout, password change or deactivation, it
    # ends every session of the user on the server, copied cookies included.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # TOTP second factor: the base32 secret (set at enrolment, in force once confirmed) and
    # the last time step accepted, so that one code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    creditor: Mapped["Creditor | None"] = relationship()  # noqa: F821

    __table_args__ = (
        CheckConstraint(
            "(role = 'creditor') = (creditor_id IS NOT NULL)", name="creditor_users_bound"
        ),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )


class RecoveryCode(Base):
    """One single-use recovery code of a staff user's second factor, stored hashed."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
