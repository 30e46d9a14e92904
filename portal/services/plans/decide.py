"""Proposing a plan, deciding it (policy or collector), answering a counter-offer."""

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.domain import schedule
from portal.domain.plan_states import (
    Frequency,
    InstalmentStatus,
    PlanStatus,
    ProposalStatus,
    ProposedBy,
)
from portal.domain.policy import Offer, Outcome, Verdict, evaluate, nearest_fit
from portal.domain.states import CaseStatus, move_case
from portal.extensions import db
from portal.models import ActorKind, Case, Instalment, MessageStatus, Plan, PlanProposal
from portal.models.base import utcnow
from portal.security import case_link
from portal.services import audit
from portal.services.clock import today
from portal.services.mail import outbox as mail
from portal.services.plans.current import _case_balance
from portal.services.plans.policy import policy_for

# Version of the agreement text the debtor consents to (templates/debtor/_plan_agreement.html).
AGREEMENT_VERSION = "2026-12-1"  # adds how instalments are paid


class PlanError(Exception):
    """A plan request that cannot be granted; the view turns it into a message."""


class CaseNotPayable(PlanError):
    """The case is not open or nothing is owed: no plan can be proposed."""


class PlanAlreadyOpen(PlanError):
    """The case already has a pending proposal or a live plan."""


class AlreadyDecided(PlanError):
    """Someone else decided (or the debtor withdrew) this proposal first."""


class NotFound(PlanError):
    """No such proposal on this case."""


class PolicyRefused(PlanError):
    """The plan breaks a hard limit; `verdict` says which, `offer` is the nearest that fits."""

    def __init__(self, verdict: Verdict, offer: Offer | None):
        super().__init__(verdict.outcome)
        self.verdict, self.offer = verdict, offer


@dataclass(frozen=True)
class Consent:
    """The debtor's agreement to the plan text."""

    ip: str | None
    user_agent: str | None
    version: str = AGREEMENT_VERSION


@dataclass(frozen=True)
class Request:
    """What the debtor asks: a count or an amount per instalment, a frequency, a first date."""

    frequency: Frequency
    first_due_on: dt.date
    count: int | None = None
    amount: int | None = None
    first_amount: int | None = None  # a down payment, when the policy asks for one


@dataclass(frozen=True)
class Preview:
    """A schedule built from a request and what the policy says of it."""

    balance: int
    lines: list[schedule.Line]
    verdict: Verdict
    offer: Offer | None = None


def balance_of(case: Case) -> int:
    """What the case owes now (sum of its ledger)."""
    return _case_balance(case.id)


def preview(case: Case, request: Request, on: dt.date | None = None) -> Preview:
    """Build the schedule for the current balance and judge it; raises ScheduleError."""
    on = on or today()
    balance = balance_of(case)
    if balance <= 0:
        raise CaseNotPayable(case.id)
    lines = schedule.build(
        balance,
        request.first_due_on,
        request.frequency,
        count=request.count,
        amount=request.amount,
        first_amount=request.first_amount,
    )
    policy = policy_for(case.creditor)
    verdict = evaluate(policy, balance, lines, request.frequency, on)
    offer = None
    if verdict.outcome is Outcome.REFUSED:
        offer = nearest_fit(
            policy, balance, len(lines), request.frequency, request.first_due_on, on
        )
    return Preview(balance, lines, verdict, offer)


def _lock_open_case(case: Case) -> None:
    db.session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    db.session.refresh(case)
    if case.status != CaseStatus.OPEN:
        raise CaseNotPayable(case.id)


def propose(
    case: Case,
    request: Request,
    consent: Consent,
    budget: tuple[int, int] | None = None,
) -> PlanProposal:
    """Record the debtor's proposal and decide it at once when the policy allows. Commits.

    Inside the auto limits the plan starts now; between the limits it waits for a collector;
    beyond a hard limit PolicyRefused is raised and nothing is stored.
    """
    _lock_open_case(case)
    if _live_plan_or_pending(case.id):
        raise PlanAlreadyOpen(case.id)
    result = preview(case, request)
    if result.verdict.outcome is Outcome.REFUSED:
        db.session.rollback()
        raise PolicyRefused(result.verdict, result.offer)
    auto = result.verdict.outcome is Outcome.AUTO
    proposal = PlanProposal(
        case_id=case.id,
        proposed_by=ProposedBy.DEBTOR,
        count=len(result.lines),
        instalment_amount=request.amount,
        frequency=request.frequency,
        first_due_on=result.lines[0].due_on,
        schedule=schedule.to_json(result.lines),
        total=result.balance,
        currency=case.currency,
        status=ProposalStatus.APPROVED if auto else ProposalStatus.PENDING,
        policy_outcome=str(result.verdict.outcome),
        policy_reasons=[b.as_dict() for b in result.verdict.breaches],
        consent_at=utcnow(),
        consent_ip=consent.ip,
        consent_user_agent=(consent.user_agent or "")[:300] or None,
        consent_text_version=consent.version,
        budget_income=budget[0] if budget else None,
        budget_expenses=budget[1] if budget else None,
        auto_decided=auto,
        decided_at=utcnow() if auto else None,
    )
    db.session.add(proposal)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent proposal on the same case won
        db.session.rollback()
        raise PlanAlreadyOpen(case.id) from exc
    audit.record(
        "plan.proposed",
        actor=ActorKind.DEBTOR,
        case_id=case.id,
        ip=consent.ip,
        proposal_id=proposal.id,
        outcome=proposal.policy_outcome,
    )
    if auto:
        start_plan(case, proposal)
        audit.record(
            "plan.approved_by_policy",
            actor=ActorKind.SYSTEM,
            case_id=case.id,
            proposal_id=proposal.id,
        )
        decision_email(case, proposal)
    db.session.commit()
    deliver_case_messages(case)
    return proposal


