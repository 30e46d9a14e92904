"""Writing audit events."""

from portal.extensions import db
from portal.models import ActorKind, AuditEvent


def record(
    action: str,
    *,
    actor: ActorKind,
    case_id: int | None = None,
    staff_user_id: int | None = None,
    ip: str | None = None,
    **details,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
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
