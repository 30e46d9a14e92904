"""Plans as other features see them: the live plan, the next instalment, payments against it.

Deciding proposals lives in plans_decide.py, the daily job in plans_life.py.
"""

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import selectinload

from portal.domain.plan_states import (
    LIVE_PLAN,
    InstalmentStatus,
    PlanStatus,
    ProposalStatus,
    move_instalment,
    move_plan,
)
from portal.domain.states import CaseStatus, move_case
from portal.extensions import db
from portal.models import ActorKind, Case, Instalment, LedgerEntry, Plan, PlanProposal
from portal.models.base import utcnow
from portal.services import audit


def active_plan(case_id: int) -> Plan | None:
    """The case's live plan (active or at risk), or None."""
    return db.session.execute(
        select(Plan).where(Plan.case_id == case_id, Plan.status.in_(LIVE_PLAN))
    ).scalar_one_or_none()


def next_instalment(case_id: int) -> Instalment | None:
    """The earliest instalment of the live plan not yet fully paid, or None."""
    return db.session.execute(
        select(Instalment)
        .join(Plan, Plan.id == Instalment.plan_id)
        .where(
            Plan.case_id == case_id,
            Plan.status.in_(LIVE_PLAN),
            Instalment.status != InstalmentStatus.PAID,
        )
        .order_by(Instalment.sequence)
        .limit(1)
    ).scalar_one_or_none()


def pending_proposal(case_id: int) -> PlanProposal | None:
    """The case's proposal waiting for a decision or an answer, or None."""
    return db.session.execute(
        select(PlanProposal).where(
            PlanProposal.case_id == case_id, PlanProposal.status == ProposalStatus.PENDING
        )
    ).scalar_one_or_none()


def has_pending_proposal(case_id: int) -> bool:
    """True while a proposal of the case waits for a collector or for the debtor."""
    return pending_proposal(case_id) is not None


def reminders_paused():
    """A condition on `Case`: its ordinary reminders must stop.

    That is: a proposal is pending, or a plan is active or at risk. Correlated EXISTS, so a
    query filtering cases with it (`~reminders_paused()`) reads only the cases it looks at.
    """
    pending = exists().where(
        PlanProposal.case_id == Case.id, PlanProposal.status == ProposalStatus.PENDING
    )
    live = exists().where(Plan.case_id == Case.id, Plan.status.in_(LIVE_PLAN))
    return or_(pending, live)


def reminders_paused_case_ids() -> Select:
    """A select of the ids of cases whose ordinary reminders must stop (for counts)."""
    return select(Case.id).where(reminders_paused())


def _locked_live_plan(case_id: int) -> Plan | None:
    # FOR UPDATE on PostgreSQL, so two payments of one case allocate one after the other.
    return db.session.execute(
        select(Plan).where(Plan.case_id == case_id, Plan.status.in_(LIVE_PLAN)).with_for_update()
    ).scalar_one_or_none()


