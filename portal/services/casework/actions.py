"""A collector's actions on a case, each in its own transaction with its audit event."""

import datetime as dt
import re
from dataclasses import dataclass

from portal.domain.casework import ActionNotAllowed, CaseAction, check_action
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import ActorKind, Case, CaseNote
from portal.services import audit
from portal.services.cases.locking import lock_case
from portal.services.casework import closing, money
from portal.services.clock import today
from portal.services.reminders import controls

MAX_NOTE_CHARS = 4000
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 ().-]{6,40}")


class ActionRefused(ValueError):
    """Bad input for an action; `reason` names it (nothing was changed)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def lock_for_action(case_id: int, action: CaseAction, version: int | None) -> Case:
    """The case locked for `action`, or ActionNotAllowed / CaseChanged (rolled back)."""
    case = lock_case(case_id, version)
    try:
        check_action(action, CaseStatus(case.status))
    except ActionNotAllowed:
        db.session.rollback()
        raise
    return case


def _refuse(reason: str):
    db.session.rollback()
    raise ActionRefused(reason)


def add_note(case_id: int, staff_user_id: int, body: str, version: int | None = None):
    """Add a staff note to the case. Commits."""
    text = (body or "").strip()
    if not text or len(text) > MAX_NOTE_CHARS:
        raise ActionRefused("note")
    case = lock_for_action(case_id, CaseAction.NOTE, version)
    note = CaseNote(case_id=case.id, staff_user_id=staff_user_id, body=text)
    db.session.add(note)
    db.session.flush()
    audit.record("case.note_added", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id, note_id=note.id)  # fmt: skip
    db.session.commit()
    return note


def write_off(case_id, staff_user_id, amount: int | None, reason: str, version=None):
    """Write off `amount` (None: the whole balance) with a reason; a case left owing nothing
    is closed as written off. Commits; raises ActionRefused, MoneyChangeRefused…"""
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise ActionRefused("reason")
    case = lock_for_action(case_id, CaseAction.WRITE_OFF, version)
    try:
        entry = money.write_off(case, amount, f"Written off: {reason}", staff_user_id, today())
    except money.MoneyChangeRefused:
        db.session.rollback()
        raise
    db.session.flush()
    audit.record("case.written_off", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id, amount=-entry.amount, reason=reason)  # fmt: skip
    if money.balance_of(case.id) <= 0:
        closing.close(case, "written_off", staff_user_id, today(), note=reason)
    db.session.commit()
    return entry


def adjust_line(case_id, staff_user_id, debt_line_id: int, amount: int, reason: str, version=None):
    """Reduce one debt line by `amount` with a reason. Commits; raises ActionRefused,
    MoneyChangeRefused…"""
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise ActionRefused("reason")
    case = lock_for_action(case_id, CaseAction.ADJUST_LINE, version)
    try:
        entry = money.reduce_line(
            case, debt_line_id, amount, f"Adjusted: {reason}", staff_user_id, today()
        )
    except money.MoneyChangeRefused:
        db.session.rollback()
        raise
    audit.record("case.line_adjusted", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id, debt_line_id=debt_line_id, amount=amount,
                 reason=reason)  # fmt: skip
    db.session.commit()
    return entry


def close_case(case_id, staff_user_id, reason: str, note: str = "", version=None) -> Case:
    """Close the case (paid, settled, written off, cancelled). Commits; raises CloseRefused…"""
    case = lock_for_action(case_id, CaseAction.CLOSE, version)
    try:
        closing.close(case, reason, staff_user_id, today(), note=(note or "").strip())
    except closing.CloseRefused:
        db.session.rollback()
        raise
    db.session.commit()
    return case


@dataclass
class Contact:
    """The debtor's contact details as a collector typed them."""

    email: str
    phone: str
    address_line1: str
    address_line2: str
    postcode: str
    city: str


def edit_contact(case_id: int, staff_user_id: int, given: Contact, version=None) -> list[str]:
    """Change the debtor's contact details; the names of the fields changed. Commits."""
    email = given.email.strip().lower()
    phone = given.phone.strip()
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        raise ActionRefused("email")
    if phone and not _PHONE.fullmatch(phone):
        raise ActionRefused("phone")
    if not given.address_line1.strip() or not given.postcode.strip() or not given.city.strip():
        raise ActionRefused("address")
    case = lock_for_action(case_id, CaseAction.EDIT_CONTACT, version)
    debtor = case.debtor
    wanted = {
        "email": email or None,
        "phone": phone or None,
        "address_line1": given.address_line1.strip()[:200],
        "address_line2": given.address_line2.strip()[:200] or None,
        "postcode": given.postcode.strip()[:20],
        "city": given.city.strip()[:100],
    }
    changed = [name for name, value in wanted.items() if getattr(debtor, name) != value]
    for name in changed:
        setattr(debtor, name, wanted[name])
    if changed:  # the fields' names only: the values are personal data
        audit.record("case.contact_changed", actor=ActorKind.STAFF, case_id=case.id,
                     staff_user_id=staff_user_id, fields=changed)  # fmt: skip
    db.session.commit()
    return changed


def revoke_links(case_id: int, staff_user_id: int, version=None) -> Case:
    """Invalidate every e-mail link issued so far for the case and end its open debtor
    sessions (a session opened through a revoked link ends too). Commits."""
    case = lock_for_action(case_id, CaseAction.REVOKE_LINKS, version)
    case.link_version += 1
    case.session_version += 1
    audit.record("case.links_revoked", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id)  # fmt: skip
    db.session.commit()
    return case


def assign_to(case_id: int, staff_user_id: int, version=None) -> Case:
    """Assign the case to this collector. Commits."""
    case = lock_for_action(case_id, CaseAction.ASSIGN, version)
    case.assigned_collector_id = staff_user_id
    audit.record("case.assigned", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id)  # fmt: skip
    db.session.commit()
    return case


def pause_reminders(case_id, staff_user_id, until: dt.date | None, note: str, version=None):
    """Pause the case's reminders until `until` (None: resume), if the case is live. Commits;
    raises controls.PauseError, ActionNotAllowed, CaseChanged."""
    lock_for_action(case_id, CaseAction.PAUSE_REMINDERS, version)
    return controls.pause(case_id, until, note, staff_user_id, today())
