"""A creditor's portfolio at a glance, in four aggregate queries.

Money comes from the totals each case carries and the creditor's monthly rollup
(portal.models.case_totals), not from summing the ledger: one pass over the creditor's cases in
an index and twelve rows, whatever the ledger's size."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case as when
from sqlalchemy import func, select

from portal.domain.plan_states import InstalmentStatus, PlanStatus
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import Case, Instalment, Plan
from portal.models.case_totals import CreditorMonth

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
    """The last months' money in, from the monthly rollup the ledger's triggers keep."""
    starts = _month_starts(today)[1:]
    collected = dict(
        db.session.execute(
            select(CreditorMonth.month, CreditorMonth.collected).where(
                CreditorMonth.creditor_id == creditor_id, CreditorMonth.month >= starts[0]
            )
        ).all()
    )
    return [Month(start, int(collected.get(start, 0))) for start in starts]


def _band(today: dt.date):
    """The age band's index of a case's open balance (NULL: none, or not yet due)."""
    bands = [(Case.balance <= 0, None), (Case.oldest_due_on > today, None)]
    for i, (_low, high) in enumerate(AGE_BANDS[:-1]):
        bands.append((Case.oldest_due_on > today - dt.timedelta(days=high + 1), i))
    return when(*bands, else_=len(AGE_BANDS) - 1)


def _cases(creditor_id: int, today: dt.date) -> list:
    """(status, age band, count, charged, collected, balance) groups, in one index-only scan
    of (creditor_id, status) INCLUDE (totals): one expression per case, not one per band."""
    band = _band(today).label("band")
    return db.session.execute(
        select(
            Case.status,
            band,
            func.count(),
            func.sum(Case.charged),
            func.sum(Case.collected),
            func.sum(Case.balance),
        )
        .where(Case.creditor_id == creditor_id)
        .group_by(Case.status, band)
    ).all()


def dashboard(creditor_id: int, today: dt.date) -> Dashboard:
    """The creditor's figures as of `today`."""
    rows = _cases(creditor_id, today)
    by_status: dict = {}
    for row in rows:
        by_status[row[0]] = by_status.get(row[0], 0) + int(row[2])
    placed, collected, outstanding = (sum(int(row[i]) for row in rows) for i in (3, 4, 5))
    ageing = []
    for i, band in enumerate(AGE_BANDS):
        inside = [r for r in rows if r[0] in OPEN_STATUSES and r[1] is not None and int(r[1]) == i]
        ageing.append((band, sum(int(r[2]) for r in inside), sum(int(r[5]) for r in inside)))
    plans = dict(
        db.session.execute(
            select(Plan.status, func.count())
            .where(Plan.creditor_id == creditor_id)
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
        .where(
            Plan.creditor_id == creditor_id,
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