def deliver_case_messages(case: Case) -> None:
    """Try to send the case's e-mails recorded by this decision (after the commit)."""
    mail.deliver(mail.case_messages(case.id, MessageStatus.PENDING))


def _live_plan_or_pending(case_id: int) -> bool:
    from portal.services.plans.current import active_plan, has_pending_proposal

    return active_plan(case_id) is not None or has_pending_proposal(case_id)


def start_plan(case: Case, proposal: PlanProposal) -> Plan:
    """Create the plan and its instalments from an agreed proposal; the case goes in_plan."""
    lines = schedule.from_json(proposal.schedule)
    plan = Plan(
        case_id=case.id,
        proposal_id=proposal.id,
        status=PlanStatus.ACTIVE,
        total=proposal.total,
        currency=proposal.currency,
    )
    plan.instalments = [
        Instalment(
            sequence=i,
            due_on=line.due_on,
            amount=line.amount,
            status=InstalmentStatus.DUE,
            paid_amount=0,
        )
        for i, line in enumerate(lines, start=1)
    ]
    db.session.add(plan)
    case.status = move_case(CaseStatus(case.status), CaseStatus.IN_PLAN)
    db.session.flush()
    audit.record("plan.started", actor=ActorKind.SYSTEM, case_id=case.id, plan_id=plan.id)
    return plan


def decision_email(case: Case, proposal: PlanProposal, counter: PlanProposal | None = None):
    """Record the e-mail telling the debtor of a decision (key `plan-decision:<id>`)."""
    subjects = {
        ProposalStatus.APPROVED: _l("Your payment plan is accepted"),
        ProposalStatus.REJECTED: _l("Your payment plan proposal was not accepted"),
        ProposalStatus.COUNTERED: _l("We propose another payment plan"),
        ProposalStatus.ACCEPTED: _l("Your payment plan is agreed"),
    }
    mail.queue_email(
        key=f"plan-decision:{proposal.id}",
        link=case_link(case.id, case.link_version),
        case=case,
        template="plan_decision",
        subject=subjects[ProposalStatus(proposal.status)],
        proposal=proposal,
        counter=counter,
        lines=schedule.from_json((counter or proposal).schedule),
    )


def claim(proposal_id: int, case_id: int, by: ProposedBy, target: ProposalStatus, **values):
    """Move a pending proposal to `target` only if still pending: the one that wins."""
    result = db.session.execute(
        update(PlanProposal)
        .where(
            PlanProposal.id == proposal_id,
            PlanProposal.case_id == case_id,
            PlanProposal.proposed_by == by,
            PlanProposal.status == ProposalStatus.PENDING,
        )
        .values(status=target, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        exists = db.session.get(PlanProposal, proposal_id)
        if exists is None or exists.case_id != case_id or exists.proposed_by != by:
            raise NotFound(proposal_id)
        raise AlreadyDecided(proposal_id)
    proposal = db.session.get(PlanProposal, proposal_id)
    db.session.refresh(proposal)
    return proposal


def withdraw(case: Case, proposal_id: int, ip: str | None = None) -> PlanProposal:
    """The debtor withdraws their pending proposal. Commits."""
    proposal = claim(
        proposal_id, case.id, ProposedBy.DEBTOR, ProposalStatus.WITHDRAWN, decided_at=utcnow()
    )
    audit.record(
        "plan.withdrawn", actor=ActorKind.DEBTOR, case_id=case.id, ip=ip, proposal_id=proposal.id
    )
    db.session.commit()
    return proposal


def answer_counter(case: Case, proposal_id: int, accept: bool, consent: Consent) -> PlanProposal:
    """The debtor accepts (the plan starts) or declines a collector's counter-offer. Commits."""
    target = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    values = {"decided_at": utcnow()}
    if accept:
        values |= {
            "consent_at": utcnow(),
            "consent_ip": consent.ip,
            "consent_user_agent": (consent.user_agent or "")[:300] or None,
            "consent_text_version": consent.version,
        }
    proposal = claim(proposal_id, case.id, ProposedBy.COLLECTOR, target, **values)
    db.session.refresh(case)
    if accept:
        if case.status != CaseStatus.OPEN or balance_of(case) <= 0:
            db.session.rollback()
            raise CaseNotPayable(case.id)
        start_plan(case, proposal)
        decision_email(case, proposal)
    audit.record(
        "plan.counter_accepted" if accept else "plan.counter_declined",
        actor=ActorKind.DEBTOR,
        case_id=case.id,
        ip=consent.ip,
        proposal_id=proposal.id,
    )
    db.session.commit()
    deliver_case_messages(case)
    return proposal
