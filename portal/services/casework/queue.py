"""The collector's queue: what waits for a person, in tabs, oldest first, with counts.

Each tab is one query on its own table, joined to the case: proposals to decide, open
disputes, call-back requests, plans at risk or broken (whose case has no plan since), failed
charges (of instalments still unpaid), and flagged cases (possibly time-barred and not
reviewed, an excess payment, a bounced e-mail: see flags.py). Filters (creditor, status,
balance band, days since placement, assigned to me) apply to every tab; the counts of every
tab come from one SQL statement.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, and_, case, exists, func, select
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
from portal.services.casework import flags as case_flags
from portal.services.clock import today

TABS = ("proposals", "disputes", "callbacks", "plans", "charges", "flagged")
LIMIT = 200
# Balance bands in minor units: [low, high); None is open-ended.
BANDS = {
    "under_100": (None, 10_000),
    "100_500": (10_000, 50_000),
    "500_2000": (50_000, 200_000),
    "over_2000": (200_000, None),
}
PLACED_DAYS = (30, 90, 180, 365)  # "placed at least N days ago"
SORTS = ("oldest", "newest", "balance_high", "balance_low")


@dataclass
class Filters:
    """What the collector narrowed the queue to, and its order."""

    creditor_id: int | None = None
    staff_user_id: int | None = None  # set: assigned to this collector only
    status: str | None = None
    band: str | None = None
    placed_days: int | None = None
    sort: str = "oldest"


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
        "flagged": (Case, Case.created_at, [None, case_flags.any_flag(today())]),
    }  # fmt: skip


def _filtered(stmt: Select, filters: Filters) -> Select:
    if filters.creditor_id is not None:
        stmt = stmt.where(Case.creditor_id == filters.creditor_id)
    if filters.staff_user_id is not None:
        stmt = stmt.where(Case.assigned_collector_id == filters.staff_user_id)
    if filters.status is not None:
        stmt = stmt.where(Case.status == filters.status)
    if filters.band in BANDS:
        low, high = BANDS[filters.band]
        stmt = stmt.where(Case.balance >= low) if low is not None else stmt
        stmt = stmt.where(Case.balance < high) if high is not None else stmt
    if filters.placed_days is not None:
        stmt = stmt.where(Case.created_at <= utcnow() - dt.timedelta(days=filters.placed_days))
    return stmt


def _base(tab: str, columns) -> Select:
    entity, _since, conditions = _sources()[tab]
    if entity is Case:
        return select(*columns).select_from(Case).where(*conditions[1:])
    stmt = select(*columns).select_from(entity).join(Case, and_(*conditions[:1]))
    if tab == "charges":
        stmt = stmt.join(Instalment, Instalment.id == Payment.instalment_id)
    return stmt.where(*conditions[1:])


def _order(since, filters: Filters) -> tuple:
    return {
        "newest": (since.desc(), Case.id.desc()),
        "balance_high": (Case.balance.desc(), since, Case.id),
        "balance_low": (Case.balance, since, Case.id),
    }.get(filters.sort, (since, Case.id))


def queue(tab: str, filters: Filters, limit: int = LIMIT) -> list[QueueRow]:
    """The rows of one tab in the order asked (oldest first by default), cases loaded with
    their debtor and creditor. A flagged row's item is the list of its flags' names."""
    entity, since, _conditions = _sources()[tab]
    if tab == "flagged":
        named = case_flags.expressions(today())
        columns = [case((cond, 1), else_=0).label(name) for name, cond in named.items()]
    else:
        columns = [entity]
    stmt = (
        _filtered(_base(tab, (Case, since.label("since"), *columns)), filters)
        .options(
            joinedload(Case.debtor), joinedload(Case.creditor), joinedload(Case.assigned_collector)
        )  # fmt: skip
        .order_by(*_order(since, filters))
        .limit(limit)
    )
    rows = []
    for found, when, *rest in db.session.execute(stmt):
        item = [n for n, raised in zip(case_flags.FLAGS, rest, strict=True) if raised] if (
            tab == "flagged") else rest[0]  # fmt: skip
        rows.append(QueueRow(tab, found, when, item))
    return rows


def counts(filters: Filters) -> dict[str, int]:
    """How many rows each tab holds: one SQL statement, one scalar subquery per tab."""
    stmt = select(
        *(_filtered(_base(tab, (func.count(),)), filters).scalar_subquery().label(tab)
          for tab in TABS)
    )  # fmt: skip
    row = db.session.execute(stmt).one()
    return {tab: int(row._mapping[tab]) for tab in TABS}
