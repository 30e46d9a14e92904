"""Session cookies for debtors and staff: idle limit, absolute lifetime, server-side end.

Each session carries when it started, when it was last used, and the session version its
case (debtor) or user (staff) had at login. A request is refused when the session has been
idle too long, is older than its absolute lifetime (12 h staff, 2 h debtor by default), or its
version is behind the database's: logout, a password change, deactivation and link revocation
bump the version (portal/services/access/sessions.py), so a copied cookie stops working too.
"""

import time

from flask import current_app, g, request, session
from sqlalchemy import select

from portal.extensions import db


def _alive(key: str, idle_minutes: int, max_hours: int) -> bool:
    now = int(time.time())
    seen, started = session.get(key + "_seen", 0), session.get(key + "_started", 0)
    if now - seen > idle_minutes * 60 or now - started > max_hours * 3600:
        return False
    if now - seen >= 30:  # refresh at most twice a minute: each write re-signs the cookie
        session[key + "_seen"] = now
    return True


def end_session() -> None:
    """Forget everything in this browser's session but the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _start(key: str) -> None:
    end_session()
    now = int(time.time())
    session[key + "_seen"] = now
    session[key + "_started"] = now


def _case_version(case_id: int) -> int | None:
    from portal.models import Case

    view = current_app.view_functions.get(request.endpoint or "")
    if (
        getattr(view, "reads_only", False)
        and db.session.get_bind().dialect.name != "sqlite"
        and not db.session().in_transaction()
    ):
        # The page reads without BEGIN/ROLLBACK (see services/cases/page.py): so does this.
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return db.session.execute(
        select(Case.session_version).where(Case.id == case_id)
    ).scalar_one_or_none()


def start_debtor_session(case_id: int) -> None:
    """Replace whatever session there was with one that holds this case only."""
    _start("debtor")
    session["debtor_case"] = case_id
    session["debtor_sv"] = _case_version(case_id)
    session["was_debtor"] = True
    session.permanent = False


def current_debtor_case_id() -> int | None:
    """The case of the debtor session, or None if absent, idle or too old, or ended."""
    case_id = session.get("debtor_case")
    if case_id is None:
        return None
    if "debtor_version_ok" in g:
        return case_id
    config = current_app.config
    alive = _alive("debtor", config["DEBTOR_IDLE_MINUTES"], config["DEBTOR_MAX_HOURS"])
    if not alive or _case_version(case_id) != session.get("debtor_sv"):
        session.pop("debtor_case", None)
        return None
    g.debtor_version_ok = True
    return case_id


def start_staff_session(user) -> None:
    """Replace the session with one for this staff user (no session fixation)."""
    _start("staff")
    session["staff_id"] = user.id
    session["staff_sv"] = user.session_version


def current_staff():
    """The active staff user of this session, or None."""
    from portal.models import StaffUser

    user_id = session.get("staff_id")
    if user_id is None:
        return None
    config = current_app.config
    if not _alive("staff", config["STAFF_IDLE_MINUTES"], config["STAFF_MAX_HOURS"]):
        session.pop("staff_id", None)
        return None
    user = db.session.get(StaffUser, user_id)
    if user is None or not user.active or user.session_version != session.get("staff_sv"):
        session.pop("staff_id", None)
        return None
    return user


PENDING_MINUTES = 10


def start_pending_staff(user, purpose: str) -> None:
    """Remember a staff user whose password was right, until the second factor ("code") or
    its enrolment ("enrol") is done; no staff page opens meanwhile."""
    end_session()
    session["pending_staff"] = [user.id, user.session_version, int(time.time()), purpose]


def pending_staff(purpose: str):
    """The staff user waiting for the second factor step `purpose`, or None."""
    from portal.models import StaffUser

    pending = session.get("pending_staff")
    if not pending or len(pending) != 4 or pending[3] != purpose:
        return None
    user_id, version, since, _ = pending
    if int(time.time()) - since > PENDING_MINUTES * 60:
        session.pop("pending_staff", None)
        return None
    user = db.session.get(StaffUser, user_id)
    if user is None or not user.active or user.session_version != version:
        session.pop("pending_staff", None)
        return None
    return user
