"""The collector's queue: what waits for a person, in tabs, oldest first, with counts.

Each tab is one query on its own table, joined to the case: proposals to decide, open
disputes, call-back requests, plans at risk or broken (whose case has no plan since), failed
charges (of instalments still unpaid). Filters (creditor, assigned to me) apply to every tab;
the counts are one aggregate per tab, computed by the database.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import aliased, joinedload

from portal.domain.payments import PaymentStatus
from portal.domain.plan_states import InstalmentStatus, PlanStatus, ProposalStatus, ProposedBy
from portal.extensions import db
from portal.models import (
    CallbackRequest,
    Case,
    Dispute,
    Instalment,
    Payment,
    Plan,
    PlanProposal,
)
from portal.models.base import utcnow

TABS = ("proposals", "disputes", "callbacks", "plans", "charges")
LIMIT = 200


@dataclass
class Filters:
    """What the collector narrowed the queue to."""

    creditor_id: int | None = None
    staff_user_id: int | None = None  # set: assigned to this collector only


@dataclass
class QueueRow:
    """One thing waiting: its case, since when, and what it is."""

    tab: str
    case: Case
    since: dt.datetime
    item: object

    @property
    def age_days(self) -> int:
        """Whole days it has waited."""
        return max((utcnow() - self.since).days, 0)


def _sources() -> dict[str, tuple[object, object, list]]:
    """Per tab: (the row's entity, the moment it started waiting, its conditions)."""
    later_plan = aliased(Plan)
    retried = aliased(Payment)
    return {
        "proposals": (PlanProposal, PlanProposal.created_at, [
            PlanProposal.case_id == Case.id,
            PlanProposal.status == ProposalStatus.PENDING,
            PlanProposal.proposed_by == ProposedBy.DEBTOR]),
        "disputes": (Dispute, Dispute.opened_at, [
            Dispute.case_id == Case.id, Dispute.status == "open"]),
        "callbacks": (CallbackRequest, CallbackRequest.slot_at, [
            CallbackRequest.case_id == Case.id, CallbackRequest.status == "open"]),
        "plans": (Plan, func.coalesce(Plan.ended_at, Plan.created_at), [
            Plan.case_id == Case.id,
            Plan.status.in_((PlanStatus.AT_RISK, PlanStatus.BROKEN)),
            ~exists().where(later_plan.case_id == Plan.case_id, later_plan.id > Plan.id),
            Case.status.in_(("open", "in_plan"))]),
        "charges": (Payment, Payment.updated_at, [
            Payment.case_id == Case.id,
            Payment.off_session.is_(True),
            Payment.status == PaymentStatus.FAILED,
            Instalment.id == Payment.instalment_id,
            Instalment.status != InstalmentStatus.PAID,
            ~exists().where(retried.instalment_id == Payment.instalment_id,
                            retried.attempt > Payment.attempt)]),
    }  # fmt: skip


def _filtered(stmt: Select, filters: Filters) -> Select:
    if filters.creditor_id is not None:
        stmt = stmt.where(Case.creditor_id == filters.creditor_id)
    if filters.staff_user_id is not None:
        stmt = stmt.where(Case.assigned_collector_id == filters.staff_user_id)
    return stmt


def _base(tab: str, columns) -> Select:
    entity, _since, conditions = _sources()[tab]
    stmt = select(*columns).select_from(entity).join(Case, and_(*conditions[:1]))
    if tab == "charges":
        stmt = stmt.join(Instalment, Instalment.id == Payment.instalment_id)
    return stmt.where(*conditions[1:])


def queue(tab: str, filters: Filters, limit: int = LIMIT) -> list[QueueRow]:
    """The rows of one tab, oldest first, cases loaded with their debtor and creditor."""
    entity, since, _conditions = _sources()[tab]
    stmt = (
        _filtered(_base(tab, (entity, Case, since.label("since"))), filters)
        .options(
            joinedload(Case.debtor), joinedload(Case.creditor), joinedload(Case.assigned_collector)
        )  # fmt: skip
        .order_by(since, Case.id)
        .limit(limit)
    )
    return [QueueRow(tab, case, when, item) for item, case, when in db.session.execute(stmt)]


def counts(filters: Filters) -> dict[str, int]:
    """How many rows each tab holds (one aggregate query per tab)."""
    return {
        tab: int(db.session.execute(_filtered(_base(tab, (func.count(),)), filters)).scalar_one())
        for tab in TABS
    }
