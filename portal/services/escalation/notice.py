"""The formal notice (mise en demeure) on demand, and the move to escalation.

Both are refused where court action is not open (a dispute, a possibly time-barred consumer
debt, nothing owed: file.check). Escalating also needs a formal notice whose time to pay has
run out. Each writes its audit event; the notice is a letter among the case's letters."""

import datetime as dt

from sqlalchemy import select

from portal.domain.casework import CaseAction
from portal.domain.states import CaseStatus, move_case
from portal.extensions import db
from portal.models import ActorKind, Agency, Case, CaseReminder, Channel, Message
from portal.models.base import utcnow
from portal.services import audit
from portal.services.cases.amounts import amounts_for
from portal.services.casework.actions import lock_for_action
from portal.services.escalation.file import EscalationRefused, check
from portal.services.mail.outbox import language_of
from portal.services.reminders import letters

DAYS_TO_PAY = 8
TEMPLATE = "letter_formal_notice"


def _checked(case_id: int, action: CaseAction, version: int | None) -> Case:
    """The case locked for the action, or EscalationRefused (rolled back)."""
    case = lock_for_action(case_id, action, version)
    amounts = amounts_for([case.id])[case.id]
    oldest = min((x.line.due_on for x in amounts.lines if x.line), default=None)
    try:
        check(case, amounts.balance, oldest)
    except EscalationRefused:
        db.session.rollback()
        raise
    return case


def formal_notices(case_id: int) -> list[Message]:
    """The case's formal notice letters, oldest first."""
    return list(
        db.session.execute(
            select(Message)
            .where(Message.case_id == case_id, Message.channel == Channel.LETTER,
                   Message.template == TEMPLATE)
            .order_by(Message.created_at, Message.id)
        ).scalars()
    )  # fmt: skip


def send_formal_notice(case_id: int, staff_user_id: int, version: int | None = None) -> Message:
    """Record a formal notice letter to pay the balance within DAYS_TO_PAY days. Commits;
    raises EscalationRefused, ActionNotAllowed, CaseChanged."""
    case = _checked(case_id, CaseAction.FORMAL_NOTICE, version)
    state = db.session.get(CaseReminder, case.id)
    facts = letters.LetterFacts(
        template="formal_notice",
        reference=f"{case.display_reference}-MED{len(formal_notices(case.id)) + 1}",
        produced_at=utcnow(),
        first_notice_reference=state.first_notice_reference if state else None,
        first_notice_at=state.first_notice_at if state else None,
        days_to_pay=DAYS_TO_PAY,
    )
    agency = db.session.execute(select(Agency)).scalar_one_or_none()
    letter = letters.record_letter(
        key=f"formal-notice:{case.id}:{case.version}",
        case=case,
        agency=agency,
        facts=facts,
        language=language_of(case),
    )
    db.session.flush()
    audit.record("case.formal_notice", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id, message_id=letter.id)  # fmt: skip
    db.session.commit()
    return letter


def escalate(case_id: int, staff_user_id: int, version: int | None = None) -> Case:
    """Move the case to escalation (reminders stop; the order-for-payment file is next).
    Commits; raises EscalationRefused ("no_notice", "notice_running" besides file.check's)."""
    case = _checked(case_id, CaseAction.ESCALATE, version)
    notices = formal_notices(case.id)
    if not notices:
        db.session.rollback()
        raise EscalationRefused("no_notice")
    if utcnow() < notices[-1].created_at + dt.timedelta(days=DAYS_TO_PAY):
        db.session.rollback()
        raise EscalationRefused("notice_running")
    case.status = move_case(CaseStatus(case.status), CaseStatus.ESCALATED)
    audit.record("case.escalated", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id, notice_id=notices[-1].id)  # fmt: skip
    db.session.commit()
    return case
