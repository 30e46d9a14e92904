"""Placement: each file (or API request) of cases a creditor placed, loaded or rejected."""

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, utcnow


class PlacementImport(Base):
    """One attempt to place cases: what came in, whether it loaded, and every faulty row.

    `loaded_digest` is the SHA-256 of a file that loaded (NULL otherwise): the same file placed
    again for the same creditor is recognised and creates nothing.
    """

    __tablename__ = "placement_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"), index=True)
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    source: Mapped[str] = mapped_column(String(10))  # "web", "cli" or "api"
    filename: Mapped[str | None] = mapped_column(String(255))
    digest: Mapped[str] = mapped_column(String(64))
    loaded_digest: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10))  # "loaded" or "rejected"
    rows: Mapped[int] = mapped_column(Integer, default=0)
    cases: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    # [{"line", "column", "value", "code", "params"}], translated when shown; capped.
    errors: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("creditor_id", "loaded_digest"),)
