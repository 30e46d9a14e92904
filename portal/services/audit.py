"""Writing audit events."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import insert

from portal.extensions import db
from portal.models import ActorKind, AuditEvent
from portal.models.base import utcnow

_collected: ContextVar[list[dict] | None] = ContextVar("audit_collected", default=None)


def record(
    action: str,
    *,
    actor: ActorKind,
    case_id: int | None = None,
    staff_user_id: int | None = None,
    ip: str | None = None,
    **details,
) -> AuditEvent | None:
    """Add an audit event to the current transaction (the caller commits).

    Inside `in_bulk()` the event is kept as a row and inserted with the others at the end of
    the block (None is returned then).
    """
    rows = _collected.get()
    if rows is not None:
        rows.append({"action": action, "actor_kind": actor, "case_id": case_id,
                     "staff_user_id": staff_user_id, "ip": ip, "details": details,
                     "created_at": utcnow()})  # fmt: skip
        return None
    event = AuditEvent(
        action=action,
        actor_kind=actor,
        case_id=case_id,
        staff_user_id=staff_user_id,
        ip=ip,
        details=details,
    )
    db.session.add(event)
    return event


@contextmanager
def in_bulk() -> Iterator[None]:
    """Insert the audit events recorded in the block in one statement when it ends (in the
    same transaction; none if the block raises). For writes of many rows at once."""
    rows: list[dict] = []
    token = _collected.set(rows)
    try:
        yield
    finally:
        _collected.reset(token)
    if rows:
        db.session.execute(insert(AuditEvent.__table__), rows)
