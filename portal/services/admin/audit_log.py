"""Reading the audit log: filtered by actor, action and date, a page at a time, or as CSV.

The log is append-only: nothing here (nor anywhere in the portal) updates or deletes a row.
CSV cells that a spreadsheet would read as a formula (= + - @, tab, carriage return) are
prefixed with a quote, so an exported value can never run in the reader's spreadsheet.
"""

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from portal.domain import references
from portal.extensions import db
from portal.models import AuditEvent, Case, StaffUser

PAGE_SIZE = 50
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Filters:
    """What to show: an actor (staff user id, or a kind), an action prefix, a date range."""

    staff_user_id: int | None = None
    actor_kind: str | None = None
    action: str | None = None
    case_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def _query(filters: Filters) -> Select:
    stmt = select(AuditEvent, StaffUser.email).outerjoin(
        StaffUser, StaffUser.id == AuditEvent.staff_user_id
    )
    if filters.staff_user_id is not None:
        stmt = stmt.where(AuditEvent.staff_user_id == filters.staff_user_id)
    if filters.actor_kind:
        stmt = stmt.where(AuditEvent.actor_kind == filters.actor_kind)
    if filters.action:
        stmt = stmt.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.case_id is not None:
        stmt = stmt.where(AuditEvent.case_id == filters.case_id)
    if filters.since:
        start = dt.datetime.combine(filters.since, dt.time(), dt.UTC)
        stmt = stmt.where(AuditEvent.created_at >= start)
    if filters.until:
        end = dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        stmt = stmt.where(AuditEvent.created_at < end)
    return stmt


def search(filters: Filters, page: int = 1) -> tuple[list, int]:
    """One page of (event, staff e-mail) rows, newest first, and the total count."""
    stmt = _query(filters)
    total = db.session.execute(
        select(func.count()).select_from(stmt.with_only_columns(AuditEvent.id).subquery())
    ).scalar_one()
    rows = db.session.execute(
        stmt.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return rows, total


def case_id_of(reference: str) -> int | None:
    """The id of the case with this reference (as typed), or None."""
    try:
        normalized = references.normalize(reference)
    except references.InvalidReference:
        return None
    return db.session.execute(select(Case.id).filter_by(reference=normalized)).scalar()


def actions() -> list[str]:
    """Every action recorded so far, for the filter's choices."""
    return list(
        db.session.execute(
            select(AuditEvent.action).distinct().order_by(AuditEvent.action)
        ).scalars()
    )


def safe_cell(value) -> str:
    """A CSV cell that no spreadsheet reads as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_rows(filters: Filters) -> Iterator[str]:
    """The filtered log as CSV text, a chunk at a time (streamed, oldest first)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "time_utc", "actor_kind", "staff_email", "action", "case_id", "ip",
                     "details"])  # fmt: skip
    stmt = _query(filters).order_by(AuditEvent.id).execution_options(yield_per=500)
    for event, email in db.session.execute(stmt):
        details = json.dumps(event.details, ensure_ascii=False, sort_keys=True, default=str)
        writer.writerow(
            [safe_cell(v) for v in (event.id, event.created_at.isoformat(), event.actor_kind,
                                    email, event.action, event.case_id, event.ip, details)]
        )  # fmt: skip
        if out.tell() > 32_000:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
