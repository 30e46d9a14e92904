"""Closing a case for good (paid, settled, written off, cancelled), its live plan with it."""

import datetime as dt

from sqlalchemy import select

from portal.domain.ledger import EntryKind
from portal.domain.plan_states import LIVE_PLAN, PlanStatus, move_plan
from portal.domain.states import CLOSE_REASONS, CaseStatus, IllegalTransition, move_case
from portal.extensions import db
from portal.models import ActorKind, Case, Plan
from portal.models.base import utcnow
from portal.services import audit
from portal.services.casework.money import balance_of, write_off


class CloseRefused(ValueError):
    """The case cannot be closed so; `reason` is `reason`, `state` or `balance_left`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


_TARGET = {"paid": CaseStatus.PAID, "settled": CaseStatus.SETTLED}


def close(case: Case, reason: str, staff_user_id: int, on: dt.date, note: str = "") -> None:
    """Close the case (the caller holds its lock and commits). `paid` needs nothing owed;
    `settled` and `written_off` write the rest off; `cancelled` leaves the ledger as it is."""
    if reason not in CLOSE_REASONS:
        raise CloseRefused("reason")
    current = CaseStatus(case.status)
    target = _TARGET.get(reason, CaseStatus.CLOSED)
    if current in (CaseStatus.PAID, CaseStatus.SETTLED):
        target = CaseStatus.CLOSED
    try:
        move_case(current, target)
    except IllegalTransition:
        raise CloseRefused("state") from None
    owed = balance_of(case.id)
    if reason == "paid" and owed > 0:
        raise CloseRefused("balance_left")
    if reason in ("settled", "written_off") and owed > 0:
        memo = ("Settled" if reason == "settled" else "Written off") + (f": {note}" if note else "")
        write_off(case, owed, memo, staff_user_id, on, kind=EntryKind.WRITE_OFF)
    cancel_live_plan(case.id, staff_user_id)
    case.status = target
    case.close_reason = reason
    audit.record("case.closed", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id, reason=reason, note=note[:200] or None)  # fmt: skip


def cancel_live_plan(case_id: int, staff_user_id: int | None) -> None:
    """Cancel the case's active or at-risk plan, if it has one (the caller commits)."""
    plan = db.session.execute(
        select(Plan).where(Plan.case_id == case_id, Plan.status.in_(LIVE_PLAN)).with_for_update()
    ).scalar_one_or_none()
    if plan is None:
        return
    plan.status = move_plan(PlanStatus(plan.status), PlanStatus.CANCELLED)
    plan.ended_at = utcnow()
    audit.record("plan.cancelled", actor=ActorKind.STAFF, case_id=case_id,
                 staff_user_id=staff_user_id, plan_id=plan.id)  # fmt: skip


def reopened_status(case_id: int) -> CaseStatus:
    """Where a case goes back to after a dispute: its plan if one is live, else open."""
    live = db.session.execute(
        select(Plan.id).where(Plan.case_id == case_id, Plan.status.in_(LIVE_PLAN))
    ).first()
    return CaseStatus.IN_PLAN if live else CaseStatus.OPEN
