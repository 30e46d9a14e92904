"""Ending sessions on the server: a version per staff user and per case, carried in the cookie.

A session cookie is signed, so it cannot be altered, but it can be copied. Each one carries the
version its user (or case) had at login; `security` refuses a cookie whose version is behind.
Bumping the version ends every session of that user or case at once, on every machine.
"""

from sqlalchemy import update

from portal.extensions import db
from portal.models import ActorKind, Case, StaffUser
from portal.services import audit


def bump_staff_version(user_id: int) -> None:
    """Make every session of a staff user stale (the caller commits)."""
    db.session.execute(
        update(StaffUser)
        .where(StaffUser.id == user_id)
        .values(session_version=StaffUser.session_version + 1)
    )


def bump_case_version(case_id: int) -> None:
    """Make every debtor session of a case stale (the caller commits)."""
    db.session.execute(
        update(Case).where(Case.id == case_id).values(session_version=Case.session_version + 1)
    )


def staff_logged_out(user_id: int, ip: str | None = None) -> None:
    """End every session of a staff user who logged out (commits)."""
    bump_staff_version(user_id)
    audit.record("staff.logout", actor=ActorKind.STAFF, staff_user_id=user_id, ip=ip)
    db.session.commit()


def debtor_logged_out(case_id: int, ip: str | None = None) -> None:
    """End every debtor session of a case whose debtor logged out (commits)."""
    bump_case_version(case_id)
    audit.record("debtor.logout", actor=ActorKind.DEBTOR, case_id=case_id, ip=ip)
    db.session.commit()
