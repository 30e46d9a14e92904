"""A creditor's portfolio at a glance, in four aggregate queries.

Money comes from the totals each case carries (portal.models.case_totals), not from summing
the ledger: one pass over the creditor's cases in an index, whatever the ledger's size."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select, text
from sqlalchemy import case as when

from portal.domain.plan_states import InstalmentStatus, PlanStatus
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import Case, Instalment, LedgerEntry, Plan
from portal.models.cases import MONEY_IN

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


def _months(creditor_id: int, today: dt.date) -> list[Month]:
    # Payments and refunds of the last months only, from the partial covering index
    # (creditor_id, occurred_on) INCLUDE (amount) WHERE kind IN ('payment', 'refund'): the kinds
    # are written out, not bound, so the planner can prove the index's condition.
    starts = _month_starts(today)[1:]
    ends = starts[1:] + [dt.date.max]
    row = db.session.execute(
        select(
            *(
                func.coalesce(
                    func.sum(
                        when(
                            (
                                and_(LedgerEntry.occurred_on >= s, LedgerEntry.occurred_on < e),
                                -LedgerEntry.amount,
                            ),
                            else_=0,
                        )
                    ),
                    0,
                )
                for s, e in zip(starts, ends, strict=True)
            )
        ).where(
            LedgerEntry.creditor_id == creditor_id,
            text(MONEY_IN),
            LedgerEntry.occurred_on >= starts[0],
        )
    ).one()
    return [Month(start, int(v)) for start, v in zip(starts, row, strict=True)]


def _cases(creditor_id: int, today: dt.date) -> list:
    """Per status: count, charged, collected, balance, then (cases, balance) per age band of
    the open balances, in one index-only scan of (creditor_id, status) INCLUDE (totals)."""
    columns = [
        func.count(),
        func.sum(Case.charged),
        func.sum(Case.collected),
        func.sum(Case.balance),
    ]
    for low, high in AGE_BANDS:
        inside = [Case.balance > 0, Case.oldest_due_on <= today - dt.timedelta(days=low)]
        if high is not None:
            inside.append(Case.oldest_due_on > today - dt.timedelta(days=high + 1))
        columns += [
            func.sum(when((and_(*inside), 1), else_=0)),
            func.sum(when((and_(*inside), Case.balance), else_=0)),
        ]
    return db.session.execute(
        select(Case.status, *columns).where(Case.creditor_id == creditor_id).group_by(Case.status)
    ).all()


def dashboard(creditor_id: int, today: dt.date) -> Dashboard:
    """The creditor's figures as of `today`."""
    rows = _cases(creditor_id, today)
    by_status = {row[0]: int(row[1]) for row in rows}
    placed, collected, outstanding = (sum(int(row[i]) for row in rows) for i in (2, 3, 4))
    open_rows = [row for row in rows if row[0] in OPEN_STATUSES]
    ageing = [
        (band, sum(int(r[5 + 2 * i]) for r in open_rows), sum(int(r[6 + 2 * i]) for r in open_rows))
        for i, band in enumerate(AGE_BANDS)
    ]
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
        ageing=ageing,
        months=_months(creditor_id, today),
    )
