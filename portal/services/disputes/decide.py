"""A collector decides a dispute: upheld (a line reduced, or the case closed) or rejected with
an explanation; either way the debtor is e-mailed and the case leaves `disputed`."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.domain.casework import ACTION_STATES, CaseAction
from portal.domain.disputes import DisputeStatus, move_dispute
from portal.domain.ledger import EntryKind
from portal.domain.states import CaseStatus, move_case
from portal.extensions import db
from portal.models import ActorKind, Case, Dispute, DisputeFile, MessageStatus
from portal.models.base import utcnow
from portal.security import case_link
from portal.services import audit
from portal.services.cases.locking import lock_case
from portal.services.casework.closing import close, reopened_status
from portal.services.casework.money import balance_of, reduce_line, write_off
from portal.services.clock import today
from portal.services.disputes.debtor import DisputeRefused, debtor_file
from portal.services.mail import outbox as mail

MAX_EXPLANATION_CHARS = 4000


def _take(dispute_id: int, version: int | None, explanation: str) -> tuple[Dispute, Case, str]:
    text = (explanation or "").strip()
    if not text or len(text) > MAX_EXPLANATION_CHARS:
        raise DisputeRefused("explanation")
    dispute = db.session.get(Dispute, dispute_id)
    if dispute is None:
        raise DisputeRefused("not_open")
    case = lock_case(dispute.case_id, version)
    db.session.refresh(dispute)
    allowed = CaseStatus(case.status) in ACTION_STATES[CaseAction.DECIDE_DISPUTE]
    if dispute.status != DisputeStatus.OPEN or not allowed:
        db.session.rollback()
        raise DisputeRefused("not_open")
    return dispute, case, text


def _decided(dispute: Dispute, status: DisputeStatus, outcome: str, text: str, staff_id: int):
    dispute.status = move_dispute(DisputeStatus(dispute.status), status)
    dispute.outcome, dispute.explanation = outcome, text
    dispute.decided_at, dispute.decided_by_id = utcnow(), staff_id


def reject(dispute_id: int, staff_user_id: int, explanation: str, version: int | None = None):
    """Reject the dispute: the case goes back to where it was and reminders resume; the debtor
    is e-mailed the explanation. Commits; raises DisputeRefused or CaseChanged."""
    dispute, case, text = _take(dispute_id, version, explanation)
    _decided(dispute, DisputeStatus.REJECTED, "rejected", text, staff_user_id)
    case.status = move_case(CaseStatus.DISPUTED, reopened_status(case.id))
    audit.record("dispute.rejected", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id, dispute_id=dispute.id)  # fmt: skip
    _announce(case, dispute)
    return dispute


def uphold(
    dispute_id: int,
    staff_user_id: int,
    explanation: str,
    *,
    close_case: bool,
    debt_line_id: int | None = None,
    amount: int | None = None,
    version: int | None = None,
):
    """Uphold the dispute: reduce one debt line by `amount`, or (`close_case`) cancel what is
    left and close the case. The debtor is e-mailed. Commits; raises DisputeRefused,
    MoneyChangeRefused or CaseChanged (nothing changed)."""
    dispute, case, text = _take(dispute_id, version, explanation)
    on = today()
    memo = f"Dispute #{dispute.id} upheld"
    try:
        if close_case:
            if balance_of(case.id) > 0:
                write_off(case, None, memo, staff_user_id, on, kind=EntryKind.ADJUSTMENT)
        else:
            reduce_line(case, debt_line_id or 0, amount, memo, staff_user_id, on)
    except Exception:
        db.session.rollback()
        raise
    db.session.flush()
    outcome = "closed" if close_case or balance_of(case.id) <= 0 else "adjusted"
    _decided(dispute, DisputeStatus.UPHELD, outcome, text, staff_user_id)
    case.status = move_case(CaseStatus.DISPUTED, reopened_status(case.id))
    if outcome == "closed":
        close(case, "cancelled", staff_user_id, on, note=memo)
    audit.record("dispute.upheld", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id, dispute_id=dispute.id, outcome=outcome,
                 amount=amount if not close_case else None)  # fmt: skip
    _announce(case, dispute)
    return dispute


def _announce(case: Case, dispute: Dispute) -> None:
    """Record the decision e-mail (key `dispute-decision:<id>`), commit, then try to send it."""
    subjects = {
        "rejected": _l("Your dispute was reviewed: the amount remains due"),
        "adjusted": _l("Your dispute was upheld: the amount due is corrected"),
        "closed": _l("Your dispute was upheld: the case is closed"),
    }
    message = mail.queue_email(
        key=f"dispute-decision:{dispute.id}",
        case=case,
        template="dispute_decision",
        subject=subjects[dispute.outcome],
        dispute=dispute,
        balance=balance_of(case.id),
        link=case_link(case.id, case.link_version),
    )
    db.session.commit()
    if message is not None and message.status == MessageStatus.PENDING:
        mail.deliver([message])


def staff_file(case_id: int, file_id: int) -> tuple[DisputeFile, bytes] | None:
    """A proof file of the case's disputes and its bytes, for staff; None for any other."""
    return debtor_file(case_id, file_id)


def disputes_of(case_id: int) -> list[Dispute]:
    """Every dispute of the case, newest first, with messages, files and who decided."""
    return list(
        db.session.execute(
            select(Dispute)
            .options(joinedload(Dispute.decided_by))
            .where(Dispute.case_id == case_id)
            .order_by(Dispute.id.desc())
        )
        .unique()
        .scalars()
    )