def _case_balance(case_id: int) -> int:
    total = db.session.execute(
        select(db.func.coalesce(db.func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.case_id == case_id
        )
    ).scalar_one()
    return int(total)


def apply_payment(case: Case, amount_minor: int, paid_on: dt.date) -> None:
    """Allocate a payment to the live plan's instalments, oldest first (the caller commits).

    Call it after the payment's ledger entry is written, in the same transaction. An instalment
    is paid when fully covered; a partial amount stays on the oldest unpaid one. When every
    instalment is paid the plan is completed and the case moves to `paid` (or back to `open`
    if something is still owed, e.g. interest added after the plan). Without a live plan,
    nothing happens here. Money beyond the plan's total stays on the ledger only.
    """
    if amount_minor <= 0:
        return
    plan = _locked_live_plan(case.id)
    if plan is None:
        return
    left = amount_minor
    now = utcnow()
    for instalment in plan.instalments:
        if left == 0:
            break
        if instalment.status == InstalmentStatus.PAID:
            continue
        covered = min(left, instalment.remaining)
        instalment.paid_amount += covered
        left -= covered
        if instalment.paid_amount == instalment.amount:
            instalment.status = move_instalment(instalment.status, InstalmentStatus.PAID)
            instalment.paid_at = now
            audit.record(
                "plan.instalment_paid",
                actor=ActorKind.SYSTEM,
                case_id=case.id,
                plan_id=plan.id,
                sequence=instalment.sequence,
                paid_on=paid_on.isoformat(),
            )
    if all(i.status == InstalmentStatus.PAID for i in plan.instalments):
        plan.status = move_plan(plan.status, PlanStatus.COMPLETED)
        plan.ended_at = now
        db.session.flush()
        target = CaseStatus.PAID if _case_balance(case.id) <= 0 else CaseStatus.OPEN
        if case.status != target:
            case.status = move_case(CaseStatus(case.status), target)
        audit.record("plan.completed", actor=ActorKind.SYSTEM, case_id=case.id, plan_id=plan.id)
    elif plan.status == PlanStatus.AT_RISK and not any(
        i.status == InstalmentStatus.OVERDUE for i in plan.instalments
    ):
        plan.status = move_plan(plan.status, PlanStatus.ACTIVE)
        plan.at_risk_since = None
        audit.record("plan.back_on_track", actor=ActorKind.SYSTEM, case_id=case.id, plan_id=plan.id)


@dataclass
class PlanSummary:
    """What a case page shows of plans: every proposal (newest first) and the latest plan."""

    proposals: list[PlanProposal] = field(default_factory=list)
    plan: Plan | None = None

    @property
    def pending(self) -> PlanProposal | None:
        """The debtor's proposal waiting for a collector."""
        return next(
            (p for p in self.proposals if p.status == ProposalStatus.PENDING and not p.is_counter),
            None,
        )

    @property
    def counter(self) -> PlanProposal | None:
        """The collector's counter-offer waiting for the debtor's answer."""
        return next(
            (p for p in self.proposals if p.status == ProposalStatus.PENDING and p.is_counter),
            None,
        )

    @property
    def live(self) -> bool:
        """True while the latest plan is active or at risk."""
        return self.plan is not None and self.plan.status in LIVE_PLAN

    @property
    def next_instalment(self) -> Instalment | None:
        """The live plan's earliest instalment not yet fully paid (what "pay now" pays)."""
        if not self.live:
            return None
        return next((i for i in self.plan.instalments if i.status != InstalmentStatus.PAID), None)

    @property
    def last_decision(self) -> PlanProposal | None:
        """The newest proposal, when it ended without a plan (rejected, declined, withdrawn)."""
        ended = {ProposalStatus.REJECTED, ProposalStatus.DECLINED, ProposalStatus.WITHDRAWN}
        if self.proposals and self.proposals[0].status in ended:
            return self.proposals[0]
        return None


def case_plans(case_id: int) -> list[Plan]:
    """Every plan the case has had (agreed, then active, completed, broken...), newest first."""
    return list(
        db.session.execute(
            select(Plan)
            .options(selectinload(Plan.proposal))
            .where(Plan.case_id == case_id)
            .order_by(Plan.id.desc())
        ).scalars()
    )


def summary(case_id: int) -> PlanSummary:
    """Proposals (with who decided) and the latest plan with its instalments; 4 queries at most."""
    proposals = list(
        db.session.execute(
            select(PlanProposal)
            .options(selectinload(PlanProposal.decided_by))
            .where(PlanProposal.case_id == case_id)
            .order_by(PlanProposal.created_at.desc(), PlanProposal.id.desc())
        ).scalars()
    )
    plan = None
    agreed = {ProposalStatus.APPROVED, ProposalStatus.ACCEPTED}
    if any(p.status in agreed for p in proposals):
        plan = db.session.execute(
            select(Plan)
            .options(selectinload(Plan.instalments))
            .where(Plan.case_id == case_id)
            .order_by(Plan.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    return PlanSummary(proposals, plan)
