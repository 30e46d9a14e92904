"""A collector's decisions on debtors' proposals: approve, reject, counter-propose, the queue."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.domain import schedule
from portal.domain.plan_states import Frequency, ProposalStatus, ProposedBy
from portal.domain.policy import evaluate
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import ActorKind, Case, PlanProposal, StaffUser
from portal.models.base import utcnow
from portal.services import audit
from portal.services.clock import today
from portal.services.plans.decide import (
    CaseNotPayable,
    NotFound,
    PlanError,
    balance_of,
    claim,
    decision_email,
    deliver_case_messages,
    start_plan,
)
from portal.services.plans.policy import policy_for

REASON_CODES = (
    "instalment_too_low",
    "plan_too_long",
    "first_payment_too_late",
    "budget_not_credible",
    "creditor_refuses",
    "other",
)


class BadSchedule(PlanError):
    """A counter-offer's lines do not sum to the balance, or a date is past or out of order."""


def approve(proposal_id: int, staff: StaffUser) -> PlanProposal:
    """A collector approves a pending proposal: the plan starts. Commits."""
    case = _case_of(proposal_id)
    proposal = claim(
        proposal_id,
        case.id,
        ProposedBy.DEBTOR,
        ProposalStatus.APPROVED,
        decided_by_id=staff.id,
        decided_at=utcnow(),
    )
    if case.status != CaseStatus.OPEN or balance_of(case) <= 0:
        db.session.rollback()
        raise CaseNotPayable(case.id)
    start_plan(case, proposal)
    audit.record(
        "plan.approved",
        actor=ActorKind.STAFF,
        staff_user_id=staff.id,
        case_id=case.id,
        proposal_id=proposal.id,
    )
    _announce(case, proposal)
    return proposal


def _announce(case, proposal: PlanProposal, counter: PlanProposal | None = None) -> None:
    """Record the decision e-mail, commit the decision, then try to send the e-mail."""
    decision_email(case, proposal, counter=counter)
    db.session.commit()
    deliver_case_messages(case)


def _claim_with_reasons(
    proposal_id: int, case, status: ProposalStatus, staff: StaffUser, codes: list[str], text
) -> PlanProposal:
    """Move a pending debtor proposal to `status` with the collector's reasons (first wins)."""
    return claim(
        proposal_id,
        case.id,
        ProposedBy.DEBTOR,
        status,
        decided_by_id=staff.id,
        decided_at=utcnow(),
        reason_codes=codes,
        reason_text=text or None,
    )


def reject(proposal_id: int, staff: StaffUser, codes: list[str], text: str | None) -> PlanProposal:
    """A collector rejects a pending proposal with reason codes and free text. Commits."""
    case = _case_of(proposal_id)
    codes = [c for c in codes if c in REASON_CODES]
    proposal = _claim_with_reasons(proposal_id, case, ProposalStatus.REJECTED, staff, codes, text)
    audit.record(
        "plan.rejected",
        actor=ActorKind.STAFF,
        staff_user_id=staff.id,
        case_id=case.id,
        proposal_id=proposal.id,
        reasons=codes,
    )
    _announce(case, proposal)
    return proposal


def check_counter_lines(lines: list[schedule.Line], balance: int, on: dt.date) -> None:
    """Raise BadSchedule unless the lines sum to the balance, in order, none in the past."""
    if not lines or len(lines) > schedule.MAX_INSTALMENTS:
        raise BadSchedule("count")
    if sum(line.amount for line in lines) != balance or any(x.amount <= 0 for x in lines):
        raise BadSchedule("sum")
    dates = [line.due_on for line in lines]
    if dates[0] < on or any(a >= b for a, b in zip(dates, dates[1:], strict=False)):
        raise BadSchedule("dates")


def counter(
    proposal_id: int,
    staff: StaffUser,
    lines: list[schedule.Line],
    frequency: Frequency,
    codes: list[str],
    text: str | None,
) -> PlanProposal:
    """A collector answers a pending proposal with another schedule for the debtor. Commits."""
    case = _case_of(proposal_id)
    balance = balance_of(case)
    check_counter_lines(lines, balance, today())
    codes = [c for c in codes if c in REASON_CODES]
    proposal = _claim_with_reasons(proposal_id, case, ProposalStatus.COUNTERED, staff, codes, text)
    verdict = evaluate(policy_for(case.creditor), balance, lines, frequency, today())
    offer = PlanProposal(
        case_id=case.id,
        proposed_by=ProposedBy.COLLECTOR,
        parent_id=proposal.id,
        created_by_id=staff.id,
        count=len(lines),
        frequency=frequency,
        first_due_on=lines[0].due_on,
        schedule=schedule.to_json(lines),
        total=balance,
        currency=case.currency,
        status=ProposalStatus.PENDING,
        policy_outcome=str(verdict.outcome),
        policy_reasons=[b.as_dict() for b in verdict.breaches],
    )
    db.session.add(offer)
    db.session.flush()
    audit.record(
        "plan.countered",
        actor=ActorKind.STAFF,
        staff_user_id=staff.id,
        case_id=case.id,
        proposal_id=proposal.id,
        counter_id=offer.id,
    )
    _announce(case, proposal, counter=offer)
    return offer


def _case_of(proposal_id: int) -> Case:
    proposal = db.session.get(PlanProposal, proposal_id)
    if proposal is None:
        raise NotFound(proposal_id)
    return db.session.get(Case, proposal.case_id)


@dataclass
class QueueRow:
    """A proposal waiting for a collector, with its age in days."""

    proposal: PlanProposal
    age_days: int


def queue(limit: int = 200) -> list[QueueRow]:
    """Debtors' proposals waiting for a decision, oldest first, with case and debtor loaded."""
    rows = db.session.execute(
        select(PlanProposal)
        .options(
            joinedload(PlanProposal.case).joinedload(Case.debtor),
            joinedload(PlanProposal.case).joinedload(Case.creditor),
        )
        .where(
            PlanProposal.status == ProposalStatus.PENDING,
            PlanProposal.proposed_by == ProposedBy.DEBTOR,
        )
        .order_by(PlanProposal.created_at, PlanProposal.id)
        .limit(limit)
    ).scalars()
    now = utcnow()
    return [QueueRow(p, (now - p.created_at).days) for p in rows]
