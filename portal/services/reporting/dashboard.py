"""A creditor's portfolio at a glance, in five aggregate queries."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy import case as when

from portal.domain.ledger import CHARGE_KINDS, EntryKind
from portal.domain.plan_states import InstalmentStatus, PlanStatus
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import Case, DebtLine, Instalment, LedgerEntry, Plan

OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.IN_PLAN, CaseStatus.DISPUTED, CaseStatus.ESCALATED)
AGE_BANDS = ((0, 30), (31, 90), (91, 180), (181, 365), (366, None))  # days past due
MONTHS = 12


@dataclass
class Month:
    """Money collected in one calendar month."""

    start: dt.date
    collected: int


@dataclass
class Dashboard:
    """Everything the dashboard shows (amounts in minor units)."""

    cases: int
    placed: int
    collected: int
    outstanding: int
    by_status: dict[str, int]
    plans: dict[str, int]
    instalments_due: int
    instalments_paid: int
    ageing: list[tuple[tuple[int, int | None], int, int]]  # (band, cases, balance)
    months: list[Month]

    @property
    def recovery_rate(self) -> float | None:
        """Collected over placed (None when nothing is placed): a ratio for display only."""
        return self.collected / self.placed if self.placed else None

    @property
    def adherence(self) -> float | None:
        """Instalments paid over instalments due to date, for display only."""
        return self.instalments_paid / self.instalments_due if self.instalments_due else None

    @property
    def chart_max(self) -> int:
        """The highest month, the chart's scale."""
        return max((m.collected for m in self.months), default=0)


def _month_starts(today: dt.date) -> list[dt.date]:
    year, month = today.year, today.month
    starts = []
    for _ in range(MONTHS + 1):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]  # oldest first; the last is this month


def _money(creditor_id: int, today: dt.date) -> tuple:
    starts = _month_starts(today)
    money_in = (EntryKind.PAYMENT, EntryKind.REFUND)
    ends = starts[1:] + [dt.date.max]
    per_month = [
        func.coalesce(
            func.sum(
                when(
                    (
                        and_(
                            LedgerEntry.kind.in_(money_in),
                            LedgerEntry.occurred_on >= start,
                            LedgerEntry.occurred_on < end,
                        ),
                        -LedgerEntry.amount,
                    ),
                    else_=0,
                )
            ),
            0,
        )
        for start, end in zip(starts[1:], ends[1:], strict=True)
    ]
    row = db.session.execute(
        select(
            func.coalesce(
                func.sum(when((LedgerEntry.kind.in_(CHARGE_KINDS), LedgerEntry.amount), else_=0)), 0
            ),
            func.coalesce(
                func.sum(when((LedgerEntry.kind.in_(money_in), -LedgerEntry.amount), else_=0)), 0
            ),
            func.coalesce(func.sum(LedgerEntry.amount), 0),
            *per_month,
        )
        .join(Case, Case.id == LedgerEntry.case_id)
        .where(Case.creditor_id == creditor_id)
    ).one()
    months = [Month(start, int(v)) for start, v in zip(starts[1:], row[3:], strict=True)]
    return int(row[0]), int(row[1]), int(row[2]), months


def _ageing(creditor_id: int, today: dt.date) -> list:
    # Balances and oldest due dates by grouped joins (hash aggregates), not per-case subqueries
    # that the planner evaluates again at every reference.
    balances = (
        select(LedgerEntry.case_id, func.sum(LedgerEntry.amount).label("balance"))
        .join(Case, Case.id == LedgerEntry.case_id)
        .where(Case.creditor_id == creditor_id, Case.status.in_(OPEN_STATUSES))
        .group_by(LedgerEntry.case_id)
        .subquery()
    )
    oldest = (
        select(DebtLine.case_id, func.min(DebtLine.due_on).label("oldest"))
        .join(Case, Case.id == DebtLine.case_id)
        .where(Case.creditor_id == creditor_id, Case.status.in_(OPEN_STATUSES))
        .group_by(DebtLine.case_id)
        .subquery()
    )
    per_case = (
        select(balances.c.balance, oldest.c.oldest)
        .join(oldest, oldest.c.case_id == balances.c.case_id)
        .where(balances.c.balance > 0)
        .subquery()
    )
    columns = []
    for low, high in AGE_BANDS:
        inside = [per_case.c.oldest <= today - dt.timedelta(days=low)]
        if high is not None:
            inside.append(per_case.c.oldest > today - dt.timedelta(days=high + 1))
        columns += [
            func.coalesce(func.sum(when((and_(*inside), 1), else_=0)), 0),
            func.coalesce(func.sum(when((and_(*inside), per_case.c.balance), else_=0)), 0),
        ]
    row = db.session.execute(select(*columns).select_from(per_case)).one()
    return [(band, int(row[2 * i]), int(row[2 * i + 1])) for i, band in enumerate(AGE_BANDS)]


def dashboard(creditor_id: int, today: dt.date) -> Dashboard:
    """The creditor's figures as of `today`."""
    placed, collected, outstanding, months = _money(creditor_id, today)
    by_status = dict(
        db.session.execute(
            select(Case.status, func.count())
            .where(Case.creditor_id == creditor_id)
            .group_by(Case.status)
        ).all()
    )
    plans = dict(
        db.session.execute(
            select(Plan.status, func.count())
            .join(Case, Case.id == Plan.case_id)
            .where(Case.creditor_id == creditor_id)
            .group_by(Plan.status)
        ).all()
    )
    due, paid = db.session.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(when((Instalment.status == InstalmentStatus.PAID, 1), else_=0)), 0
            ),
        )
        .join(Plan, Plan.id == Instalment.plan_id)
        .join(Case, Case.id == Plan.case_id)
        .where(
            Case.creditor_id == creditor_id,
            Instalment.due_on < today,
            Plan.status != PlanStatus.CANCELLED,
        )
    ).one()
    return Dashboard(
        cases=sum(by_status.values()),
        placed=placed,
        collected=collected,
        outstanding=outstanding,
        by_status={str(k): v for k, v in by_status.items()},
        plans={str(k): v for k, v in plans.items()},
        instalments_due=int(due),
        instalments_paid=int(paid),
        ageing=_ageing(creditor_id, today),
        months=months,
    )
