"""The daily plan job: instalments fall overdue, plans go at risk, then break.

Every move is a conditional UPDATE on the state it leaves, so running the job twice, or on two
machines at once, makes each move once; e-mails carry unique keys.
"""

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.domain.plan_states import LIVE_PLAN, InstalmentStatus, PlanStatus
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import ActorKind, Case, Instalment, Plan
from portal.models.base import utcnow
from portal.security import case_link
from portal.services import audit
from portal.services.mail import outbox as mail
from portal.services.plans.policy import policy_for


@dataclass
class TickReport:
    """What one run changed."""

    overdue: int = 0
    at_risk: list[int] = field(default_factory=list)
    broken: list[int] = field(default_factory=list)


def _moved(stmt) -> bool:
    return db.session.execute(stmt.execution_options(synchronize_session=False)).rowcount == 1


def tick(on: dt.date) -> TickReport:
    """Advance every live plan to `on`: overdue instalments, at-risk and broken plans. Commits."""
    report = TickReport()
    plan_ids = (
        db.session.execute(
            select(Plan.id)
            .join(Case, Case.id == Plan.case_id)
            # a disputed case's plan waits: no instalment goes overdue while it is reviewed
            .where(Plan.status.in_(LIVE_PLAN), Case.status != CaseStatus.DISPUTED)
            .order_by(Plan.id)
        )
        .scalars()
        .all()
    )
    for plan_id in plan_ids:
        _tick_plan(plan_id, on, report)
        db.session.commit()
    mail.deliver_pending()
    return report


def _tick_plan(plan_id: int, on: dt.date, report: TickReport) -> None:
    plan = db.session.get(Plan, plan_id)
    case = db.session.get(Case, plan.case_id)
    policy = policy_for(case.creditor)
    missed_before = on - dt.timedelta(days=policy.grace_days)
    for instalment in plan.instalments:
        late = instalment.status == InstalmentStatus.DUE and instalment.due_on < missed_before
        if late and _moved(
            update(Instalment)
            .where(Instalment.id == instalment.id, Instalment.status == InstalmentStatus.DUE)
            .values(status=InstalmentStatus.OVERDUE)
        ):
            report.overdue += 1
    db.session.expire(plan)
    db.session.refresh(plan)
    overdue = any(i.status == InstalmentStatus.OVERDUE for i in plan.instalments)
    if plan.status == PlanStatus.ACTIVE and overdue:
        if _moved(
            update(Plan)
            .where(Plan.id == plan.id, Plan.status == PlanStatus.ACTIVE)
            .values(status=PlanStatus.AT_RISK, at_risk_since=on)
        ):
            report.at_risk.append(plan.id)
            audit.record("plan.at_risk", actor=ActorKind.SYSTEM, case_id=case.id, plan_id=plan.id)
            mail.queue_email(
                key=f"plan-at-risk:{plan.id}:{on.isoformat()}",
                link=case_link(case.id, case.link_version),
                case=case,
                template="plan_at_risk",
                subject=_l("A payment of your plan is missing"),
                plan=plan,
                missed=[i for i in plan.instalments if i.status == InstalmentStatus.OVERDUE],
                break_on=on + dt.timedelta(days=policy.break_after_days),
            )
    elif (
        plan.status == PlanStatus.AT_RISK
        and overdue
        and plan.at_risk_since is not None
        and on >= plan.at_risk_since + dt.timedelta(days=policy.break_after_days)
    ) and _moved(
        update(Plan)
        .where(Plan.id == plan.id, Plan.status == PlanStatus.AT_RISK)
        .values(status=PlanStatus.BROKEN, ended_at=utcnow())
    ):
        db.session.execute(
            update(Case)
            .where(Case.id == case.id, Case.status == CaseStatus.IN_PLAN)
            .values(status=CaseStatus.OPEN)
            .execution_options(synchronize_session=False)
        )
        report.broken.append(plan.id)
        audit.record("plan.broken", actor=ActorKind.SYSTEM, case_id=case.id, plan_id=plan.id)
        db.session.refresh(case)
        mail.queue_email(
            key=f"plan-broken:{plan.id}",
            link=case_link(case.id, case.link_version),
            case=case,
            template="plan_broken",
            subject=_l("Your payment plan has ended"),
            plan=plan,
        )
